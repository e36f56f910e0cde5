"""Building the RDF dataset from checked table rows: one named graph per source, the ontology in
a graph of its own, and a metadata graph with sources and one record per statement."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from alignkg.model.cells import quote_problems, split_aliases
from alignkg.model.description import SOURCE_KINDS, TIES, describe_entity, describe_source, describe_statement
from alignkg.model.errors import AlignkgError, DataError
from alignkg.model.ontology import Ontology
from alignkg.model.tables import EntityRow, Row, SourceRow, StatementRow, Tables
from alignkg.model.terms import (
    AK,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    STATEMENT,
    compact_iri,
    entity_iri,
    expand_curie,
    is_valid_id,
    selector_iri,
    source_graph_iri,
    source_iri,
)
from alignkg.model.words import did_you_mean

LANG_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


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
    """The ids of the rows, each reported if empty, malformed, or given twice, also when the
    two spellings differ only by case (IRIs would tell them apart; readers would not)."""
    seen: dict[str, Row] = {}
    folded: dict[str, SourceRow | EntityRow] = {}
    for row in rows:
        if not row.id:
            errors.add(row, "id", f"{kind} id is empty")
        elif not is_valid_id(row.id):
            plain = unicodedata.normalize("NFKC", row.id)
            hint = f"; normalised it reads {plain!r}: write that" if is_valid_id(plain) else ""
            errors.add(
                row,
                "id",
                f"{kind} id {row.id!r} has characters not allowed in an id "
                f"(use letters, digits, '-', '_' and '.', starting with a letter or digit){hint}",
            )
        elif row.id in seen:
            errors.add(row, "id", f"duplicate {kind} id {row.id!r} (first used in row {seen[row.id].row})")
        elif row.id.casefold() in folded:
            first = folded[row.id.casefold()]
            errors.add(
                row,
                "id",
                f"{kind} id {row.id!r} differs from {first.id!r} (row {first.row}) only by case; "
                "give one thing one id",
            )
            seen[row.id] = row
        else:
            seen[row.id] = row
            folded[row.id.casefold()] = row
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
    classes: dict[str, URIRef | None],
    source_ids: set[str],
    ontology: Ontology,
    errors: _Collector,
) -> tuple[URIRef, URIRef, Node] | None:
    """Check one statement row and return its (subject, predicate, object) terms.

    ``classes`` gives each entity id's class, so an unknown predicate can be matched against the
    properties that fit its subject and object."""
    entity_ids = classes.keys()
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
        hint = ontology.suggest_properties(
            row.predicate,
            subject=classes.get(row.subject),
            obj=classes.get(row.object) if row.object else None,
            literal=bool(row.value) and not row.object,
        )
        errors.add(
            row,
            "predicate",
            f"unknown predicate {row.predicate!r} (not declared in the ontology){did_you_mean(hint)}",
        )
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

    classes: dict[str, URIRef | None] = {}
    for ent in tables.entities:
        cls = expand_curie(ent.cls)
        if cls is None or not ontology.is_class(cls):
            hint = did_you_mean(ontology.suggest_classes(ent.cls))
            errors.add(ent, "class", f"unknown class {ent.cls!r} (not declared in the ontology){hint}")
            cls = None
        classes.setdefault(ent.id, cls)
        if not ent.label_en:
            errors.add(ent, "label_en", "entity has no English label")
        if not ent.source:
            errors.add(ent, "source", "entity has no source; every fact must name a source id")
        elif ent.source not in source_ids:
            errors.add(ent, "source", f"unknown source {ent.source!r} (not in sources.csv)")
        for alias, lang in split_aliases(ent.aliases):
            if lang and not LANG_TAG.fullmatch(lang):
                errors.add(ent, "aliases", f"bad language tag {lang!r} in alias {alias!r}")

    entity_classes = {i: classes.get(i) for i in entity_ids}
    checked: list[tuple[StatementRow, tuple[URIRef, URIRef, Node]]] = []
    seen: dict[URIRef, StatementRow] = {}
    for st in tables.statements:
        terms = _statement_terms(st, entity_classes, source_ids, ontology, errors)
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
        describe_source(meta, src)
    built = BuiltGraph(dataset)
    for src in tables.sources:
        built.sources[source_iri(src.id)] = src
    for ent in tables.entities:
        describe_entity(graphs[ent.source], ent, expand_curie(ent.cls))
        built.entities[entity_iri(ent.id)] = ent
    for st, (s, p, o) in checked:
        graphs[st.source].add((s, p, o))
        record = statement_iri(s, p, o, st.source)
        built.origins[record] = st
        if st.quote:
            built.origins[selector_iri(record, "quote")] = st
        if st.quote and st.quote_start:
            built.origins[selector_iri(record, "position")] = st
        describe_statement(meta, record, st, (s, p, o))
    return built
