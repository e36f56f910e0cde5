"""Quotes, their offsets, ties and aliases: what the loader accepts and refuses (with file, row and
column), how they are written as W3C Web Annotation selectors, and ``alignkg verify`` against texts
written for these tests."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app
from alignkg.model.terms import OA, entity_iri

ROOT = Path(__file__).resolve().parent.parent
CASCADE = Path(__file__).parent / "fixtures" / "cascade"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"

runner = CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the invented group's tables and texts."""
    shutil.copytree(CASCADE, tmp_path / "group")
    return tmp_path / "group"


def edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (``row`` as a spreadsheet counts it, the header being row 1)."""
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    records[row - 1][records[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def row_of(path: Path, column: str, value: str) -> int:
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return next(n for n, r in enumerate(records, start=1) if r[records[0].index(column)] == value)


# --------------------------------------------------------------------------- loading


def test_quote_and_offsets_become_selectors_on_the_statement_record() -> None:
    built = alignkg.build_graph(CASCADE, ONTOLOGY)
    text = """SELECT ?exact ?start ?end WHERE {
      ?st rdf:subject akid:directive-x ; rdf:predicate dcterms:date ; oa:hasSelector ?q , ?p .
      ?q a oa:TextQuoteSelector ; oa:exact ?exact .
      ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    }"""
    (row,) = alignkg.run_query(built.dataset, text).to_text_rows()
    assert row == ["On 1 May 2031", "46", "59"]
    # a quote without offsets has a quote selector only
    holds = alignkg.run_query(
        built.dataset,
        "SELECT ?s WHERE { ?st rdf:subject akid:ida-rhee ; rdf:object akid:post-birch-chairman ;"
        " oa:hasSelector ?s }",
    )
    (selector,) = [r[0] for r in holds.rows]
    assert (selector, RDF.type, OA.TextQuoteSelector) in built.dataset


def test_aliases_are_alternative_labels_with_their_language() -> None:
    built = alignkg.build_graph(CASCADE, ONTOLOGY)
    alder = entity_iri("alder-holdings")
    assert set(built.dataset.objects(alder, SKOS.altLabel)) == {
        Literal("Alder", lang="en"),
        Literal("阿尔德", lang="zh"),
    }


def test_a_source_without_a_title_is_named_by_its_address() -> None:
    built = alignkg.build_graph(CASCADE, ONTOLOGY)
    result = alignkg.run_query(built.dataset, "SELECT ?l WHERE { aksrc:cedar-bulletin rdfs:label ?l }")
    assert result.to_text_rows() == [["Untitled page: https://example.org/cedar-bulletin"]]
    url = URIRef("https://schema.org/url")
    assert str(built.dataset.value(URIRef("https://w3id.org/alignkg/source/cedar-bulletin"), url)) == (
        "https://example.org/cedar-bulletin"
    )


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("quote", "one two three four five six seven eight nine ten eleven twelve thirteen", "has 13 words"),
        ("quote", "锡雪码头安全会议召开" * 4, "has 40 characters"),
        ("quote_start", "x", "'x' is not a character offset"),
        ("quote_end", "", "give both quote_start and quote_end, or neither"),
        ("quote_end", "60", "quote_end - quote_start is 14 but the quote has 13 characters"),
    ],
)
def test_the_loader_refuses_bad_quotes_naming_file_row_and_column(
    data: Path, column: str, value: str, message: str
) -> None:
    statements = data / "statements.csv"
    row = row_of(statements, "quote", "On 1 May 2031")
    edit(statements, row, column, value)
    with pytest.raises(alignkg.AlignkgError) as caught:
        alignkg.build_graph(data, ONTOLOGY)
    where = "quote_end" if "neither" in message or "quote_end -" in message else column
    assert f"{statements}, row {row}, column '{where}': " in str(caught.value)
    assert message in str(caught.value)


def test_offsets_without_a_quote_are_refused(data: Path) -> None:
    statements = data / "statements.csv"
    row = row_of(statements, "quote", "On 1 May 2031")
    edit(statements, row, "quote", "")
    with pytest.raises(
        alignkg.AlignkgError, match=f"row {row}, column 'quote': offsets are given but the quote"
    ):
        alignkg.build_graph(data, ONTOLOGY)


@pytest.mark.parametrize(
    ("value", "predicate", "message"),
    [
        ("loose", "ak:implements", "unknown tie 'loose'; use one of: item, meeting"),
        ("item", "ak:setsPriority", "only an ak:implements statement says how directly it is tied"),
    ],
)
def test_the_loader_refuses_a_bad_tie(data: Path, value: str, predicate: str, message: str) -> None:
    statements = data / "statements.csv"
    records = list(csv.reader(io.StringIO(statements.read_text(encoding="utf-8"), newline="")))
    row = next(n for n, r in enumerate(records, start=1) if r[1] == predicate)
    edit(statements, row, "tie", value)
    with pytest.raises(alignkg.AlignkgError, match=f"row {row}, column 'tie': {message}"):
        alignkg.build_graph(data, ONTOLOGY)


def test_a_bad_url_and_a_bad_alias_tag_are_refused(data: Path) -> None:
    edit(data / "sources.csv", 2, "url", "javascript:alert(1)")
    edit(data / "entities.csv", 2, "aliases", "Alder@e_n")
    with pytest.raises(alignkg.DataError) as caught:
        alignkg.build_graph(data, ONTOLOGY)
    text = str(caught.value)
    assert f"{data / 'sources.csv'}, row 2, column 'url': 'javascript:alert(1)' is not a web address" in text
    assert f"{data / 'entities.csv'}, row 2, column 'aliases': " in text


def test_tables_without_the_optional_columns_still_load(tmp_path: Path) -> None:
    fictional = Path(__file__).parent / "fixtures" / "fictional"
    built = alignkg.build_graph(fictional, ONTOLOGY)
    assert len(built.origins) > 0


# --------------------------------------------------------------------------- verify


def test_verify_finds_every_quote_where_stated(data: Path) -> None:
    report = alignkg.verify_quotes(data, data / "texts")
    assert report.ok and report.checked == 13 and len(report.copies) == 2
    assert report.summary() == "13 quotes checked against 2 copies: all found where stated"


def test_verify_reports_a_quote_moved_away_from_its_offsets(data: Path) -> None:
    copy = data / "texts" / "ostland-wire.txt"
    copy.write_text(copy.read_text(encoding="utf-8").replace("On 1 May", "So, on 1 May"), encoding="utf-8")
    edit(
        data / "statements.csv",
        row_of(data / "statements.csv", "quote", "On 1 May 2031"),
        "quote",
        "on 1 May 2031",
    )
    report = alignkg.verify_quotes(data, data / "texts")
    (problem,) = report.problems
    row = row_of(data / "statements.csv", "quote", "on 1 May 2031")
    assert str(problem) == (
        f"{data / 'statements.csv'}, row {row}, column 'quote_start': "
        f"the quote is at offsets 50-63 of {copy}, not at 46-59"
    )


def test_verify_reports_a_quote_not_in_its_copy_with_a_hint(data: Path) -> None:
    copy = data / "texts" / "ostland-wire.txt"
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("its chairman Ida", "its chairman  Ida"), encoding="utf-8"
    )
    copy2 = data / "texts" / "cedar-bulletin.txt"
    copy2.write_text(copy2.read_text(encoding="utf-8").replace("锡雪码头", "锡雪港口"), encoding="utf-8")
    problems = [str(p) for p in alignkg.verify_quotes(data, data / "texts").problems]
    table = data / "statements.csv"
    latin, chinese = (
        row_of(table, "quote", "its chairman Ida Rhee"),
        row_of(table, "quote", "锡雪码头安全会议召开。"),
    )
    assert problems == [
        f"{table}, row {latin}, column 'quote': the quote is not in {copy} "
        "(it is there with other quotation marks or spaces)",
        f"{table}, row {chinese}, column 'quote': the quote is not in {copy2}",
    ]


def test_verify_reports_a_missing_copy_once(data: Path) -> None:
    (data / "texts" / "cedar-bulletin.txt").unlink()
    report = alignkg.verify_quotes(data, data / "texts")
    (problem,) = report.problems
    assert "column 'source': no copy of source 'cedar-bulletin'" in str(problem)
    assert report.checked == 13 and not report.ok


def test_cli_verify_exit_codes(data: Path) -> None:
    good = runner.invoke(app, ["verify", "--data", str(data), "--texts", str(data / "texts")])
    assert (
        good.exit_code == 0 and good.stdout == "13 quotes checked against 2 copies: all found where stated\n"
    )
    (data / "texts" / "cedar-bulletin.txt").write_text("nothing quoted here", encoding="utf-8")
    bad = runner.invoke(app, ["verify", "--data", str(data), "--texts", str(data / "texts")])
    assert bad.exit_code == 1
    assert bad.stdout.startswith("13 quotes checked against 2 copies: 6 problems\nerror: ")
    missing = runner.invoke(app, ["verify", "--data", str(data), "--texts", str(data / "nowhere")])
    assert missing.exit_code == 2
    assert "folder of source texts not found" in missing.stderr


def test_verify_reads_only_files_named_after_source_ids(data: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("On 1 May 2031", encoding="utf-8")
    edit(
        data / "statements.csv",
        row_of(data / "statements.csv", "quote", "On 1 May 2031"),
        "source",
        "../secret",
    )
    with pytest.raises(alignkg.AlignkgError):  # not an id, so the tables do not even build
        alignkg.build_graph(data, ONTOLOGY)
    problems = [str(p) for p in alignkg.verify_quotes(data, data / "texts").problems]
    assert any("no copy of source '../secret'" in p for p in problems)
