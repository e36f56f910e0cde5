"""The shapes graph as pySHACL runs it fastest, with the same results: property shapes nested in a
targeted node shape (``sh:property``) are given that node shape's targets instead, so that each
is checked once over all its focus nodes rather than once per focus node, and SHACL-AF
(``advanced``) mode is asked for only when the shapes use it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import BNode, Graph
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_SHAPE_VALUED = (SH.node, SH["not"], SH.qualifiedValueShape, SH.property)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
_ADVANCED_PREDICATES = (SH.rule, SH.expression, SH.target, SH.condition)
_ADVANCED_CLASSES = (SH.SPARQLFunction, SH.SPARQLTargetType, SH.TargetType, SH.JSFunction)


@dataclass(frozen=True)
class ShapePlan:
    """The shapes pySHACL is given, and for each copied property shape the one it was copied from
    (a finding names the original)."""

    graph: Graph
    copied_from: dict[Node, Node] = field(default_factory=dict)
    advanced: bool = False


def plan_shapes(shapes: Graph) -> ShapePlan:
    """The plan for a shapes graph; ``shapes`` itself is left as it is."""
    graph = Graph()
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace)
    for triple in shapes:
        graph.add(triple)
    copied: dict[Node, Node] = {}
    references = _references(shapes)
    for owner in sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str):
        if not _liftable_owner(shapes, owner, references):
            continue
        targets = [(t, o) for t in _TARGETS for o in shapes.objects(owner, t)]
        for prop in list(shapes.objects(owner, SH.property)):
            if shapes.value(prop, SH.path) is None:
                continue
            alone = isinstance(prop, BNode) and references[prop] == 1
            if alone and not any(shapes.value(prop, t) is not None for t in _TARGETS):
                lifted: Node = prop
            else:
                lifted = BNode()
                copied[lifted] = prop
                for p, o in shapes.predicate_objects(prop):
                    if p not in _TARGETS:
                        graph.add((lifted, p, o))
            graph.remove((owner, SH.property, prop))
            for t, o in targets:
                graph.add((lifted, t, o))
    return ShapePlan(graph, copied, _uses_advanced(shapes))


def _references(shapes: Graph) -> Counter[Node]:
    """How many times each node is used as a shape inside another shape."""
    count: Counter[Node] = Counter()
    for predicate in _SHAPE_VALUED:
        count.update(o for _s, o in shapes.subject_objects(predicate))
    for predicate in _SHAPE_LISTS:
        for _s, members in shapes.subject_objects(predicate):
            count.update(Collection(shapes, members))
    return count


def _liftable_owner(shapes: Graph, owner: Node, references: Counter[Node]) -> bool:
    """A node shape checked only through its own explicit targets: never used inside another
    shape, not deactivated, not a class (whose instances it would target implicitly)."""
    if references[owner] or shapes.value(owner, SH.deactivated) is not None:
        return False
    if shapes.value(owner, SH.path) is not None:
        return False
    classes = set(shapes.objects(owner, RDF.type))
    return not classes & {RDFS.Class, OWL.Class}


def _uses_advanced(shapes: Graph) -> bool:
    """Whether the shapes use SHACL Advanced Features (rules, expressions, custom targets)."""
    if any(next(iter(shapes.triples((None, p, None))), None) for p in _ADVANCED_PREDICATES):
        return True
    return any(next(iter(shapes.subjects(RDF.type, c)), None) is not None for c in _ADVANCED_CLASSES)
