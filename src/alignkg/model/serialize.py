"""Deterministic serialisation: the same dataset always gives byte-identical files, so that diffs
of the graph are reviewable, and every literal is escaped as its format's grammar says, so that
every file reads back. TriG, Turtle and N-Quads are written by pyoxigraph from sorted quads;
JSON-LD is compacted with alignkg's prefixes (by rdflib when there are blank nodes), then put in
a canonical order."""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import StrEnum
from functools import cached_property
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from alignkg.model import jsonld
from alignkg.model.terms import PREFIXES


class Format(StrEnum):
    """RDF serialisations alignkg writes and reads."""

    TRIG = "trig"
    TURTLE = "turtle"
    JSONLD = "json-ld"
    NQUADS = "nquads"
    NTRIPLES = "nt"

    @property
    def suffix(self) -> str:
        """The usual file suffix of the format."""
        return {
            "trig": ".trig",
            "turtle": ".ttl",
            "json-ld": ".jsonld",
            "nquads": ".nq",
            "nt": ".nt",
        }[self.value]

    @classmethod
    def from_suffix(cls, suffix: str) -> Format | None:
        """The format a file suffix names, or None."""
        aliases = {
            ".jsonld": cls.JSONLD,
            ".json": cls.JSONLD,
            ".ttl": cls.TURTLE,
            ".nq": cls.NQUADS,
        }
        for member in cls:
            if member.suffix == suffix:
                return member
        return aliases.get(suffix)


def _named_graphs(dataset: Dataset) -> list[URIRef]:
    return sorted(
        {c.identifier for c in dataset.graphs() if isinstance(c.identifier, URIRef)} - {_RDFLIB_DEFAULT}
    )


_RDFLIB_DEFAULT = URIRef("urn:x-rdflib:default")
_PREFIX_MAP = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
_TYPE = str(RDF.type)
_Key = tuple[int, str, str]


def _key(term: Node | None) -> _Key:
    """A sort key for a term: IRIs, then blank nodes, then literals by text, language and type."""
    if term is None:
        return (-1, "", "")
    if isinstance(term, URIRef):
        return (0, "" if str(term) == _TYPE else "\x01" + str(term), "")
    if isinstance(term, BNode):
        return (1, "", "")  # blank nodes get their labels from the order of the rest
    if isinstance(term, Literal):
        return (2, str(term), term.language or str(term.datatype or ""))
    return (3, str(term), "")


class _Converter:
    """rdflib terms to pyoxigraph terms; blank nodes are labelled ``b0``, ``b1``... in order of
    first use, so the labels do not depend on rdflib's random identifiers. Other terms are
    converted once and kept in ``known``, which converters of the same dataset may share."""

    def __init__(self, known: dict[Node, Any] | None = None) -> None:
        self._blank: dict[BNode, ox.BlankNode] = {}
        self._known: dict[Node, Any] = {} if known is None else known

    def __call__(self, term: Node) -> Any:
        if isinstance(term, BNode):
            return self._blank.setdefault(term, ox.BlankNode(f"b{len(self._blank)}"))
        found = self._known.get(term)
        if found is None:
            found = self._known[term] = self._convert(term)
        return found

    @staticmethod
    def _convert(term: Node) -> Any:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        raise TypeError(f"cannot serialise the RDF term {term!r}")


_Quad = tuple[Node, Node, Node, URIRef | None]


class _Prepared:
    """A dataset's quads in order, worked out once and shared by every format written from it:
    each term's sort key is computed once, and each format is given the same sorted list."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._keys: dict[Node | None, _Key] = {}
        self._ox_quads: list[Any] | None = None
        self.ox_terms: dict[Node, Any] = {}
        """pyoxigraph's term for each IRI and literal, made once for every format."""

    @cached_property
    def quads(self) -> list[_Quad]:
        """Every quad, sorted by graph, subject, predicate and object."""
        quads: set[_Quad] = set()
        for s, p, o, g in self.dataset.quads():
            name = g.identifier if isinstance(g, Graph) else g
            quads.add((s, p, o, name if isinstance(name, URIRef) and name != _RDFLIB_DEFAULT else None))
        keys = self._keys

        def key(term: Node | None) -> _Key:
            found = keys.get(term)
            if found is None:
                found = keys[term] = _key(term)
            return found

        return sorted(quads, key=lambda q: (key(q[3]), key(q[0]), key(q[1]), key(q[2])))

    @cached_property
    def triples_order(self) -> list[_Quad]:
        """The quads sorted by subject, predicate and object only (stable, so graphs stay in order)."""
        quads, keys = self.quads, self._keys
        return sorted(quads, key=lambda q: (keys[q[0]], keys[q[1]], keys[q[2]]))

    def ox_quads(self) -> list[Any]:
        """The quads as pyoxigraph terms, blank nodes labelled in order (made once)."""
        if self._ox_quads is None:
            convert = _Converter(self.ox_terms)
            self._ox_quads = [
                ox.Quad(convert(s), convert(p), convert(o), ox.DefaultGraph() if g is None else convert(g))
                for s, p, o, g in self.quads
            ]
        return self._ox_quads


def _sorted_quads(dataset: Dataset) -> list[_Quad]:
    """Every quad, the default graph first, then named graphs, subjects and objects in order;
    ``rdf:type`` comes first among each subject's predicates, as Turtle readers expect."""
    return _Prepared(dataset).quads


