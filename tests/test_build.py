"""Building the graph: counts, every integrity check with its location, atomic writes,
byte-for-byte determinism, round trips through rdflib and provenance reachable from SPARQL."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

import alignkg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"

AK = "https://w3id.org/alignkg/ontology#"
AKID = "https://w3id.org/alignkg/id/"
AKSRC = "https://w3id.org/alignkg/source/"
AKG = "https://w3id.org/alignkg/graph/"
AKST = "https://w3id.org/alignkg/statement/"

# Row numbers as a spreadsheet shows them: header row 1, first record row 2. The shipped tables
# have 41 sources, 202 entities and 457 statements, so an appended record lands on these rows.
NEW_SOURCE_ROW = 43
NEW_ENTITY_ROW = 204
NEW_STATEMENT_ROW = 459

UNKNOWN_KIND_BLOG = "unknown kind 'blog'; use one of: article, background"
ID_RULE = "(use letters, digits, '-', '_' and '.', starting with a letter or digit)"


# --------------------------------------------------------------------------- helpers


def read_records(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the records of a CSV file, read with the csv module."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_records(path: Path, header: list[str], records: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def append_record(path: Path, **cells: str) -> int:
    """Append a record (unnamed columns left empty) and return its spreadsheet row number."""
    header, records = read_records(path)
    unknown = set(cells) - set(header)
    assert not unknown, f"test bug: no column(s) {unknown} in {path.name}"
    records.append({column: cells.get(column, "") for column in header})
    write_records(path, header, records)
    return len(records) + 1


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones included), by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def visible(files: dict[str, bytes]) -> list[str]:
    """The files a listing shows: the graph files are links into the hidden folder of their set."""
    return [name for name in files if not name.startswith(".")]


def build_default() -> alignkg.BuildReport:
    """Build from the working directory's data/ and ontology/ into build/."""
    return alignkg.build("data", "ontology/alignkg.ttl", "build")


def problems(exc: alignkg.AlignkgError) -> list[str]:
    """The single-line problems an error reports."""
    if isinstance(exc, alignkg.DataError):
        return [str(e) for e in exc.errors]
    return [str(exc)]


def expect_failure_leaving_build_untouched(project: Path) -> alignkg.AlignkgError:
    """Build (expecting failure) over a previous good build and check build/ did not change."""
    before = snapshot(project / "build")
    with pytest.raises(alignkg.AlignkgError) as info:
        build_default()
    after = snapshot(project / "build")
    assert after == before, "a failed build changed build/"
    stray = [name for name in after if name.endswith(".tmp") or Path(name).name.startswith(".")]
    assert stray == [], f"temporary files left in build/: {stray}"
    return info.value


@pytest.fixture
def good_build(project: Path) -> Path:
    """The project copy after one successful build into its build/ folder."""
    build_default()
    assert sorted(visible(snapshot(project / "build"))) == [
        "alignkg.jsonld",
        "alignkg.nq",
        "alignkg.trig",
        "alignkg.ttl",
    ]
    return project


def graphs_of(dataset: Dataset) -> dict[URIRef, Graph]:
    """Each non-empty named graph of a dataset as a plain Graph, keyed by its IRI."""
    found: dict[URIRef, Graph] = {}
    for context in dataset.graphs():
        if len(context) and isinstance(context.identifier, URIRef):
            plain = Graph()
            for triple in context:
                plain.add(triple)
            found[context.identifier] = plain
    return found


# Valid records to build the faulty ones from: each adds a new, well-formed fact.
SOURCE_BASE = {
    "id": "bg-new",
    "kind": "background",
    "title": "Background: something new",
    "description": "A test source.",
}
ENTITY_BASE = {
    "id": "theme-new",
    "class": "ak:Theme",
    "label_en": "A new theme",
    "source": "baogang-directives-article",
}
STATEMENT_BASE = {
    "subject": "li-xiao",
    "predicate": "org:holds",
    "object": "post-baogang-chairman",
    "source": "baogang-directives-article",
    "locator": "Test",
    "evidence": "A made-up statement for a test.",
}


# --------------------------------------------------------------------------- the shipped data


