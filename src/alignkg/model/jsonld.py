"""JSON-LD made straight from a dataset's quads, compacted with a context of prefixes only: each
named graph an ``{"@id", "@graph"}`` object, each subject a node object, IRIs shortened to
``prefix:local``. The document is the one rdflib's JSON-LD writer makes with the same context,
built in one pass over the quads instead of a lookup per subject and property."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

_TYPE = RDF.type
_NATIVE = {XSD.boolean, XSD.integer, XSD.double, XSD.string}
"""Datatypes whose values JSON has a type of its own for (rdflib writes them as JSON values)."""
_DELIMITERS = ("#", "/", ":")

JsonObject = dict[str, Any]


class Compactor:
    """Shortens IRIs with a context of prefixes, as JSON-LD compaction does for such a context."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.context = dict(sorted(prefixes.items()))
        self._prefix_of = {namespace: prefix for prefix, namespace in prefixes.items()}

    def _split(self, iri: str) -> tuple[str, str] | None:
        for delimiter in _DELIMITERS:
            at = iri.rfind(delimiter)
            if at > -1:
                return iri[: at + 1], iri[at + 1 :]
        return None

    def iri(self, iri: str) -> str:
        """An IRI as a node identifier: ``prefix:local`` where a prefix's namespace matches."""
        parts = self._split(iri)
        prefix = self._prefix_of.get(parts[0]) if parts else None
        return f"{prefix}:{parts[1]}" if prefix and parts else iri

    def symbol(self, iri: str) -> str:
        """An IRI as a property, type or datatype: a prefix's own name if it is the namespace."""
        return self._prefix_of.get(iri) or self.iri(iri)

    def value(self, term: Node) -> Any:
        """An object term as a JSON-LD value."""
        if isinstance(term, URIRef):
            return {"@id": self.iri(str(term))}
        if isinstance(term, Literal):
            if term.datatype in _NATIVE:
                return term.toPython()
            if term.datatype is not None:
                return {"@type": self.symbol(str(term.datatype)), "@value": str(term)}
            if term.language:
                return {"@language": term.language, "@value": str(term)}
            return str(term)
        raise TypeError(f"no JSON-LD value for {term!r}")


def has_blank_nodes(quads: Iterable[tuple[Node, Node, Node, URIRef | None]]) -> bool:
    """Whether any quad has a blank node, which this writer leaves to rdflib's."""
    return any(isinstance(s, BNode) or isinstance(o, BNode) for s, _p, o, _g in quads)


def document(
    quads: Iterable[tuple[Node, Node, Node, URIRef | None]], prefixes: Mapping[str, str]
) -> JsonObject:
    """The compacted JSON-LD document of quads without blank nodes (graph ``None`` is the
    default graph). Arrays come in no particular order; the caller puts them in one."""
    compact = Compactor(prefixes)
    graphs: dict[URIRef | None, dict[str, JsonObject]] = {}
    for s, p, o, g in quads:
        nodes = graphs.setdefault(g, {})
        subject = compact.iri(str(s))
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {"@id": subject}
        if p == _TYPE and isinstance(o, URIRef):
            key, value = "@type", compact.symbol(str(o))
        else:
            key, value = compact.symbol(str(p)), compact.value(o)
        present = node.get(key)
        if present is None:
            node[key] = value
        elif isinstance(present, list):
            present.append(value)
        else:
            node[key] = [present, value]
    objects: list[JsonObject] = []
    default = list(graphs.pop(None, {}).values())
    if default:
        objects.append(default[0] if len(default) == 1 else {"@graph": default})
    for name, nodes in graphs.items():
        objects.append({"@id": compact.iri(str(name)), "@graph": list(nodes.values())})
    result: JsonObject = objects[0] if len(objects) == 1 else {"@graph": objects}
    result["@context"] = compact.context
    return result
