"""Every answer format of the endpoint through a real client: each return format SPARQLWrapper
offers, for each query form and request method, parses and matches the library's answer, or is
refused in the one error shape naming the formats that fit; repeated ``format`` parameters; N-Quads
and TriG; q-values; the same graph always in the same bytes."""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.dom.minidom import Document

import httpx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.Wrapper import _allowedFormats

import alignkg
from alignkg.endpoint.engine import OpenedGraph, QueryRequest, answer_query, open_served
from alignkg.stores.base import Store
from test_server import Live, assert_error, live, trig

__all__ = ["live", "trig"]  # fixtures shared with test_server

QUERIES = {
    "SELECT": (
        "SELECT ?s ?label ?date ?post WHERE { ?s rdfs:label ?label . OPTIONAL { ?s dcterms:date ?date } "
        'OPTIONAL { ?s org:holds ?post } FILTER(STRSTARTS(STR(?s), "https://w3id.org/alignkg/id/")) } '
        "ORDER BY ?s ?label ?date ?post"
    ),
    "ASK": "ASK { akid:meng-fanying org:holds akid:post-baogang-chairman }",
    "CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { ?s a foaf:Person ; ?p ?o }",
    "DESCRIBE": "DESCRIBE akid:meng-fanying",
}
RESULT_MEDIA = {
    JSON: "application/sparql-results+json",
    XML: "application/sparql-results+xml",
    CSV: "text/csv",
    TSV: "text/tab-separated-values",
}
GRAPH_MEDIA = {
    TURTLE: "text/turtle",
    N3: "text/turtle",  # Turtle is N3's RDF subset
    RDF: "application/rdf+xml",
    RDFXML: "application/rdf+xml",
    XML: "application/rdf+xml",
    JSONLD: "application/ld+json",
    JSON: "application/ld+json",
}
METHODS = ["GET", "POST form", "POST query"]
BLANK_TEMPLATE = (
    "CONSTRUCT { ?s akg:named [ rdfs:label ?label ; akg:from ?s ] } WHERE { ?s rdfs:label ?label }"
)


def _sparqlwrapper_formats() -> list[str]:
    """Every return format SPARQLWrapper accepts in ``setReturnFormat``."""
    formats: list[str] = list(_allowedFormats)
    assert {JSON, XML, CSV, TSV, TURTLE, N3, RDF, RDFXML, JSONLD} <= set(formats)
    return formats


@pytest.fixture(scope="module")
def library(trig: Path) -> Iterator[Store]:
    """The Python API's Oxigraph store over the same built graph."""
    with alignkg.open_store("oxigraph") as store:
        store.load(trig)
        yield store