def test_shipped_data_builds_with_consistent_counts(built: alignkg.BuildReport) -> None:
    assert built.triples == sum(built.triples_per_graph.values())
    assert built.triples == len(list(built.dataset.quads()))
    nquads = next(p for p in built.files if p.suffix == ".nq")
    assert built.triples == len(nquads.read_text(encoding="utf-8").splitlines())
    assert set(built.triples_per_graph) >= {"akg:ontology", "akg:meta", "akg:baogang-directives-article"}

    _, sources = read_records(DATA / "sources.csv")
    assert len(sources) == 41
    assert set(built.statements_per_source) == {s["id"] for s in sources}

    _, statements = read_records(DATA / "statements.csv")
    assert sum(built.statements_per_source.values()) == len(statements) == 457
    assert built.statements_per_source == dict(Counter(s["source"] for s in statements))

    _, entities = read_records(DATA / "entities.csv")
    assert built.entities_per_class == dict(Counter(e["class"] for e in entities))
    assert sum(built.entities_per_class.values()) == len(entities)


def test_report_lists_the_four_files(built: alignkg.BuildReport) -> None:
    assert sorted(p.name for p in built.files) == [
        "alignkg.jsonld",
        "alignkg.nq",
        "alignkg.trig",
        "alignkg.ttl",
    ]
    for path in built.files:
        assert path.is_file()
        assert path.stat().st_size > 0


def test_valid_base_records_build(project: Path) -> None:
    """The records the integrity tests start from are themselves valid, so each failure below
    is caused by the one cell the test breaks."""
    append_record(project / "data" / "sources.csv", **SOURCE_BASE)
    append_record(project / "data" / "entities.csv", **ENTITY_BASE)
    append_record(project / "data" / "statements.csv", **STATEMENT_BASE)
    report = build_default()
    assert report.statements_per_source["baogang-directives-article"] == 111
    assert "bg-new" in report.statements_per_source


# --------------------------------------------------------------------------- integrity checks

Edit = Callable[[Path], int]
"""Breaks the data of a project copy; returns the spreadsheet row it broke."""


def _source(**cells: str) -> Edit:
    return lambda data: append_record(data / "sources.csv", **{**SOURCE_BASE, **cells})


def _entity(**cells: str) -> Edit:
    return lambda data: append_record(data / "entities.csv", **{**ENTITY_BASE, **cells})


def _statement(**cells: str) -> Edit:
    return lambda data: append_record(data / "statements.csv", **{**STATEMENT_BASE, **cells})


def _duplicate_first_statement(data: Path) -> int:
    _, records = read_records(data / "statements.csv")
    copy = {**records[0], "locator": "Another place", "evidence": "Said again."}
    return append_record(data / "statements.csv", **copy)


KNOWN_DATATYPES = (
    "xsd:boolean, xsd:date, xsd:decimal, xsd:gYear, xsd:gYearMonth, xsd:integer, "
    "xsd:nonNegativeInteger, xsd:positiveInteger, xsd:string"
)

