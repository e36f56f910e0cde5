"""The RDF that describes each source, entity and statement record of the tables: labels,
descriptions, provenance and the quote selectors a statement rests on."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from alignkg.model.cells import split_aliases
from alignkg.model.tables import EntityRow, SourceRow, StatementRow
from alignkg.model.terms import (
    AK,
    OA,
    SCHEMA,
    entity_iri,
    selector_iri,
    source_graph_iri,
    source_iri,
)

SOURCE_KINDS = {"article": AK.Article, "background": AK.BackgroundKnowledge}
"""Values of the ``kind`` column of sources.csv and the classes they map to."""
TIES = {"item": AK.ItemTie, "meeting": AK.MeetingTie}
"""Values of the ``tie`` column of statements.csv: how directly the source ties a priority,
measure or meeting to the directive it implements."""


def source_label(src: SourceRow) -> str:
    """How a source is named: its title, or for a page that states none, its address."""
    return src.title or f"Untitled page: {src.url}"


def describe_source(meta: Graph, src: SourceRow) -> None:
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


def describe_entity(graph: Graph, ent: EntityRow, cls: URIRef | None) -> None:
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


def describe_statement(
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
