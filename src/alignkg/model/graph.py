"""Building the RDF dataset from checked table rows: one named graph per source, the ontology in
a graph of its own, and a metadata graph with sources and one record per statement."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from alignkg.model.cells import quote_problems, split_aliases
from alignkg.model.errors import AlignkgError, DataError
from alignkg.model.ontology import Ontology
from alignkg.model.tables import EntityRow, Row, SourceRow, StatementRow, Tables
from alignkg.model.terms import (
    AK,
    META_GRAPH,
    OA,
    ONTOLOGY_GRAPH,
    SCHEMA,
    STATEMENT,
    compact_iri,
    entity_iri,
    expand_curie,
    is_valid_id,
    selector_iri,
    source_graph_iri,
    source_iri,
)

SOURCE_KINDS = {"article": AK.Article, "background": AK.BackgroundKnowledge}
"""Values of the ``kind`` column of sources.csv and the classes they map to."""

LANG_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")

TIES = {"item": AK.ItemTie, "meeting": AK.MeetingTie}
"""Values of the ``tie`` column of statements.csv: how directly the source ties a priority,
measure or meeting to the directive it implements."""

URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+", re.IGNORECASE)
"""What the ``url`` column of sources.csv accepts: an absolute web address, nothing to expand."""


def _check_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def _check_gyearmonth(text: str) -> bool:
    return re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text) is not None


_INTEGER = re.compile(r"[+-]?\d+")

DATATYPES: dict[URIRef, tuple[str, Callable[[str], bool]]] = {
    XSD.string: ("any text", lambda _t: True),
    XSD.date: ("a date as YYYY-MM-DD", _check_date),
    XSD.gYear: ("a year as YYYY", lambda t: re.fullmatch(r"\d{4}", t) is not None),
    XSD.gYearMonth: ("a month as YYYY-MM", _check_gyearmonth),
    XSD.integer: ("a whole number", lambda t: _INTEGER.fullmatch(t) is not None),
    XSD.positiveInteger: (
        "a whole number of 1 or more",
        lambda t: _INTEGER.fullmatch(t) is not None and int(t) >= 1,
    ),
    XSD.nonNegativeInteger: (
        "a whole number of 0 or more",
        lambda t: _INTEGER.fullmatch(t) is not None and int(t) >= 0,
    ),
    XSD.decimal: (
        "a decimal number such as 6.8",
        lambda t: re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", t) is not None,
    ),
    XSD.boolean: ("true or false", lambda t: t in ("true", "false")),
}
"""Datatypes a statement's value may carry, with what they expect and how their form is checked."""


@dataclass
class BuiltGraph:
    """The built dataset, with each statement record (and the selectors of its quote), entity and
    source traced back to its table row."""

    dataset: Dataset
    origins: dict[URIRef, StatementRow] = field(default_factory=dict)
    entities: dict[URIRef, EntityRow] = field(default_factory=dict)
    sources: dict[URIRef, SourceRow] = field(default_factory=dict)


class _Collector:
    """Gathers errors so that one build reports every problem, not just the first."""

    def __init__(self) -> None:
        self.errors: list[AlignkgError] = []

    def add(self, row: Row, column: str, message: str) -> None:
        self.errors.append(AlignkgError(message, row.at(column)))

    def raise_if_any(self) -> None:
        if self.errors:
            raise DataError(self.errors)


def statement_iri(subject: URIRef, predicate: URIRef, obj: Node, source_id: str) -> URIRef:
    """A stable IRI for a statement: the same fact from the same source always gets the same one."""
    key = "\n".join((str(subject), str(predicate), obj.n3(), source_id))
    return STATEMENT[hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]]