def _rdflib(term: Any) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _solutions(
    data: bytes, fmt: ox.QueryResultsFormat
) -> tuple[list[str], list[tuple[Node | None, ...]]] | bool:
    """A results document read by Oxigraph's strict parser, as rdflib terms (or the boolean)."""
    parsed = ox.parse_query_results(data, format=fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    assert isinstance(parsed, ox.QuerySolutions)
    variables = [v.value for v in parsed.variables]
    return variables, [tuple(_rdflib(solution[v]) for v in variables) for solution in parsed]


def _client(live: Live, fmt: str, method: str, query: str) -> SPARQLWrapper:
    client = SPARQLWrapper(live.sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method != "GET":
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED if method == "POST form" else POSTDIRECTLY)
    return client


def _check_results(form: str, fmt: str, converted: Any, expected: alignkg.QueryResult) -> None:
    if fmt == CSV:  # CSV cannot be read back into terms: the library writes the same bytes
        assert isinstance(converted, bytes)
        assert converted.decode("utf-8") == expected.to_csv()
        return
    if fmt == JSON:
        assert isinstance(converted, dict)
        answer = _solutions(json.dumps(converted).encode(), ox.QueryResultsFormat.JSON)
    elif fmt == XML:
        assert isinstance(converted, Document)
        answer = _solutions(converted.toxml("utf-8"), ox.QueryResultsFormat.XML)
    else:
        assert isinstance(converted, bytes)
        answer = _solutions(converted, ox.QueryResultsFormat.TSV)
    if form == "ASK":
        truth = expected.boolean
        assert truth is not None
        if fmt == TSV:  # TSV writes ASK as the one-cell table ?answer, as CSV does
            assert answer == (["answer"], [(Literal(truth),)])
        else:
            assert answer is truth
    else:
        assert answer == (expected.variables, expected.rows)


def _check_graph(fmt: str, converted: Any, expected: alignkg.QueryResult) -> None:
    if isinstance(converted, bytes):
        graph = Graph().parse(data=converted.decode("utf-8"), format="turtle")
        triples = set(graph)
    else:
        assert isinstance(converted, Graph), (fmt, type(converted))
        triples = set(converted.triples((None, None, None)))
    assert expected.graph is not None
    assert triples == set(expected.graph)
    assert len(triples) > 1


@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("fmt", _sparqlwrapper_formats())
def test_every_sparqlwrapper_format_for_every_form(
    live: Live, library: Store, fmt: str, form: str, method: str
) -> None:
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    served = (GRAPH_MEDIA if graph_form else RESULT_MEDIA).get(fmt)
    client = _client(live, fmt, method, QUERIES[form])
    if served is None:  # a format this form cannot be written in: 406 in the error shape
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        assert refused.value.code == 406
        error = json.loads(refused.value.read())["error"]
        assert error["code"] == "not-acceptable"
        allowed = (
            ["turtle", "nt", "nq", "trig", "json-ld", "rdf+xml"]
            if graph_form
            else ["json", "xml", "csv", "tsv"]
        )
        assert all(name in error["message"] for name in allowed), error["message"]
        return
    response = client.query()
    assert response.info()["content-type"].split(";")[0] == served
    converted = response.convert()
    expected = library.query(QUERIES[form])
    if graph_form:
        _check_graph(fmt, converted, expected)
    else:
        _check_results(form, fmt, converted, expected)


# --------------------------------------------------------------------------- the format parameter


def _get(live: Live, query: str, *pairs: tuple[str, str], accept: str | None = None) -> httpx.Response:
    params = [("query", query), *pairs]
    return httpx.get(live.sparql, params=params, headers={"Accept": accept} if accept else {})


@pytest.mark.parametrize(
    "pairs",
    [
        [("format", "tsv"), ("format", "tsv")],
        [("format", "tsv"), ("format", "text/tab-separated-values")],  # what SPARQLWrapper sends
        [("format", "tsv"), ("output", "tsv"), ("format", "")],
    ],
)
def test_repeated_formats_naming_one_format_are_accepted(live: Live, pairs: list[tuple[str, str]]) -> None:
    response = _get(live, QUERIES["ASK"], *pairs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert response.text == "?answer\ntrue\n"


@pytest.mark.parametrize(
    "pairs",
    [
        [("format", "tsv"), ("format", "csv")],
        [("format", "tsv"), ("output", "json")],
        [("format", "text/csv"), ("format", "text/tab-separated-values")],
    ],
)
def test_repeated_formats_that_differ_get_the_error_shape(live: Live, pairs: list[tuple[str, str]]) -> None:
    error = assert_error(_get(live, QUERIES["SELECT"], *pairs), 400, "bad-request")
    assert "format" in str(error["message"])


def test_a_format_in_the_url_and_the_form_body_must_agree(live: Live) -> None:
    url = live.sparql + "?format=tsv"
    same = httpx.post(url, data={"query": QUERIES["ASK"], "format": "tsv"})
    assert same.status_code == 200
    assert same.text == "?answer\ntrue\n"
    assert_error(httpx.post(url, data={"query": QUERIES["ASK"], "format": "csv"}), 400, "bad-request")


@pytest.mark.parametrize(
    ("form", "fmt", "named"),
    [
        ("CONSTRUCT", "tsv", "turtle"),
        ("DESCRIBE", "csv", "turtle"),
        ("CONSTRUCT", "application/sparql-results+json", "json-ld"),
        ("SELECT", "turtle", "tsv"),
        ("SELECT", "rdf+xml", "xml"),
        ("ASK", "nq", "json"),
        ("SELECT", "nonsense", "csv"),
    ],
)
def test_a_format_the_form_cannot_take_is_refused_naming_those_it_can(
    live: Live, form: str, fmt: str, named: str
) -> None:
    error = assert_error(_get(live, QUERIES[form], ("format", fmt)), 406, "not-acceptable")
    assert form in str(error["message"])
    assert named in str(error["message"])


# --------------------------------------------------------------------------- graph formats


@pytest.mark.parametrize(
    ("fmt", "accept", "media", "syntax"),
    [
        ("nq", None, "application/n-quads", ox.RdfFormat.N_QUADS),
        ("nquads", None, "application/n-quads", ox.RdfFormat.N_QUADS),
        ("trig", None, "application/trig", ox.RdfFormat.TRIG),
        (None, "application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
        (None, "application/trig;q=0.9, application/n-quads;q=0.5", "application/trig", ox.RdfFormat.TRIG),
        (None, "text/turtle;q=0, */*;q=0.1", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        (None, "application/*;q=0.8, text/turtle;q=0.2", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("rdf", None, "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graph_formats_by_name_and_by_accept(
    live: Live,
    library: Store,
    form: str,
    fmt: str | None,
    accept: str | None,
    media: str,
    syntax: ox.RdfFormat,
) -> None:
    pairs = [("format", fmt)] if fmt else []
    response = _get(live, QUERIES[form], *pairs, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    read = {
        tuple(_rdflib(t) for t in (q.subject, q.predicate, q.object))
        for q in ox.parse(response.content, format=syntax)
    }
    expected = library.query(QUERIES[form]).graph
    assert expected is not None
    assert read == set(expected)
    if syntax is ox.RdfFormat.N_QUADS or syntax is ox.RdfFormat.TRIG:
        dataset = Dataset().parse(
            data=response.text, format="nquads" if syntax is ox.RdfFormat.N_QUADS else "trig"
        )
        assert set(dataset.triples((None, None, None))) == set(expected)


def test_the_service_description_names_every_served_format(live: Live) -> None:
    response = httpx.get(live.sparql, headers={"Accept": "application/trig"})
    assert response.headers["content-type"].startswith("application/trig")
    described = {
        t.object.value
        for t in ox.parse(response.content, format=ox.RdfFormat.TRIG)
        if t.predicate.value.endswith("#resultFormat")
    }
    names = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"]
    names += ["Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF_XML"]
    assert described == {"http://www.w3.org/ns/formats/" + n for n in names}


@pytest.fixture(scope="module")
def engines(trig: Path) -> dict[str, OpenedGraph]:
    """The graph opened in this process as a worker opens it, in Oxigraph and in rdflib."""
    return {spec: open_served(spec, [trig]) for spec in ("oxigraph", "memory")}


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nq", "trig", "json-ld", "rdf+xml"])
@pytest.mark.parametrize("query", [QUERIES["CONSTRUCT"], BLANK_TEMPLATE])
def test_the_same_graph_comes_in_the_same_bytes_from_any_process_and_store(
    live: Live, engines: dict[str, OpenedGraph], fmt: str, query: str
) -> None:
    """Worker processes, this one, Oxigraph and rdflib write the same bytes, blank nodes of the
    template included (their labels are random in both engines)."""
    request = QueryRequest(query=query, formats=(fmt,))
    here = {spec: answer_query(graph, request) for spec, graph in engines.items()}
    assert {a.status for a in here.values()} == {200}
    assert here["oxigraph"].body == here["memory"].body
    answers = {_get(live, query, ("format", fmt)).content for _ in range(4)}
    assert answers == {here["oxigraph"].body}
    if query == BLANK_TEMPLATE and fmt == "nt":
        body = here["oxigraph"].body
        assert b"_:b0 " in body
        assert len(Graph().parse(data=body.decode(), format="nt")) == here["oxigraph"].rows