# (test id, file, how to break it, expected row, column, exact message)
CELL_CHECKS: list[tuple[str, str, Edit, int, str, str]] = [
    (
        "duplicate-source-id",
        "sources.csv",
        _source(id="rex-baogang-group-market-strategy"),
        NEW_SOURCE_ROW,
        "id",
        "duplicate source id 'rex-baogang-group-market-strategy' (first used in row 4)",
    ),
    (
        "unknown-source-kind",
        "sources.csv",
        _source(kind="blog"),
        NEW_SOURCE_ROW,
        "kind",
        UNKNOWN_KIND_BLOG,
    ),
    (
        "duplicate-entity-id",
        "entities.csv",
        _entity(id="li-xiao"),
        NEW_ENTITY_ROW,
        "id",
        "duplicate entity id 'li-xiao' (first used in row 6)",
    ),
    (
        "entity-id-with-space",
        "entities.csv",
        _entity(id="li xiao"),
        NEW_ENTITY_ROW,
        "id",
        f"entity id 'li xiao' has characters not allowed in an id {ID_RULE}",
    ),
    (
        "entity-id-with-angle-brackets",
        "entities.csv",
        _entity(id="a<b>c"),
        NEW_ENTITY_ROW,
        "id",
        f"entity id 'a<b>c' has characters not allowed in an id {ID_RULE}",
    ),
    (
        "source-id-with-space",
        "sources.csv",
        _source(id="bg new"),
        NEW_SOURCE_ROW,
        "id",
        f"source id 'bg new' has characters not allowed in an id {ID_RULE}",
    ),
    (
        "unknown-class",
        "entities.csv",
        _entity(**{"class": "ak:Foo"}),
        NEW_ENTITY_ROW,
        "class",
        "unknown class 'ak:Foo' (not declared in the ontology)",
    ),
    (
        "missing-english-label",
        "entities.csv",
        _entity(label_en=""),
        NEW_ENTITY_ROW,
        "label_en",
        "entity has no English label",
    ),
    (
        "entity-unknown-source",
        "entities.csv",
        _entity(source="no-such-source"),
        NEW_ENTITY_ROW,
        "source",
        "unknown source 'no-such-source' (not in sources.csv)",
    ),
    (
        "statement-unknown-subject",
        "statements.csv",
        _statement(subject="nobody"),
        NEW_STATEMENT_ROW,
        "subject",
        "unknown entity 'nobody' (not in entities.csv)",
    ),
    (
        "statement-dangling-object",
        "statements.csv",
        _statement(object="nobody"),
        NEW_STATEMENT_ROW,
        "object",
        "unknown entity 'nobody' (not in entities.csv)",
    ),
    (
        "unknown-predicate",
        "statements.csv",
        _statement(predicate="ak:likes"),
        NEW_STATEMENT_ROW,
        "predicate",
        "unknown predicate 'ak:likes' (not declared in the ontology)",
    ),
    (
        "object-and-value",
        "statements.csv",
        _statement(value="Chairman"),
        NEW_STATEMENT_ROW,
        "value",
        "give either an object (an entity id) or a value (a literal), not both",
    ),
    (
        "object-property-with-literal",
        "statements.csv",
        _statement(object="", value="Chairman"),
        NEW_STATEMENT_ROW,
        "object",
        "org:holds links two entities; put an entity id in 'object'",
    ),
    (
        "ill-typed-date",
        "statements.csv",
        _statement(
            subject="meeting-baogang-2025-01-09",
            predicate="dcterms:date",
            object="",
            value="9 Jan",
            datatype="xsd:date",
        ),
        NEW_STATEMENT_ROW,
        "value",
        "'9 Jan' is not a date as YYYY-MM-DD (xsd:date)",
    ),
    (
        "ill-typed-date-without-datatype",
        "statements.csv",
        _statement(subject="meeting-baogang-2025-01-09", predicate="dcterms:date", object="", value="9 Jan"),
        NEW_STATEMENT_ROW,
        "value",
        "'9 Jan' is not a date as YYYY-MM-DD (xsd:date)",
    ),
    (
        "ill-typed-integer",
        "statements.csv",
        _statement(
            subject="meeting-baogang-2025-01-09",
            predicate="ak:ordinalInYear",
            object="",
            value="two",
            datatype="xsd:positiveInteger",
        ),
        NEW_STATEMENT_ROW,
        "value",
        "'two' is not a whole number of 1 or more (xsd:positiveInteger)",
    ),
    (
        "unknown-datatype",
        "statements.csv",
        _statement(
            subject="meeting-baogang-2025-01-09",
            predicate="ak:ordinalInYear",
            object="",
            value="2",
            datatype="xsd:number",
        ),
        NEW_STATEMENT_ROW,
        "datatype",
        f"unknown datatype 'xsd:number'; use one of: {KNOWN_DATATYPES}",
    ),
    (
        "bad-language-tag",
        "statements.csv",
        _statement(
            subject="priority-safety-risk", predicate="ak:aim", object="", value="Stay safe", lang="en_GB"
        ),
        NEW_STATEMENT_ROW,
        "lang",
        "bad language tag 'en_GB' (expected a tag such as 'en' or 'zh-Hans')",
    ),
    (
        "statement-without-source",
        "statements.csv",
        _statement(source=""),
        NEW_STATEMENT_ROW,
        "source",
        "statement has no source; every fact must name a source id",
    ),
    (
        "statement-unknown-source",
        "statements.csv",
        _statement(source="no-such-source"),
        NEW_STATEMENT_ROW,
        "source",
        "unknown source 'no-such-source' (not in sources.csv)",
    ),
    (
        "duplicate-statement",
        "statements.csv",
        _duplicate_first_statement,
        NEW_STATEMENT_ROW,
        "subject",
        "duplicate statement (same fact and source as row 2)",
    ),
    (
        "bad-valid-from",
        "statements.csv",
        _statement(valid_from="2025-02-30"),
        NEW_STATEMENT_ROW,
        "valid_from",
        "'2025-02-30' is not a date as YYYY-MM-DD",
    ),
    (
        "bad-valid-to",
        "statements.csv",
        _statement(valid_to="1 March 2025"),
        NEW_STATEMENT_ROW,
        "valid_to",
        "'1 March 2025' is not a date as YYYY-MM-DD",
    ),
]


