"""Network analysis of the projected graph: who is central, and how two entities are connected,
with the facts (and their sources) along each path."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd

from alignkg.errors import AlignkgError


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


def shortest_paths(graph: nx.MultiDiGraph, start: str, end: str) -> list[pd.DataFrame]:
    """Every shortest path between two entities (ids or labels), edge direction ignored.

    Each path is a DataFrame of its steps: from, relation, to and the source of that fact.
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
                }
            )
        result.append(pd.DataFrame(steps, columns=["from", "relation", "to", "source"]))
    return result
