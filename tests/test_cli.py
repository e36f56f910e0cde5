"""The ``alignkg`` command line: build, query and view, their errors and exit codes."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
NAMES = [q.name for q in alignkg.shipped_queries()]
OUTPUTS = ("alignkg.jsonld", "alignkg.nq", "alignkg.trig", "alignkg.ttl")

runner = CliRunner()


def command_names() -> list[str]:
    return [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]


def append_entity(project: Path, **cells: str) -> int:
    """Append an entity record to the project's entities.csv; return its spreadsheet row."""
    path = project / "data" / "entities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        records = list(reader)
    records.append({c: cells.get(c, "") for c in header})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return len(records) + 1


@pytest.fixture
def built_project(project: Path) -> Path:
    """A project copy whose build/ folder holds a fresh build made by the CLI."""
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    return project


# --------------------------------------------------------------------------- build


def test_build_writes_files_and_summary(project: Path) -> None:
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    triples = len((project / "build" / "alignkg.nq").read_text(encoding="utf-8").splitlines())
    assert f"Built {triples} triples into build/" in result.stdout
    for name in ("Triples per named graph", "Entities per class", "Statements per source"):
        assert name in result.stdout
    for name in OUTPUTS:
        assert (project / "build" / name).is_file()
        assert f"wrote {Path('build', name)}" in result.stdout


def test_build_options_choose_folders(project: Path) -> None:
    (project / "data").rename(project / "tables")
    result = runner.invoke(
        app, ["build", "--data", "tables", "--ontology", "ontology/alignkg.ttl", "--out", "elsewhere"]
    )
    assert result.exit_code == 0, result.output
    shown = sorted(p.name for p in (project / "elsewhere").iterdir() if not p.name.startswith("."))
    assert shown == sorted(OUTPUTS)
    assert not (project / "build").exists()


def test_build_on_broken_data_fails_with_location_on_stderr(project: Path) -> None:
    row = append_entity(
        project,
        id="theme-new",
        label_en="A new theme",
        source="baogang-directives-article",
        **{"class": "ak:Foo"},
    )
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    location = f"{Path('data', 'entities.csv')}, row {row}, column 'class'"
    assert f"{location}: unknown class 'ak:Foo' (not declared in the ontology)" in result.stderr
    assert "error" in result.stderr
    assert "Built" not in result.stdout
    assert "wrote" not in result.stdout
    assert result.stdout.strip() == ""
    assert not (project / "build").exists()


def test_build_with_missing_data_folder_fails(project: Path) -> None:
    result = runner.invoke(app, ["build", "--data", "no-such-folder"])
    assert result.exit_code == 1
    assert "no-such-folder: data folder not found" in result.stderr
    assert result.stdout.strip() == ""


def test_error_text_with_brackets_is_printed_verbatim(project: Path) -> None:
    append_entity(
        project,
        id="theme[sic]",
        label_en="A theme",
        source="baogang-directives-article",
        **{"class": "ak:Theme"},
    )
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert "entity id 'theme[sic]' has characters not allowed" in result.stderr


def test_error_text_with_closing_tag_does_not_crash(project: Path) -> None:
    append_entity(
        project,
        id="theme[/]",
        label_en="A theme",
        source="baogang-directives-article",
        **{"class": "ak:Theme"},
    )
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "entity id 'theme[/]' has characters not allowed" in result.stderr


# --------------------------------------------------------------------------- query


def test_query_list_names_every_shipped_query(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for named in alignkg.shipped_queries():
        assert named.name in result.stdout
    assert "entity=meng-fanying" in result.stdout


def test_query_csv_is_the_golden_answer(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "sources", "--format", "csv"])
    assert result.exit_code == 0, result.output
    expected = (GOLDEN / "sources.csv").read_text(encoding="utf-8")
    assert result.stdout.replace("\r\n", "\n") == expected.replace("\r\n", "\n")


