"""The shareable HTML view: the entity network drawn with vis-network (the library pyvis wraps),
with every script and style inline so the page works offline, and every string from the data
carried as escaped JSON and shown as plain text, so a label can never run as code.

What the page draws (styles, legend, layout) is worked out in :mod:`alignkg.views.page`.
"""

from __future__ import annotations

import datetime as dt
import os
import webbrowser
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import pyvis
from rdflib import Dataset

from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_VIEW_FILE, write_atomically
from alignkg.model.words import count
from alignkg.stores.base import Store
from alignkg.views.layout import Layout
from alignkg.views.page import (
    EDGE_LABEL_LIMIT,
    MAX_EDGES,
    MAX_NODES,
    PHYSICS_LIMIT,
    READABLE_SCALE,
    TIMELINE_LIMIT,
    json_for_script,
    page_data,
)
from alignkg.views.projection import to_networkx

__all__ = [
    "EDGE_LABEL_LIMIT",
    "MAX_EDGES",
    "MAX_NODES",
    "PHYSICS_LIMIT",
    "READABLE_SCALE",
    "TIMELINE_LIMIT",
    "Layout",
    "page_data",
    "render_view",
    "write_view",
]

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"


def _build_date() -> str:
    """Today's date, or the date in SOURCE_DATE_EPOCH so that rebuilt pages are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    return dt.datetime.now(dt.UTC).date().isoformat()


def _describe(graph: nx.MultiDiGraph, sources: list[dict[str, str]]) -> str:
    """What the page shows and from which sources, for its header."""
    names = [s["id"] for s in sources]
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    shown = graph.graph.get("shown") or "all entities"
    entities, relations = count(graph.number_of_nodes(), "entity"), count(graph.number_of_edges(), "relation")
    return f"{shown}: {entities}, {relations} from {count(len(names), 'source')}" + (
        f" ({listed})" if names else ""
    )


def _selected(
    data: Dataset | Store | nx.MultiDiGraph,
    sources: Iterable[str] | None,
    classes: Iterable[str] | None,
    focus: str | None,
    depth: int,
    query: str | None,
    params: dict[str, str] | None = None,
) -> nx.MultiDiGraph:
    if isinstance(data, nx.MultiDiGraph):
        if any(option is not None for option in (sources, classes, focus, query)) or params:
            raise AlignkgError("selection options apply to a dataset; select before projecting a graph")
        return data
    return to_networkx(
        data, sources=sources, classes=classes, focus=focus, depth=depth, query=query, params=params
    )


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
    params: dict[str, str] | None = None,
) -> str:
    """The HTML page for the entity network of ``data`` (a dataset or a projected graph), as a string.

    The selection options (``sources``, ``classes``, ``focus``, ``depth``, ``query`` and its
    ``params``) are those of :func:`alignkg.to_networkx`; ``layout`` is a :class:`Layout`. A
    graph larger than ``max_nodes`` or ``max_edges`` is refused with a hint to narrow the view.
    """
    graph = _selected(data, sources, classes, focus, depth, query, params)
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
        data_json=json_for_script(payload),
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
    params: dict[str, str] | None = None,
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
        params=params,
    )
    write_atomically({target: page.encode("utf-8")})
    if open_browser:
        webbrowser.open(target.resolve().as_uri())
    return target