def _unique_ids(rows: Iterable[SourceRow | EntityRow], kind: str, errors: _Collector) -> set[str]:
    seen: dict[str, Row] = {}
    for row in rows:
        if not row.id:
            errors.add(row, "id", f"{kind} id is empty")
        elif not is_valid_id(row.id):
            errors.add(
                row,
                "id",
                f"{kind} id {row.id!r} has characters not allowed in an id "
                "(use letters, digits, '-', '_' and '.', starting with a letter or digit)",
            )
        elif row.id in seen:
            errors.add(row, "id", f"duplicate {kind} id {row.id!r} (first used in row {seen[row.id].row})")
        else:
            seen[row.id] = row
    return set(seen)


def _literal(row: StatementRow, prop: URIRef, ontology: Ontology, errors: _Collector) -> Literal | None:
    """The literal a statement row gives, checked against its datatype and the property's range."""
    declared = ontology.range_of(prop)
    if row.lang:
        if not LANG_TAG.fullmatch(row.lang):
            errors.add(
                row,
                "lang",
                f"bad language tag {row.lang!r} (expected a tag such as 'en' or 'zh-Hans')",
            )
            return None
        if row.datatype:
            errors.add(row, "datatype", "give either a datatype or a language tag, not both")
            return None
        if declared is not None and declared not in (RDF.langString, XSD.string, RDFS.Literal):
            errors.add(
                row,
                "lang",
                f"{row.predicate} expects {compact_iri(str(declared))}, not text with a language tag",
            )
            return None
        return Literal(row.value, lang=row.lang)
    if row.datatype:
        datatype = expand_curie(row.datatype)
        if datatype is None or datatype not in DATATYPES:
            known = ", ".join(sorted(compact_iri(str(d)) for d in DATATYPES))
            errors.add(row, "datatype", f"unknown datatype {row.datatype!r}; use one of: {known}")
            return None
    elif declared in DATATYPES:
        datatype = declared
    elif declared == RDF.langString:
        errors.add(row, "lang", f"{row.predicate} expects text with a language tag, such as 'en'")
        return None
    else:
        datatype = XSD.string
    if declared in DATATYPES and datatype != declared:
        errors.add(
            row,
            "datatype",
            f"{row.predicate} expects {compact_iri(str(declared))}, got {compact_iri(str(datatype))}",
        )
        return None
    expectation, is_valid = DATATYPES[datatype]
    if not is_valid(row.value):
        errors.add(row, "value", f"{row.value!r} is not {expectation} ({compact_iri(str(datatype))})")
        return None
    if datatype == XSD.string:
        return Literal(row.value)
    return Literal(row.value, datatype=datatype)


def _statement_terms(
    row: StatementRow,
    entity_ids: set[str],
    source_ids: set[str],
    ontology: Ontology,
    errors: _Collector,
) -> tuple[URIRef, URIRef, Node] | None:
    """Check one statement row and return its (subject, predicate, object) terms."""
    before = len(errors.errors)
    if row.subject not in entity_ids:
        errors.add(
            row,
            "subject",
            f"unknown entity {row.subject!r} (not in entities.csv)" if row.subject else "subject is empty",
        )
    if not row.source:
        errors.add(row, "source", "statement has no source; every fact must name a source id")
    elif row.source not in source_ids:
        errors.add(row, "source", f"unknown source {row.source!r} (not in sources.csv)")
    for column in ("valid_from", "valid_to"):
        text = getattr(row, column)
        if text and not _check_date(text):
            errors.add(row, column, f"{text!r} is not a date as YYYY-MM-DD")
    _check_quote(row, errors)
    prop = expand_curie(row.predicate)
    if row.tie and prop != AK.implements:
        errors.add(row, "tie", "only an ak:implements statement says how directly it is tied (tie)")
    elif row.tie and row.tie not in TIES:
        errors.add(row, "tie", f"unknown tie {row.tie!r}; use one of: {', '.join(TIES)}")
    if prop is None or not ontology.is_property(prop):
        errors.add(row, "predicate", f"unknown predicate {row.predicate!r} (not declared in the ontology)")
        return None
    obj: Node | None = None
    if row.object and row.value:
        errors.add(row, "value", "give either an object (an entity id) or a value (a literal), not both")
    elif prop in ontology.object_properties:
        if row.value or not row.object:
            errors.add(row, "object", f"{row.predicate} links two entities; put an entity id in 'object'")
        elif row.object not in entity_ids:
            errors.add(row, "object", f"unknown entity {row.object!r} (not in entities.csv)")
        elif row.datatype or row.lang:
            errors.add(
                row,
                "datatype" if row.datatype else "lang",
                "an entity object takes no datatype or language",
            )
        else:
            obj = entity_iri(row.object)
    elif not row.value:
        errors.add(row, "value", f"{row.predicate} takes a literal; put it in 'value'")
    else:
        obj = _literal(row, prop, ontology, errors)
    if obj is None or len(errors.errors) > before:
        return None
    return entity_iri(row.subject), prop, obj