@pytest.mark.parametrize(
    ("file", "edit", "row", "column", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in CELL_CHECKS],
)
def test_integrity_check_names_file_row_and_column(
    good_build: Path, file: str, edit: Edit, row: int, column: str, message: str
) -> None:
    broken_row = edit(good_build / "data")
    assert broken_row == row  # the helper wrote where the test expects
    exc = expect_failure_leaving_build_untouched(good_build)
    assert isinstance(exc, alignkg.DataError)
    expected = f"{Path('data', file)}, row {row}, column {column!r}: {message}"
    assert problems(exc) == [expected]
    assert expected in str(exc)
    (error,) = exc.errors
    assert error.location == alignkg.Location(Path("data", file), row, column)


def test_missing_file(good_build: Path) -> None:
    (good_build / "data" / "statements.csv").unlink()
    exc = expect_failure_leaving_build_untouched(good_build)
    assert str(exc) == f"{Path('data', 'statements.csv')}: file not found"


def test_empty_file(good_build: Path) -> None:
    (good_build / "data" / "entities.csv").write_bytes(b"")
    exc = expect_failure_leaving_build_untouched(good_build)
    assert str(exc) == f"{Path('data', 'entities.csv')}: file is empty; expected a header row"


def test_missing_column(good_build: Path) -> None:
    path = good_build / "data" / "statements.csv"
    header, records = read_records(path)
    header.remove("evidence")
    write_records(path, header, [{k: v for k, v in r.items() if k != "evidence"} for r in records])
    exc = expect_failure_leaving_build_untouched(good_build)
    assert str(exc) == (
        f"{Path('data', 'statements.csv')}, row 1: missing column evidence; expected columns: "
        "subject, predicate, object, value, datatype, lang, source, locator, evidence, valid_from, valid_to; "
        "optional: quote, quote_start, quote_end, tie"
    )


def test_extra_column(good_build: Path) -> None:
    path = good_build / "data" / "entities.csv"
    header, records = read_records(path)
    write_records(path, [*header, "notes"], [{**r, "notes": "x"} for r in records])
    exc = expect_failure_leaving_build_untouched(good_build)
    assert str(exc) == (
        f"{Path('data', 'entities.csv')}, row 1: unknown column notes; expected columns: "
        "id, class, label_en, label_zh, description, source; optional: aliases"
    )


def test_non_utf8_bytes(good_build: Path) -> None:
    path = good_build / "data" / "entities.csv"
    append_record(path, **{**ENTITY_BASE, "label_en": "PLACEHOLDER"})
    # Save the new row's label as Latin-1, as a spreadsheet saving "CSV" (not "CSV UTF-8") would.
    path.write_bytes(path.read_bytes().replace(b"PLACEHOLDER", "Zürich".encode("latin-1")))
    exc = expect_failure_leaving_build_untouched(good_build)
    assert str(exc) == (
        f"{Path('data', 'entities.csv')}, row {NEW_ENTITY_ROW}, column 'label_en': "
        "not valid UTF-8 (byte 0xfc); save the file as 'CSV UTF-8'"
    )


@pytest.mark.parametrize(
    "line",
    [
        'theme-new,ak:Theme,"A new theme,,,baogang-directives-article',
        'theme-new,ak:Theme,A new theme,,"a "quoted" word,baogang-directives-article',
    ],
    ids=["unclosed", "stray-inside"],
)
def test_unbalanced_quote(good_build: Path, line: str) -> None:
    path = good_build / "data" / "entities.csv"
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(line + "\n")
    exc = expect_failure_leaving_build_untouched(good_build)
    assert str(Path("data", "entities.csv")) in str(exc)


