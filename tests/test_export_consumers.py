"""Exports loaded by the programs that consume them: graphology with graphology-gexf and
graphology-graphml, and cytoscape.js (``cy.json()``), run by node from tests/js (installed with
``npm ci``); and the XML checked against the rules the GraphML and GEXF 1.3 schemas set for it
(name tokens, declared types, unique ids, no characters XML 1.0 cannot hold). Skipped with a
reason when tests/js/node_modules is missing, except under CI=true."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import alignkg

JS = Path(__file__).parent / "js"
TREMOR = "akid:test-tremor"
NMTOKEN = re.compile(r"^[\w.:-]+$")
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://gexf.net/1.3}"
NOISY = "Tremor\x1b[31m quake\x07 report\x0c"  # ESC, BEL and form feed, as pasted terminal text can hold


@pytest.fixture(scope="module")
def network(built: alignkg.BuildReport) -> nx.MultiDiGraph:
    graph = alignkg.to_networkx(built.dataset)
    # an invented event of the tests' own, so that the exports carry a decimal, a date and control
    # characters whatever the shipped data holds
    graph.add_node(
        TREMOR,
        label="Test tremor (invented)",
        label_zh=None,
        labels={"en": "Test tremor (invented)"},
        **{"class": "ak:Earthquake", "class_label": "Earthquake"},
        description=NOISY,
        sources=["aksrc:baogang-directives-article"],
        attributes={"magnitude": "6.8", "date": "2000-01-02"},
        datatypes={"magnitude": "xsd:decimal", "date": "xsd:date"},
        group="events",
    )
    source = "aksrc:baogang-directives-article"
    location = {"predicate": "schema:location", "label": "location", "sources": [source], "source": source}
    graph.add_edge(TREMOR, "akid:dingri-county", key="schema:location", **location)
    return graph


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None or not (JS / "node_modules" / "graphology").is_dir():
        message = "node or tests/js/node_modules is missing (run 'make js-deps', which runs npm ci)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def load(node: str, fmt: str, path: Path) -> Any:
    done = subprocess.run(
        [node, str(JS / "load.js"), fmt, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def export(network: nx.MultiDiGraph, folder: Path, fmt: alignkg.ExportFormat) -> Path:
    [path] = alignkg.export_graph(network, folder / fmt.default_name, fmt=fmt)
    return path


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graphology_reads_every_node_and_edge_with_typed_values(
    node: str, network: nx.MultiDiGraph, tmp_path: Path, fmt: str
) -> None:
    graph = load(node, fmt, export(network, tmp_path, alignkg.ExportFormat(fmt)))
    assert (graph["order"], graph["size"]) == (network.number_of_nodes(), network.number_of_edges())
    assert graph["type"] == "directed" and graph["multi"] is True
    assert len({edge["id"] for edge in graph["edges"]}) == network.number_of_edges()
    quake = graph["nodes"][TREMOR]
    assert quake["label"] == "Test tremor (invented)"
    assert quake["value:magnitude"] == 6.8
    assert quake["value:date"] == "2000-01-02"
    assert quake["description"] == "Tremor[31m quake report"
    issued = [e for e in graph["edges"] if e["attributes"]["predicate"] == "ak:issuedBy"]
    assert (
        {(e["source"], e["target"]) for e in issued}
        == {(s, o) for s, o, key in network.edges(keys=True) if key == "ak:issuedBy"}
        >= {
            ("akid:directive-xi-ccdi-address", "akid:xi-jinping"),
            ("akid:directive-xi-dingri-earthquake", "akid:xi-jinping"),
        }
    )


def test_cytoscape_js_keeps_the_whole_graph(node: str, network: nx.MultiDiGraph, tmp_path: Path) -> None:
    elements = load(node, "cytoscape", export(network, tmp_path, alignkg.ExportFormat.cytoscape))["elements"]
    nodes, edges = elements["nodes"], elements.get("edges", [])
    assert (len(nodes), len(edges)) == (network.number_of_nodes(), network.number_of_edges())
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    by_id = {n["data"]["id"]: n["data"] for n in nodes}
    assert by_id["akid:baogang-group"]["name"] == "Baogang Group"
    assert by_id[TREMOR]["value:magnitude"] == 6.8
    assert {e["data"]["interaction"] for e in edges} >= {"ak:issuedBy", "org:holds"}


def test_graphml_keeps_to_the_schemas_rules(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    root = ET.parse(export(network, tmp_path, alignkg.ExportFormat.graphml)).getroot()
    assert root.tag == f"{GRAPHML}graphml"
    keys = root.findall(f"{GRAPHML}key")
    assert all(NMTOKEN.match(k.get("attr.name", "")) for k in keys), [k.get("attr.name") for k in keys]
    assert {k.get("attr.type") for k in keys} <= {"boolean", "int", "long", "float", "double", "string"}
    assert len({k.get("id") for k in keys}) == len(keys)
    edges = root.findall(f"{GRAPHML}graph/{GRAPHML}edge")
    nodes = root.findall(f"{GRAPHML}graph/{GRAPHML}node")
    ids = [e.get("id", "") for e in edges] + [n.get("id", "") for n in nodes]
    assert len(set(ids)) == len(ids) and all(NMTOKEN.match(i) for i in ids)
    magnitude = next(k for k in keys if k.get("attr.name") == "value:magnitude")
    assert magnitude.get("attr.type") == "double"
    back = nx.read_graphml(tmp_path / "alignkg.graphml")
    assert back.nodes[TREMOR]["value:magnitude"] == 6.8


def test_gexf_keeps_to_the_1_3_schemas_rules(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    root = ET.parse(export(network, tmp_path, alignkg.ExportFormat.gexf)).getroot()
    assert (root.tag, root.get("version")) == (f"{GEXF}gexf", "1.3")
    graph = root.find(f"{GEXF}graph")
    assert graph is not None
    assert set(graph.attrib) <= {"defaultedgetype", "mode", "timeformat", "start", "end", "idtype"}
    declared = graph.findall(f"{GEXF}attributes/{GEXF}attribute")
    assert {a.get("type") for a in declared} <= {"integer", "long", "double", "float", "boolean", "string"}
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    assert len({e.get("id") for e in edges}) == len(edges) == network.number_of_edges()
    known = {a.get("id") for a in declared}
    assert {v.get("for") for v in graph.iter(f"{GEXF}attvalue")} <= known
    back = nx.read_gexf(tmp_path / "alignkg.gexf", version="1.3")
    assert back.nodes[TREMOR]["value:magnitude"] == 6.8


@pytest.mark.parametrize("fmt", [alignkg.ExportFormat.graphml, alignkg.ExportFormat.gexf])
def test_control_characters_never_reach_the_xml(network: nx.MultiDiGraph, tmp_path: Path, fmt: Any) -> None:
    text = export(network, tmp_path, fmt).read_text(encoding="utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    ET.fromstring(text.encode("utf-8"))
