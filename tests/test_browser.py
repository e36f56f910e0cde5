"""The HTML view in a real browser: Debian's Chromium, driven by Playwright, opening the page from a
file URL with every other request blocked and counted.

Checks what vis-network itself reports (node and edge counts), that the console stays clean and no
request leaves the page, that hovering shows a plain-text tooltip, that search centres a node, that
filters hide what they should, that a screenshot is not blank, and that script payloads in the
data never run. Skipped with a reason when Chromium is missing, except under CI=true.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import alignkg
from alignkg.views.layout import Layout

pytestmark = pytest.mark.browser

READY = "() => window.alignkg && window.alignkg.ready"
# Upper bounds on waits, generous so a busy machine never fails a test; speed is measured in bench/.
WAIT_MS = 60_000
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]


@dataclass
class Opened:
    """A page opened from a file, with what it logged, requested and tried to pop up."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open an HTML file in a fresh context with the network blocked; wait until it is laid out."""
    contexts: list[Any] = []

    def opener(path: Path, *, timeout_ms: int = 60_000) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)
        page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))

        def on_dialog(dialog: Any) -> None:
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def route(r: Any) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                opened.requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on(
            "request",
            lambda req: None if req.url.startswith(("file:", "data:")) else opened.requests.append(req.url),
        )
        page.goto(path.resolve().as_uri())
        page.wait_for_function(READY, timeout=timeout_ms)
        return opened

    yield opener
    for context in contexts:
        context.close()


def counts(opened: Opened) -> tuple[int, int, int, int]:
    """Nodes and edges in vis-network's data sets and in its drawn body."""
    return tuple(  # type: ignore[return-value]
        opened.js(
            "(() => { const n = window.alignkg.network; return [n.body.data.nodes.length, "
            "n.body.data.edges.length, n.body.nodeIndices.length, n.body.edgeIndices.length]; })()"
        )
    )


def hover(opened: Opened, node_id: str) -> str:
    """Move the view onto a node, move the mouse over it and return the tooltip's text.

    Checks that the node drawn on top at that point is the one asked for (large layouts can
    overlap nodes; hover those with :func:`hover_any`).
    """
    text, on_top = hover_any(opened, node_id)
    assert on_top == node_id
    return text


def hover_any(opened: Opened, node_id: str) -> tuple[str, str]:
    """Hover where ``node_id`` is drawn; the tooltip's text and the node vis-network finds there."""
    point = opened.js(
        f"""(() => {{
        const n = window.alignkg.network, id = {node_id!r};
        n.moveTo({{position: n.getPosition(id), scale: 1.5, animation: false}});
        const dom = n.canvasToDOM(n.getPosition(id));
        const box = document.getElementById("network").getBoundingClientRect();
        return [box.left + dom.x, box.top + dom.y, n.getNodeAt(dom)];
        }})()"""
    )
    opened.page.mouse.move(point[0] - 30, point[1] - 30)
    opened.page.mouse.move(point[0], point[1], steps=3)
    tooltip = opened.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=WAIT_MS)
    return str(tooltip.inner_text()), str(point[2])


def search(opened: Opened, text: str) -> str | None:
    opened.page.fill("#search", text)
    opened.page.press("#search", "Enter")
    return opened.js("window.alignkg.found")  # type: ignore[no-any-return]


def centred_on(opened: Opened, node_id: str) -> None:
    """Wait until the view's centre is on the node (search animates the move)."""
    opened.page.wait_for_function(
        f"""() => {{
        const n = window.alignkg.network, p = n.getPosition({node_id!r}), v = n.getViewPosition();
        return Math.hypot(p.x - v.x, p.y - v.y) < 1;
        }}""",
        timeout=WAIT_MS,
    )


def pixel_spread(png: bytes) -> float:
    """Standard deviation of the screenshot's grey levels: near 0 for a blank page."""
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("L")
    return float(ImageStat.Stat(image).stddev[0])


def network_area(opened: Opened) -> bytes:
    return opened.page.locator("#network").screenshot()  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- the Baogang view