def _readable(text: str) -> str:
    """The prefixes in alignkg's order (pyoxigraph's varies between runs), then a blank line, and
    a blank line after each graph. Safe on the serialiser's output: it escapes every line break
    inside a literal, so each line break is one of the syntax."""
    lines = text.split("\n")
    declared = [line for line in lines if line.startswith("@prefix ")]
    body = lines[len(declared) :]
    order = {f"@prefix {p}: <{ns}> .": i for i, (p, ns) in enumerate(_PREFIX_MAP.items())}
    out = sorted(declared, key=lambda line: (order.get(line, len(order)), line))
    if declared:
        out.append("")
    for index, line in enumerate(body):
        out.append(line)
        if line == "}" and index + 1 < len(body) and body[index + 1]:
            out.append("")
    return "\n".join(out)


def _written(items: list[Any], fmt: ox.RdfFormat) -> str:
    data = ox.serialize(items, format=fmt, prefixes=_PREFIX_MAP)
    return (data or b"").decode("utf-8")


def _trig(prepared: _Prepared) -> str:
    return _readable(_written(prepared.ox_quads(), ox.RdfFormat.TRIG))


def _turtle(prepared: _Prepared) -> str:
    convert = _Converter(prepared.ox_terms)
    triples: list[Any] = []
    seen: set[tuple[Node, Node, Node]] = set()
    for s, p, o, _g in prepared.triples_order:
        if (s, p, o) not in seen:
            seen.add((s, p, o))
            triples.append(ox.Triple(convert(s), convert(p), convert(o)))
    return _readable(_written(triples, ox.RdfFormat.TURTLE))


def _nquads(prepared: _Prepared) -> str:
    text = _written(prepared.ox_quads(), ox.RdfFormat.N_QUADS)
    return "".join(f"{line}\n" for line in sorted(set(text.split("\n")) - {""}))


def to_trig(dataset: Dataset) -> str:
    """TriG with alignkg's prefixes, the default graph first and named graphs in IRI order.

    Written by pyoxigraph, whose writer escapes literals as the grammar says (rdflib's splits
    values at every character ``str.splitlines`` breaks on and indents what follows)."""
    return _trig(_Prepared(dataset))


def to_turtle(dataset: Dataset) -> str:
    """All graphs merged into one Turtle document, for tools that do not read datasets."""
    return _turtle(_Prepared(dataset))


def to_nquads(dataset: Dataset) -> str:
    """N-Quads, one quad per line, lines sorted."""
    return _nquads(_Prepared(dataset))


def _canonical(value: Any, depth: int = 0) -> tuple[str, str]:
    """``value`` with keys and arrays in a canonical order, as two JSON texts made in one pass:
    the compact one ``json.dumps(..., sort_keys=True)`` gives, by which arrays are sorted, and the
    one ``json.dumps(..., indent=2)`` gives at ``depth``, which is written."""
    outer, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [(_dumps(k), *_canonical(v, depth + 1)) for k, v in sorted(value.items())]
        compact = ", ".join(f"{k}: {c}" for k, c, _p in items)
        pretty = ",\n".join(f"{inner}{k}: {p}" for k, _c, p in items)
        return f"{{{compact}}}", f"{{\n{pretty}\n{outer}}}"
    if isinstance(value, list) and value:
        members = sorted((_canonical(v, depth + 1) for v in value), key=lambda m: m[0])
        compact = ", ".join(c for c, _p in members)
        pretty = ",\n".join(f"{inner}{p}" for _c, p in members)
        return f"[{compact}]", f"[\n{pretty}\n{outer}]"
    text = _dumps(value)
    return text, text


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def to_jsonld(dataset: Dataset) -> str:
    """JSON-LD with alignkg's prefixes as its context, keys and arrays in a canonical order."""
    return _jsonld(_Prepared(dataset))


def _jsonld(prepared: _Prepared) -> str:
    if jsonld.has_blank_nodes(prepared.quads):
        text = prepared.dataset.serialize(format="json-ld", context=_PREFIX_MAP, auto_compact=True)
        document = json.loads(text)
    else:
        document = jsonld.document(prepared.quads, _PREFIX_MAP)
    if isinstance(document, dict) and "@context" in document:
        ctx = json.dumps(document.pop("@context"), indent=2, ensure_ascii=False).replace("\n", "\n  ")
        rest = _canonical(document)[1]
        body = f'{{\n  "@context": {ctx},\n{rest[2:]}' if document else f'{{\n  "@context": {ctx}\n}}'
        return body + "\n"
    return _canonical(document)[1] + "\n"


_WRITERS = {
    Format.TRIG: _trig,
    Format.TURTLE: _turtle,
    Format.JSONLD: _jsonld,
    Format.NQUADS: _nquads,
}


def serialize(dataset: Dataset, fmt: Format) -> bytes:
    """Serialise ``dataset`` deterministically as UTF-8 bytes."""
    return serialize_all(dataset, (fmt,))[fmt]


def serialize_all(dataset: Dataset, formats: Iterable[Format]) -> dict[Format, bytes]:
    """Serialise ``dataset`` in several formats, sorting its quads once for all of them; each
    file is byte for byte what ``serialize`` gives for its format."""
    prepared = _Prepared(dataset)
    return {fmt: _WRITERS[fmt](prepared).encode("utf-8") for fmt in formats}
