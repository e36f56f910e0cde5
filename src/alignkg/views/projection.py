"""Projecting the RDF dataset onto a networkx graph: entities become nodes with their labels, class
and literal values as attributes; facts between entities become typed edges. Everything is read
through SPARQL, so any store that answers queries can be drawn; the ontology and the provenance
records stay out of the network, which shows what the sources say.

A projection can be narrowed to some sources' named graphs, to chosen classes, to the
neighbourhood of one entity, or replaced by the answer to a query (see :func:`to_networkx`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from alignkg.model.errors import AlignkgError
from alignkg.model.terms import AK, ID, SOURCE, compact_iri
from alignkg.queries.named import run_query
from alignkg.stores.base import Store
from alignkg.views.selection import class_filter, match_node

_FACTS = """
SELECT ?src ?s ?p ?o WHERE {
  GRAPH akg:meta { ?g a ak:SourceGraph ; prov:wasDerivedFrom ?src . }
  %s
  GRAPH ?g { ?s ?p ?o }
}"""
_SOURCES = """
SELECT ?src ?title WHERE {
  GRAPH akg:meta { ?g a ak:SourceGraph ; prov:wasDerivedFrom ?src . OPTIONAL { ?src dcterms:title ?title } }
}"""
_DESCRIPTIONS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  GRAPH ?g { VALUES ?p { rdf:type rdfs:label dcterms:description } ?s ?p ?o }
  GRAPH akg:meta { ?g a ak:SourceGraph }
}"""
_TERM_LABELS = "SELECT ?term ?label WHERE { GRAPH akg:ontology { ?term rdfs:label ?label } }"
_STATEMENTS = """
SELECT ?st ?s ?p ?o ?src WHERE {
  GRAPH akg:meta {
    ?st a ak:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?src
  }
}"""
_STATEMENT_DETAILS = """
SELECT ?st ?key ?value WHERE {
  GRAPH akg:meta { VALUES ?key { ak:locator ak:evidence ak:validFrom ak:validTo } ?st ?key ?value }
}"""

_STATEMENT_DETAIL_FIELDS = {
    str(AK.locator): "locator",
    str(AK.evidence): "evidence",
    str(AK.validFrom): "valid_from",
    str(AK.validTo): "valid_to",
}


_INTEGER_TYPES = {
    f"xsd:{t}" for t in ("positiveInteger", "nonNegativeInteger", "negativeInteger", "int", "long")
}
"""Derived integer types, recorded as ``xsd:integer`` as Oxigraph keeps them, so every store agrees."""


def _english(values: Iterable[Any]) -> str | None:
    """The English literal among ``values``, else the first one without a language, else None."""
    chosen: str | None = None
    for value in values:
        if isinstance(value, Literal) and value.language == "en":
            return str(value)
        if isinstance(value, Literal) and value.language is None and chosen is None:
            chosen = str(value)
    return chosen


def _source_id(source: str) -> str:
    return source if ":" in source else f"aksrc:{source}"


def source_titles(dataset: Dataset | Store) -> dict[str, str]:
    """Each source that has a named graph, by compact id (``aksrc:...``), with its title."""
    found: dict[str, list[Any]] = {}
    for src, title in run_query(dataset, _SOURCES).rows:
        found.setdefault(compact_iri(str(src)), []).append(title)
    return {source: _english(titles) or source for source, titles in sorted(found.items())}


def source_title(dataset: Dataset | Store, source: str) -> str:
    """The title of a source given its compact id (``aksrc:...``), or the id if it has none."""
    return source_titles(dataset).get(_source_id(source), source)


def term_labels(dataset: Dataset | Store) -> dict[str, str]:
    """English labels of the ontology's classes and properties, by full IRI."""
    found: dict[str, list[Any]] = {}
    for term, label in run_query(dataset, _TERM_LABELS).rows:
        found.setdefault(str(term), []).append(label)
    return {term: _english(labels) or compact_iri(term) for term, labels in found.items()}


