"""The ontology as data: which classes and properties the tables may use, and what each expects."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import OWL, RDF, RDFS

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.suggest import closest, normalise, scores
from alignkg.model.terms import compact_iri

ONTOLOGY_FILE = "alignkg.ttl"


@dataclass(frozen=True)
class Ontology:
    """The parsed ontology with the lookups that building and checking need."""

    graph: Graph
    classes: frozenset[URIRef]
    object_properties: frozenset[URIRef]
    datatype_properties: frozenset[URIRef]

    def is_class(self, iri: URIRef) -> bool:
        """True if ``iri`` is declared as a class."""
        return iri in self.classes

    def is_property(self, iri: URIRef) -> bool:
        """True if ``iri`` may be used as the predicate of a statement."""
        return iri in self.object_properties or iri in self.datatype_properties

    def range_of(self, prop: URIRef) -> URIRef | None:
        """The declared range of a property, if it has exactly one."""
        ranges = [o for o in self.graph.objects(prop, RDFS.range) if isinstance(o, URIRef)]
        return ranges[0] if len(ranges) == 1 else None

    def label(self, iri: URIRef) -> str:
        """The English label of a term, or its compact IRI when it has none."""
        for value in self.graph.objects(iri, RDFS.label):
            if getattr(value, "language", None) == "en":
                return str(value)
        return compact_iri(str(iri))

    def superclasses(self, cls: URIRef) -> list[URIRef]:
        """``cls`` and every class above it, nearest first (breadth first, then by IRI)."""
        found, queue = [cls], deque([cls])
        while queue:
            for parent in sorted(self._parents(queue.popleft())):
                if parent not in found:
                    found.append(parent)
                    queue.append(parent)
        return found

    def subclasses(self, cls: URIRef) -> set[URIRef]:
        """``cls`` and every class below it."""
        found, queue = {cls}, deque([cls])
        while queue:
            for child in self.graph.subjects(RDFS.subClassOf, queue.popleft()):
                if isinstance(child, URIRef) and child not in found:
                    found.add(child)
                    queue.append(child)
        return found

    def _parents(self, cls: URIRef) -> set[URIRef]:
        return {o for o in self.graph.objects(cls, RDFS.subClassOf) if isinstance(o, URIRef)}

    def names(self, terms: Iterable[URIRef]) -> dict[str, list[str]]:
        """Each term's compact IRI with the names a person might use for it: the local name
        (without prefix) and every label."""
        return {
            compact_iri(str(term)): [
                local_name(str(term)),
                *sorted(str(v) for v in self.graph.objects(term, RDFS.label)),
            ]
            for term in sorted(terms)
        }

    def suggest_classes(self, name: str, *, limit: int = 3) -> list[str]:
        """The declared classes whose local name or label come nearest to ``name``."""
        return closest(local_name(name), self.names(self.classes), limit=limit)

    def _description(self, term: URIRef) -> str:
        """A term's labels and comment, with the labels of its domain and range."""
        parts = [str(v) for p in (RDFS.label, RDFS.comment) for v in self.graph.objects(term, p)]
        for bound in (RDFS.domain, RDFS.range):
            parts += [self.label(c) for c in self.graph.objects(term, bound) if isinstance(c, URIRef)]
        return " ".join(parts)

    def fit(self, prop: URIRef, subject: URIRef | None, obj: URIRef | None) -> int:
        """How well ``prop`` fits a subject and object of those classes: -1 when its domain or
        range rules them out, otherwise how many of its declared domain and range they meet."""
        met = 0
        for bound, cls in ((RDFS.domain, subject), (RDFS.range, obj)):
            declared = [o for o in self.graph.objects(prop, bound) if isinstance(o, URIRef)]
            if not declared or cls is None:
                continue
            if not set(declared) & set(self.superclasses(cls)):
                return -1
            met += 1
        return met

    def suggest_properties(
        self,
        name: str,
        *,
        subject: URIRef | None = None,
        obj: URIRef | None = None,
        literal: bool = False,
        limit: int = 3,
    ) -> list[str]:
        """The properties ``name`` most likely meant: near in id or label, and, when the classes
        of the subject and object (or ``literal`` for a value) are known, fitting their domain and
        range, so ``ak:servesDirective`` from a priority to a directive suggests ``ak:implements``."""
        pool = self.datatype_properties if literal else self.object_properties
        if subject is None and obj is None and not literal:
            pool = pool | self.datatype_properties
        alike = scores(local_name(name), self.names(pool))
        words = {w.rstrip("s") for w in normalise(local_name(name)).split() if len(w) >= 4}
        ranked: dict[str, float] = {}
        for term in pool:
            curie = compact_iri(str(term))
            fit = self.fit(term, subject, None if literal else obj)
            exact = normalise(local_name(name)) == normalise(local_name(curie))
            shared = bool(words & {w.rstrip("s") for w in normalise(self._description(term)).split()})
            alike_enough = alike[curie] >= 75 or (fit >= 1 and (shared or alike[curie] >= 65))
            if fit >= 0 and (exact or alike_enough):
                ranked[curie] = (
                    alike[curie] + (100.0 if exact else 0.0) + 30.0 * fit + (15.0 if shared else 0.0)
                )
        chosen = sorted(ranked, key=lambda c: (-ranked[c], c))
        return chosen[:limit]


def local_name(name: str) -> str:
    """What follows the prefix, ``#`` or last ``/`` of a term's name.

    >>> local_name("ak:servesDirective"), local_name("http://xmlns.com/foaf/0.1/Person"), local_name("Person")
    ('servesDirective', 'Person', 'Person')
    """
    for mark in ("#", "/", ":"):
        name = name.rsplit(mark, 1)[-1]
    return name


def ontology_from_graph(graph: Graph) -> Ontology:
    """The ontology held in an rdflib graph (such as the ``akg:ontology`` graph of a store)."""

    def declared(kind: URIRef) -> frozenset[URIRef]:
        return frozenset(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef))

    return Ontology(graph, declared(OWL.Class), declared(OWL.ObjectProperty), declared(OWL.DatatypeProperty))


def load_ontology(path: Path | str) -> Ontology:
    """Parse an ontology file (Turtle) and check that every term it declares is documented."""
    file = Path(path)
    if not file.is_file():
        raise AlignkgError("ontology file not found", Location(file))
    graph = Graph()
    try:
        graph.parse(file, format="turtle")
    except (ParserError, SyntaxError, ValueError) as exc:
        raise AlignkgError(f"cannot parse ontology: {exc}", Location(file)) from exc

    ontology = ontology_from_graph(graph)
    for term in sorted(ontology.classes | ontology.object_properties | ontology.datatype_properties):
        for needed in (RDFS.label, RDFS.comment):
            if graph.value(term, needed) is None:
                raise AlignkgError(
                    f"term {compact_iri(str(term))} has no {compact_iri(str(needed))}",
                    Location(file),
                )
    return ontology
