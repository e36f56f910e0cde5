"""The ontology as data: which classes and properties the tables may use, and what each expects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import OWL, RDF, RDFS

from alignkg.model.errors import AlignkgError, Location
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

    def declared(kind: URIRef) -> frozenset[URIRef]:
        return frozenset(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef))

    classes = declared(OWL.Class)
    object_props = declared(OWL.ObjectProperty)
    datatype_props = declared(OWL.DatatypeProperty)
    for term in sorted(classes | object_props | datatype_props):
        for needed in (RDFS.label, RDFS.comment):
            if graph.value(term, needed) is None:
                raise AlignkgError(
                    f"term {compact_iri(str(term))} has no {compact_iri(str(needed))}",
                    Location(file),
                )
    return Ontology(graph, classes, object_props, datatype_props)