def test_query_json_is_sparql_results(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "directive-lag", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == [
        "directive",
        "directiveDate",
        "basis",
        "meeting",
        "meetingDate",
        "lagDays",
    ]
    assert len(document["results"]["bindings"]) == 10


def test_query_markdown(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "sources", "--format", "md"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    golden_rows = len((GOLDEN / "sources.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert lines[0].startswith("| ")
    assert lines[1].startswith("|---|")
    assert len(lines) == golden_rows + 2
    assert all(line.startswith("|") and line.endswith("|") for line in lines)


def test_query_table(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "sources", "--format", "table"])
    assert result.exit_code == 0, result.output
    golden = (GOLDEN / "sources.csv").read_text(encoding="utf-8").splitlines()
    assert f"{len(golden) - 1} rows" in result.stdout
    for variable in golden[0].split(","):
        assert variable in result.stdout


def test_query_default_format_is_the_table(built_project: Path) -> None:
    table = runner.invoke(app, ["query", "sources"])
    explicit = runner.invoke(app, ["query", "sources", "--format", "table"])
    assert table.exit_code == explicit.exit_code == 0
    assert table.stdout == explicit.stdout


def test_query_unknown_format_is_refused(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "sources", "--format", "xml"])
    assert result.exit_code == 2


def test_query_from_rq_file(built_project: Path) -> None:
    (built_project / "meetings.rq").write_text(
        "# Which meetings are there?\nSELECT ?meeting WHERE { ?meeting a ak:Meeting } ORDER BY ?meeting\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["query", "meetings.rq", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "meeting" and len(lines) == 1 + 26  # 18 meetings of Baogang, 8 of Northern Rare Earth
    assert lines == sorted(lines[:1]) + sorted(lines[1:])
    assert "https://w3id.org/alignkg/id/meeting-northern-rare-earth-similar" in lines


def test_query_missing_rq_file(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "missing.rq"])
    assert result.exit_code == 1
    assert "missing.rq: query file not found" in result.stderr


def test_query_inline_sparql(built_project: Path) -> None:
    result = runner.invoke(
        app, ["query", "SELECT ?label WHERE { akid:li-xiao rdfs:label ?label }", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["label", "Li Xiao"]


def test_query_inline_ask(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "ASK { akid:meng-fanying org:holds akid:post-baogang-chairman }"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "true"


def test_query_syntax_error(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT ?s WHERE {\n  ?s ?p \n}"])
    assert result.exit_code == 1
    # the triple's object is missing: the parser finds the closing brace of line 3 in its place
    assert "SPARQL syntax error at query line 3" in result.stderr


def test_query_param_binds_the_entity(built_project: Path) -> None:
    default = runner.invoke(app, ["query", "entity-evidence", "--format", "csv"])
    li_xiao = runner.invoke(app, ["query", "entity-evidence", "--param", "entity=li-xiao", "--format", "csv"])
    assert default.exit_code == li_xiao.exit_code == 0
    rows = list(csv.DictReader(li_xiao.stdout.splitlines()))
    assert rows
    assert all("Li Xiao" in (row["subject"], row["object"]) for row in rows)
    default_rows = list(csv.DictReader(default.stdout.splitlines()))
    assert default_rows
    assert all("Meng Fanying" in (row["subject"], row["object"]) for row in default_rows)


@pytest.mark.parametrize("bad", ["entity", "li-xiao"])
def test_query_param_without_equals_is_a_usage_error(built_project: Path, bad: str) -> None:
    result = runner.invoke(app, ["query", "entity-evidence", "--param", bad])
    assert result.exit_code == 2
    assert f"--param {bad!r} is not NAME=ENTITY" in result.stderr
    assert result.stdout.strip() == ""


def test_query_unknown_param_name(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "entity-evidence", "--param", "person=li-xiao"])
    assert result.exit_code == 1
    assert "has no parameter 'person'" in result.stderr


def test_query_unknown_name_lists_the_names(built_project: Path) -> None:
    result = runner.invoke(app, ["query", "no-such-query"])
    assert result.exit_code == 1
    assert "no shipped query named 'no-such-query'" in result.stderr
    assert "known queries: " + ", ".join(NAMES) in result.stderr
    assert result.stdout.strip() == ""


def test_query_without_a_query_is_a_usage_error(built_project: Path) -> None:
    result = runner.invoke(app, ["query"])
    assert result.exit_code == 2
    assert "--list" in result.stderr


def test_query_before_build_says_to_build_first(project: Path) -> None:
    result = runner.invoke(app, ["query", "sources"])
    assert result.exit_code == 1
    assert "graph file not found (run 'alignkg build' first)" in result.stderr
    assert str(Path("build", "alignkg.trig")) in result.stderr
    assert result.stdout.strip() == ""


def test_query_against_a_chosen_graph_file(built_project: Path) -> None:
    moved = built_project / "graph.nq"
    # the graph files are links into the folder of their set: one is taken elsewhere by copying
    shutil.copyfile(built_project / "build" / "alignkg.nq", moved)
    for name in OUTPUTS:
        (built_project / "build" / name).unlink(missing_ok=True)
    result = runner.invoke(app, ["query", "sources", "--graph", str(moved), "--format", "csv"])
    assert result.exit_code == 0, result.output
    expected = (GOLDEN / "sources.csv").read_text(encoding="utf-8")
    assert result.stdout.replace("\r\n", "\n") == expected.replace("\r\n", "\n")


@pytest.mark.parametrize("value", ["see [sic] here", "a [/] b"])
def test_table_values_are_printed_verbatim(built_project: Path, value: str) -> None:
    result = runner.invoke(app, ["query", f'SELECT ?x WHERE {{ BIND("{value}" AS ?x) }}'])
    assert result.exit_code == 0
    assert value in result.stdout


# --------------------------------------------------------------------------- view


def test_view_writes_the_page_and_prints_its_path(built_project: Path) -> None:
    result = runner.invoke(app, ["view"])
    assert result.exit_code == 0, result.output
    page = built_project / "build" / "alignkg.html"
    assert result.stdout.strip() == f"wrote {Path('build', 'alignkg.html')}"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_view_out_and_title(built_project: Path) -> None:
    result = runner.invoke(app, ["view", "--out", "page/graph.html", "--title", "Baogang & directives"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {Path('page', 'graph.html')}"
    text = (built_project / "page" / "graph.html").read_text(encoding="utf-8")
    assert "<title>Baogang &amp; directives</title>" in text


def test_view_before_build_says_to_build_first(project: Path) -> None:
    result = runner.invoke(app, ["view"])
    assert result.exit_code == 1
    assert "run 'alignkg build' first" in result.stderr
    assert not (project / "build").exists()


def view_data(path: Path) -> dict[str, Any]:
    (found,) = re.findall(
        r'<script id="graph-data" type="application/json">(.*?)</script>', path.read_text("utf-8")
    )
    data = json.loads(found)
    assert isinstance(data, dict)
    return data


def test_view_focus_and_depth(built_project: Path) -> None:
    result = runner.invoke(app, ["view", "--focus", "Meng Fanying", "--depth", "2", "--out", "focus.html"])
    assert result.exit_code == 0, result.output
    data = view_data(built_project / "focus.html")
    dataset = alignkg.load_dataset(built_project / "build" / "alignkg.trig")
    expected = alignkg.to_networkx(dataset, focus="akid:meng-fanying", depth=2)
    assert {n["id"] for n in data["nodes"]} == set(expected.nodes)
    assert "neighbourhood of Meng Fanying" in (built_project / "focus.html").read_text("utf-8")


def test_view_source_and_classes(built_project: Path) -> None:
    args = [
        "view",
        "--source",
        "baogang-directives-article",
        "--class",
        "Earthquake",
        "--class",
        "ak:NationalDirective",
    ]
    result = runner.invoke(app, [*args, "--out", "part.html"])
    assert result.exit_code == 0, result.output
    data = view_data(built_project / "part.html")
    assert {n["cls"] for n in data["nodes"]} == {"ak:Earthquake", "ak:NationalDirective"}
    assert {n["kind"] for n in data["nodes"]} == {"events", "directives"}
    assert [s["id"] for s in data["sources"]] == ["aksrc:baogang-directives-article"]


def test_view_query(built_project: Path) -> None:
    query = "CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
    result = runner.invoke(app, ["view", "--query", query, "--out", "q.html"])
    assert result.exit_code == 0, result.output
    assert {e["label"] for e in view_data(built_project / "q.html")["edges"]} == {"holds"}


def test_view_any_shipped_query_with_params_and_layout(built_project: Path) -> None:
    args = ["view", "--query", "entity-evidence", "--param", "entity=Li Xiao", "--out", "li.html"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = view_data(built_project / "li.html")
    assert "akid:li-xiao" in {n["id"] for n in data["nodes"]}
    assert data["layout"] == "physics"
    result = runner.invoke(app, [*args[:-2], "--layout", "timeline", "--out", "t.html"])
    assert result.exit_code == 0, result.output
    assert view_data(built_project / "t.html")["layout"] == "timeline"
    chain = runner.invoke(app, ["view", "--query", "priority-measures", "--out", "pm.html"])
    assert chain.exit_code == 0, chain.output
    assert view_data(built_project / "pm.html")["layout"] == "timeline"


def test_view_from_a_store_matches_the_view_from_the_file(built_project: Path) -> None:
    args = ["view", "--focus", "Li Xiao", "--depth", "2"]
    assert runner.invoke(app, [*args, "--out", "file.html"]).exit_code == 0
    result = runner.invoke(
        app, [*args, "--store", "oxigraph", "--graph", "build/alignkg.trig", "--out", "store.html"]
    )
    assert result.exit_code == 0, result.output
    from_file, from_store = view_data(built_project / "file.html"), view_data(built_project / "store.html")
    assert from_store == from_file
    assert len(from_store["nodes"]) > 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "Nobody at all"], "no entity 'Nobody at all' in the graph"),
        (["--focus", "lixiao"], "did you mean Li Xiao (akid:li-xiao)?"),
        (["--class", "Planet"], "no class 'Planet'"),
        (["--class", "Organisation"], "did you mean org:Organization"),
        (["--source", "nope"], "no source 'aksrc:nope'"),
        (["--query", "SELECT (COUNT(*) AS ?n) WHERE { ?x a foaf:Person }"], "holds no entity"),
        (["--query", "entity-evidence", "--param", "entity=lixiao"], "did you mean Li Xiao"),
        (["--query", "ASK { ?x a foaf:Person }"], "an ASK query has no graph to draw"),
    ],
)
def test_view_selection_errors(built_project: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["view", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (built_project / "build" / "alignkg.html").exists()


# --------------------------------------------------------------------------- help and docs


def test_core_commands_are_registered() -> None:
    assert {"build", "docs", "query", "serve", "synth", "validate", "view"} <= set(command_names())
    assert {"chains", "metrics", "export", "report"} <= set(command_names())


@pytest.mark.parametrize(
    "args", [["--help"], *([name, "--help"] for name in ("build", "query", "serve", "view"))]
)
def test_help(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
    if len(args) == 2:
        assert args[0] in result.stdout
    else:
        for name in command_names():
            assert name in result.stdout


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in command_names():
        assert f"alignkg {name}" in readme, f"README.md does not document 'alignkg {name}'"


# --------------------------------------------------------------------------- console script


def _console_script() -> str:
    beside = Path(sys.executable).with_name("alignkg")
    if beside.is_file():
        return str(beside)
    found = shutil.which("alignkg")
    if found is None:
        pytest.fail("the alignkg console script is not installed")
    return found


def test_installed_console_script_builds_and_queries(project: Path) -> None:
    script = _console_script()
    built = subprocess.run(
        [script, "build"], cwd=project, capture_output=True, text=True, check=False, timeout=300
    )
    assert built.returncode == 0, built.stderr
    assert "Built " in built.stdout
    assert (project / "build" / "alignkg.trig").is_file()
    queried = subprocess.run(
        [script, "query", "sources", "--format", "csv"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert queried.returncode == 0, queried.stderr
    expected = (GOLDEN / "sources.csv").read_text(encoding="utf-8")
    assert queried.stdout.replace("\r\n", "\n") == expected.replace("\r\n", "\n")


def test_installed_console_script_fails_with_exit_one(project: Path) -> None:
    result = subprocess.run(
        [_console_script(), "query", "sources"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 1
    assert "run 'alignkg build' first" in result.stderr
    assert "Traceback" not in result.stderr
