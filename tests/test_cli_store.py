"""The store commands: load, push, stats and query --store, through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


def trig(built: alignkg.BuildReport) -> str:
    return str(next(p for p in built.files if p.suffix == ".trig"))


def golden(name: str) -> str:
    return (GOLDEN / f"{name}.csv").read_text(encoding="utf-8").replace("\r\n", "\n")


def test_load_then_stats_and_query_a_disk_store(built: alignkg.BuildReport, tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'db'}"
    loaded = runner.invoke(app, ["load", trig(built), "--store", spec])
    assert loaded.exit_code == 0, loaded.output
    assert f"holds {built.triples} quads" in loaded.stdout
    stats = runner.invoke(app, ["stats", "--store", spec])
    assert stats.exit_code == 0, stats.output
    assert f"{built.triples} quads" in stats.stdout
    assert "akg:baogang-directives-article" in stats.stdout
    assert "ak:StateOwnedEnterprise" in stats.stdout
    queried = runner.invoke(app, ["query", "directive-lag", "--store", spec, "--format", "csv"])
    assert queried.exit_code == 0, queried.output
    assert queried.stdout.replace("\r\n", "\n") == golden("directive-lag")


@pytest.mark.parametrize("spec", ["memory", "oxigraph"])
def test_query_in_memory_stores_reads_graph_files(built: alignkg.BuildReport, spec: str) -> None:
    result = runner.invoke(
        app, ["query", "sources", "--store", spec, "--graph", trig(built), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.replace("\r\n", "\n") == golden("sources")


def test_persistent_store_takes_no_graph_files(built: alignkg.BuildReport, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["query", "sources", "--store", f"oxigraph:{tmp_path / 'db'}", "--graph", trig(built)]
    )
    assert result.exit_code == 1
    assert "alignkg load" in result.stderr


def test_push_then_query_the_endpoint(built: alignkg.BuildReport, oxigraph_server: str) -> None:
    for _ in range(2):
        pushed = runner.invoke(app, ["push", "--endpoint", oxigraph_server, "--graph", trig(built)])
        assert pushed.exit_code == 0, pushed.output
        assert "akg:meta" in pushed.stdout
    queried = runner.invoke(
        app, ["query", "meeting-participants", "--store", f"sparql:{oxigraph_server}", "--format", "csv"]
    )
    assert queried.exit_code == 0, queried.output
    assert queried.stdout.replace("\r\n", "\n") == golden("meeting-participants")
    stats = runner.invoke(app, ["stats", "--store", f"sparql:{oxigraph_server}"])
    assert f"{built.triples} quads" in stats.stdout


def test_push_to_nowhere_fails_cleanly(built: alignkg.BuildReport) -> None:
    result = runner.invoke(app, ["push", "--endpoint", "http://127.0.0.1:9/query", "--graph", trig(built)])
    assert result.exit_code == 1
    assert "error:" in result.stderr
    assert "cannot reach" in result.stderr


def test_unknown_store_spec_fails_cleanly() -> None:
    result = runner.invoke(app, ["stats", "--store", "nowhere"])
    assert result.exit_code == 1
    assert "unknown store" in result.stderr


def test_load_reports_parse_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<a> <b> <c> <d> <e> .\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(bad), "--store", f"oxigraph:{tmp_path / 'db'}"])
    assert result.exit_code == 1
    assert "cannot parse" in result.stderr


def test_select_star_csv_is_reproducible_on_the_memory_store(built: alignkg.BuildReport) -> None:
    text = "SELECT * WHERE { ?meeting a ak:Meeting ; dcterms:date ?date ; rdfs:label ?label }"
    outputs = {
        runner.invoke(
            app, ["query", text, "--store", "memory", "--graph", trig(built), "--format", "csv"]
        ).stdout
        for _ in range(6)
    }
    assert len(outputs) == 1
    [csv] = outputs
    assert csv.replace("\r\n", "\n").startswith("meeting,date,label\nhttps://w3id.org/alignkg/id/meeting-")


@pytest.mark.parametrize(
    ("fmt", "oxigraph_format"),
    [
        ("turtle", "TURTLE"),
        ("nt", "N_TRIPLES"),
        ("nq", "N_QUADS"),
        ("trig", "TRIG"),
        ("jsonld", "JSON_LD"),
    ],
)
def test_construct_and_describe_are_written_as_rdf(
    built: alignkg.BuildReport, fmt: str, oxigraph_format: str
) -> None:
    import pyoxigraph as ox

    for query, triples in (
        ("CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }", 12),
        ("DESCRIBE akid:meng-fanying", None),
    ):
        runs = [
            runner.invoke(app, ["query", query, "--graph", trig(built), "--format", fmt]) for _ in range(2)
        ]
        assert runs[0].exit_code == 0, runs[0].output
        assert runs[0].stdout == runs[1].stdout  # the same answer, the same bytes
        parsed = list(ox.parse(runs[0].stdout.encode(), format=getattr(ox.RdfFormat, oxigraph_format)))
        if triples is not None:
            assert len(parsed) == triples
        else:
            assert any(q.subject == ox.NamedNode("https://w3id.org/alignkg/id/meng-fanying") for q in parsed)


def test_rdf_formats_fit_the_query_form(built: alignkg.BuildReport) -> None:
    table = runner.invoke(app, ["query", "sources", "--graph", trig(built), "--format", "turtle"])
    assert table.exit_code == 2
    assert "is for CONSTRUCT and DESCRIBE" in table.stderr
    graph = runner.invoke(app, ["query", "DESCRIBE akid:li-xiao", "--graph", trig(built), "--format", "csv"])
    assert graph.exit_code == 2
    assert "written as RDF" in graph.stderr
    default = runner.invoke(app, ["query", "DESCRIBE akid:li-xiao", "--graph", trig(built)])
    assert default.exit_code == 0 and "@prefix" in default.stdout


def test_a_refused_graph_file_creates_no_store_and_shows_no_password(
    built: alignkg.BuildReport, tmp_path: Path
) -> None:
    folder = tmp_path / "db"
    refused = runner.invoke(
        app, ["query", "sources", "--store", f"oxigraph:{folder}", "--graph", trig(built)]
    )
    assert refused.exit_code == 1 and not folder.exists()
    remote = runner.invoke(
        app, ["stats", "--store", "sparql:http://alice:hunter2@127.0.0.1:9/sparql", "--graph", trig(built)]
    )
    assert remote.exit_code == 1
    assert "sparql:http://127.0.0.1:9/sparql keeps its own content" in remote.stderr
    assert "hunter2" not in remote.output
