"""Reasoning: the ontology is consistent, the data respects its domains and ranges, and the
entailments land in a graph of their own that changes what queries find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"
AKID = "https://w3id.org/alignkg/id/"
INFERRED = URIRef("https://w3id.org/alignkg/graph/inferred")
ONTOLOGY_GRAPH = URIRef("https://w3id.org/alignkg/graph/ontology")
META_GRAPH = URIRef("https://w3id.org/alignkg/graph/meta")
ORG = "http://www.w3.org/ns/org#"

ALL_ORGANISATIONS = "SELECT ?org WHERE { ?org a org:Organization } ORDER BY ?org"

runner = CliRunner()


@pytest.fixture(scope="module")
def asserted() -> alignkg.BuiltGraph:
    return alignkg.build_graph(DATA, ONTOLOGY)


@pytest.fixture(scope="module")
def inferred() -> alignkg.BuiltGraph:
    built = alignkg.build_graph(DATA, ONTOLOGY)
    alignkg.infer(built.dataset)
    return built


def organisations(built: alignkg.BuiltGraph) -> set[str]:
    frame = alignkg.query(built.dataset, ALL_ORGANISATIONS)
    return {str(v).removeprefix("akid:") for v in frame["org"]}


# --------------------------------------------------------------------------- the ontology


def test_ontology_alone_is_consistent() -> None:
    ontology = alignkg.load_ontology(ONTOLOGY)
    closure = alignkg.entailments(ontology.graph) + ontology.graph  # raises on an inconsistency
    for a, b in closure.subject_objects(OWL.disjointWith):
        assert (a, OWL.equivalentClass, b) not in closure, f"{a} is both disjoint with and equivalent to {b}"
        assert a != b, f"{a} is disjoint with itself"
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []


def test_data_uses_every_property_inside_its_domain_and_range(asserted: alignkg.BuiltGraph) -> None:
    ontology = alignkg.load_ontology(ONTOLOGY)
    data = Graph()
    for s, p, o, g in asserted.dataset.quads():
        if g != ONTOLOGY_GRAPH:
            data.add((s, p, o))

    def is_a(node: object, cls: object) -> bool:
        # a value may be an individual the ontology itself declares, such as ak:ItemTie
        types = [*data.objects(node, RDF.type), *ontology.graph.objects(node, RDF.type)]
        return any(cls in ontology.graph.transitive_objects(t, RDFS.subClassOf) for t in types)

    used = 0
    for prop in sorted(ontology.object_properties | ontology.datatype_properties):
        domain = ontology.graph.value(prop, RDFS.domain)
        rng = ontology.range_of(prop)
        for s, o in data.subject_objects(prop):
            used += 1
            assert domain is None or is_a(s, domain), f"{s} uses {prop} outside its domain {domain}"
            if prop in ontology.object_properties and rng is not None:
                assert is_a(o, rng), f"{o}, value of {prop}, is outside its range {rng}"
    assert used > 100


def test_a_loop_of_parents_contradicts_the_ontology() -> None:
    graph = alignkg.load_ontology(ONTOLOGY).graph + Graph()
    a, b = URIRef(AKID + "a"), URIRef(AKID + "b")
    graph.add((a, URIRef(ORG + "subOrganizationOf"), b))
    graph.add((b, URIRef(ORG + "subOrganizationOf"), a))
    with pytest.raises(alignkg.AlignkgError, match=r"^the ontology and the data contradict each other: "):
        alignkg.entailments(graph)


# --------------------------------------------------------------------------- the inferred graph


def test_all_organisations_only_with_inference(
    asserted: alignkg.BuiltGraph, inferred: alignkg.BuiltGraph
) -> None:
    wanted = {"baogang-group", "baogang-party-committee", "baogang-party-standing-committee", "ccdi-20th"}
    without, with_inference = organisations(asserted), organisations(inferred)
    assert without == {"rare-earth-exchanges"}  # the one entity declared org:Organization outright
    assert wanted & without == set()
    assert wanted <= with_inference
    assert {"china-northern-rare-earth", "china", "rare-earth-exchanges"} <= with_inference


def test_inferred_triples_are_apart_from_asserted_ones(
    asserted: alignkg.BuiltGraph, inferred: alignkg.BuiltGraph
) -> None:
    before = set(asserted.dataset.quads())
    after = set(inferred.dataset.quads())
    assert {q for q in after if q[3] != INFERRED} == before
    extra = inferred.dataset.graph(INFERRED)
    assert len(extra) > 0
    asserted_triples = {(s, p, o) for s, p, o, _g in before}
    assert [t for t in extra if t in asserted_triples] == []
    party_committee = URIRef(AKID + "baogang-party-committee")
    assert (party_committee, RDF.type, URIRef(ORG + "Organization")) in extra
    assert (party_committee, URIRef(ORG + "subOrganizationOf"), URIRef(AKID + "baogang-group")) in extra
    assert (party_committee, OWL.sameAs, party_committee) not in extra


def test_asserted_only_queries_leave_the_inferred_graph_out(inferred: alignkg.BuiltGraph) -> None:
    sparql = """
        SELECT ?org WHERE { GRAPH ?g { ?org a org:Organization } FILTER (?g != akg:inferred) }
    """
    frame = alignkg.query(inferred.dataset, sparql)
    assert set(frame["org"]) == {"akid:rare-earth-exchanges"}


def test_inference_is_idempotent(inferred: alignkg.BuiltGraph) -> None:
    first = set(inferred.dataset.graph(INFERRED))
    alignkg.infer(inferred.dataset)
    assert set(inferred.dataset.graph(INFERRED)) == first


def test_build_with_infer_is_deterministic_and_queryable(project: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        result = runner.invoke(app, ["build", "--infer", "--out", name])
        assert result.exit_code == 0, result.output
        assert re.search(r"^Inferred [1-9]\d* triples into akg:inferred$", result.stdout, re.MULTILINE)
        outputs.append({p.name: p.read_bytes() for p in sorted((project / name).iterdir()) if p.is_file()})
    assert outputs[0] == outputs[1]
    asked = runner.invoke(
        app,
        ["query", "ASK { akid:ccdi-20th a org:Organization }", "--graph", "one/alignkg.trig"],
    )
    assert asked.stdout.strip() == "true"
    plain = runner.invoke(app, ["build", "--out", "plain"])
    assert plain.exit_code == 0
    asked = runner.invoke(
        app,
        ["query", "ASK { akid:ccdi-20th a org:Organization }", "--graph", "plain/alignkg.trig"],
    )
    assert asked.stdout.strip() == "false"
