"""How each class of entity looks in a view: its group (people, organisations, posts, ...) by its
place in the ontology's class tree, the group's colour and shape, and a shade of that colour per
class. Styles come from the whole ontology, never from what one page happens to show, so a class
looks the same in every view and after any filter.
"""

from __future__ import annotations

import colorsys
import hashlib
from dataclasses import asdict, dataclass

from rdflib import URIRef
from rdflib.namespace import RDFS

from alignkg.model.ontology import Ontology
from alignkg.model.terms import compact_iri, expand_curie


@dataclass(frozen=True)
class Group:
    """A family of classes drawn alike: one colour and one shape, found by its root classes."""

    key: str
    label: str
    color: str
    shape: str
    roots: tuple[str, ...]


GROUPS = (
    Group("people", "People", "#4e79a7", "dot", ("foaf:Person",)),
    Group("organisations", "Organisations", "#f28e2b", "hexagon", ("org:Organization", "foaf:Agent")),
    Group("posts", "Posts", "#d4a80f", "diamond", ("org:Post",)),
    Group("events", "Meetings and events", "#59a14f", "star", ("schema:Event",)),
    Group("directives", "Directives", "#e15759", "triangle", ("ak:NationalDirective",)),
    Group("priorities", "Priorities and measures", "#b07aa1", "square", ("ak:Priority", "ak:Measure",
          "ak:Theme")),
    Group("assessments", "Assessments", "#9c755f", "triangleDown", ("ak:Claim",)),
    Group("places", "Places and sectors", "#3f9b95", "ellipse", ("schema:Place", "ak:Sector")),
    Group("sources", "Sources", "#8c8c8c", "box", ("ak:Source",)),
)  # fmt: skip
"""The groups in legend order. A class belongs to the group of its nearest root class above it;
classes under no root, and classes the ontology does not declare, are in :data:`OTHER`."""
OTHER = Group("other", "Other", "#79706e", "dot", ())
GROUP_BY_KEY = {group.key: group for group in (*GROUPS, OTHER)}


@dataclass(frozen=True)
class ClassStyle:
    """How the entities of one class are drawn: the class's group, its shade and the group's shape."""

    group: str
    color: str
    shape: str

    def as_dict(self) -> dict[str, str]:
        """The style as JSON-ready data."""
        return asdict(self)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def shade(color: str, step: int, of: int) -> str:
    """The ``step``-th of ``of`` shades of ``color``: the colour itself first, then lighter and
    darker in turn, spread wider when there are fewer of them.

    >>> shade("#4e79a7", 0, 1), shade("#4e79a7", 1, 3) != shade("#4e79a7", 2, 3)
    ('#4e79a7', True)
    """
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    spread = min(0.12, 0.36 / max(of, 1))
    offset = ((step + 1) // 2) * spread * (1 if step % 2 else -1)
    return _hex(colorsys.hls_to_rgb(hue, max(0.2, min(0.85, lightness + offset)), saturation))


def group_of(ontology: Ontology, cls: URIRef) -> Group:
    """The group of a class: that of the nearest root class at or above it."""
    roots = {
        root: group for group in GROUPS for root in (expand_curie(curie) for curie in group.roots) if root
    }
    for ancestor in ontology.superclasses(cls):
        if ancestor in roots:
            return roots[ancestor]
    return OTHER


def class_styles(ontology: Ontology) -> dict[str, ClassStyle]:
    """The style of every class the ontology declares, by compact IRI (``ak:Meeting``).

    Within a group, classes are shaded in the order of the class tree (each root, then the
    classes below it, siblings by label), so parents and children sit close and the shades of
    a class never depend on which other classes a page shows.
    """
    members: dict[str, list[URIRef]] = {}
    for cls in sorted(ontology.classes):
        members.setdefault(group_of(ontology, cls).key, []).append(cls)
    styles: dict[str, ClassStyle] = {}
    for key, classes in members.items():
        group = GROUP_BY_KEY[key]
        ordered: list[URIRef] = []

        def visit(cls: URIRef, chosen: set[URIRef], ordered: list[URIRef] = ordered) -> None:
            if cls in chosen and cls not in ordered:
                ordered.append(cls)
                children = [c for c in ontology.graph.subjects(predicate=RDFS.subClassOf, object=cls)]
                for child in sorted((c for c in children if isinstance(c, URIRef)), key=ontology.label):
                    visit(child, chosen)

        chosen = set(classes)
        for root in (expand_curie(curie) for curie in group.roots):
            if root is not None:
                visit(root, chosen)
        for cls in classes:  # classes under no declared root of the group (the "other" group)
            visit(cls, chosen)
        for step, cls in enumerate(ordered):
            styles[compact_iri(str(cls))] = ClassStyle(
                key, shade(group.color, step, len(ordered)), group.shape
            )
    return styles


def fallback_style(name: str) -> ClassStyle:
    """The style of a class no ontology describes: the "other" group's shape in a muted colour
    drawn from the class's name, so it too stays the same from view to view."""
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16)
    hue = (digest % 360) / 360
    return ClassStyle(OTHER.key, _hex(colorsys.hls_to_rgb(hue, 0.55, 0.3)), OTHER.shape)
