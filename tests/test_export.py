"""Exports for Gephi, Cytoscape and spreadsheets: readable back, complete, byte-stable, atomic."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def network(built: alignkg.BuildReport) -> nx.MultiDiGraph:
    return alignkg.to_networkx(built.dataset)


def test_graphml_reads_back_with_every_node_edge_and_attribute(
    network: nx.MultiDiGraph, tmp_path: Path
) -> None:
    [path] = alignkg.export_graph(network, tmp_path / "g.graphml", fmt=alignkg.ExportFormat.graphml)
    back = nx.read_graphml(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        network.number_of_nodes(),
        network.number_of_edges(),
    )
    meeting = back.nodes["akid:meeting-baogang-2025-01-09"]
    assert meeting["class"] == "ak:Meeting"
    assert meeting["value:date"] == "2025-01-09"
    assert meeting["sources"] == "aksrc:baogang-directives-article"
    xi = back.nodes["akid:xi-jinping"]
    assert xi["label_zh"] == "习近平"
    issued = [
        d
        for u, v, d in back.edges(data=True)
        if (u, v) == ("akid:directive-xi-ccdi-address", "akid:xi-jinping")
    ]
    assert [(d["predicate"], d["provenance"]) for d in issued] == [
        ("ak:issuedBy", "aksrc:baogang-directives-article")
    ]


def test_gexf_reads_back_and_carries_no_date_stamp(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    [path] = alignkg.export_graph(network, tmp_path / "g.gexf", fmt=alignkg.ExportFormat.gexf)
    assert "lastmodifieddate" not in path.read_text(encoding="utf-8")
    back = nx.read_gexf(path, version="1.3")
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    assert back.nodes["akid:baogang-group"]["label"] == "Baogang Group"


def test_cytoscape_json_keeps_edge_source_nodes_apart_from_provenance(
    network: nx.MultiDiGraph, tmp_path: Path
) -> None:
    [path] = alignkg.export_graph(network, tmp_path / "g.cyjs", fmt=alignkg.ExportFormat.cytoscape)
    document = json.loads(path.read_text(encoding="utf-8"))
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    assert len(nodes) == network.number_of_nodes() and len(edges) == network.number_of_edges()
    issued = [e["data"] for e in edges if e["data"]["predicate"] == "ak:issuedBy"]
    first_article = {
        (d["source"], d["target"]) for d in issued if d["provenance"] == "aksrc:baogang-directives-article"
    }
    assert first_article == {
        ("akid:directive-xi-ccdi-address", "akid:xi-jinping"),
        ("akid:directive-xi-dingri-earthquake", "akid:xi-jinping"),
    }
    assert ("akid:directive-eight-point-regulation", "akid:communist-party-of-china") in {
        (d["source"], d["target"]) for d in issued
    }


def test_csv_tables(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    files = alignkg.export_graph(network, tmp_path / "tables", fmt=alignkg.ExportFormat.csv)
    assert [f.name for f in files] == ["edges.csv", "nodes.csv"]
    with (tmp_path / "tables" / "nodes.csv").open(encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    with (tmp_path / "tables" / "edges.csv").open(encoding="utf-8", newline="") as handle:
        edges = list(csv.DictReader(handle))
    assert len(nodes) == network.number_of_nodes() and len(edges) == network.number_of_edges()
    plenary = next(n for n in nodes if n["id"] == "akid:ccdi-20th-fourth-plenary")
    assert (plenary["value:start date"], plenary["value:end date"]) == ("2025-01-06", "2025-01-08")
    assert plenary["sources"] == "aksrc:chinastsi-ccdi-fourth-plenary"
    assert list(edges[0]) == ["source", "target", "predicate", "label", "provenance"]


@pytest.mark.parametrize("fmt", list(alignkg.ExportFormat))
def test_same_graph_same_bytes(built: alignkg.BuildReport, tmp_path: Path, fmt: alignkg.ExportFormat) -> None:
    first = alignkg.export_graph(
        alignkg.to_networkx(built.dataset), tmp_path / "a" / fmt.default_name, fmt=fmt
    )
    again = alignkg.export_graph(
        alignkg.to_networkx(built.dataset), tmp_path / "b" / fmt.default_name, fmt=fmt
    )
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]


def test_a_file_format_refuses_a_folder_and_leaves_nothing_behind(
    network: nx.MultiDiGraph, tmp_path: Path
) -> None:
    with pytest.raises(alignkg.AlignkgError, match="needs a file name"):
        alignkg.export_graph(network, tmp_path, fmt=alignkg.ExportFormat.graphml)
    (tmp_path / "taken.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(alignkg.AlignkgError, match="needs a folder"):
        alignkg.export_graph(network, tmp_path / "taken.csv", fmt=alignkg.ExportFormat.csv)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.csv"]


def test_cli_export_each_format(project: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    for fmt, name in (
        ("graphml", "alignkg.graphml"),
        ("gexf", "alignkg.gexf"),
        ("cytoscape", "alignkg.cyjs"),
    ):
        result = runner.invoke(app, ["export", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert f"wrote build/{name}" in result.stdout
        assert (project / "build" / name).is_file()
    result = runner.invoke(app, ["export", "--format", "csv", "--out", "tables"])
    assert result.exit_code == 0, result.output
    assert (project / "tables" / "nodes.csv").is_file() and (project / "tables" / "edges.csv").is_file()


def test_cli_export_one_source(project: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "export",
            "--format",
            "graphml",
            "--out",
            "ccdi.graphml",
            "--source",
            "chinastsi-ccdi-fourth-plenary",
        ],
    )
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(project / "ccdi.graphml")
    assert "akid:ccdi-20th-fourth-plenary" in back and "akid:baogang-group" not in back


def test_cli_export_errors(project: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "graphml"])
    assert result.exit_code == 1
    assert "run 'alignkg build' first" in result.stderr
    result = runner.invoke(app, ["export", "--format", "pdf"])
    assert result.exit_code == 2
