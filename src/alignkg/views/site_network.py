"""The small network on each entity's page: the entity and its direct neighbours, drawn by the HTML
view's own page data (:func:`alignkg.views.view.page_data`) with the vis-network script the site
keeps once in its assets folder.

Neighbourhoods come from an adjacency index built once, so a page costs only its own few nodes;
a hub (a sector shared by a thousand enterprises) draws its first neighbours and says how many
more there are.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from alignkg.views.layout import Layout
from alignkg.views.page import json_for_script, page_data
from alignkg.views.site_data import SiteData
from alignkg.views.site_model import page_path

NETWORK_LIMIT = 40
"""At most this many neighbours are drawn around an entity."""


class Neighbourhoods:
    """Draws the neighbourhood of any entity from the site's asserted facts between entities."""

    def __init__(self, data: SiteData) -> None:
        self.data = data
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        self.edges: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(dict)
        for fact in data.facts:
            if fact.inferred or not fact.is_entity or not fact.value.startswith("akid:"):
                continue
            if fact.subject == fact.value:
                continue
            self.neighbours[fact.subject].add(fact.value)
            self.neighbours[fact.value].add(fact.subject)
            sources = self.edges[fact.subject].setdefault((fact.predicate, fact.value), [])
            if fact.source not in sources:
                sources.append(fact.source)

    def class_label(self, entity: str) -> str:
        types = sorted(self.data.asserted_types.get(entity, ()))
        return self.data.term_label(types[0]) if types else "unknown"

    def graph(self, entity: str) -> tuple[nx.MultiDiGraph, int]:
        """The entity, its first :data:`NETWORK_LIMIT` neighbours by id and the facts among them,
        as a graph shaped like :func:`alignkg.to_networkx`'s; also the number of neighbours."""
        data = self.data
        around = sorted(self.neighbours.get(entity, ()))
        nodes = [entity, *around[:NETWORK_LIMIT]]
        graph = nx.MultiDiGraph(focus=entity)
        for node in nodes:
            graph.add_node(
                node,
                label=data.label(node),
                label_zh=data.label_zh(node) or None,
                class_label=self.class_label(node),
                description=data.descriptions.get(node),
                sources=sorted({f.source for f in data.outgoing.get(node, []) if f.source}),
                attributes={},
            )
        shown = set(nodes)
        for node in nodes:
            for (predicate, target), sources in sorted(self.edges.get(node, {}).items()):
                if target in shown:
                    sources = sorted(sources)
                    label = data.term_label(predicate)
                    graph.add_edge(node, target, key=predicate, label=label, sources=sources)
        return graph, len(around)

    def payload(self, entity: str) -> tuple[str, int, int]:
        """The network's data as JSON safe inside a <script> element, how many neighbours are drawn
        and how many there are."""
        graph, total = self.graph(entity)
        drawn: dict[str, Any] = page_data(graph, layout=Layout.physics)
        for item in (*drawn["nodes"], *drawn["edges"]):
            item.pop("sources", None)  # named in the tooltip; the page's facts link each one
        drawn.pop("statements", None)
        drawn.pop("sources", None)
        drawn["links"] = {node: "../" + page_path(node) for node in graph.nodes}
        return json_for_script(drawn), graph.number_of_nodes() - 1, total
