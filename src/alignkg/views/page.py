"""What a view page draws, as JSON-ready data: nodes styled by their class's group, edges,
the grouped legend, sources, statement records, the layout and vis-network's options.

Small graphs are laid out by the browser's physics; alignment chains as a timeline; larger
graphs get positions computed here (igraph's grid Fruchterman-Reingold, which stays fast at
tens of thousands of nodes) and are drawn still, so the page is ready in seconds.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import networkx as nx

from alignkg.views.layout import Layout
from alignkg.views.positions import force_positions, is_chain, roles, timeline_positions
from alignkg.views.styles import GROUPS, OTHER, fallback_style

PHYSICS_LIMIT = 300
"""Up to this many nodes the browser lays the graph out itself; above it positions are precomputed."""
EDGE_LABEL_LIMIT = 1_000
"""Up to this many edges each edge is labelled and arrowed on the canvas and hovering highlights;
above it the label and the direction are in the edge's tooltip only, and hovering only shows it."""
MAX_NODES = 20_000
"""More nodes than this make a page too slow to use: the view refuses and suggests a selection."""
MAX_EDGES = 60_000
"""More edges than this, likewise."""

TIMELINE_LIMIT = 2_000
"""Up to this many nodes a graph made mostly of alignment chains is drawn as a timeline by default."""
READABLE_SCALE = 0.8
"""The least zoom the page opens at: node labels of :data:`NODE_FONT` stay about 12 pixels high.
A graph that fits the window only at a smaller zoom opens around its focus or busiest entity."""
NODE_FONT = 15
EDGE_FONT = 12


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can close or open a tag."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _display(node: dict[str, Any]) -> str:
    """English label with the Chinese one beside it where there is one."""
    return str(node["label"]) + (f" ({node['label_zh']})" if node.get("label_zh") else "")


def _tooltip(node_id: str, node: dict[str, Any]) -> str:
    """Plain-text hover text: label, id, class, description, literal values and sources."""
    lines = [_display(node), f"Id: {node_id}", f"Class: {node.get('class_label') or 'unknown'}"]
    if node.get("description"):
        lines.append(str(node["description"]))
    for key, value in (node.get("attributes") or {}).items():
        lines.append(f"{key}: {value}")
    lines.append("Sources: " + ", ".join(node.get("sources") or []))
    return "\n".join(lines)


def _options(layout: Layout, nodes: int, edges: int) -> dict[str, Any]:
    options: dict[str, Any] = {
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#333333"},
            "font": {"size": EDGE_FONT, "align": "middle", "color": "#555555", "strokeWidth": 3},
            "smooth": False,
            "width": 1,
        },
        "nodes": {
            "font": {"size": NODE_FONT, "strokeWidth": 3, "strokeColor": "#ffffff"},
            "size": 14,
            "borderWidth": 1,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    }
    if layout is Layout.physics:
        # vis-network's improved (Kamada-Kawai) start gives up, with a console message, past ~100 nodes
        options["layout"] = {"randomSeed": 7, "improvedLayout": nodes <= 100}
        options["physics"] = {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -160,
                "centralGravity": 0.008,
                "springLength": 170,
                "springConstant": 0.06,
                "avoidOverlap": 0.8,
            },
            "stabilization": {"enabled": True, "iterations": 500, "updateInterval": 50, "fit": True},
        }
        options["nodes"]["widthConstraint"] = {"maximum": 170}  # wrap long labels
    else:
        options["layout"] = {"improvedLayout": False}
        options["physics"] = {"enabled": False}
        options["interaction"].update({"hideEdgesOnDrag": True, "hideEdgesOnZoom": edges > EDGE_LABEL_LIMIT})
        if layout is Layout.timeline:
            options["nodes"]["widthConstraint"] = {"maximum": 190}
            options["edges"]["smooth"] = {
                "type": "cubicBezier",
                "forceDirection": "horizontal",
                "roundness": 0.5,
            }
        if edges > EDGE_LABEL_LIMIT:
            # Arrowheads cost half the drawing time of a large graph; the tooltip gives the direction.
            options["edges"]["arrows"]["to"]["enabled"] = False
            # Hover highlighting redraws the whole canvas on every hover; tooltips show without it.
            options["interaction"]["hover"] = False
        options["nodes"]["scaling"] = {"label": {"drawThreshold": 9}}
    return options


