"""Projecting the RDF dataset onto a networkx graph: entities become nodes with their label, class
and literal values as attributes; facts between entities become typed edges. The ontology and the
provenance records stay out, so the network shows what the sources say."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from alignkg.store import Store
from alignkg.terms import AK, ID, META_GRAPH, ONTOLOGY_GRAPH, SOURCE, compact_iri


def _english(values: Iterable[Any]) -> str | None:
    chosen: str | None = None
    for value in values:
        if isinstance(value, Literal) and value.language == "en":
            return str(value)
        if isinstance(value, Literal) and value.language is None and chosen is None:
            chosen = str(value)
    return chosen


def source_graphs(dataset: Dataset) -> dict[URIRef, str]:
    """Each source's named graph, mapped to the source's compact id (``aksrc:...``)."""
    meta = dataset.graph(META_GRAPH)
    found: dict[URIRef, str] = {}
    for graph in meta.subjects(RDF.type, AK.SourceGraph):
        source = meta.value(graph, PROV.wasDerivedFrom)
        if isinstance(graph, URIRef) and source is not None:
            found[graph] = compact_iri(str(source))
    return dict(sorted(found.items()))


def source_title(dataset: Dataset, source: str) -> str:
    """The title of a source given its compact id (``aksrc:...``), or the id if it has none."""
    iri = URIRef(str(SOURCE) + source.removeprefix("aksrc:"))
    return _english(dataset.graph(META_GRAPH).objects(iri, DCTERMS.title)) or source


def to_networkx(dataset: Dataset | Store, *, sources: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The entities and the facts between them as a directed multigraph.

    Nodes are keyed by compact id (``akid:meng-fanying``) and carry ``label``, ``label_zh``,
    ``class``, ``class_label``, ``description``, ``sources`` and ``attributes`` (the entity's literal
    values by property label). Edges carry ``predicate``, ``label`` and ``source``. ``sources``
    limits the projection to some source ids (``aksrc:...`` or the bare id).
    """
    if not isinstance(dataset, Dataset):
        dataset = dataset.dataset()
    wanted = None if sources is None else {s if ":" in s else f"aksrc:{s}" for s in sources}
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    graph = nx.MultiDiGraph()
    facts: list[tuple[URIRef, Any, Any, str]] = []
    for graph_iri, source in source_graphs(dataset).items():
        if wanted is not None and source not in wanted:
            continue
        for s, p, o in dataset.graph(graph_iri):
            if isinstance(s, URIRef) and str(s).startswith(str(ID)):
                facts.append((s, p, o, source))

    def prop_label(prop: URIRef) -> str:
        return _english(ontology.objects(prop, RDFS.label)) or compact_iri(str(prop))

    nodes: dict[URIRef, dict[str, Any]] = {}

    def node(iri: URIRef) -> dict[str, Any]:
        if iri not in nodes:
            nodes[iri] = {
                "label": compact_iri(str(iri)),
                "label_zh": None,
                "class": None,
                "class_label": None,
                "description": None,
                "sources": [],
                "attributes": {},
            }
        return nodes[iri]

    edges: list[tuple[URIRef, URIRef, dict[str, str]]] = []
    for s, p, o, source in sorted(facts):
        data = node(s)
        if source not in data["sources"]:
            data["sources"].append(source)
        if p == RDF.type and isinstance(o, URIRef):
            data["class"] = compact_iri(str(o))
            data["class_label"] = _english(ontology.objects(o, RDFS.label)) or data["class"]
        elif p == RDFS.label and isinstance(o, Literal):
            if o.language == "en":
                data["label"] = str(o)
            elif o.language and o.language.startswith("zh"):
                data["label_zh"] = str(o)
        elif p == DCTERMS.description and isinstance(o, Literal):
            data["description"] = str(o)
        elif isinstance(o, Literal):
            data["attributes"].setdefault(prop_label(p), []).append(str(o))
        elif isinstance(o, URIRef) and str(o).startswith(str(ID)):
            node(o)
            edges.append((s, o, {"predicate": compact_iri(str(p)), "label": prop_label(p), "source": source}))
    for iri, data in sorted(nodes.items()):
        data["attributes"] = {k: "; ".join(v) for k, v in sorted(data["attributes"].items())}
        graph.add_node(compact_iri(str(iri)), **data)
    for s, o, data in edges:
        graph.add_edge(compact_iri(str(s)), compact_iri(str(o)), key=data["predicate"], **data)
    return graph