def test_several_problems_in_one_file_are_all_reported(good_build: Path) -> None:
    entities = good_build / "data" / "entities.csv"
    first = append_record(entities, **{**ENTITY_BASE, "id": "bad id"})
    second = append_record(entities, **{**ENTITY_BASE, "id": "theme-two", "class": "ak:Nope"})
    third = append_record(entities, **{**ENTITY_BASE, "id": "theme-three", "label_en": ""})
    exc = expect_failure_leaving_build_untouched(good_build)
    assert isinstance(exc, alignkg.DataError)
    where = str(Path("data", "entities.csv"))
    assert problems(exc) == [
        f"{where}, row {first}, column 'id': entity id 'bad id' has characters not allowed in an id "
        + ID_RULE,
        f"{where}, row {second}, column 'class': unknown class 'ak:Nope' (not declared in the ontology)",
        f"{where}, row {third}, column 'label_en': entity has no English label",
    ]
    assert str(exc).startswith("3 problems in the data:")


def test_problems_in_several_files_are_all_reported(good_build: Path) -> None:
    append_record(good_build / "data" / "sources.csv", **{**SOURCE_BASE, "kind": "blog"})
    append_record(good_build / "data" / "statements.csv", **{**STATEMENT_BASE, "predicate": "ak:likes"})
    exc = expect_failure_leaving_build_untouched(good_build)
    assert isinstance(exc, alignkg.DataError)
    assert [(e.location.file, e.location.row, e.location.column) for e in exc.errors if e.location] == [
        (Path("data", "sources.csv"), NEW_SOURCE_ROW, "kind"),
        (Path("data", "statements.csv"), NEW_STATEMENT_ROW, "predicate"),
    ]


def test_multiline_cell_keeps_spreadsheet_row_numbers(good_build: Path) -> None:
    """Control case: a multi-line quoted cell is one spreadsheet row, so rows stay right."""
    path = good_build / "data" / "sources.csv"
    header, records = read_records(path)
    records[0]["description"] = "First line\nsecond line"
    records[2]["kind"] = "blog"
    write_records(path, header, records)
    exc = expect_failure_leaving_build_untouched(good_build)
    assert problems(exc) == [f"{Path('data', 'sources.csv')}, row 4, column 'kind': {UNKNOWN_KIND_BLOG}"]


def test_blank_line_does_not_shift_row_numbers(good_build: Path) -> None:
    path = good_build / "data" / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")  # spreadsheet row 3 is now empty
    lines[4] = lines[4].replace(",article,", ",blog,", 1)  # spreadsheet row 5
    assert lines[4].startswith("rex-baogang-group-market-strategy,blog,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    exc = expect_failure_leaving_build_untouched(good_build)
    assert problems(exc) == [f"{Path('data', 'sources.csv')}, row 5, column 'kind': {UNKNOWN_KIND_BLOG}"]


def test_short_row_is_reported_without_inventing_nan(good_build: Path) -> None:
    path = good_build / "data" / "entities.csv"
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("theme-new,ak:Theme,A new theme\n")  # 3 of 6 cells
    exc = expect_failure_leaving_build_untouched(good_build)
    text = str(exc)
    assert str(Path("data", "entities.csv")) in text
    assert f"row {NEW_ENTITY_ROW}" in text or f"line {NEW_ENTITY_ROW}" in text
    assert "nan" not in text.lower()


def test_extra_trailing_cell_on_every_row_is_not_shifted(good_build: Path) -> None:
    path = good_build / "data" / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *(line + ",x" for line in lines[1:])]) + "\n", encoding="utf-8")
    exc = expect_failure_leaving_build_untouched(good_build)
    text = str(exc)
    assert str(Path("data", "sources.csv")) in text
    # Every id and kind in the file is valid: only the extra cell may be blamed.
    assert "unknown kind" not in text
    assert "duplicate source id" not in text


def test_byte_order_mark_is_accepted(project: Path) -> None:
    for name in ("sources.csv", "entities.csv", "statements.csv"):
        path = project / "data" / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with_bom = build_default()
    plain = alignkg.build(DATA, ONTOLOGY, project / "plain")
    assert with_bom.triples == plain.triples
    assert with_bom.entities_per_class == plain.entities_per_class
    assert snapshot(project / "build") == snapshot(project / "plain")


