"""Node positions computed before the page opens: igraph's force-directed layout for large graphs,
and the timeline, which tells how directives became action: occasions and directives, the
meetings that implement them, the priorities those set and the measures that carry them out,
left to right in time order, with the people, bodies and posts involved above and the claims,
themes and places below.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque
from typing import Any

import networkx as nx

Position = tuple[int, int]

COLUMN = 250
"""Horizontal distance between timeline columns, in canvas pixels."""
ROW = 95
"""Vertical distance between nodes stacked in a timeline column."""
BAND = 150
"""Vertical distance between the rows above and below the chain."""
SPACING = 200
"""Least horizontal distance between nodes in one row above or below the chain."""
ROW_LENGTH = 9
"""Most nodes in one row above or below the chain before it wraps."""

_STAGES = {"event": 0, "directive": 1, "meeting": 2, "priority": 3, "measure": 4}
_CHAIN_EDGES = {"ak:implements", "ak:setsPriority", "ak:hasMeasure"}
_ABOVE = {"people", "organisations", "posts", "sources"}


def force_positions(graph: nx.MultiDiGraph) -> dict[str, Position]:
    """Node positions in pixels from igraph's grid Fruchterman-Reingold layout, with a fixed seed.
    (igraph is imported here: it takes longer to import than a small graph takes to draw.)"""
    import igraph

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
    return untie(
        graph,
        {
            node: (round((x - cx) * scale), round((y - cy) * scale))
            for node, (x, y) in zip(index, coords, strict=True)
        },
    )


def untie(graph: nx.MultiDiGraph, positions: dict[str, Position]) -> dict[str, Position]:
    """Positions with every relation drawn right to left moved off the exact horizontal: on such
    an edge vis-network 9 draws the label far from the line."""
    for _ in range(3):
        moved = False
        for source, target in graph.edges():
            (sx, sy), (tx, ty) = positions.get(source, (0, 1)), positions.get(target, (0, 0))
            if source in positions and target in positions and sy == ty and sx > tx:
                positions[source] = (sx, sy + 2)
                moved = True
        if not moved:
            break
    return positions


def _date(data: dict[str, Any]) -> dt.date | None:
    """The earliest date among a node's ``date`` and ``start date`` values."""
    found = []
    for key in ("date", "start date"):
        for text in str((data.get("attributes") or {}).get(key) or "").split(";"):
            try:
                found.append(dt.date.fromisoformat(text.strip()[:10]))
            except ValueError:
                continue
    return min(found, default=None)


def roles(graph: nx.MultiDiGraph) -> dict[str, str]:
    """The nodes that make up alignment chains, each with its part: event, directive, meeting,
    priority or measure."""
    found: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        out = {key for _, _, key in graph.out_edges(node, keys=True)}
        into = {key for _, _, key in graph.in_edges(node, keys=True)}
        group, cls = data.get("group"), data.get("class")
        if group == "directives":
            found[node] = "directive"
        elif group == "events":
            found[node] = (
                "meeting" if cls == "ak:Meeting" or out & {"ak:setsPriority", "ak:implements"} else "event"
            )
        elif cls == "ak:Priority" or "ak:setsPriority" in into:
            found[node] = "priority"
        elif cls == "ak:Measure" or "ak:hasMeasure" in into:
            found[node] = "measure"
    return found


def is_chain(graph: nx.MultiDiGraph) -> bool:
    """True when most of the graph is alignment chains: at least half its nodes are directives,
    meetings, priorities or measures, linked by implementing, setting or carrying out."""
    parts = {n: r for n, r in roles(graph).items() if r != "event"}
    linked = any(key in _CHAIN_EDGES and s in parts and t in parts for s, t, key in graph.edges(keys=True))
    return linked and len(parts) >= 3 and 2 * len(parts) >= graph.number_of_nodes()


def _when(graph: nx.MultiDiGraph, part: dict[str, str]) -> dict[str, dt.date | None]:
    """Each chain node's date: its own, or one borrowed along the chain (a directive from the
    meetings implementing it, a priority from the meeting setting it, a measure from its priority)."""
    when = {node: _date(graph.nodes[node]) for node in part}

    def near(node: str, direction: str, key: str, pick: Any) -> dt.date | None:
        edges = graph.in_edges(node, keys=True) if direction == "in" else graph.out_edges(node, keys=True)
        dates = [
            when.get(other)
            for s, t, k in edges
            if k == key and (other := s if direction == "in" else t) in when
        ]
        known = [d for d in dates if d is not None]
        return pick(known) if known else None

    for _ in range(3):  # dates flow at most three steps: directive, meeting, priority, measure
        for node, role in part.items():
            if when[node] is not None:
                continue
            if role == "directive":
                when[node] = near(node, "in", "ak:implements", min)
            elif role == "event":
                when[node] = near(node, "in", "ak:occasion", min)
            elif role == "meeting":
                when[node] = near(node, "out", "ak:implements", max)
            elif role == "priority":
                when[node] = near(node, "in", "ak:setsPriority", min) or near(
                    node, "out", "ak:implements", max
                )
            elif role == "measure":
                when[node] = near(node, "in", "ak:hasMeasure", min)
    return when


