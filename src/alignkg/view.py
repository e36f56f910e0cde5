"""The shareable HTML view: the entity network drawn with vis-network (the library pyvis wraps),
with every script and style inline so the page works offline, and every string from the data
escaped so a label can never run as code."""

from __future__ import annotations

import datetime as dt
import json
import webbrowser
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from pyvis.network import Network
from rdflib import Dataset

from alignkg.build import write_atomically
from alignkg.projection import source_title, to_networkx

DEFAULT_VIEW_FILE = Path("build/alignkg.html")
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"

PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295",
]  # fmt: skip
SHAPES = [
    "dot",
    "diamond",
    "square",
    "triangle",
    "star",
    "triangleDown",
    "hexagon",
    "box",
    "ellipse",
]


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can close or open a tag."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _tooltip(node: dict[str, Any]) -> str:
    """Plain-text hover text: class, description, literal values and sources."""
    lines = [node["label"] + (f" ({node['label_zh']})" if node.get("label_zh") else "")]
    lines.append(f"Class: {node.get('class_label') or 'unknown'}")
    if node.get("description"):
        lines.append(str(node["description"]))
    for key, value in node.get("attributes", {}).items():
        lines.append(f"{key}: {value}")
    lines.append("Sources: " + ", ".join(node.get("sources", [])))
    return "\n".join(lines)


def _network(graph: nx.MultiDiGraph) -> tuple[Network, list[dict[str, Any]]]:
    """Fill a pyvis Network's node and edge lists directly (its add_node checks are quadratic)."""
    classes = sorted({d.get("class_label") or "unknown" for _, d in graph.nodes(data=True)})
    style = {c: (PALETTE[i % len(PALETTE)], SHAPES[i % len(SHAPES)]) for i, c in enumerate(classes)}
    net = Network(directed=True, cdn_resources="in_line")
    for node_id, data in graph.nodes(data=True):
        cls = data.get("class_label") or "unknown"
        color, shape = style[cls]
        label = data["label"] + (f"\n{data['label_zh']}" if data.get("label_zh") else "")
        net.nodes.append(
            {
                "id": node_id,
                "label": label,
                "title": _tooltip(data),
                "color": color,
                "shape": shape,
                "group": cls,
            }
        )
        net.node_ids.append(node_id)
    for source, target, data in graph.edges(data=True):
        net.edges.append(
            {
                "from": source,
                "to": target,
                "label": data["label"],
                "arrows": "to",
                "title": data["label"],
            }
        )
    counts = {c: 0 for c in classes}
    for _, data in graph.nodes(data=True):
        counts[data.get("class_label") or "unknown"] += 1
    legend = [{"label": c, "color": style[c][0], "shape": style[c][1], "count": counts[c]} for c in classes]
    return net, legend


def _options(node_count: int) -> dict[str, Any]:
    return {
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120},
            "stabilization": {"enabled": True, "iterations": 300 if node_count < 500 else 150},
        },
        "edges": {
            "font": {"size": 9, "align": "middle"},
            "smooth": False,
            "color": {"color": "#999"},
        },
        "nodes": {"font": {"size": 12}},
        "interaction": {"hover": True, "tooltipDelay": 100},
    }


def render_view(dataset: Dataset, *, title: str = "alignkg graph") -> str:
    """The HTML page for the entity network of ``dataset``, as a string."""
    graph = to_networkx(dataset)
    net, legend = _network(graph)
    source_ids = sorted({s for _, d in graph.nodes(data=True) for s in d.get("sources", [])})
    sources = [f"{source_title(dataset, s)} ({s})" for s in source_ids]
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (resources.files("alignkg") / "templates" / name).read_text(encoding="utf-8")
        ),
        autoescape=True,
    )
    template = env.get_template("view.html")
    payload = {"nodes": net.nodes, "edges": net.edges, "options": _options(len(net.nodes))}
    return template.render(
        title=title,
        heading=title,
        subtitle=(
            f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} relations "
            f"from {len(sources)} sources; written {dt.date.today().isoformat()}"
        ),
        legend=legend,
        sources=sources,
        vis_css=(VIS_DIR / "vis-network.css").read_text(encoding="utf-8"),
        vis_js=(VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script"),
        data_json=_json_for_script(payload),
    )


def write_view(
    dataset: Dataset,
    path: Path | str = DEFAULT_VIEW_FILE,
    *,
    title: str = "alignkg graph",
    open_browser: bool = False,
) -> Path:
    """Write the HTML view of ``dataset`` to ``path`` (atomically) and optionally open it."""
    target = Path(path)
    write_atomically({target: render_view(dataset, title=title).encode("utf-8")})
    if open_browser:
        webbrowser.open(target.resolve().as_uri())
    return target