def test_failed_first_build_writes_nothing(project: Path) -> None:
    append_record(project / "data" / "entities.csv", **{**ENTITY_BASE, "class": "ak:Foo"})
    with pytest.raises(alignkg.DataError):
        build_default()
    assert not (project / "build").exists()


# --------------------------------------------------------------------------- determinism


def test_building_twice_gives_identical_bytes(tmp_path: Path) -> None:
    alignkg.build(DATA, ONTOLOGY, tmp_path / "one")
    alignkg.build(DATA, ONTOLOGY, tmp_path / "two")
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert len(visible(one)) == 4
    assert one == two


def test_builds_with_different_hash_seeds_give_identical_bytes(project: Path) -> None:
    outputs = []
    for seed in ("0", "1", "4242"):
        out = project / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [sys.executable, "-c", "from alignkg.cli import main; main()", "build", "--out", str(out)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert completed.returncode == 0, completed.stderr
        outputs.append(snapshot(out))
    assert len(visible(outputs[0])) == 4
    assert outputs[0] == outputs[1] == outputs[2]
    in_process = alignkg.build(DATA, ONTOLOGY, project / "in-process")
    assert snapshot(project / "in-process") == outputs[0]
    assert in_process.triples > 0


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    ("suffix", "rdflib_format"), [(".trig", "trig"), (".nq", "nquads"), (".jsonld", "json-ld")]
)
def test_dataset_files_parse_back_isomorphic(
    built: alignkg.BuildReport, suffix: str, rdflib_format: str
) -> None:
    path = next(p for p in built.files if p.suffix == suffix)
    parsed = Dataset()
    parsed.parse(path, format=rdflib_format)
    expected, actual = graphs_of(built.dataset), graphs_of(parsed)
    assert sorted(actual) == sorted(expected)
    for name, graph in expected.items():
        assert isomorphic(actual[name], graph), f"graph {name} differs after a {suffix} round trip"


def test_turtle_file_is_the_merge_of_all_graphs(built: alignkg.BuildReport) -> None:
    path = next(p for p in built.files if p.suffix == ".ttl")
    parsed = Graph()
    parsed.parse(path, format="turtle")
    merged = Graph()
    for s, p, o, _g in built.dataset.quads():
        merged.add((s, p, o))
    assert len(parsed) == len(merged)
    assert isomorphic(parsed, merged)


def test_load_dataset_reads_back_what_was_built(built: alignkg.BuildReport) -> None:
    trig = next(p for p in built.files if p.suffix == ".trig")
    loaded = alignkg.load_dataset(trig)
    expected, actual = graphs_of(built.dataset), graphs_of(loaded)
    assert sorted(actual) == sorted(expected)
    assert all(isomorphic(actual[n], g) for n, g in expected.items())


# --------------------------------------------------------------------------- provenance


MEETING_DATE_PROVENANCE = """
SELECT ?date ?source ?graph ?locator ?evidence WHERE {
  ?record a ak:Statement ;
      rdf:subject akid:meeting-baogang-2025-01-09 ;
      rdf:predicate dcterms:date ;
      rdf:object ?date ;
      prov:wasDerivedFrom ?source ;
      ak:assertedIn ?graph ;
      ak:locator ?locator ;
      ak:evidence ?evidence .
}
"""


def test_provenance_of_a_statement_is_reachable_from_sparql(built: alignkg.BuildReport) -> None:
    frame = alignkg.query(built.dataset, MEETING_DATE_PROVENANCE)
    assert frame.to_dict("records") == [
        {
            "date": frame["date"][0],
            "source": "aksrc:baogang-directives-article",
            "graph": "akg:baogang-directives-article",
            "locator": "Opening paragraph",
            "evidence": "The meeting took place on 9 January 2025.",
        }
    ]
    assert str(frame["date"][0]) == "2025-01-09"


def test_provenance_from_the_written_file(built: alignkg.BuildReport) -> None:
    trig = next(p for p in built.files if p.suffix == ".trig")
    frame = alignkg.query(alignkg.load_dataset(trig), MEETING_DATE_PROVENANCE)
    assert list(frame["locator"]) == ["Opening paragraph"]
    assert list(frame["source"]) == ["aksrc:baogang-directives-article"]


