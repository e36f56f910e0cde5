"""The shareable HTML view: the entity network drawn with vis-network (the library pyvis wraps),
with every script and style inline so the page works offline, and every string from the data
carried as escaped JSON and shown as plain text, so a label can never run as code.

Small graphs are laid out by the browser's physics; larger ones get positions computed here
(igraph's grid Fruchterman-Reingold, which stays fast at tens of thousands of nodes) and are drawn
still, so the page is ready in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import webbrowser
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import igraph
import jinja2
import networkx as nx
import pyvis
from rdflib import Dataset

from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_VIEW_FILE, write_atomically
from alignkg.stores.base import Store
from alignkg.views.projection import to_networkx

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"

PHYSICS_LIMIT = 300
"""Up to this many nodes the browser lays the graph out itself; above it positions are precomputed."""
EDGE_LABEL_LIMIT = 1_000
"""Up to this many edges each edge is labelled and arrowed on the canvas and hovering highlights;
above it the label and the direction are in the edge's tooltip only, and hovering only shows it."""
MAX_NODES = 20_000
"""More nodes than this make a page too slow to use: the view refuses and suggests a selection."""
MAX_EDGES = 60_000
"""More edges than this, likewise."""

PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295",
]  # fmt: skip
SHAPES = ["dot", "diamond", "square", "triangle", "star", "triangleDown", "hexagon"]
"""Node shapes, as many as is coprime with the palette so class styles repeat late."""


class Layout(StrEnum):
    """How node positions are found: by size, by the browser's physics, or computed beforehand."""

    auto = "auto"
    physics = "physics"
    precomputed = "precomputed"


def _json_for_script(value: Any) -> str:
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


def _build_date() -> str:
    """Today's date, or the date in SOURCE_DATE_EPOCH so that rebuilt pages are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return dt.datetime.now(dt.UTC).date().isoformat()


def _positions(graph: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Node positions in pixels from igraph's grid Fruchterman-Reingold layout, with a fixed seed."""
    index = {node: i for i, node in enumerate(graph.nodes)}
    pairs = sorted({(index[s], index[t]) for s, t in graph.edges() if s != t})
    layout_graph = igraph.Graph(n=len(index), edges=pairs)
    igraph.set_random_number_generator(random.Random(20250109))  # noqa: S311 (a layout seed, not a secret)
    try:
        coords = layout_graph.layout_fruchterman_reingold(niter=500, grid="grid").coords
    finally:
        igraph.set_random_number_generator(random)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    scale = 90 * len(index) ** 0.5 / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        node: (round((x - cx) * scale), round((y - cy) * scale))
        for node, (x, y) in zip(index, coords, strict=True)
    }