@pytest.fixture(scope="module")
def baogang_page(built: alignkg.BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return alignkg.write_view(built.dataset, tmp_path_factory.mktemp("browser") / "baogang.html")


def test_vis_network_draws_every_node_and_edge(
    built: alignkg.BuildReport, baogang_page: Path, open_page: Any
) -> None:
    graph = alignkg.to_networkx(built.dataset)
    opened = open_page(baogang_page)
    n, e = graph.number_of_nodes(), graph.number_of_edges()
    assert counts(opened) == (n, e, n, e)
    assert opened.errors == []
    assert opened.requests == []
    legend = opened.page.locator("#legend li.class")
    assert legend.count() == len({d.get("class_label") for _, d in graph.nodes(data=True)})
    groups = opened.page.locator("#legend li.group")
    assert groups.count() == len({d["group"] for _, d in graph.nodes(data=True)})
    assert opened.page.locator("#legend svg").count() == legend.count() + groups.count()


def test_hover_shows_a_plain_text_tooltip(baogang_page: Path, open_page: Any) -> None:
    opened = open_page(baogang_page)
    text = hover(opened, "akid:meng-fanying")
    assert text.startswith("Meng Fanying (孟繁英)")
    assert "Class: Person" in text
    assert "Sources: aksrc:baogang-directives-article, aksrc:icxsoft-731801845701298176" in text
    assert opened.errors == []


@pytest.mark.parametrize("text", ["Meng Fanying", "孟繁英", "meng-fanying"])
def test_search_centres_the_node_and_shows_its_statements(
    baogang_page: Path, open_page: Any, text: str
) -> None:
    opened = open_page(baogang_page)
    assert search(opened, text) == "akid:meng-fanying"
    centred_on(opened, "akid:meng-fanying")
    assert opened.js("window.alignkg.network.getSelectedNodes()") == ["akid:meng-fanying"]
    details = opened.page.locator("#details").inner_text()
    assert "statements" in details
    assert "Meng Fanying (孟繁英) — holds — " in details
    assert "Baogang Group Aligns Operations with National Directives" in details  # the source's title
    assert opened.page.locator("#details .evidence").count() > 0
    assert opened.errors == [] and opened.requests == []


def test_search_reports_no_match(baogang_page: Path, open_page: Any) -> None:
    opened = open_page(baogang_page)
    assert search(opened, "no such entity anywhere") is None
    assert "No visible entity matches" in opened.page.locator("#search-status").inner_text()


def test_clicking_a_node_shows_its_statements(baogang_page: Path, open_page: Any) -> None:
    opened = open_page(baogang_page)
    hover(opened, "akid:baogang-group")
    box = opened.page.locator("#network").bounding_box()
    point = opened.js(
        "(() => { const n = window.alignkg.network; "
        "return n.canvasToDOM(n.getPosition('akid:baogang-group')); })()"
    )
    opened.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    opened.page.locator("#details li").first.wait_for(timeout=WAIT_MS)
    assert opened.page.locator("#details pre").inner_text().startswith("Baogang Group (包钢集团)")


def test_filters_hide_a_class_and_a_source(
    built: alignkg.BuildReport, baogang_page: Path, open_page: Any
) -> None:
    graph = alignkg.to_networkx(built.dataset)
    people = sum(1 for _, d in graph.nodes(data=True) if d.get("class_label") == "Person")
    opened = open_page(baogang_page)
    hidden = "window.alignkg.network.body.data.nodes.get({filter: (n) => n.hidden === true}).length"
    opened.page.get_by_label(re.compile(r"^Person \(")).uncheck()
    assert opened.js(hidden) == people
    opened.page.get_by_label(re.compile(r"^Person \(")).check()
    assert opened.js(hidden) == 0
    opened.page.click("#sources-none")
    with_sources = sum(1 for _, d in graph.nodes(data=True) if d.get("sources"))
    assert opened.js(hidden) == with_sources
    assert opened.js("window.alignkg.network.body.data.edges.get({filter: (e) => !e.hidden}).length") == 0
    assert opened.errors == []


DRAWN_COLOURS = """(() => {
  const n = window.alignkg.network, drawn = {};
  for (const id of n.body.nodeIndices) {
    const node = n.body.nodes[id];
    if (node.options.hidden) { continue; }
    drawn[id] = [node.options.color.background, node.options.shape];
  }
  return drawn;
})()"""
LEGEND_COLOURS = """(() => {
  const found = {};
  for (const li of document.querySelectorAll("#legend li.class")) {
    const box = li.querySelector("input");
    found[box.dataset.cls] = li.querySelector("svg > *").getAttribute("fill");
  }
  return found;
})()"""


def colours_agree(opened: Opened, data: dict[str, Any]) -> dict[str, list[str]]:
    """Every node drawn has the colour and shape of its class in the legend; returns the drawn ones."""
    legend = opened.js(LEGEND_COLOURS)
    drawn = opened.js(DRAWN_COLOURS)
    classes = {c["id"]: c for c in data["classes"]}
    for node in data["nodes"]:
        if node["id"] in drawn:
            assert drawn[node["id"]] == [legend[node["cls"]], classes[node["cls"]]["shape"]], node["id"]
    return drawn  # type: ignore[no-any-return]


def test_colours_stay_with_the_legend_through_every_filter(baogang_page: Path, open_page: Any) -> None:
    data = json.loads(
        re.findall(
            r'<script id="graph-data" type="application/json">(.*?)</script>', baogang_page.read_text()
        )[0]
    )
    opened = open_page(baogang_page)
    before = colours_agree(opened, data)
    assert len(before) == len(data["nodes"])
    assert before["akid:meng-fanying"][0] == "#4e79a7"  # the people's blue, whatever the page shows
    person = opened.page.get_by_label(re.compile(r"^Person \("))
    person.uncheck()
    assert "akid:meng-fanying" not in colours_agree(opened, data)
    person.check()
    assert colours_agree(opened, data) == before
    opened.page.click("#sources-none")
    opened.page.click("#sources-all")
    assert colours_agree(opened, data) == before
    people = opened.page.locator('#legend input[data-group="people"]')
    people.uncheck()
    assert not any(n in colours_agree(opened, data) for n in ("akid:li-xiao", "akid:xi-jinping"))
    assert opened.page.get_by_label(re.compile(r"^Person \(")).is_checked() is False
    people.check()
    opened.page.click("#classes-none")
    assert colours_agree(opened, data) == {}
    opened.page.click("#classes-all")
    assert colours_agree(opened, data) == before
    assert opened.errors == []


def test_labels_are_readable_when_the_page_opens(baogang_page: Path, open_page: Any) -> None:
    opened = open_page(baogang_page)
    scale = opened.js("window.alignkg.network.getScale()")
    font = opened.js("window.alignkg.network.body.nodes['akid:baogang-group'].options.font.size")
    assert scale * font >= 12
    details = opened.page.locator("#details").bounding_box()
    assert details["y"] + 40 < 900  # the details panel is in view, not below the fold
    opened.page.click("#fit")
    assert opened.js("window.alignkg.network.getScale()") < scale


def test_focused_view_selects_its_centre(built: alignkg.BuildReport, tmp_path: Path, open_page: Any) -> None:
    path = alignkg.write_view(built.dataset, tmp_path / "focus.html", focus="Meng Fanying", depth=2)
    opened = open_page(path)
    expected = alignkg.to_networkx(built.dataset, focus="Meng Fanying", depth=2)
    assert counts(opened)[:2] == (expected.number_of_nodes(), expected.number_of_edges())
    assert opened.js("window.alignkg.network.getSelectedNodes()") == ["akid:meng-fanying"]
    assert "neighbourhood of Meng Fanying" in opened.page.locator("#subtitle").inner_text()


def test_a_query_with_no_answer_opens_empty(
    built: alignkg.BuildReport, tmp_path: Path, open_page: Any
) -> None:
    query = "CONSTRUCT { ?a org:holds ?b } WHERE { ?a org:holds ?b FILTER(?a = akid:nobody) }"
    opened = open_page(alignkg.write_view(built.dataset, tmp_path / "empty.html", query=query))
    assert counts(opened) == (0, 0, 0, 0)
    assert "0 entities, 0 relations" in opened.page.locator("#subtitle").inner_text()
    assert opened.errors == [] and opened.requests == []


def test_screenshot_is_not_blank(baogang_page: Path, open_page: Any) -> None:
    opened = open_page(baogang_page)
    assert pixel_spread(network_area(opened)) > 5
    assert opened.errors == []


# --------------------------------------------------------------------------- a reference image

FICTIONAL = Path(__file__).parent / "fixtures" / "fictional"
REFERENCE = Path(__file__).parent / "fixtures" / "reference" / "fictional-timeline.png"
"""The fictional data's timeline as the page first shows it. After an intended change to how
views look, write it again with ALIGNKG_UPDATE_REFERENCE=1 and look at it before committing."""


def image_difference(png: bytes, reference: Path) -> float:
    """The share of pixels that differ clearly (by more than 48 of 255 in some channel)."""
    from PIL import Image, ImageChops

    shot = Image.open(io.BytesIO(png)).convert("RGB")
    expected = Image.open(reference).convert("RGB")
    if shot.size != expected.size:
        return 1.0
    diff = ImageChops.difference(shot, expected).convert("L").point(lambda v: 255 if v > 48 else 0)
    pixels = shot.size[0] * shot.size[1]
    return (pixels - diff.histogram()[0]) / pixels


def test_timeline_matches_the_reference_image(
    tmp_path: Path, open_page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1736380800")
    dataset = alignkg.build_graph(
        FICTIONAL, Path(__file__).parent.parent / "ontology" / "alignkg.ttl"
    ).dataset
    path = alignkg.write_view(dataset, tmp_path / "fictional.html", layout=Layout.timeline)
    opened = open_page(path)
    shot = network_area(opened)
    if os.environ.get("ALIGNKG_UPDATE_REFERENCE") == "1":
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_bytes(shot)
    assert REFERENCE.is_file(), f"no reference image at {REFERENCE}; write it with ALIGNKG_UPDATE_REFERENCE=1"
    # The same page renders the same pixels; the tolerance (0.02%, some 120 pixels) absorbs
    # anti-aliasing, while one node recoloured changes about 0.05% (see the control case).
    assert image_difference(shot, REFERENCE) < 0.0002
    assert opened.errors == []


def test_the_reference_comparison_notices_a_change(tmp_path: Path, open_page: Any) -> None:
    """Control case: the same page with one group recoloured is told apart from the reference."""
    dataset = alignkg.build_graph(
        FICTIONAL, Path(__file__).parent.parent / "ontology" / "alignkg.ttl"
    ).dataset
    path = alignkg.write_view(dataset, tmp_path / "fictional.html", layout=Layout.timeline)
    page = path.read_text(encoding="utf-8").replace("#e15759", "#000000")  # directives drawn black
    path.write_text(page, encoding="utf-8")
    shot = network_area(open_page(path))
    assert image_difference(shot, REFERENCE) > 0.0002


# --------------------------------------------------------------------------- hostile data


def hostile_graph(payload: str) -> nx.MultiDiGraph:
    """A small graph with ``payload`` in ids, labels, descriptions, attributes, sources and evidence."""
    graph = nx.MultiDiGraph(
        shown=payload,
        sources={"aksrc:a": payload, payload: payload},
        statements=[
            {
                "subject": payload,
                "predicate_label": payload,
                "object": "akid:b",
                "source": payload,
                "locator": payload,
                "evidence": payload,
            }
        ],
    )
    common = {"class": "ak:X", "attributes": {payload: payload}, "sources": [payload, "aksrc:a"]}
    graph.add_node(
        payload, label=payload, label_zh=payload, class_label=payload, description=payload, **common
    )
    graph.add_node(
        "akid:b", label="Plain node", label_zh=None, class_label="Plain", description=None, **common
    )
    graph.add_edge(
        payload, "akid:b", key="p", label=payload, predicate="p", source=payload, sources=[payload]
    )
    return graph


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_never_run(tmp_path: Path, open_page: Any, payload: str) -> None:
    path = alignkg.write_view(hostile_graph(payload), tmp_path / "hostile.html", title=payload)
    text = path.read_text(encoding="utf-8")
    if payload.startswith("javascript:"):
        assert re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", text, re.IGNORECASE) is None
    else:
        assert payload not in text
    opened = open_page(path)
    assert counts(opened)[:2] == (2, 1)
    tooltip = hover(opened, payload)
    assert payload in tooltip
    assert search(opened, payload) == payload
    details = opened.page.locator("#details").inner_text()
    assert payload in details
    assert opened.page.title() == payload
    assert opened.page.locator("#heading").inner_text() == payload
    assert opened.js("document.querySelectorAll('img, iframe, object, embed, a[href]').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 3
    assert opened.js("document.querySelectorAll('svg').length") == opened.page.locator("#legend li").count()
    assert opened.dialogs == []
    assert opened.requests == []
    assert opened.errors == []


# --------------------------------------------------------------------------- a large graph


def large_graph(nodes: int, edges: int, seed: int = 5) -> nx.MultiDiGraph:
    """A graph of ``nodes`` entities in 12 classes with ``edges`` relations, some of them clustered."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph(sources={"aksrc:s0": "Source 0", "aksrc:s1": "Source 1"})
    for i in range(nodes):
        graph.add_node(
            f"akid:n{i}",
            label=f"Entity {i}",
            class_label=f"Class {i % 12}",
            sources=[f"aksrc:s{i % 2}"],
            attributes={"rank": str(i)},
        )
    for k in range(edges):
        a = rng.randrange(nodes)
        b = (a + rng.randrange(1, 40)) % nodes if k % 3 else rng.randrange(nodes)
        graph.add_edge(f"akid:n{a}", f"akid:n{b}", key=f"p{k}", label="relates to", sources=["aksrc:s0"])
    return graph


def test_ten_thousand_nodes_open_still_and_respond(tmp_path: Path, open_page: Any) -> None:
    graph = large_graph(10_000, 30_000)
    path = alignkg.write_view(graph, tmp_path / "large.html")
    opened = open_page(path, timeout_ms=120_000)
    assert counts(opened) == (10_000, 30_000, 10_000, 30_000)
    assert opened.js("window.alignkg.network.physics.physicsEnabled") is False
    assert search(opened, "Entity 4321") == "akid:n4321"
    centred_on(opened, "akid:n4321")
    text, on_top = hover_any(opened, "akid:n77")
    assert text.startswith(f"Entity {on_top.removeprefix('akid:n')}\nId: {on_top}\n")
    assert pixel_spread(network_area(opened)) > 5
    assert opened.errors == [] and opened.requests == []
