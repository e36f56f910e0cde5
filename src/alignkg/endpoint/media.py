"""Media types of SPARQL answers: content negotiation, and writing solutions (SPARQL JSON, XML,
CSV, TSV) and graphs (Turtle, N-Triples, JSON-LD, RDF/XML) from pyoxigraph terms. CSV and TSV
text values that a spreadsheet would run as formulas are written as text (:mod:`alignkg.model.cells`)."""

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
    JSONLD = "application/ld+json"
    RDFXML = "application/rdf+xml"


# Other names clients send for the same formats (first entry of each enum is the default).
RESULT_ALIASES: dict[str, ResultMedia] = {
    "application/json": ResultMedia.JSON,
    "application/xml": ResultMedia.XML,
    "text/xml": ResultMedia.XML,
}
GRAPH_ALIASES: dict[str, GraphMedia] = {
    "application/x-turtle": GraphMedia.TURTLE,
    "text/plain": GraphMedia.NTRIPLES,
    "application/json": GraphMedia.JSONLD,
    "application/xml": GraphMedia.RDFXML,
    "text/xml": GraphMedia.RDFXML,
}
# Values of the ``format`` request parameter (as SPARQLWrapper and many endpoints send it).
RESULT_FORMAT_NAMES: dict[str, ResultMedia] = {
    "json": ResultMedia.JSON,
    "xml": ResultMedia.XML,
    "csv": ResultMedia.CSV,
    "tsv": ResultMedia.TSV,
}
GRAPH_FORMAT_NAMES: dict[str, GraphMedia] = {
    "turtle": GraphMedia.TURTLE,
    "ttl": GraphMedia.TURTLE,
    "n3": GraphMedia.TURTLE,
    "ntriples": GraphMedia.NTRIPLES,
    "nt": GraphMedia.NTRIPLES,
    "json-ld": GraphMedia.JSONLD,
    "jsonld": GraphMedia.JSONLD,
    "json": GraphMedia.JSONLD,
    "xml": GraphMedia.RDFXML,
    "rdfxml": GraphMedia.RDFXML,
    "rdf+xml": GraphMedia.RDFXML,
}
_OX_GRAPH = {
    GraphMedia.TURTLE: ox.RdfFormat.TURTLE,
    GraphMedia.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    GraphMedia.JSONLD: ox.RdfFormat.JSON_LD,
    GraphMedia.RDFXML: ox.RdfFormat.RDF_XML,
}


def _accepted(accept: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q values, best first (stable for ties)."""
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, quality, -position * 10 + specificity))
    ranges.sort(key=lambda r: (-r[1], -r[2]))
    return [(media, quality) for media, quality, _ in ranges]


def negotiate(accept: str | None, offered: Sequence[str], aliases: dict[str, str]) -> str | None:
    """The offered media type that best fits ``accept`` (the first offered when absent), or None.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ["a/json", "application/sparql-results+xml", "text/csv"], {})
    'application/sparql-results+xml'
    >>> negotiate("image/png", ["a/json"], {}) is None
    True
    """  # noqa: E501
    if not accept or not accept.strip():
        return offered[0]
    for media, quality in _accepted(accept):
        if quality <= 0:
            continue
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            family = media[:-1]
            for candidate in offered:
                if candidate.startswith(family):
                    return candidate
            continue
        if media in offered:
            return media
        if media in aliases:
            return aliases[media]
    return None


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
    """An ASK answer in a W3C results format (CSV and TSV as a one-cell table)."""
    word = "true" if value else "false"
    if media is ResultMedia.JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media is ResultMedia.XML:
        return _xml_document(f"<head/><boolean>{word}</boolean>")
    separator = "\r\n" if media is ResultMedia.CSV else "\n"
    return f"answer{separator}{word}{separator}".encode()


def _xml_document(inner: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sparql xmlns="http://www.w3.org/2005/sparql-results#">{inner}</sparql>\n'
    ).encode()


def write_graph(media: GraphMedia, triples: Iterable[ox.Triple]) -> bytes:
    """Triples in an RDF syntax, with alignkg's prefixes where the syntax has them."""
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if media is GraphMedia.TURTLE else None
    data = ox.serialize(list(triples), format=_OX_GRAPH[media], prefixes=prefixes)
    assert data is not None
    return data
