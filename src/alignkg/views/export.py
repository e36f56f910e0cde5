"""Exporting the projected network for the tools people use beside Python: GraphML (yEd, Gephi,
graphology, networkx), GEXF 1.3 (Gephi, graphology), Cytoscape JSON (cytoscape.js and Cytoscape)
and node and edge CSV tables. Files are written atomically and the same graph always gives
byte-identical files.

Every edge has its own id (``e0``, ``e1``...), nodes are named by their labels, numbers and dates
keep their types (from the literals' datatypes), attribute names are XML name tokens, GraphML
node ids are name tokens too (:func:`name_token`: full IRIs have their ``/``, ``?``... escaped),
and characters XML 1.0 cannot hold (ESC, BEL and the other C0 controls) are dropped from XML files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
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

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAME_CHARS = "A-Za-z0-9._:\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u3007\u3021-\u3029\u4e00-\u9fa5-"
"""Characters every edition of XML 1.0 allows in a name token (XML Schema validators such as
libxml2 apply the older, narrower edition): ASCII letters, digits and ``._:-``, the Latin-1
letters and the CJK ideographs U+4E00 to U+9FA5."""
_NOT_NAME = re.compile(f"[^{_NAME_CHARS}]")
_ESCAPED = re.compile(f"_(?=x)|[^{_NAME_CHARS}]")
_INTEGERS = {"integer", "int", "long", "short", "byte", "positiveInteger", "nonNegativeInteger"}
_INTEGERS |= {"negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort"}
_REALS = {"decimal", "double", "float"}
_DATES = {"date", "dateTime"}
_GRAPHML_TYPES = {
    "long": "long",
    "double": "double",
    "boolean": "boolean",
    "date": "string",
    "string": "string",
}
_GEXF_TYPES = _GRAPHML_TYPES
"""Dates are written as ISO 8601 text (``2025-01-09``): GraphML has no date type and GEXF readers
(networkx among them) do not all read GEXF's."""


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (C0 controls but tab and newlines,
    lone surrogates, U+FFFE and U+FFFF).

    >>> xml_text("Baogang\\x1b[31m\\x07 Group")
    'Baogang[31m Group'
    """
    return _NOT_XML.sub("", text)


def name_token(text: str) -> str:
    """``text`` as an XML name token, which GraphML ids must be: each character outside
    ``_NAME_CHARS``, and each ``_`` before an ``x``, becomes ``_xHHHH_`` (its code point in hex),
    so different ids stay different and ``re.sub(r"_x([0-9A-F]+)_", ...)`` gives them back.

    >>> name_token("akid:baogang-group")
    'akid:baogang-group'
    >>> name_token("https://example.org/a?b=1")
    'https:_x002F__x002F_example.org_x002F_a_x003F_b_x003D_1'
    >>> name_token("_x2F_ 包头")
    '_x005F_x2F__x0020_包头'
    """
    return _ESCAPED.sub(lambda found: f"_x{ord(found[0]):04X}_", text)


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
    values are left out, and so are the ``datatypes``, which :func:`typed_records` applies.
    """
    import networkx as nx  # imported on use: the export formats are listed without it

    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs: dict[str, str] = {}
        for key, value in data.items():
            if key != "datatypes":
                attrs.update(_plain(key, value))
        flat.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {}
        for name, value in data.items():
            attrs.update(_plain("provenance" if name == "source" else name, value))
        flat.add_edge(u, v, key=key, **attrs)
    return flat


def _typed(text: str, datatype: str | None) -> tuple[str, Any]:
    """A value's kind (long, double, boolean, date or string) and its Python value."""
    local = (datatype or "").rpartition(":")[2].rpartition("#")[2]
    try:
        if local in _INTEGERS:
            return "long", int(text)
        if local in _REALS:
            return "double", float(text)
    except ValueError:
        return "string", text
    if local == "boolean" and text in ("true", "false", "1", "0"):
        return "boolean", text in ("true", "1")
    if local in _DATES:
        return "date", text
    return "string", text


Record = tuple[dict[str, Any], dict[str, str]]
"""Attributes by export name and the kind of each."""


def _record(data: dict[str, Any], plain: dict[str, str]) -> Record:
    datatypes: dict[str, str] = data.get("datatypes") or {}
    values: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for key, text in plain.items():
        name = _NOT_NAME.sub("_", key)
        datatype = datatypes.get(key.removeprefix("value:")) if key.startswith("value:") else None
        kind, value = _typed(text, datatype) if "; " not in text else ("string", text)
        values[name], kinds[name] = value, kind
    return values, kinds


Nodes = list[tuple[str, dict[str, Any]]]
Edges = list[tuple[str, str, str, dict[str, Any]]]