def _order_key(graph: nx.MultiDiGraph, node: str) -> tuple[str, str, str]:
    data = graph.nodes[node]
    ordinal = str((data.get("attributes") or {}).get("ordinal") or "").zfill(6)
    return ordinal, str(data.get("label") or node), node


def _chain_positions(graph: nx.MultiDiGraph, part: dict[str, str]) -> dict[str, Position]:
    when = _when(graph, part)
    columns: dict[tuple[int, str, int], list[str]] = {}
    for node, role in part.items():
        day = when[node]
        key = (0 if day else 1, day.isoformat() if day else "", _STAGES[role])
        columns.setdefault(key, []).append(node)
    placed: dict[str, Position] = {}
    undirected = graph.to_undirected(as_view=True)
    for column, key in enumerate(sorted(columns)):
        nodes = sorted(columns[key], key=lambda n: _order_key(graph, n))

        def centre(node: str) -> float:
            ys = [placed[m][1] for m in undirected.neighbors(node) if m in placed]
            return sum(ys) / len(ys) if ys else 0.0

        nodes.sort(key=centre)  # stable: keeps the ordinal order among equals
        top = -(len(nodes) - 1) * ROW / 2
        if len(nodes) == 1 and key[2] < _STAGES["meeting"]:
            # Lone occasions and directives step up and down, so a relation that skips columns
            # does not run through the nodes between its ends.
            top += ROW * 0.6 * (1 if column % 2 else -1)
        for row, node in enumerate(nodes):
            placed[node] = (column * COLUMN, round(top + row * ROW))
    return placed


def _pack(wanted: list[tuple[float, str]]) -> list[tuple[int, str]]:
    """Nodes in a row at their wanted x, pushed apart to :data:`SPACING`, the row kept centred."""
    wanted = sorted(wanted)
    packed: list[float] = []
    for x, _ in wanted:
        packed.append(x if not packed else max(x, packed[-1] + SPACING))
    shift = (sum(x for x, _ in wanted) - sum(packed)) / len(packed) if packed else 0.0
    return [(round(x + shift), node) for x, (_, node) in zip(packed, wanted, strict=True)]


def timeline_positions(graph: nx.MultiDiGraph) -> dict[str, Position]:
    """Positions for the timeline layout: chain nodes in date-ordered columns, every other node
    in rows above (people, organisations, posts) or below (the rest), as near as it can be to the
    nodes it is linked to; nodes linked to nothing placed end the lowest row."""
    part = roles(graph)
    placed = _chain_positions(graph, part)
    undirected = graph.to_undirected(as_view=True)
    ring: dict[str, int] = dict.fromkeys(placed, 0)
    queue = deque(placed)
    while queue:
        node = queue.popleft()
        for other in sorted(undirected.neighbors(node)):
            if other not in ring:
                ring[other] = ring[node] + 1
                queue.append(other)
    last = max(ring.values(), default=0) + 1
    ys = [y for _, y in placed.values()] or [0]
    edges = {"above": min(ys), "below": max(ys)}
    for side, sign in (("above", -1), ("below", 1)):
        rest = [
            n
            for n in graph.nodes
            if n not in placed and (graph.nodes[n].get("group") in _ABOVE) == (side == "above")
        ]
        level = 0
        for distance in sorted({ring.get(n, last) for n in rest}):
            members = sorted(
                (n for n in rest if ring.get(n, last) == distance), key=lambda n: _order_key(graph, n)
            )
            wanted: list[tuple[float, str]] = []
            for node in members:
                xs = [placed[m][0] for m in undirected.neighbors(node) if m in placed]
                wanted.append((sum(xs) / len(xs) if xs else float(len(wanted) * SPACING), node))
            wanted.sort()
            for start in range(0, len(wanted), ROW_LENGTH):
                level += 1
                y = edges[side] + sign * level * BAND
                for x, node in _pack(wanted[start : start + ROW_LENGTH]):
                    placed[node] = (x, round(y))
    return untie(graph, placed)
