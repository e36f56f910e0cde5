"""What the static site shows, read from the graph in a few whole-graph SELECT queries: every fact of
the source graphs and of the inferred graph, the statement records that give each fact its source,
locator, evidence and quote, the sources' own metadata and the ontology's labels and classes.

Reading everything at once, never one query per entity, keeps a site of a million quads fast, and
going through SPARQL alone makes it work on every store.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from alignkg.model.terms import ID, INFERRED_GRAPH, SOURCE, compact_iri
from alignkg.queries.named import run_query
from alignkg.stores.base import Store
from alignkg.views.describe import STATEMENT_DETAILS, STATEMENT_RECORDS

OA = "http://www.w3.org/ns/oa#"
"""The Web Annotation vocabulary: a statement record may carry an ``oa:TextQuoteSelector``."""

_FACTS = f"""
SELECT ?g ?s ?p ?o WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(?g != akg:meta && ?g != akg:ontology && STRSTARTS(STR(?s), "{ID}"))
}}"""
_GRAPH_SOURCES = """
SELECT ?g ?src WHERE { GRAPH akg:meta { ?g a ak:SourceGraph ; prov:wasDerivedFrom ?src } }"""
_QUOTES = f"""
PREFIX oa: <{OA}>
SELECT ?st ?quote WHERE {{
  ?st a ak:Statement ; (oa:hasSelector|oa:hasTarget/oa:hasSelector) ?selector .
  ?selector a oa:TextQuoteSelector ; oa:exact ?quote .
}}"""
_SOURCES = f"""
SELECT ?src ?p ?o WHERE {{ GRAPH akg:meta {{ ?src ?p ?o }} FILTER(STRSTARTS(STR(?src), "{SOURCE}")) }}"""
_TERMS = """
SELECT ?t ?p ?o WHERE { GRAPH akg:ontology { VALUES ?p { rdfs:label rdfs:subClassOf } ?t ?p ?o } }"""

_DETAIL_FIELDS = {"ak:locator": "locator", "ak:evidence": "evidence", "ak:validFrom": "valid_from"}
_DETAIL_FIELDS["ak:validTo"] = "valid_to"

_BUILT_IN = {
    "rdf:type": "is a",
    "rdfs:label": "label",
    "skos:altLabel": "also known as",
    "dcterms:description": "description",
    "dcterms:title": "title",
    "dcterms:publisher": "publisher",
    "dcterms:issued": "issued",
}

QUERY_COUNT = 7
"""How many SELECT queries :func:`read_site_data` runs, whatever the size of the graph."""


@dataclass(slots=True)
class Fact:
    """One fact as the site shows it: compact ids, literal text, and where it comes from.

    ``source`` is the source id (``aksrc:...``) of the named graph that asserts it, empty for an
    inferred fact; ``anchor`` is a stable id for the fact's row, the statement record's own
    local name where there is one."""

    subject: str
    predicate: str
    value: str
    is_entity: bool
    lang: str
    datatype: str
    source: str
    inferred: bool
    anchor: str
    locator: str = ""
    evidence: str = ""
    quote: str = ""
    valid_from: str = ""
    valid_to: str = ""


@dataclass
class SourceInfo:
    """A source's metadata: every (property, value, value-is-an-IRI) the metadata graph gives it."""

    id: str
    metadata: list[tuple[str, str, bool]] = field(default_factory=list)

    def first(self, predicate: str) -> str:
        """The smallest value of one property, or the empty string."""
        return min((v for p, v, _ in self.metadata if p == predicate), default="")


