"""Every file the build writes parses back into the same graphs, with rdflib and with an
independent parser (pyoxigraph), for a plain build and for one with inferred triples."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

import alignkg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
DATASET_FORMATS = {
    ".trig": ("trig", ox.RdfFormat.TRIG),
    ".nq": ("nquads", ox.RdfFormat.N_QUADS),
    ".jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
}


@pytest.fixture(scope="module", params=[False, True], ids=["asserted", "inferred"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> alignkg.BuildReport:
    return alignkg.build(DATA, ONTOLOGY, tmp_path_factory.mktemp("build"), infer=request.param)


def expected_graphs(dataset: Dataset) -> dict[str, Graph]:
    """Each non-empty named graph of the built dataset as a plain Graph, by IRI."""
    found: dict[str, Graph] = {}
    for quad in dataset.quads():
        s, p, o, g = quad
        found.setdefault(str(g), Graph()).add((s, p, o))
    return found


def _term(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal), f"unexpected term {term!r}"
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def oxigraph_graphs(path: Path, fmt: ox.RdfFormat) -> dict[str, Graph]:
    """The named graphs of a file as parsed by pyoxigraph, converted to rdflib terms."""
    found: dict[str, Graph] = {}
    for quad in ox.parse(path=str(path), format=fmt):
        name = quad.graph_name
        key = name.value if isinstance(name, ox.NamedNode) else "default"
        found.setdefault(key, Graph()).add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return found


def rdflib_graphs(path: Path, fmt: str) -> dict[str, Graph]:
    parsed = Dataset()
    parsed.parse(path, format=fmt)
    return expected_graphs(parsed)


def _file(report: alignkg.BuildReport, suffix: str) -> Path:
    return next(p for p in report.files if p.suffix == suffix)


@pytest.mark.parametrize("suffix", sorted(DATASET_FORMATS))
@pytest.mark.parametrize("parser", ["rdflib", "pyoxigraph"])
def test_dataset_file_parses_back_isomorphic(report: alignkg.BuildReport, suffix: str, parser: str) -> None:
    rdflib_format, ox_format = DATASET_FORMATS[suffix]
    path = _file(report, suffix)
    actual = rdflib_graphs(path, rdflib_format) if parser == "rdflib" else oxigraph_graphs(path, ox_format)
    expected = expected_graphs(report.dataset)
    assert sorted(actual) == sorted(expected)
    for name, graph in expected.items():
        assert len(actual[name]) == len(graph), name
        assert isomorphic(actual[name], graph), (
            f"graph {name} differs after reading {path.name} with {parser}"
        )


@pytest.mark.parametrize("parser", ["rdflib", "pyoxigraph"])
def test_turtle_file_parses_back_as_the_merge(report: alignkg.BuildReport, parser: str) -> None:
    path = _file(report, ".ttl")
    merged = Graph()
    for s, p, o, _g in report.dataset.quads():
        merged.add((s, p, o))
    if parser == "rdflib":
        parsed = Graph().parse(path, format="turtle")
    else:
        parsed = oxigraph_graphs(path, ox.RdfFormat.TURTLE)["default"]
    assert len(parsed) == len(merged)
    assert isomorphic(parsed, merged)


def test_inferred_build_has_the_inferred_graph(report: alignkg.BuildReport) -> None:
    names = set(expected_graphs(report.dataset))
    assert ("https://w3id.org/alignkg/graph/inferred" in names) == (report.inferred > 0)