def _check_quote(row: StatementRow, errors: _Collector) -> None:
    for column, message in quote_problems(row.quote, row.quote_start, row.quote_end):
        errors.add(row, column, message)


def check_and_build(tables: Tables, ontology: Ontology) -> BuiltGraph:
    """Check the tables' integrity and build the dataset; raise DataError listing every problem."""
    errors = _Collector()
    source_ids = _unique_ids(tables.sources, "source", errors)
    entity_ids = _unique_ids(tables.entities, "entity", errors)

    for src in tables.sources:
        if src.kind not in SOURCE_KINDS:
            errors.add(src, "kind", f"unknown kind {src.kind!r}; use one of: {', '.join(SOURCE_KINDS)}")
        if not src.title and not src.url:
            errors.add(src, "title", "source has no title; give the title it states, or its URL")
        if src.url and not URL.fullmatch(src.url):
            errors.add(src, "url", f"{src.url!r} is not a web address (http:// or https://, no spaces)")
        if src.issued and not _check_date(src.issued):
            errors.add(src, "issued", f"{src.issued!r} is not a date as YYYY-MM-DD")
        if src.publisher and src.publisher not in entity_ids:
            errors.add(src, "publisher", f"unknown entity {src.publisher!r} (not in entities.csv)")

    for ent in tables.entities:
        cls = expand_curie(ent.cls)
        if cls is None or not ontology.is_class(cls):
            errors.add(ent, "class", f"unknown class {ent.cls!r} (not declared in the ontology)")
        if not ent.label_en:
            errors.add(ent, "label_en", "entity has no English label")
        if not ent.source:
            errors.add(ent, "source", "entity has no source; every fact must name a source id")
        elif ent.source not in source_ids:
            errors.add(ent, "source", f"unknown source {ent.source!r} (not in sources.csv)")
        for alias, lang in split_aliases(ent.aliases):
            if lang and not LANG_TAG.fullmatch(lang):
                errors.add(ent, "aliases", f"bad language tag {lang!r} in alias {alias!r}")

    checked: list[tuple[StatementRow, tuple[URIRef, URIRef, Node]]] = []
    seen: dict[URIRef, StatementRow] = {}
    for st in tables.statements:
        terms = _statement_terms(st, entity_ids, source_ids, ontology, errors)
        if terms is None:
            continue
        iri = statement_iri(*terms, st.source)
        if iri in seen:
            errors.add(st, "subject", f"duplicate statement (same fact and source as row {seen[iri].row})")
            continue
        seen[iri] = st
        checked.append((st, terms))
    errors.raise_if_any()

    dataset = Dataset(default_union=True)
    ontology_graph = dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology.graph:
        ontology_graph.add(triple)
    meta = dataset.graph(META_GRAPH)
    graphs: dict[str, Graph] = {}
    for src in sorted(tables.sources, key=lambda r: r.id):
        graphs[src.id] = dataset.graph(source_graph_iri(src.id))
        _describe_source(meta, src)
    built = BuiltGraph(dataset)
    for src in tables.sources:
        built.sources[source_iri(src.id)] = src
    for ent in tables.entities:
        _describe_entity(graphs[ent.source], ent, expand_curie(ent.cls))
        built.entities[entity_iri(ent.id)] = ent
    for st, (s, p, o) in checked:
        graphs[st.source].add((s, p, o))
        record = statement_iri(s, p, o, st.source)
        built.origins[record] = st
        if st.quote:
            built.origins[selector_iri(record, "quote")] = st
        if st.quote and st.quote_start:
            built.origins[selector_iri(record, "position")] = st
        _describe_statement(meta, record, st, (s, p, o))
    return built


