"""Network analysis of the projected graph: who is central, and how two entities are connected,
with the facts (and their sources) along each path."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd
from rdflib import Dataset

from alignkg.model.errors import AlignkgError
from alignkg.model.terms import expand_curie
from alignkg.queries.named import run_query
from alignkg.stores.base import Store

PATH_COLUMNS = ["from", "relation", "to", "source"]
EVIDENCE_COLUMNS = ["source_title", "locator", "evidence"]


def find_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node whose id, compact id or label (English or Chinese) is ``name``."""
    wanted = name if ":" in name else f"akid:{name}"
    if wanted in graph:
        return wanted
    for node, data in graph.nodes(data=True):
        if name in (data.get("label"), data.get("label_zh")):
            return str(node)
    raise AlignkgError(f"no entity with id or label {name!r} in the graph")


def centrality(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Degree and betweenness centrality of every entity, ignoring edge direction, most central first."""
    simple = nx.Graph(graph.to_undirected())
    degree = nx.degree_centrality(simple)
    betweenness = nx.betweenness_centrality(simple)
    rows = [
        {
            "entity": node,
            "label": graph.nodes[node]["label"],
            "class": graph.nodes[node].get("class_label"),
            "degree": degree[node],
            "betweenness": betweenness[node],
        }
        for node in graph.nodes
    ]
    frame = pd.DataFrame(rows, columns=["entity", "label", "class", "degree", "betweenness"])
    return frame.sort_values(["betweenness", "degree", "entity"], ascending=[False, False, True]).reset_index(
        drop=True
    )


def shortest_paths(
    graph: nx.MultiDiGraph, start: str, end: str, *, evidence: Dataset | Store | None = None
) -> list[pd.DataFrame]:
    """Every shortest path between two entities (ids or labels), edge direction ignored.

    Each path is a DataFrame of its steps: from, relation, to and the source of that fact. Given
    the dataset as ``evidence``, each step also gets the source's title, the locator in the source
    and the evidence paraphrase, read from the statement records by SPARQL.
    """
    a, b = find_node(graph, start), find_node(graph, end)
    undirected = nx.Graph(graph.to_undirected())
    try:
        paths = sorted(nx.all_shortest_paths(undirected, a, b))
    except nx.NetworkXNoPath:
        return []
    result = []
    for path in paths:
        steps = []
        for u, v in itertools.pairwise(path):
            forward = graph.get_edge_data(u, v) or {}
            backward = graph.get_edge_data(v, u) or {}
            data, frm, to = (
                (next(iter(forward.values())), u, v) if forward else (next(iter(backward.values())), v, u)
            )
            steps.append(
                {
                    "from": graph.nodes[frm]["label"],
                    "relation": data["label"],
                    "to": graph.nodes[to]["label"],
                    "source": data["source"],
                    "_fact": (frm, data["predicate"], to, data["source"]),
                }
            )
        frame = pd.DataFrame(steps, columns=[*PATH_COLUMNS, "_fact"])
        if evidence is not None:
            found = _evidence(evidence, list(frame["_fact"]))
            for i, column in enumerate(EVIDENCE_COLUMNS):
                frame[column] = [found.get(fact, (None, None, None))[i] for fact in frame["_fact"]]
        result.append(frame.drop(columns="_fact"))
    return result


_EVIDENCE = """
SELECT ?s ?p ?o ?source ?title ?locator ?evidence WHERE {
  VALUES (?s ?p ?o ?source) { %s }
  ?st a ak:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?st ak:locator ?locator }
  OPTIONAL { ?st ak:evidence ?evidence }
}
"""


def _evidence(
    dataset: Dataset | Store, facts: list[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], tuple[str | None, str | None, str | None]]:
    """Source title, locator and evidence of each fact (compact ids), from its statement record."""
    values = []
    for fact in facts:
        iris = [expand_curie(term) for term in fact]
        if all(iri is not None for iri in iris):
            values.append("(" + " ".join(f"<{iri}>" for iri in iris) + ")")
    if not values:
        return {}
    result = run_query(dataset, _EVIDENCE % " ".join(sorted(set(values))))
    found: dict[tuple[str, str, str, str], tuple[str | None, str | None, str | None]] = {}
    for row in result.to_text_rows(compact=True):
        s, p, o, source, title, locator, text = row
        found.setdefault((s, p, o, source), (title or None, locator or None, text or None))
    return found
