"""The JSON-LD file is the document rdflib's JSON-LD writer makes with alignkg's prefixes as the
context (the file reads back in every JSON-LD reader that read rdflib's), made without it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

import alignkg
from alignkg.model.serialize import Format, serialize
from alignkg.model.terms import PREFIXES

AK = str(PREFIXES["ak"])
AKID = str(PREFIXES["akid"])
AKG = str(PREFIXES["akg"])
CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _canonical(value: Any) -> Any:
    """A JSON value with every array sorted, so two documents compare whatever their order."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(item) for item in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _by_rdflib(dataset: Dataset) -> Any:
    return _canonical(json.loads(dataset.serialize(format="json-ld", context=CONTEXT, auto_compact=True)))


def _by_alignkg(dataset: Dataset) -> Any:
    return _canonical(json.loads(serialize(dataset, Format.JSONLD)))


def _edge_cases() -> Dataset:
    """A graph with each kind of term the writer shortens or keeps: two types, literals of the
    datatypes JSON has values for, a language, a datatype of alignkg's own, IRIs outside every
    prefix, an IRI that is a prefix's namespace itself, and triples in the default graph."""
    ds = Dataset()
    graph = ds.graph(URIRef(AKG + "sample"))
    meeting = URIRef(AKID + "meeting-1")
    graph.add((meeting, RDF.type, URIRef(AK + "Meeting")))
    graph.add((meeting, RDF.type, URIRef("https://example.org/vocab#Gathering")))
    graph.add((meeting, RDFS.label, Literal("A meeting", lang="en")))
    graph.add((meeting, RDFS.label, Literal("会议", lang="zh")))
    graph.add((meeting, URIRef(AK + "ordinal"), Literal(3, datatype=XSD.integer)))
    graph.add((meeting, URIRef(AK + "weight"), Literal(0.5, datatype=XSD.double)))
    graph.add((meeting, URIRef(AK + "held"), Literal(True)))
    graph.add((meeting, URIRef(AK + "note"), Literal("typed", datatype=XSD.string)))
    graph.add((meeting, URIRef(AK + "plain"), Literal("plain")))
    graph.add((meeting, URIRef(AK + "count"), Literal("7", datatype=XSD.nonNegativeInteger)))
    graph.add((meeting, URIRef(AK + "custom"), Literal("x", datatype=URIRef(AK + "Code"))))
    graph.add((meeting, URIRef(AK + "seeAlso"), URIRef("https://rareearthexchanges.com/?p=2129")))
    graph.add((meeting, URIRef(AK + "vocabulary"), URIRef(AK)))
    graph.add((meeting, RDF.type, URIRef(AKID)))
    other = ds.graph(URIRef("https://example.org/graphs/other"))
    other.add((meeting, RDFS.label, Literal("Same subject, another graph")))
    ds.add((URIRef(AKID + "in-default"), RDFS.label, Literal("default graph")))
    ds.add((URIRef(AKID + "also-default"), RDFS.label, Literal("default graph too")))
    return ds


def test_the_shipped_graph_gives_rdflibs_document() -> None:
    dataset = alignkg.build_graph().dataset
    assert _by_alignkg(dataset) == _by_rdflib(dataset)


def test_each_kind_of_term_gives_rdflibs_value() -> None:
    dataset = _edge_cases()
    assert _by_alignkg(dataset) == _by_rdflib(dataset)


@pytest.mark.parametrize("default_nodes", [0, 1])
def test_one_graph_or_one_default_node_is_the_document_itself(default_nodes: int) -> None:
    ds = Dataset()
    if default_nodes:
        ds.add((URIRef(AKID + "alone"), RDFS.label, Literal("alone")))
    else:
        ds.graph(URIRef(AKG + "only")).add((URIRef(AKID + "alone"), RDFS.label, Literal("alone")))
    assert _by_alignkg(ds) == _by_rdflib(ds)


def test_blank_nodes_are_written_and_read_back() -> None:
    ds = Dataset()
    graph = ds.graph(URIRef(AKG + "sample"))
    selector = BNode()
    graph.add((URIRef(AKID + "statement"), URIRef(AK + "selector"), selector))
    graph.add((selector, RDFS.label, Literal("a selector")))
    back = Dataset()
    back.parse(data=serialize(ds, Format.JSONLD), format="json-ld")
    quads = list(back.quads((None, None, None, None)))
    assert len(quads) == 2
    assert [o for _s, p, o, _g in quads if p == RDFS.label] == [Literal("a selector")]
