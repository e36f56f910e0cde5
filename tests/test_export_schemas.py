"""GraphML exports validated with lxml against the GraphML schema kept in tests/schemas/graphml
(its README names origin and licence), every schema file read from that folder and anything else
refused, so validation never reaches the network: the shipped graph, a query's answer full of
awkward text (markup characters, quotes, Chinese, full IRIs as ids, typed numbers and dates), and
broken documents the schema must reject. No GEXF 1.3 schema is kept (see the README), so GEXF is
checked by its readers and the rules in test_export_consumers.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from lxml import etree

import alignkg

SCHEMAS = (Path(__file__).parent / "schemas").resolve()
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
FIRM = "https://example.org/firm?a=1&b=2"
PLANT = "https://example.org/plant/包头"
AWKWARD = f"""
SELECT ?subject ?predicate ?object WHERE {{ VALUES (?subject ?predicate ?object) {{
  (<{FIRM}> <https://example.org/owns#plant> <{PLANT}>)
  (<{FIRM}> "founded on" "1954-04-01"^^xsd:date)
  (<{FIRM}> "staff (人)" "12345"^^xsd:integer)
  (<{FIRM}> "share²" "0.25"^^xsd:decimal)
  (<{PLANT}> "name <\\"&\\">" "包钢 <&> \\"quoted\\" 'single'")
}} }}"""
LABEL = "Baotou \"Steel\" <Plant> & 'Co.' 包头钢铁"


class LocalFilesOnly(etree.Resolver):
    """Lets libxml2 read files under the given folders (tests/schemas) and refuses every other
    file and every URL, keeping what it refused."""

    def __init__(self, *folders: Path) -> None:
        super().__init__()
        self.folders = [f.resolve() for f in folders or (SCHEMAS,)]
        self.refused: list[str] = []

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        path = Path(system_url.removeprefix("file://")).resolve()
        if system_url.startswith(("/", "file:///")) and any(path.is_relative_to(f) for f in self.folders):
            return self.resolve_filename(str(path), context)
        self.refused.append(system_url)
        raise OSError(f"refused to read {system_url}: schemas are read from {self.folders} only")


def load_schema(path: Path, resolver: LocalFilesOnly | None = None) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(resolver or LocalFilesOnly())
    return etree.XMLSchema(etree.parse(str(path), parser))


@pytest.fixture(scope="module")
def graphml_schema() -> etree.XMLSchema:
    return load_schema(SCHEMAS / "graphml" / "graphml.xsd")


def problems(schema: etree.XMLSchema, document: etree._ElementTree) -> list[str]:
    """What the schema finds wrong with the document, one line each (empty when it is valid)."""
    schema.validate(document)
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def exported(graph: nx.MultiDiGraph, folder: Path) -> etree._ElementTree:
    [path] = alignkg.export_graph(graph, folder / "g.graphml", fmt=alignkg.ExportFormat.graphml)
    return etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))


def unescaped(name: str) -> str:
    """A GraphML id read back: each ``_xHHHH_`` escape becomes its character again."""
    return re.sub(r"_x([0-9A-F]+)_", lambda m: chr(int(m[1], 16)), name)


@pytest.fixture(scope="module")
def awkward(built: alignkg.BuildReport) -> nx.MultiDiGraph:
    graph = alignkg.to_networkx(built.dataset, query=AWKWARD)
    graph.nodes[PLANT]["label"] = LABEL
    graph.nodes[PLANT]["label_zh"] = "包头钢铁厂"
    return graph


def test_the_shipped_graph_exports_valid_graphml(
    built: alignkg.BuildReport, graphml_schema: etree.XMLSchema, tmp_path: Path
) -> None:
    graph = alignkg.to_networkx(built.dataset)
    graph.nodes["akid:dingri-earthquake-2025"]["description"] = "Dingri\x1b[31m quake\x07 report\x0c"
    document = exported(graph, tmp_path)
    assert problems(graphml_schema, document) == []
    nodes = document.findall(f"{GRAPHML}graph/{GRAPHML}node")
    assert len(nodes) == graph.number_of_nodes() > 0


def test_one_sources_graph_exports_valid_graphml(
    built: alignkg.BuildReport, graphml_schema: etree.XMLSchema, tmp_path: Path
) -> None:
    graph = alignkg.to_networkx(built.dataset, sources=["chinastsi-ccdi-fourth-plenary"])
    assert problems(graphml_schema, exported(graph, tmp_path)) == []


def test_an_answer_with_awkward_text_exports_valid_graphml(
    awkward: nx.MultiDiGraph, graphml_schema: etree.XMLSchema, tmp_path: Path
) -> None:
    assert problems(graphml_schema, exported(awkward, tmp_path)) == []
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert {unescaped(n) for n in back} == {FIRM, PLANT}
    by_id = {unescaped(n): data for n, data in back.nodes(data=True)}
    assert by_id[PLANT]["label"] == LABEL and by_id[PLANT]["label_zh"] == "包头钢铁厂"
    assert by_id[PLANT]["value:name______"] == "包钢 <&> \"quoted\" 'single'"
    firm = by_id[FIRM]
    assert (firm["value:founded_on"], firm["value:staff__人_"], firm["value:share_"]) == (
        "1954-04-01",
        12345,
        0.25,
    )
    [(u, v, edge)] = back.edges(data=True)
    assert (unescaped(u), unescaped(v), edge["predicate"]) == (FIRM, PLANT, "https://example.org/owns#plant")


def _graph(root: etree._Element) -> etree._Element:
    found = root.find(f"{GRAPHML}graph")
    assert found is not None
    return found


def _nodes(root: etree._Element) -> list[etree._Element]:
    return root.findall(f"{GRAPHML}graph/{GRAPHML}node")


def _first(root: etree._Element, tag: str) -> etree._Element:
    found = root.find(f".//{GRAPHML}{tag}")
    assert found is not None
    return found


BREAKAGES: dict[str, tuple[Callable[[etree._Element], None], str]] = {
    "empty graph id": (lambda root: _graph(root).set("id", ""), "NMTOKEN"),
    "no edgedefault": (lambda root: _graph(root).attrib.pop("edgedefault"), "edgedefault"),
    "duplicate node id": (
        lambda root: _nodes(root)[1].set("id", _nodes(root)[0].get("id", "")),
        "node_id_key",
    ),
    "edge to a missing node": (lambda root: _first(root, "edge").set("target", "nowhere"), "edge_target_ref"),
    "data of an undeclared key": (lambda root: _first(root, "data").set("key", "d999"), "data_key_ref"),
    "a type GraphML lacks": (lambda root: _first(root, "key").set("attr.type", "date"), "enumeration"),
    "an IRI as a node id": (lambda root: _nodes(root)[0].set("id", FIRM), "NMTOKEN"),
    "a name XML does not allow": (
        lambda root: _first(root, "key").set("attr.name", "share²"),
        "key.name.type",
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_the_schema_rejects_a_broken_export(
    awkward: nx.MultiDiGraph, graphml_schema: etree.XMLSchema, tmp_path: Path, breakage: str
) -> None:
    document = exported(awkward, tmp_path)
    assert problems(graphml_schema, document) == []
    breaks, expected = BREAKAGES[breakage]
    breaks(document.getroot())
    found = problems(graphml_schema, document)
    assert found and any(expected in line for line in found), found


def test_schemas_are_read_from_disk_only(tmp_path: Path) -> None:
    remote = tmp_path / "remote.xsd"
    remote.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:import namespace="urn:x" schemaLocation="http://example.invalid/x.xsd"/></xs:schema>',
        encoding="utf-8",
    )
    resolver = LocalFilesOnly(tmp_path)
    with pytest.raises(etree.XMLSchemaParseError, match=r"example\.invalid"):
        load_schema(remote, resolver)
    assert resolver.refused == ["http://example.invalid/x.xsd"]
    outside = LocalFilesOnly()
    with pytest.raises(OSError, match="refused"):
        load_schema(remote, outside)
    assert outside.refused == [str(remote)]