def test_one_record_per_statement_row_each_with_its_source(built: alignkg.BuildReport) -> None:
    frame = alignkg.query(
        built.dataset,
        """
        SELECT ?record (COUNT(DISTINCT ?source) AS ?sources) (COUNT(DISTINCT ?graph) AS ?graphs) WHERE {
          ?record a ak:Statement .
          OPTIONAL { ?record prov:wasDerivedFrom ?source }
          OPTIONAL { ?record ak:assertedIn ?graph }
        } GROUP BY ?record
        """,
    )
    _, statements = read_records(DATA / "statements.csv")
    assert len(frame) == len(statements)
    assert set(frame["sources"]) == {1}
    assert set(frame["graphs"]) == {1}


def test_every_fact_is_in_its_sources_graph(built: alignkg.BuildReport) -> None:
    dataset = built.dataset
    meta = dataset.graph(URIRef(AKG + "meta"))
    ak_statement = URIRef(AK + "Statement")
    asserted_in = URIRef(AK + "assertedIn")
    records = list(meta.subjects(RDF.type, ak_statement))
    assert len(records) == 457
    for record in records:
        triple = (
            meta.value(record, RDF.subject),
            meta.value(record, RDF.predicate),
            meta.value(record, RDF.object),
        )
        graph = meta.value(record, asserted_in)
        assert isinstance(graph, URIRef)
        assert triple in dataset.graph(graph), f"{triple} missing from {graph}"


def test_background_statements_are_only_in_background_graphs() -> None:
    # the shipped data cites a page for every fact, so the invented data, which has background notes, is used
    fictional = Path(__file__).parent / "fixtures" / "fictional"
    built = alignkg.build_graph(fictional, ONTOLOGY)
    _, sources = read_records(fictional / "sources.csv")
    _, statements = read_records(fictional / "statements.csv")
    kinds = {s["id"]: s["kind"] for s in sources}
    background = [s for s in statements if kinds[s["source"]] == "background"]
    assert len(background) == 6

    frame = alignkg.query(
        built.dataset,
        """
        SELECT ?record ?source ?graph ?kind WHERE {
          ?record a ak:Statement ; prov:wasDerivedFrom ?source ; ak:assertedIn ?graph .
          ?graph prov:wasDerivedFrom ?source .
          ?source a ?kind .
          FILTER (?kind IN (ak:Article, ak:BackgroundKnowledge))
        }
        """,
    )
    assert len(frame) == len(statements)
    from_background = frame[frame["kind"] == "ak:BackgroundKnowledge"]
    assert len(from_background) == len(background)
    assert set(from_background["graph"]) == {f"akg:{s['source']}" for s in background}
    assert all(
        graph == "akg:" + source.removeprefix("aksrc:")
        for graph, source in zip(frame["graph"], frame["source"], strict=True)
    )

    # Each background fact is in its own source's graph, and in no article's graph unless an article
    # states it too (P1 serves D1 is stated by both).
    meta = built.dataset.graph(URIRef(AKG + "meta"))
    article_graphs = [URIRef(AKG + s["id"]) for s in sources if s["kind"] == "article"]
    also_in_articles = {(s["subject"], s["object"]) for s in statements if kinds[s["source"]] == "article"}
    for record, graph in zip(from_background["record"], from_background["graph"], strict=True):
        iri = URIRef(AKST + record.removeprefix("akst:"))
        triple = (meta.value(iri, RDF.subject), meta.value(iri, RDF.predicate), meta.value(iri, RDF.object))
        assert triple in built.dataset.graph(URIRef(AKG + graph.removeprefix("akg:")))
        if (str(triple[0]).removeprefix(AKID), str(triple[2]).removeprefix(AKID)) in also_in_articles:
            continue
        for article in article_graphs:
            assert triple not in built.dataset.graph(article), f"{triple} also in {article}"


def test_ontology_graph_holds_only_the_ontology(built: alignkg.BuildReport) -> None:
    ontology_graph = Graph()
    for triple in built.dataset.graph(URIRef(AKG + "ontology")):
        ontology_graph.add(triple)
    from_file = Graph()
    from_file.parse(ONTOLOGY, format="turtle")
    assert isomorphic(ontology_graph, from_file)
    data_namespaces = (AKID, AKSRC, AKST)
    for triple in ontology_graph:
        for term in triple:
            assert not str(term).startswith(data_namespaces), f"data term {term} in the ontology graph"
