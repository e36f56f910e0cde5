"""What alignkg prints and writes runs nothing: CSV cells never start a spreadsheet formula
(full-width forms included), Markdown renders no HTML and loads no image, and the terminal gets
no control sequence, whatever a label holds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from alignkg.cli import app
from alignkg.model.cells import formula_safe

runner = CliRunner()
EVIL = "\uff1d1+1 ![x](http://127.0.0.1:9/x.png) <img src=x> \x1b[31mred\x07 [a](http://127.0.0.1:9/)"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@pytest.fixture
def evil_project(project: Path) -> Path:
    """The shipped data with Baogang Group's English label replaced by EVIL, built."""
    path = project / "data" / "entities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    for record in records:
        if record["id"] == "baogang-group":
            record["label_en"] = EVIL
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    built = runner.invoke(app, ["build"])
    assert built.exit_code == 0, built.output
    return project


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_no_formula(text: str) -> None:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any(c.startswith("'\uff1d1+1 ![x]") for c in cells)  # click drops ANSI styles when piped
    runs = [c for c in cells if c.startswith(FORMULA_STARTS) and not _is_number(c)]
    assert runs == []


STARTS = ["=1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "\uff1d1", "\uff0b1", "\uff0d1", "\uff20x"]


@pytest.mark.parametrize("text", STARTS)
def test_formula_safe_neutralises_every_formula_start(text: str) -> None:

    assert formula_safe(text) == "'" + text
    assert formula_safe("Baogang " + text) == "Baogang " + text


@pytest.mark.parametrize(
    "command",
    [
        ["query", "SELECT ?l WHERE { akid:baogang-group rdfs:label ?l }", "--format", "csv"],
        ["chains", "--format", "csv"],
        ["metrics", "--format", "csv"],
    ],
    ids=["query", "chains", "metrics"],
)
def test_printed_csv_runs_no_formula(evil_project: Path, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert_no_formula(result.stdout)


def test_exported_csv_runs_no_formula(evil_project: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert_no_formula((evil_project / "build" / "alignkg-csv" / "nodes.csv").read_text(encoding="utf-8"))


def assert_inert_markdown(text: str) -> None:
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and 'href="http://127.0.0.1' not in html and "<a " not in html, html
    assert "\x1b" not in text


@pytest.mark.parametrize(
    "command",
    [
        ["query", "SELECT ?l WHERE { akid:baogang-group rdfs:label ?l }", "--format", "md"],
        ["chains", "--format", "md"],
        ["metrics", "--format", "md"],
    ],
    ids=["query", "chains", "metrics"],
)
def test_printed_markdown_is_inert(evil_project: Path, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "![x]" in MarkdownIt("commonmark").enable("table").render(result.stdout)  # shown as text
    assert_inert_markdown(result.stdout)


def test_report_markdown_is_inert(evil_project: Path) -> None:
    result = runner.invoke(app, ["report"])
    assert result.exit_code == 0, result.output
    text = (evil_project / "build" / "report.md").read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<img") == sum(1 for line in text.splitlines() if line.startswith("![Timeline"))
    assert "127.0.0.1" in html and 'href="http://127.0.0.1' not in html and "<img src=x" not in html


def test_validate_markdown_is_inert(project: Path) -> None:
    path = project / "data" / "entities.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("ak:StateOwnedEnterprise", "ak:X![x](http://127.0.0.1:9/x.png)", 1)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "md"])
    assert result.exit_code == 1, result.output
    assert "127.0.0.1" in result.stdout
    assert_inert_markdown(result.stdout)


@pytest.mark.parametrize(
    "command",
    [
        ["query", "SELECT ?l WHERE { akid:baogang-group rdfs:label ?l }"],
        ["chains"],
        ["metrics"],
        ["stats", "--graph", "no\x1b[2Jsuch\x07.trig"],
        ["query", "sources", "--param", "x\x1b]0;title\x07"],
    ],
    ids=["query", "chains", "metrics", "error", "param"],
)
def test_terminal_output_carries_no_control_characters(evil_project: Path, command: list[str]) -> None:
    result = runner.invoke(app, command)
    shown = result.stdout + result.stderr
    assert shown.strip()
    assert not any(c in shown for c in "\x1b\x07\x08\x9b"), repr(shown)