def _statement_rows(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Statement records about the drawn nodes, as compact rows for the page."""
    nodes = set(graph.nodes)
    fields = (
        "subject",
        "predicate_label",
        "object",
        "source",
        "locator",
        "evidence",
        "valid_from",
        "valid_to",
    )
    return [
        [str(record.get(field) or "") for field in fields]
        for record in graph.graph.get("statements", [])
        if record.get("subject") in nodes or record.get("object") in nodes
    ]


def chosen_layout(graph: nx.MultiDiGraph, layout: Layout = Layout.auto) -> Layout:
    """The layout ``auto`` stands for: a timeline for a graph made mostly of alignment chains,
    the browser's physics for other small graphs, positions computed beforehand for large ones."""
    if layout is not Layout.auto:
        return layout
    if graph.number_of_nodes() <= TIMELINE_LIMIT and is_chain(graph):
        return Layout.timeline
    return Layout.physics if graph.number_of_nodes() <= PHYSICS_LIMIT else Layout.precomputed


def _start(graph: nx.MultiDiGraph, layout: Layout) -> str | None:
    """The entity the page opens on when the whole graph is too large to read at once: the
    focus, else the first meeting of a timeline, else the entity with the most relations."""
    if graph.graph.get("focus") in graph:
        return str(graph.graph["focus"])
    if layout is Layout.timeline:
        meetings = sorted(n for n, r in roles(graph).items() if r == "meeting")
        if meetings:
            return meetings[0]
    degrees = sorted(((-d, str(n)) for n, d in graph.degree()), key=lambda item: item)
    return degrees[0][1] if degrees else None


def _styles(graph: nx.MultiDiGraph) -> dict[str, dict[str, str]]:
    """The style of each class the graph draws: from the projection (which read the ontology),
    else one made from the class's name."""
    known: dict[str, dict[str, str]] = graph.graph.get("styles") or {}
    found: dict[str, dict[str, str]] = {}
    for _, data in graph.nodes(data=True):
        key = _class_key(data)
        found[key] = known.get(key) or fallback_style(key).as_dict()
    return found


def _class_key(data: dict[str, Any]) -> str:
    return str(data.get("class") or data.get("class_label") or "unknown")


def page_data(graph: nx.MultiDiGraph, *, layout: Layout = Layout.auto) -> dict[str, Any]:
    """Everything the page draws, as JSON-ready data: nodes, edges, the legend's groups and
    classes, sources, statements, layout and options."""
    styles = _styles(graph)
    layout = chosen_layout(graph, layout)
    positions: dict[str, tuple[int, int]] = {}
    if layout is Layout.precomputed and len(graph):
        positions = force_positions(graph)
    elif layout is Layout.timeline and len(graph):
        positions = timeline_positions(graph)
    nodes = []
    for node_id, data in graph.nodes(data=True):
        key = _class_key(data)
        label = data.get("label") or str(node_id)
        item: dict[str, Any] = {
            "id": str(node_id),
            "label": label + (f"\n{data['label_zh']}" if data.get("label_zh") else ""),
            "title": _tooltip(str(node_id), {**data, "label": label}),
            "color": styles[key]["color"],
            "shape": styles[key]["shape"],
            "cls": key,
            "kind": styles[key]["group"],
            "sources": list(data.get("sources") or []),
        }
        if node_id in positions:
            item["x"], item["y"] = positions[node_id]
        nodes.append(item)
    labelled = graph.number_of_edges() <= EDGE_LABEL_LIMIT
    names = {node: str(data.get("label") or node) for node, data in graph.nodes(data=True)}
    edges = []
    for index, (source, target, data) in enumerate(graph.edges(data=True)):
        sources = list(data.get("sources") or ([data["source"]] if data.get("source") else []))
        edge = {
            "id": f"e{index}",
            "from": str(source),
            "to": str(target),
            "title": f"{names[source]} → {data.get('label', '')} → {names[target]}\n"
            f"Sources: {', '.join(sources)}",
            "sources": sources,
        }
        if labelled:
            edge["label"] = data.get("label", "")
        edges.append(edge)
    counts = Counter(_class_key(d) for _, d in graph.nodes(data=True))
    labels = {_class_key(d): str(d.get("class_label") or _class_key(d)) for _, d in graph.nodes(data=True)}
    classes: list[dict[str, Any]] = [
        {"id": key, "label": labels[key], "count": counts[key], **styles[key]}
        for key in sorted(counts, key=lambda k: (labels[k].casefold(), k))
    ]
    groups = [
        {
            "key": group.key,
            "label": group.label,
            "color": group.color,
            "shape": group.shape,
            "count": sum(c["count"] for c in classes if c["group"] == group.key),
            "classes": [c["id"] for c in classes if c["group"] == group.key],
        }
        for group in (*GROUPS, OTHER)
        if any(c["group"] == group.key for c in classes)
    ]
    titles: dict[str, str] = graph.graph.get("sources") or {}
    used = sorted(
        {s for n in nodes for s in n["sources"]} | {s for e in edges for s in e["sources"]} | set(titles)
    )
    return {
        "nodes": nodes,
        "edges": edges,
        "classes": classes,
        "groups": groups,
        "sources": [{"id": s, "title": titles.get(s, s)} for s in used],
        "statements": _statement_rows(graph),
        "layout": layout.value,
        "focus": graph.graph.get("focus"),
        "start": _start(graph, layout),
        "readable": READABLE_SCALE,
        "options": _options(layout, len(nodes), len(edges)),
    }