@dataclass
class SiteData:
    """Everything the pages are drawn from, indexed by entity and by source."""

    facts: list[Fact]
    sources: dict[str, SourceInfo]
    term_labels: dict[str, dict[str, str]]
    ancestors: dict[str, set[str]]
    outgoing: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))
    by_source: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    aliases: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    aliases_zh: dict[str, str] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    asserted_types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    descriptions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for fact in self.facts:
            self.outgoing[fact.subject].append(fact)
            if fact.is_entity and fact.value.startswith("akid:"):
                self.incoming[fact.value].append(fact)
            if fact.source:
                self.by_source[fact.source].append(fact)
            if fact.predicate == "rdf:type" and fact.is_entity:
                self.types[fact.subject].add(fact.value)
                if not fact.inferred:
                    self.asserted_types[fact.subject].add(fact.value)
            elif fact.predicate == "rdfs:label" and not fact.is_entity:
                lang = "zh" if fact.lang.startswith("zh") else fact.lang
                known = self.labels[fact.subject].get(lang)
                if known is None or fact.value < known:
                    self.labels[fact.subject][lang] = fact.value
            elif fact.predicate == "skos:altLabel" and not fact.is_entity:
                if fact.value not in self.aliases[fact.subject]:
                    self.aliases[fact.subject].append(fact.value)
                if fact.lang.startswith("zh"):
                    known = self.aliases_zh.get(fact.subject)
                    if known is None or fact.value < known:
                        self.aliases_zh[fact.subject] = fact.value
            elif fact.predicate == "dcterms:description" and not fact.is_entity:
                known_text = self.descriptions.get(fact.subject)
                if known_text is None or fact.lang == "en":
                    self.descriptions[fact.subject] = fact.value

    @cached_property
    def entities(self) -> list[str]:
        """Every entity that is the subject or the object of a fact and has an id a page can be
        named after (``akid:x``), sorted; other IRIs are shown as text."""
        return sorted(e for e in {*self.outgoing, *self.incoming} if e.startswith("akid:"))

    def label(self, entity: str) -> str:
        """The English label, else one without a language, else the id."""
        found = self.labels.get(entity, {})
        return found.get("en") or found.get("") or entity

    def label_zh(self, entity: str) -> str:
        """The Chinese label, else a Chinese alias (a Chinese name that another source gives is
        recorded as ``skos:altLabel``), as the HTML view shows it; else empty."""
        return self.labels.get(entity, {}).get("zh") or self.aliases_zh.get(entity, "")

    def term_label(self, term: str) -> str:
        """The ontology's English label of a class or property, else a plain name for RDF's own
        terms, else its compact id."""
        found = self.term_labels.get(term, {})
        return found.get("en") or found.get("") or _BUILT_IN.get(term, term)

    def is_a(self, entity: str, cls: str) -> bool:
        """True when one of the entity's classes is ``cls`` or a subclass of it."""
        return any(cls == t or cls in self.ancestors.get(t, ()) for t in self.types.get(entity, ()))

    def objects(self, entity: str, predicate: str, *, asserted: bool = True) -> list[str]:
        """The distinct entities ``entity`` points to with ``predicate``, sorted."""
        return sorted(
            {
                f.value
                for f in self.outgoing.get(entity, [])
                if f.predicate == predicate and f.is_entity and not (asserted and f.inferred)
            }
        )

    def subjects(self, predicate: str, entity: str, *, asserted: bool = True) -> list[str]:
        """The distinct entities that point to ``entity`` with ``predicate``, sorted."""
        return sorted(
            {
                f.subject
                for f in self.incoming.get(entity, [])
                if f.predicate == predicate and not (asserted and f.inferred)
            }
        )

    def values(self, entity: str, predicate: str) -> list[str]:
        """The distinct literal values of one property of an entity, sorted."""
        return sorted(
            {f.value for f in self.outgoing.get(entity, []) if f.predicate == predicate and not f.is_entity}
        )

    def facts_of(self, entity: str, predicate: str, value: str) -> list[Fact]:
        """The asserted records of one fact (one per source)."""
        return [
            f
            for f in self.outgoing.get(entity, [])
            if f.predicate == predicate and f.value == value and not f.inferred
        ]

    def date(self, entity: str) -> str:
        """The entity's earliest date (``dcterms:date``, else ``schema:startDate``), or empty."""
        for predicate in ("dcterms:date", "schema:startDate"):
            found = self.values(entity, predicate)
            if found:
                return found[0]
        return ""


def _compactor() -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def compact(iri: str) -> str:
        found = cache.get(iri)
        if found is None:
            found = cache[iri] = compact_iri(iri)
        return found

    return compact


