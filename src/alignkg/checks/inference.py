"""Reasoning: materialise what the ontology implies (RDFS and OWL 2 RL, with owlrl) into a named
graph of its own, so queries can use asserted facts alone or together with inferred ones."""

from __future__ import annotations

import owlrl
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from alignkg.model.errors import AlignkgError
from alignkg.model.terms import INFERRED_GRAPH

_ERROR_CLASS = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
_ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_VOCABULARIES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
_REFLEXIVE_NOISE = {
    OWL.sameAs,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
}


def asserted_graph(dataset: Dataset) -> Graph:
    """Every asserted triple of a dataset (all graphs but the inferred one) in one graph."""
    merged = Graph()
    for s, p, o, g in dataset.quads():
        if g != INFERRED_GRAPH:
            merged.add((s, p, o))
    return merged


def _is_noise(triple: tuple[Node, Node, Node]) -> bool:
    """Entailments that hold for everything and tell a reader nothing (x sameAs x, facts about
    the built-in vocabularies and datatypes, literals as subjects)."""
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if p in _REFLEXIVE_NOISE and s == o:
        return True
    return isinstance(s, URIRef) and str(s).startswith(_VOCABULARIES)


def entailments(graph: Graph) -> Graph:
    """The RDFS and OWL 2 RL entailments of ``graph`` that it does not already state.

    Raises AlignkgError when the rules find an inconsistency, such as an organisation that is
    part of itself while the ontology makes that relation irreflexive.
    """
    closure = Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    errors = sorted(
        str(text)
        for message in closure.subjects(RDF.type, _ERROR_CLASS)
        for text in closure.objects(message, _ERROR_TEXT)
    )
    if errors:
        raise AlignkgError("the ontology and the data contradict each other: " + "; ".join(errors))
    inferred = Graph()
    for triple in closure:
        if triple not in graph and not _is_noise(triple):
            inferred.add(triple)
    return inferred


def infer(dataset: Dataset) -> Graph:
    """Put the entailments of the dataset's asserted graphs into its ``akg:inferred`` graph.

    Any earlier inferred graph is replaced; the same input always gives the same triples.
    """
    inferred = entailments(asserted_graph(dataset))
    target = dataset.graph(INFERRED_GRAPH)
    target.remove((None, None, None))
    for triple in inferred:
        target.add(triple)
    return target
