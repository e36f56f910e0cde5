"""Media types of SPARQL answers, and writing solutions (SPARQL JSON, XML, CSV, TSV) and graphs
(Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML, by pyoxigraph's writers) from pyoxigraph terms.
CSV and TSV text values that a spreadsheet would run as formulas are written as text
(:mod:`alignkg.model.cells`); a graph is written in a canonical order, so the same graph always
gives the same bytes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from alignkg.model.cells import formula_safe
from alignkg.model.terms import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NOT_TEXT = {
    XSD + name
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "date",
        "dateTime",
        "dateTimeStamp",
        "time",
        "gYear",
        "gYearMonth",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
    ]
}
"""Datatypes whose values a spreadsheet reads as numbers or dates, never as formulas."""


class ResultMedia(StrEnum):
    """How SELECT and ASK answers can be written, by media type."""

    JSON = "application/sparql-results+json"
    XML = "application/sparql-results+xml"
    CSV = "text/csv"
    TSV = "text/tab-separated-values"


class GraphMedia(StrEnum):
    """How CONSTRUCT and DESCRIBE answers (and the service description) can be written."""

    TURTLE = "text/turtle"
    NTRIPLES = "application/n-triples"
    NQUADS = "application/n-quads"
    TRIG = "application/trig"
    JSONLD = "application/ld+json"
    RDFXML = "application/rdf+xml"


_OX_GRAPH = {
    GraphMedia.TURTLE: ox.RdfFormat.TURTLE,
    GraphMedia.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    GraphMedia.NQUADS: ox.RdfFormat.N_QUADS,
    GraphMedia.TRIG: ox.RdfFormat.TRIG,
    GraphMedia.JSONLD: ox.RdfFormat.JSON_LD,
    GraphMedia.RDFXML: ox.RdfFormat.RDF_XML,
}
_WITH_PREFIXES = (GraphMedia.TURTLE, GraphMedia.TRIG)


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def _is_text(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value not in _NOT_TEXT


def _csv_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal) and _is_text(term):
        return formula_safe(term.value)
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _tsv_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and _is_text(term) and formula_safe(term.value) != term.value:
        if term.language:
            return str(ox.Literal(formula_safe(term.value), language=term.language))
        return str(ox.Literal(formula_safe(term.value), datatype=term.datatype))
    return str(term)


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


Row = Sequence[object]


def write_solutions(
    media: ResultMedia, variables: Sequence[str], rows: Iterable[Row], *, extra: dict[str, object]
) -> bytes:
    """SELECT solutions in a W3C results format; ``extra`` adds a top-level member to JSON."""
    if media is ResultMedia.JSON:
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}  # type: ignore[arg-type]
            for row in rows
        ]
        # extra members go before "results": streaming parsers such as Oxigraph's stop reading there
        document = {"head": {"vars": list(variables)}, **extra, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False).encode()
    if media is ResultMedia.XML:
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        body = []
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            body.append(f"<result>{cells}</result>")
        return _xml_document(f"<head>{head}</head><results>{''.join(body)}</results>")
    if media is ResultMedia.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buffer.getvalue().encode()
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def write_boolean(media: ResultMedia, value: bool) -> bytes:
    """An ASK answer in a W3C results format (CSV and TSV as the one-cell table ``answer``)."""
    word = "true" if value else "false"
    if media is ResultMedia.JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media is ResultMedia.XML:
        return _xml_document(f"<head/><boolean>{word}</boolean>")
    if media is ResultMedia.CSV:
        return f"answer\r\n{word}\r\n".encode()
    return f"?answer\n{word}\n".encode()  # TSV names variables with "?"; the cell is a boolean literal


def _xml_document(inner: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sparql xmlns="http://www.w3.org/2005/sparql-results#">{inner}</sparql>\n'
    ).encode()


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _shown(term: Term, blank: str) -> str:
    """A term as N-Triples, the blank node ``blank`` as ``_:`` and any other blank node as ``_:?``."""
    if isinstance(term, ox.BlankNode):
        return "_:" if term.value == blank else "_:?"
    return str(term)


def canonical_order(triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """The triples sorted by their terms, blank nodes relabelled ``b0``, ``b1``... in order of
    first use, so an answer's bytes depend neither on the engine's order nor on the random labels
    a CONSTRUCT template's blank nodes get. A blank node sorts by the triples it is in (with blank
    nodes left out), so only blank nodes alike in all of them can swap labels."""
    uses: dict[str, list[str]] = {}
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.BlankNode):
                line = " ".join(
                    _shown(t, term.value) for t in (triple.subject, triple.predicate, triple.object)
                )
                uses.setdefault(term.value, []).append(line)
    signature = {label: "\n".join(sorted(lines)) for label, lines in uses.items()}

    def key(term: Term) -> str:
        return "_:" + signature[term.value] if isinstance(term, ox.BlankNode) else str(term)

    ordered = sorted(triples, key=lambda t: (key(t.subject), key(t.predicate), key(t.object)))
    if not uses:
        return ordered
    labels: dict[str, ox.BlankNode] = {}

    def relabel(term: Term) -> Term:
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term.value, ox.BlankNode(f"b{len(labels)}"))
        return term

    return [ox.Triple(relabel(t.subject), t.predicate, relabel(t.object)) for t in ordered]  # type: ignore[arg-type]


def write_graph(media: GraphMedia, triples: Iterable[ox.Triple]) -> bytes:
    """Triples in an RDF syntax (a dataset syntax puts them in the default graph), in canonical
    order, with alignkg's prefixes where the syntax has them."""
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if media in _WITH_PREFIXES else None
    data = ox.serialize(canonical_order(list(triples)), format=_OX_GRAPH[media], prefixes=prefixes)
    assert data is not None
    return data