def _anchor(key: tuple[Node, ...]) -> str:
    text = "\n".join(term.n3() for term in key)
    return "d" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _records(dataset: Dataset | Store, compact: Callable[[str], str]) -> dict[tuple[Node, ...], Fact]:
    """Statement records by (subject, predicate, object, source), as facts holding the details."""
    by_record: dict[str, Fact] = {}
    by_fact: dict[tuple[Node, ...], Fact] = {}
    for st, s, p, o, src in run_query(dataset, STATEMENT_RECORDS).rows:
        assert st is not None and s is not None and p is not None and o is not None and src is not None
        record = compact(str(st))
        fact = Fact("", "", "", False, "", "", compact(str(src)), False, record.partition(":")[2] or record)
        by_record[str(st)] = fact
        by_fact[(s, p, o, src)] = fact
    for st, key, value in run_query(dataset, STATEMENT_DETAILS).rows:
        known = by_record.get(str(st))
        if known is not None and value is not None:
            setattr(known, _DETAIL_FIELDS[compact(str(key))], str(value))
    for st, quote in run_query(dataset, _QUOTES).rows:
        known = by_record.get(str(st))
        if known is not None and quote is not None:
            known.quote = min(filter(None, (known.quote, str(quote))))
    return by_fact


def read_site_data(dataset: Dataset | Store) -> SiteData:
    """Read what the site shows with :data:`QUERY_COUNT` whole-graph queries."""
    compact = _compactor()
    graph_sources = {g: src for g, src in run_query(dataset, _GRAPH_SOURCES).rows}
    records = _records(dataset, compact)
    facts: list[Fact] = []
    for g, s, p, o in run_query(dataset, _FACTS).rows:
        assert g is not None and s is not None and p is not None and o is not None
        inferred = g == INFERRED_GRAPH
        src = graph_sources.get(g)
        if src is None and not inferred:
            continue  # a named graph that no source stands behind is not shown as a fact
        record = records.get((s, p, o, src)) if src is not None else None
        literal = o if isinstance(o, Literal) else None
        fact = Fact(
            compact(str(s)),
            compact(str(p)),
            compact(str(o)) if isinstance(o, URIRef) else str(o),
            isinstance(o, URIRef),
            (literal.language or "") if literal is not None else "",
            compact(str(literal.datatype)) if literal is not None and literal.datatype else "",
            compact(str(src)) if src is not None else "",
            inferred,
            record.anchor if record is not None else _anchor((s, p, o, g)),
        )
        if record is not None:
            fact.locator, fact.evidence, fact.quote = record.locator, record.evidence, record.quote
            fact.valid_from, fact.valid_to = record.valid_from, record.valid_to
        facts.append(fact)
    facts.sort(key=lambda f: (f.subject, f.predicate, f.value, f.lang, f.datatype, f.inferred, f.source))
    sources: dict[str, SourceInfo] = {}
    for src, p, o in run_query(dataset, _SOURCES).rows:
        assert src is not None and p is not None and o is not None
        info = sources.setdefault(compact(str(src)), SourceInfo(compact(str(src))))
        info.metadata.append(
            (compact(str(p)), compact(str(o)) if isinstance(o, URIRef) else str(o), isinstance(o, URIRef))
        )
    for fact in facts:
        if fact.source and fact.source not in sources:
            sources[fact.source] = SourceInfo(fact.source)
    for odd in [s for s in sources if not s.startswith("aksrc:")]:
        del sources[odd]  # an IRI no page can be named after: its facts show it as text
    for info in sources.values():
        info.metadata.sort()
    term_labels: dict[str, dict[str, str]] = defaultdict(dict)
    parents: dict[str, set[str]] = defaultdict(set)
    for t, _, o in run_query(dataset, _TERMS).rows:
        if isinstance(o, Literal):
            lang = "zh" if (o.language or "").startswith("zh") else (o.language or "")
            known = term_labels[compact(str(t))].get(lang)
            if known is None or str(o) < known:
                term_labels[compact(str(t))][lang] = str(o)
        elif isinstance(o, URIRef):
            parents[compact(str(t))].add(compact(str(o)))
    return SiteData(facts, dict(sorted(sources.items())), dict(term_labels), _closure(parents))


def _closure(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every class's ancestors through ``rdfs:subClassOf``, cycles tolerated."""
    ancestors: dict[str, set[str]] = {}
    for cls in parents:
        seen: set[str] = set()
        todo = list(parents[cls])
        while todo:
            parent = todo.pop()
            if parent not in seen:
                seen.add(parent)
                todo.extend(parents.get(parent, ()))
        ancestors[cls] = seen
    return ancestors
