"""Deterministic serialisation: the same dataset always gives byte-identical files, so that diffs
of the graph are reviewable. rdflib's own TriG, N-Quads and JSON-LD output varies between runs."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from rdflib import Dataset, Graph, URIRef

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


def _bind(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _named_graphs(dataset: Dataset) -> list[URIRef]:
    return sorted(
        {c.identifier for c in dataset.graphs() if isinstance(c.identifier, URIRef)}
        - {URIRef("urn:x-rdflib:default")}
    )


def _turtle_body(graph: Graph) -> str:
    """Turtle for one graph without its prefix lines (rdflib's Turtle writer sorts subjects)."""
    text = _bind(graph).serialize(format="turtle")
    return "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip()


def to_trig(dataset: Dataset) -> str:
    """TriG with every prefix declared once and named graphs in IRI order."""
    parts = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    parts.append("")
    default = _turtle_body(_copy(dataset.default_context))
    if default:
        parts += ["{", _indent(default), "}", ""]
    for name in _named_graphs(dataset):
        body = _turtle_body(_copy(dataset.graph(name)))
        parts += [f"<{name}> {{", _indent(body), "}", ""]
    return "\n".join(parts)


def _copy(graph: Graph) -> Graph:
    plain = Graph()
    for triple in graph:
        plain.add(triple)
    return plain


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else line for line in text.splitlines())


def to_turtle(dataset: Dataset) -> str:
    """All graphs merged into one Turtle document, for tools that do not read datasets."""
    merged = Graph()
    for s, p, o, _g in dataset.quads():
        merged.add((s, p, o))
    return _bind(merged).serialize(format="turtle")


def to_nquads(dataset: Dataset) -> str:
    """N-Quads, one quad per line, lines sorted."""
    text = dataset.serialize(format="nquads")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def to_jsonld(dataset: Dataset) -> str:
    """JSON-LD with alignkg's prefixes as its context, keys and arrays in a canonical order."""
    context = {p: str(ns) for p, ns in PREFIXES.items()}
    text = dataset.serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(text)
    if isinstance(document, dict) and "@context" in document:
        ctx = document.pop("@context")
        return json.dumps({"@context": ctx, **_canonical(document)}, indent=2, ensure_ascii=False) + "\n"
    return json.dumps(_canonical(document), indent=2, ensure_ascii=False) + "\n"


WRITERS = {
    Format.TRIG: to_trig,
    Format.TURTLE: to_turtle,
    Format.JSONLD: to_jsonld,
    Format.NQUADS: to_nquads,
}


def serialize(dataset: Dataset, fmt: Format) -> bytes:
    """Serialise ``dataset`` deterministically as UTF-8 bytes."""
    return WRITERS[fmt](dataset).encode("utf-8")
