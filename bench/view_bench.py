"""How fast HTML views are written and laid out, by graph size.

For 1k, 5k, 10k and 20k nodes, two kinds of graph:

- ``synthetic``: ``alignkg.synth`` data (shaped like the Baogang build) loaded into an Oxigraph
  store and projected through SPARQL, as ``alignkg view`` does (about 1.6 edges per node);
- ``dense``: a networkx graph with three edges per node (10,000 nodes give 30,000 edges).

Measures the projection, writing the HTML (layout, JSON, file), the file size, then in headless
Debian Chromium (network blocked) the time from opening the file until the layout is still, how
long a search takes to centre a node and a hover to show its tooltip. Also saves a screenshot of
the Baogang view. Writes bench/results/view.md and view.json.

Run with ``make bench-view`` (needs /usr/bin/chromium and the dev extra); node counts given as
arguments replace the default sizes.
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx
from playwright.sync_api import Page, sync_playwright

import alignkg
from alignkg.builder.synth import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = [1_000, 5_000, 10_000, 20_000]
NODES_PER_ENTERPRISE = 34  # what one synthetic enterprise projects to (10,038 nodes from 295)
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def dense_graph(nodes: int, seed: int = 5) -> nx.MultiDiGraph:
    """``nodes`` entities in 12 classes from 4 sources, three edges each, two in three of them local."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph(sources={f"aksrc:s{i}": f"Source {i}" for i in range(4)})
    for i in range(nodes):
        graph.add_node(
            f"akid:n{i}", label=f"Entity {i}", class_label=f"Class {i % 12}", sources=[f"aksrc:s{i % 4}"]
        )
    for k in range(3 * nodes):
        a = rng.randrange(nodes)
        b = (a + rng.randrange(1, 40)) % nodes if k % 3 else rng.randrange(nodes)
        graph.add_edge(f"akid:n{a}", f"akid:n{b}", key=f"p{k}", label="relates to", sources=["aksrc:s0"])
    return graph


def synthetic_graph(nodes: int, folder: Path) -> tuple[nx.MultiDiGraph, float]:
    """The projection of a synthetic build of about ``nodes`` entities, and how long it took."""
    file = folder / "synth.nq"
    write_synthetic(file, enterprises=max(1, round(nodes / NODES_PER_ENTERPRISE)))
    with alignkg.open_store("oxigraph") as store:
        store.load(file)
        start = time.perf_counter()
        graph = alignkg.to_networkx(store)
        return graph, time.perf_counter() - start


def open_until_still(page: Page, path: Path) -> float:
    start = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("() => window.alignkg && window.alignkg.ready", timeout=300_000)
    return time.perf_counter() - start


def search_seconds(page: Page, text: str, node: str) -> float:
    page.fill("#search", text)
    start = time.perf_counter()
    page.press("#search", "Enter")
    page.wait_for_function(
        f"""() => {{ const n = window.alignkg.network, p = n.getPosition({node!r}), v = n.getViewPosition();
        return Math.hypot(p.x - v.x, p.y - v.y) < 1; }}""",
        timeout=60_000,
    )
    return time.perf_counter() - start


def hover_seconds(page: Page, node: str) -> float:
    point = page.evaluate(
        f"""(() => {{ const n = window.alignkg.network, d = n.canvasToDOM(n.getPosition({node!r}));
        const b = document.getElementById("network").getBoundingClientRect();
        return [b.left + d.x, b.top + d.y]; }})()"""
    )
    page.mouse.move(point[0] - 40, point[1] - 40)
    start = time.perf_counter()
    page.mouse.move(point[0], point[1], steps=2)
    page.locator("div.vis-tooltip").wait_for(state="visible", timeout=60_000)
    return time.perf_counter() - start


def measure(browser: Any, kind: str, size: int, folder: Path) -> dict[str, Any]:
    if kind == "synthetic":
        graph, projection = synthetic_graph(size, folder)
    else:
        graph, projection = dense_graph(size), None
    out = folder / f"{kind}-{size}.html"
    start = time.perf_counter()
    alignkg.write_view(graph, out)
    written = time.perf_counter() - start
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith("file:")
            else (requests.append(r.request.url), r.abort())
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    still = open_until_still(page, out)
    stable_ms = page.evaluate("window.alignkg.stableMs")
    drawn = page.evaluate(
        "[window.alignkg.network.body.nodeIndices.length, window.alignkg.network.body.edgeIndices.length]"
    )
    target = sorted(graph.nodes)[len(graph) // 2]
    label = str(graph.nodes[target].get("label") or target)
    searched = search_seconds(page, label, target)
    hovered = hover_seconds(page, target)
    context.close()
    row = {
        "kind": kind,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "drawn": drawn,
        "projection_s": None if projection is None else round(projection, 2),
        "write_s": round(written, 2),
        "file_mb": round(out.stat().st_size / 1e6, 1),
        "open_to_still_s": round(still, 2),
        "page_stable_s": round(stable_ms / 1000, 2),
        "search_s": round(searched, 2),
        "hover_s": round(hovered, 2),
        "errors": errors,
        "requests": requests,
    }
    print(json.dumps(row), flush=True)
    out.unlink()
    return row


def baogang_screenshot(browser: Any, folder: Path) -> Path:
    built = alignkg.build_graph(ROOT / "data", ROOT / "ontology" / "alignkg.ttl")
    page_file = alignkg.write_view(
        built.dataset, folder / "baogang.html", title="Baogang Group and the national directives it follows"
    )
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    open_until_still(page, page_file)
    target = RESULTS / "baogang-view.png"
    page.screenshot(path=str(target))
    context.close()
    return target


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        "| graph | nodes | edges | projection (s) | write HTML (s) | file (MB) | open to still (s) "
        "| search centres (s) | hover tooltip (s) |"
    )
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        projection = "-" if r["projection_s"] is None else f"{r['projection_s']:.2f}"
        lines.append(
            f"| {r['kind']} | {r['nodes']:,} | {r['edges']:,} | {projection} | {r['write_s']:.2f} | "
            f"{r['file_mb']:.1f} | {r['open_to_still_s']:.2f} | {r['search_s']:.2f} | {r['hover_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    if not Path(CHROMIUM).is_file():
        print(f"error: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 1
    RESULTS.mkdir(parents=True, exist_ok=True)
    sizes = [int(arg) for arg in sys.argv[1:]] or SIZES
    rows = []
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        folder = Path(scratch)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        screenshot = baogang_screenshot(browser, folder)
        for kind in ("synthetic", "dense"):
            for size in sizes:
                rows.append(measure(browser, kind, size, folder))
        browser.close()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    (RESULTS / "view.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2) + "\n")
    text = (
        "# HTML view benchmark\n\n"
        f"`make bench-view` on {machine}, headless Debian Chromium, network blocked. "
        "Projection is through SPARQL on an in-memory Oxigraph store; writing includes the layout "
        "(browser physics up to 300 nodes, igraph positions above), the JSON and the file; "
        "'open to still' runs from opening the file until vis-network has drawn a still layout.\n\n"
        + table(rows)
        + f"\nScreenshot of the Baogang view: `{screenshot.relative_to(ROOT)}`.\n"
    )
    (RESULTS / "view.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