def _options(layout: Layout, nodes: int, edges: int) -> dict[str, Any]:
    options: dict[str, Any] = {
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#333333"},
            "font": {"size": 10, "align": "middle", "color": "#555555", "strokeWidth": 3},
            "smooth": False,
            "width": 1,
        },
        "nodes": {
            "font": {"size": 13, "strokeWidth": 3, "strokeColor": "#ffffff"},
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
            "forceAtlas2Based": {"gravitationalConstant": -110, "springLength": 130, "avoidOverlap": 0.6},
            "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        }
        options["nodes"]["widthConstraint"] = {"maximum": 170}  # wrap long labels
    else:
        options["layout"] = {"improvedLayout": False}
        options["physics"] = {"enabled": False}
        options["interaction"].update({"hideEdgesOnDrag": True, "hideEdgesOnZoom": edges > EDGE_LABEL_LIMIT})
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


def page_data(graph: nx.MultiDiGraph, *, layout: Layout = Layout.auto) -> dict[str, Any]:
    """Everything the page draws, as JSON-ready data: nodes, edges, classes, sources, statements."""
    classes = sorted({d.get("class_label") or "unknown" for _, d in graph.nodes(data=True)})
    style = {c: (PALETTE[i % len(PALETTE)], SHAPES[i % len(SHAPES)]) for i, c in enumerate(classes)}
    if layout is Layout.auto:
        layout = Layout.physics if graph.number_of_nodes() <= PHYSICS_LIMIT else Layout.precomputed
    positions = _positions(graph) if layout is Layout.precomputed and len(graph) else {}
    nodes = []
    for node_id, data in graph.nodes(data=True):
        cls = data.get("class_label") or "unknown"
        label = data.get("label") or str(node_id)
        item: dict[str, Any] = {
            "id": str(node_id),
            "label": label + (f"\n{data['label_zh']}" if data.get("label_zh") else ""),
            "title": _tooltip(str(node_id), {**data, "label": label}),
            "color": style[cls][0],
            "shape": style[cls][1],
            "group": cls,
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
    counts = Counter(d.get("class_label") or "unknown" for _, d in graph.nodes(data=True))
    titles: dict[str, str] = graph.graph.get("sources") or {}
    used = sorted(
        {s for n in nodes for s in n["sources"]} | {s for e in edges for s in e["sources"]} | set(titles)
    )
    return {
        "nodes": nodes,
        "edges": edges,
        "classes": [
            {"label": c, "color": style[c][0], "shape": style[c][1], "count": counts[c]} for c in classes
        ],
        "sources": [{"id": s, "title": titles.get(s, s)} for s in used],
        "statements": _statement_rows(graph),
        "layout": layout.value,
        "focus": graph.graph.get("focus"),
        "options": _options(layout, len(nodes), len(edges)),
    }


def _describe(graph: nx.MultiDiGraph, sources: list[dict[str, str]]) -> str:
    """What the page shows and from which sources, for its header."""
    names = [s["id"] for s in sources]
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    shown = graph.graph.get("shown") or "all entities"
    return (
        f"{shown}: {graph.number_of_nodes()} entities, {graph.number_of_edges()} "
        f"relations from {len(names)} sources" + (f" ({listed})" if names else "")
    )


def _selected(
    data: Dataset | Store | nx.MultiDiGraph,
    sources: Iterable[str] | None,
    classes: Iterable[str] | None,
    focus: str | None,
    depth: int,
    query: str | None,
) -> nx.MultiDiGraph:
    if isinstance(data, nx.MultiDiGraph):
        if any(option is not None for option in (sources, classes, focus, query)):
            raise AlignkgError("selection options apply to a dataset; select before projecting a graph")
        return data
    return to_networkx(data, sources=sources, classes=classes, focus=focus, depth=depth, query=query)


def render_view(
    data: Dataset | Store | nx.MultiDiGraph,
    *,
    title: str | None = None,
    sources: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
    layout: Layout = Layout.auto,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
) -> str:
    """The HTML page for the entity network of ``data`` (a dataset or a projected graph), as a string.

    The selection options are those of :func:`alignkg.to_networkx`. A graph larger than
    ``max_nodes`` or ``max_edges`` is refused with a hint to narrow the view.
    """
    graph = _selected(data, sources, classes, focus, depth, query)
    if graph.number_of_nodes() > max_nodes or graph.number_of_edges() > max_edges:
        raise AlignkgError(
            f"the view would draw {graph.number_of_nodes():,} entities and {graph.number_of_edges():,} "
            f"relations, more than a browser can draw responsively (at most {max_nodes:,} and "
            f"{max_edges:,}); narrow it with --focus ENTITY --depth N, --source ID or --class CLASS"
        )
    payload = page_data(graph, layout=layout)
    description = _describe(graph, payload["sources"])
    built = _build_date()
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (resources.files("alignkg") / "templates" / name).read_text(encoding="utf-8")
        ),
        autoescape=True,
    )
    return env.get_template("view.html").render(
        title=title or f"alignkg: {description}, built {built}",
        heading=title or "alignkg graph view",
        subtitle=f"{description[0].upper()}{description[1:]}. Built {built}.",
        vis_css=(VIS_DIR / "vis-network.css").read_text(encoding="utf-8"),
        vis_js=(VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script"),
        data_json=_json_for_script(payload),
    )


def write_view(
    data: Dataset | Store | nx.MultiDiGraph,
    path: Path | str = DEFAULT_VIEW_FILE,
    *,
    title: str | None = None,
    sources: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
    layout: Layout = Layout.auto,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
    open_browser: bool = False,
) -> Path:
    """Write the HTML view of ``data`` to ``path`` (atomically) and optionally open it.

    Takes the same options as :func:`render_view`.
    """
    target = Path(path)
    page = render_view(
        data,
        title=title,
        sources=sources,
        classes=classes,
        focus=focus,
        depth=depth,
        query=query,
        layout=layout,
        max_nodes=max_nodes,
        max_edges=max_edges,
    )
    write_atomically({target: page.encode("utf-8")})
    if open_browser:
        webbrowser.open(target.resolve().as_uri())
    return target
