"""Exporting the projected network for the tools people use beside Python: GraphML and GEXF (Gephi,
yEd), Cytoscape JSON, and node and edge CSV tables. Files are written atomically and the same graph
always gives byte-identical files."""

from __future__ import annotations

import csv
import io
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.files import write_atomically

if TYPE_CHECKING:
    import networkx as nx


class ExportFormat(StrEnum):
    """The file formats :func:`export_graph` writes."""

    graphml = "graphml"
    gexf = "gexf"
    cytoscape = "cytoscape"
    csv = "csv"

    @property
    def default_name(self) -> str:
        """The file (or, for CSV, folder) name used when no output path is given."""
        return {"graphml": "alignkg.graphml", "gexf": "alignkg.gexf", "cytoscape": "alignkg.cyjs"}.get(
            self.value, "alignkg-csv"
        )


NODE_COLUMNS = ["id", "label", "label_zh", "class", "class_label", "description", "sources"]
EDGE_COLUMNS = ["source", "target", "predicate", "label", "provenance"]
"""Edge columns; ``provenance`` is the id of the source stating the fact (``aksrc:...``)."""


def _plain(key: str, value: Any) -> dict[str, str]:
    """One attribute as flat string attributes: lists joined, mappings spread over ``key:name``."""
    if key == "attributes" and isinstance(value, dict):
        key = "value"
    if isinstance(value, dict):
        return {f"{key}:{k}": text for k, v in sorted(value.items()) for text in _plain("", v).values()}
    if isinstance(value, list | tuple | set):
        return {key: "; ".join(sorted(str(v) for v in value))} if value else {}
    return {} if value is None or value == "" else {key: str(value)}


def flatten(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose node and edge attributes are plain strings, as file formats require.

    Lists (``sources``) become sorted, ``; ``-separated strings; mappings are spread over one
    attribute per entry (each literal value in ``attributes`` becomes ``value:<property>``, each
    label in ``labels`` ``labels:<language>``); the edge's ``source`` (the id of the source stating
    the fact) becomes ``provenance``, so it cannot be mistaken for the edge's source node. Empty
    values are left out.
    """
    import networkx as nx  # imported on use: the export formats are listed without it

    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs: dict[str, str] = {}
        for key, value in data.items():
            attrs.update(_plain(key, value))
        flat.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {}
        for name, value in data.items():
            attrs.update(_plain("provenance" if name == "source" else name, value))
        flat.add_edge(u, v, key=key, **attrs)
    return flat


def _graphml(flat: nx.MultiDiGraph) -> bytes:
    import networkx as nx  # imported on use: the export formats are listed without it

    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _gexf(flat: nx.MultiDiGraph) -> bytes:
    import networkx as nx  # imported on use: the export formats are listed without it

    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True)
    # networkx stamps today's date on the file; leave it out so the same graph gives the same bytes
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1)


def _cytoscape(flat: nx.MultiDiGraph) -> bytes:
    import networkx as nx  # imported on use: the export formats are listed without it

    document: dict[str, Any] = nx.cytoscape_data(flat)
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _table(header: list[str], rows: list[list[str]]) -> bytes:
    from alignkg.model.terms import spreadsheet_safe  # rdflib: not on the import path of --help

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(c) if isinstance(c, str) else c for c in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _csv(flat: nx.MultiDiGraph) -> tuple[bytes, bytes]:
    extra = sorted({k for _, d in flat.nodes(data=True) for k in d if k not in NODE_COLUMNS})
    node_header = [*NODE_COLUMNS, *extra]
    nodes = [[str(node), *(data.get(c, "") for c in node_header[1:])] for node, data in flat.nodes(data=True)]
    edges = [
        [str(u), str(v), *(data.get(c, "") for c in EDGE_COLUMNS[2:])] for u, v, data in flat.edges(data=True)
    ]
    return _table(node_header, nodes), _table(EDGE_COLUMNS, edges)


def export_graph(graph: nx.MultiDiGraph, out: Path | str, *, fmt: ExportFormat) -> list[Path]:
    """Write ``graph`` (from :func:`alignkg.to_networkx`) to ``out`` in ``fmt``; return the files.

    For CSV, ``out`` is a folder that receives ``nodes.csv`` and ``edges.csv``. Nothing is
    replaced unless every file could be written.
    """
    target = Path(out)
    flat = flatten(graph)
    outputs: dict[Path, bytes]
    if fmt is ExportFormat.csv:
        if target.exists() and not target.is_dir():
            raise AlignkgError("CSV export needs a folder, not a file", Location(target))
        nodes, edges = _csv(flat)
        outputs = {target / "nodes.csv": nodes, target / "edges.csv": edges}
    else:
        if target.is_dir():
            raise AlignkgError(f"{fmt.value} export needs a file name, not a folder", Location(target))
        writer = {
            ExportFormat.graphml: _graphml,
            ExportFormat.gexf: _gexf,
            ExportFormat.cytoscape: _cytoscape,
        }
        outputs = {target: writer[fmt](flat)}
    write_atomically(outputs)
    return sorted(outputs)