def source_label(src: SourceRow) -> str:
    """How a source is named: its title, or for a page that states none, its address."""
    return src.title or f"Untitled page: {src.url}"


def _describe_source(meta: Graph, src: SourceRow) -> None:
    iri = source_iri(src.id)
    meta.add((iri, RDF.type, SOURCE_KINDS[src.kind]))
    meta.add((iri, RDFS.label, Literal(source_label(src), lang="en")))
    if src.title:
        meta.add((iri, DCTERMS.title, Literal(src.title, lang="en")))
    if src.url:
        meta.add((iri, SCHEMA.url, Literal(src.url, datatype=XSD.anyURI)))
    if src.publisher:
        meta.add((iri, DCTERMS.publisher, entity_iri(src.publisher)))
    if src.issued:
        meta.add((iri, DCTERMS.issued, Literal(src.issued, datatype=XSD.date)))
    if src.description:
        meta.add((iri, DCTERMS.description, Literal(src.description, lang="en")))
    graph = source_graph_iri(src.id)
    meta.add((graph, RDF.type, AK.SourceGraph))
    meta.add((graph, RDFS.label, Literal(f"Facts from: {source_label(src)}", lang="en")))
    meta.add((graph, PROV.wasDerivedFrom, iri))


def _describe_entity(graph: Graph, ent: EntityRow, cls: URIRef | None) -> None:
    iri = entity_iri(ent.id)
    if cls is not None:
        graph.add((iri, RDF.type, cls))
    graph.add((iri, RDFS.label, Literal(ent.label_en, lang="en")))
    if ent.label_zh:
        graph.add((iri, RDFS.label, Literal(ent.label_zh, lang="zh")))
    if ent.description:
        graph.add((iri, DCTERMS.description, Literal(ent.description, lang="en")))
    for alias, lang in split_aliases(ent.aliases):
        graph.add((iri, SKOS.altLabel, Literal(alias, lang=lang or None)))


def _describe_statement(
    meta: Graph, record: URIRef, st: StatementRow, triple: tuple[URIRef, URIRef, Node]
) -> None:
    s, p, o = triple
    meta.add((record, RDF.type, AK.Statement))
    meta.add((record, RDF.subject, s))
    meta.add((record, RDF.predicate, p))
    meta.add((record, RDF.object, o))
    meta.add((record, PROV.wasDerivedFrom, source_iri(st.source)))
    meta.add((record, AK.assertedIn, source_graph_iri(st.source)))
    if st.locator:
        meta.add((record, AK.locator, Literal(st.locator)))
    if st.evidence:
        meta.add((record, AK.evidence, Literal(st.evidence, lang="en")))
    if st.valid_from:
        meta.add((record, AK.validFrom, Literal(st.valid_from, datatype=XSD.date)))
    if st.valid_to:
        meta.add((record, AK.validTo, Literal(st.valid_to, datatype=XSD.date)))
    if st.tie:
        meta.add((record, AK.tie, TIES[st.tie]))
    if st.quote:
        quote = selector_iri(record, "quote")
        meta.add((record, OA.hasSelector, quote))
        meta.add((quote, RDF.type, OA.TextQuoteSelector))
        meta.add((quote, OA.exact, Literal(st.quote)))
    if st.quote and st.quote_start:
        position = selector_iri(record, "position")
        meta.add((record, OA.hasSelector, position))
        meta.add((position, RDF.type, OA.TextPositionSelector))
        meta.add((position, OA.start, Literal(int(st.quote_start), datatype=XSD.nonNegativeInteger)))
        meta.add((position, OA.end, Literal(int(st.quote_end), datatype=XSD.nonNegativeInteger)))
