"""Reading what the graph says about its entities through SPARQL: source titles, term labels,
statement records, and turning triples into networkx nodes (entities, with their literal values
as attributes) and edges (facts between entities)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from alignkg.model.terms import AK, compact_iri
from alignkg.queries.named import run_query
from alignkg.stores.base import Store

_SOURCES = """
SELECT ?src ?title WHERE {
  GRAPH akg:meta { ?g a ak:SourceGraph ; prov:wasDerivedFrom ?src . OPTIONAL { ?src rdfs:label ?title } }
}"""
_TERM_LABELS = "SELECT ?term ?label WHERE { GRAPH akg:ontology { ?term rdfs:label ?label } }"
STATEMENT_RECORDS = """
SELECT ?st ?s ?p ?o ?src WHERE {
  GRAPH akg:meta {
    ?st a ak:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?src
  }
}"""
"""Every statement record with the fact it states and its source, one row per record."""
STATEMENT_DETAILS = """
SELECT ?st ?key ?value WHERE {
  GRAPH akg:meta { VALUES ?key { ak:locator ak:evidence ak:validFrom ak:validTo } ?st ?key ?value }
}"""
"""Each statement record's locator, evidence and validity dates, one row per value."""

_STATEMENT_DETAIL_FIELDS = {
    str(AK.locator): "locator",
    str(AK.evidence): "evidence",
    str(AK.validFrom): "valid_from",
    str(AK.validTo): "valid_to",
}


def english(values: Iterable[Any]) -> str | None:
    """The English literal among ``values``, else the first one without a language, else None."""
    chosen: str | None = None
    for value in values:
        if isinstance(value, Literal) and value.language == "en":
            return str(value)
        if isinstance(value, Literal) and value.language is None and chosen is None:
            chosen = str(value)
    return chosen


def source_id(source: str) -> str:
    return source if ":" in source else f"aksrc:{source}"


def source_titles(dataset: Dataset | Store) -> dict[str, str]:
    """Each source that has a named graph, by compact id (``aksrc:...``), with its title."""
    found: dict[str, list[Any]] = {}
    for src, title in run_query(dataset, _SOURCES).rows:
        found.setdefault(compact_iri(str(src)), []).append(title)
    return {source: english(titles) or source for source, titles in sorted(found.items())}


def source_title(dataset: Dataset | Store, source: str) -> str:
    """The title of a source given its compact id (``aksrc:...``), or the id if it has none."""
    return source_titles(dataset).get(source_id(source), source)


def term_labels(dataset: Dataset | Store) -> dict[str, str]:
    """English labels of the ontology's classes and properties, by full IRI."""
    found: dict[str, list[Any]] = {}
    for term, label in run_query(dataset, _TERM_LABELS).rows:
        found.setdefault(str(term), []).append(label)
    return {term: english(labels) or compact_iri(term) for term, labels in found.items()}


def statement_records(dataset: Dataset | Store, labels: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The statement records of the ``akg:meta`` graph: subject, predicate (and its label from
    ``labels``), object (compact ids or literal text), source, locator, evidence and validity, one
    dict per record, sorted by record id."""

    def text(term: Node | None) -> str:
        return compact_iri(str(term)) if isinstance(term, URIRef) else str(term)

    records: dict[str, dict[str, str]] = {}
    for st, s, p, o, src in run_query(dataset, STATEMENT_RECORDS).rows:
        records[text(st)] = {
            "id": text(st),
            "subject": text(s),
            "predicate": text(p),
            "predicate_label": (labels or {}).get(str(p)) or text(p),
            "object": text(o),
            "source": text(src),
        }
    for st, key, value in run_query(dataset, STATEMENT_DETAILS).rows:
        record = records.get(text(st))
        if record is not None:
            record[_STATEMENT_DETAIL_FIELDS[str(key)]] = text(value)
    return [records[k] for k in sorted(records)]


def empty_node(iri: str) -> dict[str, Any]:
    return {
        "label": compact_iri(iri),
        "label_zh": None,
        "labels": {},
        "class": None,
        "class_label": None,
        "description": None,
        "sources": [],
        "attributes": {},
        "datatypes": {},
    }


_INTEGER_TYPES = {
    f"xsd:{t}" for t in ("positiveInteger", "nonNegativeInteger", "negativeInteger", "int", "long")
}
"""Derived integer types, recorded as ``xsd:integer`` as Oxigraph keeps them, so every store agrees."""


class GraphBuilder:
    """Collects nodes and edges from triples, turning literals into node attributes."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, iri: str) -> dict[str, Any]:
        if iri not in self.nodes:
            self.nodes[iri] = empty_node(iri)
        return self.nodes[iri]

    def label_of(self, prop: str) -> str:
        return self.labels.get(prop) or compact_iri(prop)

    def add(self, s: Node, p: Node, o: Node, source: str | None) -> None:
        if not isinstance(s, URIRef):
            return
        data = self.node(str(s))
        if source and source not in data["sources"]:
            data["sources"].append(source)
        if p == RDF.type and isinstance(o, URIRef):
            data["class"] = compact_iri(str(o))
            data["class_label"] = self.labels.get(str(o)) or data["class"]
        elif p == RDFS.label and isinstance(o, Literal):
            language = o.language or ""
            data["labels"][language] = str(o)
            if language == "en" or (not language and data["label"] == compact_iri(str(s))):
                data["label"] = str(o)
            elif language.startswith("zh"):
                data["label_zh"] = str(o)
        elif p == DCTERMS.description and isinstance(o, Literal):
            data["description"] = str(o)
        elif isinstance(o, Literal):
            if p == SKOS.altLabel and o.language and o.language not in data["labels"]:
                # a name in a language the entity has no label in, e.g. a Chinese name given as an alias
                data["labels"][o.language] = str(o)
                if o.language.startswith("zh"):
                    data["label_zh"] = data["label_zh"] or str(o)
            self.literal(data, self.label_of(str(p)), o)
        elif isinstance(o, URIRef):
            self.node(str(o))
            self.edge(str(s), str(p), str(o), source)

    @staticmethod
    def literal(data: dict[str, Any], name: str, value: Literal) -> None:
        """Add a literal value as the attribute ``name``, remembering its datatype (so exports can
        write numbers and dates as such)."""
        data["attributes"].setdefault(name, []).append(str(value))
        if value.datatype is not None:
            datatype = compact_iri(str(value.datatype))
            data["datatypes"][name] = "xsd:integer" if datatype in _INTEGER_TYPES else datatype

    def edge(self, s: str, p: str, o: str, source: str | None, label: str | None = None) -> None:
        predicate = compact_iri(p)
        key = (s, predicate, o)
        if key not in self.edges:
            self.edges[key] = {"predicate": predicate, "label": label or self.label_of(p), "sources": []}
        if source and source not in self.edges[key]["sources"]:
            self.edges[key]["sources"].append(source)

    def graph(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        for iri, data in sorted(self.nodes.items()):
            attributes = {k: "; ".join(sorted(set(v))) for k, v in sorted(data["attributes"].items())}
            data = {**data, "attributes": attributes, "sources": sorted(data["sources"])}
            data["labels"] = dict(sorted(data["labels"].items()))
            graph.add_node(compact_iri(iri), **data)
        for (s, predicate, o), data in sorted(self.edges.items()):
            sources = sorted(data["sources"])
            graph.add_edge(
                compact_iri(s),
                compact_iri(o),
                key=predicate,
                **{**data, "sources": sources, "source": sources[0] if sources else ""},
            )
        return graph