def typed_records(graph: nx.MultiDiGraph) -> tuple[Nodes, Edges, dict[str, str], dict[str, str]]:
    """Nodes ``(id, attributes)`` and edges ``(edge id, source, target, attributes)`` with typed
    values, and the kind of each node and edge attribute (string where nodes disagree)."""
    flat = flatten(graph)
    node_kinds: dict[str, str] = {}
    edge_kinds: dict[str, str] = {}
    nodes: Nodes = []
    for node, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        values, kinds = _record(data, flat.nodes[node])
        nodes.append((str(node), values))
        for name, kind in kinds.items():
            node_kinds[name] = kind if node_kinds.get(name, kind) == kind else "string"
    edges: Edges = []
    ordered = sorted(flat.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    for index, (u, v, _key, data) in enumerate(ordered):
        values, kinds = _record({}, data)
        edges.append((f"e{index}", str(u), str(v), values))
        for name, kind in kinds.items():
            edge_kinds[name] = kind if edge_kinds.get(name, kind) == kind else "string"
    for values, kinds in [*((n[-1], node_kinds) for n in nodes), *((e[-1], edge_kinds) for e in edges)]:
        values.update({k: str(v) for k, v in values.items() if kinds[k] == "string"})
    return nodes, edges, node_kinds, edge_kinds


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_text(repr(value) if isinstance(value, float) else str(value))


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(ET.tostring(root, encoding="utf-8")) + b"\n"


def _graphml(graph: nx.MultiDiGraph) -> bytes:
    nodes, edges, node_kinds, edge_kinds = typed_records(graph)
    root = ET.Element(
        "graphml",
        {
            "xmlns": "http://graphml.graphdrawing.org/xmlns",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": "http://graphml.graphdrawing.org/xmlns "
            "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
        },
    )
    ids: dict[tuple[str, str], str] = {}
    for domain, kinds in (("node", node_kinds), ("edge", edge_kinds)):
        for name, kind in sorted(kinds.items()):
            ids[domain, name] = key = f"d{len(ids)}"
            attributes = {"id": key, "for": domain, "attr.name": name, "attr.type": _GRAPHML_TYPES[kind]}
            ET.SubElement(root, "key", attributes)
    body = ET.SubElement(root, "graph", {"id": "alignkg", "edgedefault": "directed"})
    for node, values in nodes:
        element = ET.SubElement(body, "node", {"id": name_token(node)})
        for name, value in sorted(values.items()):
            ET.SubElement(element, "data", {"key": ids["node", name]}).text = _xml_value(value)
    for edge, u, v, values in edges:
        element = ET.SubElement(body, "edge", {"id": edge, "source": name_token(u), "target": name_token(v)})
        for name, value in sorted(values.items()):
            ET.SubElement(element, "data", {"key": ids["edge", name]}).text = _xml_value(value)
    return _xml_bytes(root)


def _gexf(graph: nx.MultiDiGraph) -> bytes:
    nodes, edges, node_kinds, edge_kinds = typed_records(graph)
    root = ET.Element(
        "gexf",
        {
            "xmlns": "http://gexf.net/1.3",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            "version": "1.3",
        },
    )
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "alignkg"
    ET.SubElement(meta, "description").text = xml_text(str(graph.graph.get("shown") or "alignkg graph"))
    body = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    ids: dict[tuple[str, str], str] = {}
    for domain, kinds in (("node", node_kinds), ("edge", edge_kinds)):
        declared = ET.SubElement(body, "attributes", {"class": domain, "mode": "static"})
        for name, kind in sorted(kinds.items()):
            ids[domain, name] = key = str(len(ids))
            ET.SubElement(declared, "attribute", {"id": key, "title": name, "type": _GEXF_TYPES[kind]})
    container = ET.SubElement(body, "nodes")
    for node, values in nodes:
        label = xml_text(str(values.get("label", node)))
        _attvalues(
            ET.SubElement(container, "node", {"id": xml_text(node), "label": label}), values, ids, "node"
        )
    container = ET.SubElement(body, "edges")
    for edge, u, v, values in edges:
        label = xml_text(str(values.get("label", values.get("predicate", ""))))
        attributes = {"id": edge, "source": xml_text(u), "target": xml_text(v), "label": label}
        _attvalues(ET.SubElement(container, "edge", attributes), values, ids, "edge")
    return _xml_bytes(root)


def _attvalues(
    element: ET.Element, values: dict[str, Any], ids: dict[tuple[str, str], str], domain: str
) -> None:
    found = ET.SubElement(element, "attvalues")
    for name, value in sorted(values.items()):
        ET.SubElement(found, "attvalue", {"for": ids[domain, name], "value": _xml_value(value)})


def _cytoscape(graph: nx.MultiDiGraph) -> bytes:
    nodes, edges, _, _ = typed_records(graph)
    elements: dict[str, list[dict[str, Any]]] = {"nodes": [], "edges": []}
    for node, values in nodes:
        elements["nodes"].append({"data": {**values, "id": node, "name": str(values.get("label", node))}})
    for edge, u, v, values in edges:
        name = f"{u} ({values.get('predicate', 'related')}) {v}"
        data = {**values, "id": edge, "source": u, "target": v, "name": name}
        elements["edges"].append({"data": {**data, "interaction": values.get("predicate", "")}})
    document = {
        "data": {"name": str(graph.graph.get("shown") or "alignkg graph"), "directed": True},
        "elements": elements,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _table(header: list[str], rows: list[list[str]]) -> bytes:
    from alignkg.model.cells import formula_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([formula_safe(c) if isinstance(c, str) else c for c in row] for row in rows)
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
    outputs: dict[Path, bytes]
    if fmt is ExportFormat.csv:
        if target.exists() and not target.is_dir():
            raise AlignkgError("CSV export needs a folder, not a file", Location(target))
        nodes, edges = _csv(flatten(graph))
        outputs = {target / "nodes.csv": nodes, target / "edges.csv": edges}
    else:
        if target.is_dir():
            raise AlignkgError(f"{fmt.value} export needs a file name, not a folder", Location(target))
        writer = {
            ExportFormat.graphml: _graphml,
            ExportFormat.gexf: _gexf,
            ExportFormat.cytoscape: _cytoscape,
        }
        outputs = {target: writer[fmt](graph)}
    write_atomically(outputs)
    return sorted(outputs)
