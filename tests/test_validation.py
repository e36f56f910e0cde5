"""SHACL validation: the shapes cover the ontology, the shipped data is valid, every kind of
finding names entity, property, expected, found and the CSV cell, and build refuses bad graphs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app
from alignkg.model.terms import compact_iri

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
AKID = "https://w3id.org/alignkg/id/"
STATEMENTS = Path("data", "statements.csv")
ENTITIES = Path("data", "entities.csv")

runner = CliRunner()

MEETING = "Baogang Party Standing Committee meeting of 9 January 2025 (akid:meeting-baogang-2025-01-09)"
CHAIR_ROW = 17  # meeting-baogang-2025-01-09 ak:chairedBy meng-fanying


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a table, ``row`` counted as a spreadsheet shows it (header = row 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    header = records[0]
    records[row - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(records)


def append_rows(path: Path, *lines: str) -> int:
    """Append raw CSV lines; return the spreadsheet row of the first one."""
    with path.open(encoding="utf-8") as handle:
        first = sum(1 for _ in handle) + 1
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.writelines(line + "\n" for line in lines)
    return first


def statement(subject: str, predicate: str, obj: str = "", value: str = "", source: str = "") -> str:
    source = source or "baogang-directives-article"
    return f"{subject},{predicate},{obj},{value},,,{source},Test,A test statement.,,,,,,"


def lines(report: alignkg.ValidationReport) -> list[str]:
    return [f"{f.severity.value}: {f}" for f in report.findings]


# --------------------------------------------------------------------------- the shapes themselves


def test_every_class_of_the_ontology_is_the_target_of_a_shape() -> None:
    ontology = alignkg.load_ontology(ONTOLOGY)
    shapes = Graph().parse(SHAPES)
    targets = set(shapes.objects(None, SH.targetClass))
    assert sorted(str(c) for c in ontology.classes - targets) == []
    assert sorted(str(c) for c in targets - ontology.classes) == []


def test_every_property_has_a_shape_checking_its_domain_and_range() -> None:
    ontology = alignkg.load_ontology(ONTOLOGY)
    shapes = Graph().parse(SHAPES)
    for prop in sorted(ontology.object_properties | ontology.datatype_properties):
        (shape,) = (
            s
            for s in shapes.subjects(SH.targetSubjectsOf, prop)
            if any(shapes.value(n, SH.path) == prop for n in shapes.objects(s, SH.property))
        )
        domain = ontology.graph.value(prop, RDFS.domain)
        if domain is not None:
            assert shapes.value(shape, SH["class"]) == domain, f"{prop}: domain not checked"
        rng = ontology.range_of(prop)
        if rng is not None:
            checks = [
                c
                for node in shapes.objects(shape, SH.property)
                if shapes.value(node, SH.path) == prop
                for c in (*shapes.objects(node, SH["class"]), *shapes.objects(node, SH.datatype))
            ]
            assert checks == [rng], f"{prop}: range {rng} not checked"


def test_shapes_count() -> None:
    shapes = Graph().parse(SHAPES)
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    classes = {s for s in node_shapes if shapes.value(s, SH.targetClass) is not None}
    uses = {s for s in node_shapes if shapes.value(s, SH.targetSubjectsOf) is not None}
    # one shape per class (55), one per property (55), and the two loop checks
    assert (len(node_shapes), len(classes), len(uses)) == (112, 55, 57)


# --------------------------------------------------------------------------- the shipped data


def test_shipped_data_is_valid_with_honest_warnings() -> None:
    report = alignkg.validate(DATA, ONTOLOGY)
    assert report.conforms
    assert report.violations == []
    row = 43  # meeting-northern-rare-earth-similar: the article gives neither its date nor its chair
    where = f"{DATA / 'entities.csv'}, row {row}, column 'id'"
    similar = "Similar meeting at China Northern Rare Earth Group (akid:meeting-northern-rare-earth-similar)"
    found = lines(report)
    assert found[:2] == [
        f"warning: {where}: {similar}, ak:chairedBy: expected at least 1 value; found none "
        "(a meeting should have a chair; add it when a source gives it)",
        f"warning: {where}: {similar}, dcterms:date|schema:startDate: expected at least 1 value; found none "
        "(a meeting should have a date; add it when a source gives it)",
    ]
    # every warning is a meeting whose source does not give its date or its chair
    assert all(line.endswith("add it when a source gives it)") for line in found)
    assert sum("a meeting should have a date" in line for line in found) == 10
    assert report.summary() == "0 violations, 23 warnings"


# --------------------------------------------------------------------------- findings


def test_value_of_the_wrong_class_is_traced_to_its_cell(project: Path) -> None:
    """The example of docs/cli/graph.md, word for word."""
    edit_cell(project / STATEMENTS, CHAIR_ROW, "object", "baogang-group")
    report = alignkg.validate("data", "ontology/alignkg.ttl")
    expected = (
        f"violation: {STATEMENTS}, row {CHAIR_ROW}, column 'object': {MEETING}, ak:chairedBy: "
        "expected an instance of Person (foaf:Person); "
        "found Baogang Group (akid:baogang-group, ak:StateOwnedEnterprise)"
    )
    assert lines(report)[0] == expected
    reference = (ROOT / "docs" / "cli" / "graph.md").read_text(encoding="utf-8")
    assert expected.removeprefix("violation: ") in reference
    (finding,) = report.violations
    assert finding.location == alignkg.Location(STATEMENTS, CHAIR_ROW, "object")
    assert (finding.entity, finding.property) == (MEETING.split(" (")[0], "ak:chairedBy")


def test_property_outside_its_domain_points_at_the_predicate(project: Path) -> None:
    row = append_rows(project / STATEMENTS, statement("theme-safety", "ak:aim", value="Be safe") + "")
    edit_cell(project / STATEMENTS, row, "lang", "en")
    (finding,) = alignkg.validate("data", "ontology/alignkg.ttl").violations
    assert str(finding) == (
        f"{STATEMENTS}, row {row}, column 'predicate': Safety (akid:theme-safety), ak:aim: "
        "expected a subject that is an instance of Priority (ak:Priority); "
        "found Safety (akid:theme-safety, ak:Theme)"
    )


def test_post_in_two_organisations(project: Path) -> None:
    row = append_rows(
        project / STATEMENTS, statement("post-baogang-chairman", "org:postIn", "baogang-party-committee")
    )
    found = [str(f) for f in alignkg.validate("data", "ontology/alignkg.ttl").violations]
    where = (
        f"{STATEMENTS}, row {row}, column 'object': "
        "Chairman of Baogang Group (akid:post-baogang-chairman), org:postIn"
    )
    assert found == [
        f"{where}: expected an instance of Enterprise (ak:Enterprise); found Baogang Group Party Committee "
        "(akid:baogang-party-committee, ak:PartyCommittee)",
        f"{where}: expected at most 1 value; "
        "found Baogang Group (akid:baogang-group, ak:StateOwnedEnterprise); "
        "Baogang Group Party Committee (akid:baogang-party-committee, ak:PartyCommittee) "
        "(a post is held in exactly one organisation)",
    ]


def test_directive_without_issuer_points_at_the_entity_row(project: Path) -> None:
    path = project / STATEMENTS
    kept = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("directive-xi-ccdi-address,ak:issuedBy,")
    ]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    (finding,) = alignkg.validate("data", "ontology/alignkg.ttl").violations
    assert str(finding) == (
        f"{ENTITIES}, row 18, column 'id': "
        "Xi Jinping's address to the 20th CCDI (akid:directive-xi-ccdi-address), "
        "ak:issuedBy: expected at least 1 value; found none "
        "(a directive must name the leader or body who issued it)"
    )


def test_second_meeting_date_is_too_many(project: Path) -> None:
    row = append_rows(
        project / STATEMENTS, statement("meeting-baogang-2025-01-09", "dcterms:date", value="2025-01-10")
    )
    (finding,) = alignkg.validate("data", "ontology/alignkg.ttl").violations
    assert finding.location == alignkg.Location(STATEMENTS, row, "value")
    assert finding.expected == "at most 1 value"
    assert finding.found == "'2025-01-09' (xsd:date); '2025-01-10' (xsd:date)"


def test_loop_of_parent_organisations_blames_every_link(project: Path) -> None:
    row = append_rows(
        project / STATEMENTS, statement("baogang-group", "org:subOrganizationOf", "china-northern-rare-earth")
    )
    findings = alignkg.validate("data", "ontology/alignkg.ttl").violations
    assert [(f.location, f.entity, f.check) for f in findings] == [
        (
            alignkg.Location(STATEMENTS, 113, "object"),  # the first of three sources of the link
            "China Northern Rare Earth Group",
            "aksh:no-part-of-itself",
        ),
        (alignkg.Location(STATEMENTS, row, "object"), "Baogang Group", "aksh:no-part-of-itself"),
    ]
    assert findings[1].message == (
        "an organisation cannot be part of itself; this link closes a loop of parent organisations"
    )


def test_event_ending_before_it_starts(project: Path) -> None:
    edit_cell(project / STATEMENTS, 457, "value", "2025-01-05")  # the CCDI session's end date
    (finding,) = alignkg.validate("data", "ontology/alignkg.ttl").violations
    assert finding.location == alignkg.Location(STATEMENTS, 456, "value")
    assert (finding.property, finding.expected) == ("schema:startDate", "no later than its schema:endDate")


def test_two_labels_in_one_language_are_reported() -> None:
    built = alignkg.build_graph(DATA, ONTOLOGY)
    graph = built.dataset.graph(URIRef("https://w3id.org/alignkg/graph/baogang-directives-article"))
    graph.add((URIRef(AKID + "li-xiao"), RDFS.label, Literal("Xiao Li", lang="en")))
    report = alignkg.validate_graph(built, Graph().parse(SHAPES))
    (finding,) = report.violations
    assert finding.expected == "at most one value per language"
    assert finding.location == alignkg.Location(DATA / "entities.csv", 6, "label_en")


def test_a_selector_of_another_kind_or_without_a_statement_is_reported() -> None:
    built = alignkg.build_graph(DATA, ONTOLOGY)
    oa = "http://www.w3.org/ns/oa#"
    record, _p, _o, meta = next(built.dataset.quads((None, URIRef(oa + "hasSelector"), None, None)))
    graph = built.dataset.graph(meta)
    graph.add((record, URIRef(oa + "hasSelector"), URIRef(AKID + "not-a-selector")))
    graph.add((URIRef(AKID + "stray-quote"), RDF.type, URIRef(oa + "TextQuoteSelector")))
    graph.add((URIRef(AKID + "stray-quote"), URIRef(oa + "exact"), Literal("a stray quote")))
    report = alignkg.validate_graph(built, Graph().parse(SHAPES))
    assert sorted((f.check, f.entity_iri, f.property, f.expected) for f in report.violations) == [
        ("aksh:Selector", "akid:stray-quote", "^oa:hasSelector", "at least 1 value"),
        (
            "aksh:oa-hasSelector",
            compact_iri(str(record)),
            "oa:hasSelector",
            "an instance of Selector (oa:Selector)",
        ),
    ]


def test_integrity_problems_are_findings_too(project: Path) -> None:
    edit_cell(project / STATEMENTS, 15, "value", "9 Jan")
    report = alignkg.validate("data", "ontology/alignkg.ttl")
    assert lines(report) == [
        f"violation: {STATEMENTS}, row 15, column 'value': '9 Jan' is not a date as YYYY-MM-DD (xsd:date)"
    ]


def test_unreadable_input_raises() -> None:
    with pytest.raises(alignkg.AlignkgError, match="data folder not found"):
        alignkg.validate(ROOT / "no-such-folder", ONTOLOGY)


# --------------------------------------------------------------------------- the command


def test_cli_clean_data_exits_zero(project: Path) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "0 violations, 23 warnings"


def test_cli_violations_exit_one_in_every_format(project: Path) -> None:
    edit_cell(project / STATEMENTS, CHAIR_ROW, "object", "baogang-group")
    text = runner.invoke(app, ["validate"])
    assert text.exit_code == 1
    assert text.stdout.splitlines()[:2] == [
        "1 violation, 23 warnings",
        f"violation: {STATEMENTS}, row {CHAIR_ROW}, column 'object': {MEETING}, ak:chairedBy: expected an "
        "instance of Person (foaf:Person); found Baogang Group (akid:baogang-group, ak:StateOwnedEnterprise)",
    ]
    as_json = runner.invoke(app, ["validate", "--format", "json"])
    assert as_json.exit_code == 1
    document = json.loads(as_json.stdout)
    assert document["conforms"] is False
    first = document["findings"][0]
    assert {k: first[k] for k in ("severity", "file", "row", "column", "property")} == {
        "severity": "violation",
        "file": str(STATEMENTS),
        "row": CHAIR_ROW,
        "column": "object",
        "property": "ak:chairedBy",
    }
    markdown = runner.invoke(app, ["validate", "--format", "md"])
    assert markdown.exit_code == 1
    assert "| violation | data/statements.csv | 17 | object |" in markdown.stdout


def test_cli_unusable_input_exits_two(project: Path) -> None:
    (project / STATEMENTS).unlink()
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert result.stderr == f"error: {STATEMENTS}: file not found\n"


# --------------------------------------------------------------------------- build refuses


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_build_refuses_an_invalid_graph_unless_forced(project: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    before = snapshot(project / "build")
    edit_cell(project / STATEMENTS, CHAIR_ROW, "object", "baogang-group")
    refused = runner.invoke(app, ["build"])
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "error: 1 violation of the shapes (build with --force to write the graph anyway):\n"
        f"  {STATEMENTS}, row {CHAIR_ROW}, column 'object': {MEETING}, ak:chairedBy: "
    )
    assert snapshot(project / "build") == before
    forced = runner.invoke(app, ["build", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Validation: 1 violation, 23 warnings" in forced.stdout
    assert f"  violation: {STATEMENTS}, row {CHAIR_ROW}, column 'object': {MEETING}" in forced.stdout
    assert snapshot(project / "build") != before


def test_cli_missing_shapes_file_exits_two(project: Path) -> None:
    result = runner.invoke(app, ["validate", "--shapes", "nowhere.ttl"])
    assert result.exit_code == 2
    assert result.stderr == "error: nowhere.ttl: shapes file not found (give another with --shapes)\n"
    refused = runner.invoke(app, ["build", "--shapes", "nowhere.ttl"])
    assert refused.exit_code == 1
    assert not (project / "build").exists()