def statement_records(dataset: Dataset | Store, labels: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The statement records of the ``akg:meta`` graph: subject, predicate (and its label from
    ``labels``), object (compact ids or literal text), source, locator, evidence and validity, one
    dict per record, sorted by record id."""

    def text(term: Node | None) -> str:
        return compact_iri(str(term)) if isinstance(term, URIRef) else str(term)

    records: dict[str, dict[str, str]] = {}
    for st, s, p, o, src in run_query(dataset, _STATEMENTS).rows:
        records[text(st)] = {
            "id": text(st),
            "subject": text(s),
            "predicate": text(p),
            "predicate_label": (labels or {}).get(str(p)) or text(p),
            "object": text(o),
            "source": text(src),
        }
    for st, key, value in run_query(dataset, _STATEMENT_DETAILS).rows:
        record = records.get(text(st))
        if record is not None:
            record[_STATEMENT_DETAIL_FIELDS[str(key)]] = text(value)
    return [records[k] for k in sorted(records)]


def _empty_node(iri: str) -> dict[str, Any]:
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


class _Builder:
    """Collects nodes and edges from triples, turning literals into node attributes."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, iri: str) -> dict[str, Any]:
        if iri not in self.nodes:
            self.nodes[iri] = _empty_node(iri)
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


def _base(dataset: Dataset | Store, sources: list[str] | None, labels: dict[str, str]) -> nx.MultiDiGraph:
    values = ""
    if sources is not None:
        iris = " ".join(f"<{SOURCE}{s.removeprefix('aksrc:')}>" for s in sources)
        values = f"VALUES ?src {{ {iris} }}"
    builder = _Builder(labels)
    entity = str(ID)
    rows = [row for row in run_query(dataset, _FACTS % values).rows if str(row[1]).startswith(entity)]
    for src, s, p, o in sorted(rows, key=lambda row: tuple(str(t) for t in row)):
        assert s is not None and p is not None and o is not None
        builder.add(s, p, o, compact_iri(str(src)))
    if sources is not None:
        # Entities drawn from some sources keep the class, labels and description given elsewhere.
        described = sorted(
            (row for row in run_query(dataset, _DESCRIPTIONS).rows if str(row[0]) in builder.nodes),
            key=lambda row: tuple(str(t) for t in row),
        )
        for s, p, o in described:
            assert s is not None and p is not None and o is not None
            builder.add(s, p, o, None)
    return builder.graph()


def _query_graph(
    dataset: Dataset | Store, base: nx.MultiDiGraph, query: str, labels: dict[str, str]
) -> nx.MultiDiGraph:
    """The graph drawn from a query's answer, its nodes described as in ``base``."""
    result = run_query(dataset, query)
    if result.boolean is not None:
        raise AlignkgError(
            "an ASK query has no graph to draw; use CONSTRUCT or SELECT ?subject ?predicate ?object"
        )
    builder = _Builder(labels)
    if result.graph is not None:
        for s, p, o in result.rows:
            assert s is not None and p is not None and o is not None
            builder.add(s, p, o, None)
    else:
        variables = [v.lower() for v in result.variables]
        subject = next((variables.index(v) for v in ("subject", "s", "from") if v in variables), None)
        obj = next((variables.index(v) for v in ("object", "o", "to") if v in variables), None)
        predicate = next((variables.index(v) for v in ("predicate", "p", "edge") if v in variables), None)
        if subject is None or obj is None:
            raise AlignkgError(
                "a SELECT query to draw must name its edges with the variables ?subject and ?object "
                f"(and optionally ?predicate); this one has {', '.join('?' + v for v in result.variables)}"
            )
        used = {subject, obj, predicate}
        for row in result.rows:
            s, o = row[subject], row[obj]
            p = row[predicate] if predicate is not None else None
            if not isinstance(s, URIRef):
                continue
            builder.node(str(s))
            if o is not None:
                if isinstance(p, URIRef):
                    builder.add(s, p, o, None)
                elif isinstance(o, URIRef):
                    builder.node(str(o))
                    label = str(p) if p is not None else "related"
                    builder.edge(str(s), label, str(o), None, label=label)
                else:
                    name = str(p) if p is not None else result.variables[obj]
                    if isinstance(o, Literal):
                        builder.literal(builder.node(str(s)), name, o)
                    else:
                        builder.node(str(s))["attributes"].setdefault(name, []).append(str(o))
            for index, term in enumerate(row):
                if index not in used and isinstance(term, Literal):
                    builder.literal(builder.node(str(s)), result.variables[index], term)
    graph = builder.graph()
    for node, data in graph.nodes(data=True):
        if node in base:
            known = base.nodes[node]
            empty = {**_empty_node(""), "label": str(node)}
            for key in ("label", "label_zh", "labels", "class", "class_label", "description", "sources"):
                if data.get(key) == empty[key]:
                    data[key] = known.get(key)
            data["attributes"] = {**known.get("attributes", {}), **data["attributes"]}
            data["datatypes"] = {**known.get("datatypes", {}), **data.get("datatypes", {})}
    for s, o, key, data in graph.edges(keys=True, data=True):
        if base.has_edge(s, o, key):
            data["sources"] = base.edges[s, o, key]["sources"]
            data["source"] = base.edges[s, o, key]["source"]
    return graph


def to_networkx(
    dataset: Dataset | Store,
    *,
    sources: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
) -> nx.MultiDiGraph:
    """The entities and the facts between them as a directed multigraph.

    Nodes are keyed by compact id (``akid:meng-fanying``) and carry ``label`` (English),
    ``label_zh``, ``labels`` (by language), ``class``, ``class_label``, ``description``, ``sources``
    ``attributes`` (the entity's literal values by property label) and ``datatypes`` (the
    datatype of those values, ``xsd:decimal``, by the same label). Edges are keyed by
    predicate and carry ``predicate``, ``label``, ``sources`` and ``source`` (the first of them).
    The graph's own attributes give ``shown`` (what the selection is), ``sources`` (id to title of
    the sources drawn on) and ``statements`` (the statement records about the nodes).

    - ``sources``: only these sources' named graphs (``aksrc:...`` or the bare id);
    - ``classes``: only entities of these classes (``ak:Meeting``, a full IRI or a class label);
    - ``focus`` and ``depth``: only the entities within ``depth`` steps of one entity, named by id
      or by label in any language, edge direction ignored;
    - ``query``: the answer to a query (shipped name, ``.rq`` file or SPARQL text): a CONSTRUCT,
      or a SELECT whose ``?subject ?predicate ?object`` (or ``?s ?p ?o``) rows are the edges;
      literal objects and other literal columns become attributes of the subject.
    """
    sources = [sources] if isinstance(sources, str) else sources
    classes = [classes] if isinstance(classes, str) else classes
    chosen = None if sources is None else sorted({_source_id(s) for s in sources})
    titles = source_titles(dataset)
    for source in chosen or []:
        if source not in titles:
            raise AlignkgError(f"no source {source!r} in the graph; sources: {', '.join(titles)}")
    labels = term_labels(dataset)
    graph = _base(dataset, chosen, labels)
    shown: list[str] = []
    if query is not None:
        graph = _query_graph(dataset, graph, query, labels)
        shown.append("the answer to a query")
    if classes is not None:
        kept = class_filter(graph, list(classes))
        graph = graph.subgraph([n for n, d in graph.nodes(data=True) if d.get("class") in kept]).copy()
        shown.append("entities of class " + ", ".join(sorted(kept)))
    if focus is not None:
        if depth < 0:
            raise AlignkgError(f"depth must be 0 or more, not {depth}")
        center = match_node(graph, focus)
        graph = nx.ego_graph(graph, center, radius=depth, undirected=True).copy()
        steps = "step" if depth == 1 else "steps"
        shown.append(f"the neighbourhood of {graph.nodes[center]['label']} ({center}) within {depth} {steps}")
        graph.graph["focus"] = center
    used = {s for _, d in graph.nodes(data=True) for s in d.get("sources") or []}
    used |= {s for _, _, d in graph.edges(data=True) for s in d.get("sources") or []}
    graph.graph["shown"] = "; ".join(shown) if shown else "all entities"
    graph.graph["sources"] = {s: titles.get(s, s) for s in sorted(used)}
    nodes = set(graph.nodes)
    graph.graph["statements"] = [
        r
        for r in statement_records(dataset, labels)
        if (r.get("subject") in nodes or r.get("object") in nodes)
        and (chosen is None or r.get("source") in chosen)
    ]
    return graph
