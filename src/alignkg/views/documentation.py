"""Ontology documentation: one self-contained HTML page with every class and property, their
labels, definitions, domains and ranges, the class tree, a table of how classes connect, and the
rules the SHACL shapes add. No remote asset is referenced, so the page reads offline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from alignkg.checks.validation import load_shapes, shapes_path_for
from alignkg.model.files import DEFAULT_DOCS_FILE, DEFAULT_ONTOLOGY, write_atomically
from alignkg.model.ontology import Ontology, load_ontology
from alignkg.model.terms import compact_iri

_CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.SymmetricProperty: "symmetric",
    OWL.TransitiveProperty: "transitive",
    OWL.IrreflexiveProperty: "irreflexive",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.InverseFunctionalProperty: "inverse functional",
}
_KINDS = {
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}


@dataclass
class Term:
    """A class or property as the page shows it."""

    iri: str
    curie: str
    anchor: str
    label: str
    other_labels: list[str]
    definition: str
    kind: str = ""
    characteristics: list[str] = field(default_factory=list)
    parents: list[Term] = field(default_factory=list)
    children: list[Term] = field(default_factory=list)
    domains: list[Term] = field(default_factory=list)
    ranges: list[Term] = field(default_factory=list)
    inverse: list[Term] = field(default_factory=list)
    outgoing: list[Term] = field(default_factory=list)
    incoming: list[Term] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    defined_by: str = ""


def _anchor(curie: str) -> str:
    return curie.replace(":", "-").replace("/", "-").replace("#", "-")


class _Catalogue:
    """Builds Term records from the ontology graph, each IRI once."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.terms: dict[Node, Term] = {}

    def term(self, node: Node) -> Term:
        if node not in self.terms:
            curie = compact_iri(str(node))
            labels = sorted(
                (o for o in self.graph.objects(node, RDFS.label) if isinstance(o, Literal)),
                key=lambda lit: (lit.language != "en", lit.language or "", str(lit)),
            )
            comment = next(
                (
                    str(o)
                    for o in self.graph.objects(node, RDFS.comment)
                    if getattr(o, "language", "en") == "en"
                ),
                "",
            )
            defined_by = self.graph.value(node, RDFS.isDefinedBy)
            self.terms[node] = Term(
                iri=str(node),
                curie=curie,
                anchor=_anchor(curie),
                label=str(labels[0]) if labels else curie,
                other_labels=[f"{lit} ({lit.language})" for lit in labels[1:]],
                definition=comment,
                defined_by=str(defined_by) if defined_by is not None else "",
            )
        return self.terms[node]

    def related(self, node: Node, prop: URIRef) -> list[Term]:
        return sorted(
            (self.term(o) for o in self.graph.objects(node, prop) if isinstance(o, URIRef)),
            key=lambda t: t.curie,
        )


def describe(ontology: Ontology, shapes: Graph | None = None) -> dict[str, object]:
    """Everything the documentation page shows, as plain data for the template."""
    graph = ontology.graph
    cat = _Catalogue(graph)
    classes = sorted((cat.term(c) for c in ontology.classes), key=lambda t: t.label.lower())
    for cls in ontology.classes:
        term = cat.term(cls)
        term.parents = cat.related(cls, RDFS.subClassOf)
        term.children = sorted(
            (cat.term(s) for s in graph.subjects(RDFS.subClassOf, cls) if s in ontology.classes),
            key=lambda t: t.curie,
        )
        if shapes is not None:
            for shape in sorted(shapes.subjects(SH.targetClass, cls), key=str):
                term.rules += [str(c) for c in shapes.objects(shape, RDFS.comment)]
    declared = ontology.object_properties | ontology.datatype_properties
    declared |= {s for s in graph.subjects(RDF.type, OWL.AnnotationProperty) if isinstance(s, URIRef)}
    properties = sorted((cat.term(p) for p in declared), key=lambda t: t.label.lower())
    edges: list[tuple[Term, Term, Term]] = []
    for prop in declared:
        term = cat.term(prop)
        types = set(graph.objects(prop, RDF.type))
        term.kind = next((k for t, k in _KINDS.items() if t in types), "property")
        term.characteristics = sorted(v for t, v in _CHARACTERISTICS.items() if t in types)
        term.domains = cat.related(prop, RDFS.domain)
        term.ranges = cat.related(prop, RDFS.range)
        term.parents = cat.related(prop, RDFS.subPropertyOf)
        term.inverse = cat.related(prop, OWL.inverseOf)
        for domain in term.domains:
            domain.outgoing.append(term)
            for rng in term.ranges:
                if URIRef(rng.iri) in ontology.classes:
                    edges.append((domain, term, rng))
        for rng in term.ranges:
            rng.incoming.append(term)
    for term in cat.terms.values():
        term.outgoing.sort(key=lambda t: t.curie)
        term.incoming.sort(key=lambda t: t.curie)
    roots = [c for c in classes if not any(URIRef(p.iri) in ontology.classes for p in c.parents)]
    uri = next(iter(sorted(graph.subjects(RDF.type, OWL.Ontology), key=str)), None)
    meta = cat.term(uri) if uri is not None else None
    return {
        "title": meta.label if meta else "Ontology",
        "description": meta.definition if meta else "",
        "iri": meta.iri if meta else "",
        "version": str(graph.value(uri, OWL.versionInfo) or "") if uri is not None else "",
        "classes": classes,
        "properties": properties,
        "roots": roots,
        "edges": sorted(edges, key=lambda e: (e[0].label.lower(), e[1].label.lower(), e[2].label.lower())),
    }


def render_docs(ontology: Ontology, shapes: Graph | None = None) -> str:
    """The documentation page as HTML text."""
    env = Environment(
        loader=PackageLoader("alignkg", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("ontology.html").render(**describe(ontology, shapes))


def write_docs(
    ontology_path: Path | str = DEFAULT_ONTOLOGY,
    out_file: Path | str = DEFAULT_DOCS_FILE,
    *,
    shapes_path: Path | str | None = None,
) -> Path:
    """Write the ontology documentation page (with the shapes' rules when the shapes file exists)."""
    ontology = load_ontology(ontology_path)
    shapes_file = Path(shapes_path) if shapes_path else shapes_path_for(ontology_path)
    shapes = load_shapes(shapes_file) if shapes_path or shapes_file.is_file() else None
    target = Path(out_file)
    write_atomically({target: render_docs(ontology, shapes).encode("utf-8")})
    return target
