"""The static site in a real browser: Debian's Chromium, driven by Playwright, opening pages from
file URLs with every other request blocked and counted.

Opens a profile and checks its network, searches in Chinese and in pinyin from a profile's search
box, follows a fact to its row on the source's page, reads a page with JavaScript off, and checks
that hostile labels stay text. Skipped with a reason when Chromium is missing, except under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import alignkg
from sitekit import PAYLOADS, hostile_dataset

pytestmark = pytest.mark.browser

READY = "() => window.alignkg && window.alignkg.ready"
WAIT_MS = 60_000  # an upper bound only, so a busy machine never fails a test; speed is in bench/


@dataclass
class Opened:
    """A page opened from a file, with what it logged, requested and tried to pop up."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def clean(self) -> bool:
        return self.errors == [] and self.requests == [] and self.dialogs == []


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open a site's file in a fresh context with the network blocked; wait until its script is ready."""
    contexts: list[Any] = []

    def opener(path: Path, *, script: bool = True) -> Opened:
        context = browser.new_context(viewport={"width": 1300, "height": 900}, java_script_enabled=script)
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
        if script:
            page.wait_for_function(READY, timeout=WAIT_MS)
        return opened

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def site(built: alignkg.BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-browser") / "site"
    alignkg.write_site(built.dataset, out)
    return out


def test_a_profile_draws_its_neighbourhood(site: Path, open_page: Any) -> None:
    opened = open_page(site / "entity/meng-fanying.html")
    assert opened.js("window.alignkg.nodes") == 16  # herself, two posts, 8 meetings chaired, 5 attended
    assert opened.js("window.alignkg.network.body.data.nodes.length") == 16
    assert opened.js("window.alignkg.network.getSelectedNodes()") == ["akid:meng-fanying"]
    assert opened.page.locator("#network canvas").count() == 1
    assert opened.page.locator("#network-legend li").count() == 4
    assert opened.page.locator("h1").inner_text() == "Meng Fanying 孟繁英"
    assert opened.clean()


def search_from(opened: Opened, query: str) -> list[str]:
    """Type into the page's header search box, submit, and return the ids found."""
    opened.page.fill("header input[name=q]", query)
    opened.page.press("header input[name=q]", "Enter")
    opened.page.wait_for_url("**/search.html?q=*", timeout=WAIT_MS)
    opened.page.wait_for_function(READY, timeout=WAIT_MS)
    return opened.js("window.alignkg.results")  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("孟繁英", "akid:meng-fanying"),  # her Chinese name, given as an alias
        ("meng fanying", "akid:meng-fanying"),
        ("Mèng Fányīng", "akid:meng-fanying"),
        ("baogang jituan", "akid:baogang-group"),  # only the pinyin of 包钢集团 says this
        ("包钢", "akid:baogang-group"),
    ],
)
def test_search_in_chinese_and_pinyin(site: Path, open_page: Any, query: str, found: str) -> None:
    opened = open_page(site / "entity/li-xiao.html")
    results = search_from(opened, query)
    assert results[0] == found
    first = opened.page.locator("#results li a").first
    first.click()
    opened.page.wait_for_url(f"**/entity/{found.removeprefix('akid:')}.html", timeout=WAIT_MS)
    assert opened.clean()


def test_search_reports_no_match(site: Path, open_page: Any) -> None:
    opened = open_page(site / "index.html", script=False)
    opened.page.goto((site / "search.html").resolve().as_uri() + "?q=nothing%20like%20this")
    opened.page.wait_for_load_state()
    assert opened.page.locator("#results li").count() == 0


def test_live_search_narrows_as_one_types(site: Path, open_page: Any) -> None:
    opened = open_page(site / "search.html")
    opened.page.fill("#q", "xi")
    many = opened.js("window.alignkg.results.length")
    opened.page.fill("#q", "xi jinping")
    assert opened.js("window.alignkg.results")[0] == "akid:xi-jinping"
    assert opened.js("window.alignkg.results.length") < many
    assert opened.clean()


def test_a_fact_leads_to_its_row_on_the_source_page(site: Path, open_page: Any) -> None:
    opened = open_page(site / "entity/meng-fanying.html")
    row = opened.page.locator("#facts tr", has_text="holds").first
    anchor = row.get_attribute("id")
    row.locator("a.source").click()
    opened.page.wait_for_url(f"**/source/baogang-directives-article.html#{anchor}", timeout=WAIT_MS)
    target = opened.page.locator(":target")
    assert target.get_attribute("id") == anchor
    assert "Meng Fanying" in target.inner_text() and "Opening paragraph" in target.inner_text()
    assert opened.page.locator("h1").inner_text().startswith("Baogang Group Aligns Operations")
    assert opened.clean()


def test_pages_read_without_javascript(site: Path, open_page: Any) -> None:
    opened = open_page(site / "entity/directive-xi-ccdi-address.html", script=False)
    body = opened.page.locator("main").inner_text()
    assert "Cascade" in body and "Studied at 1 meeting of 1 enterprise" in body
    assert "The network needs JavaScript" in body
    assert opened.page.locator("#facts tr").count() > 3
    assert opened.clean()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_labels_stay_text(tmp_path: Path, open_page: Any, payload: str) -> None:
    out = tmp_path / "site"
    alignkg.write_site(hostile_dataset(payload), out, title=payload)
    opened = open_page(out / "entity/hostile.html")
    assert opened.page.locator("h1").inner_text() == f"{payload} {payload}"
    assert opened.page.title() == f"{payload} {payload} · {payload}"
    assert payload in opened.page.locator("#named-in").inner_text()  # evidence, locator and quote
    assert opened.js("document.querySelectorAll('img, iframe, object, embed, svg').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 3
    assert opened.js("window.alignkg.nodes") == 2  # itself and the meeting; the odd IRI is no node
    meeting = open_page(out / "entity/meeting-baogang-2025-01-09.html")  # links to it by its label
    assert payload in meeting.page.locator("dl.summary").inner_text()
    assert (
        meeting.page.locator("dl.summary a", has_text=payload).get_attribute("href")
        == "../entity/hostile.html"
    )
    assert meeting.js("document.querySelectorAll('img, iframe, object, embed, svg').length") == 0
    assert meeting.clean(), (meeting.errors, meeting.requests, meeting.dialogs)
    results = search_from(opened, payload)
    assert "akid:hostile" in results
    assert payload in opened.page.locator("#results").inner_text()
    assert opened.js("document.querySelectorAll('img, iframe, object, embed, svg').length") == 0
    assert opened.clean(), (opened.errors, opened.requests, opened.dialogs)


def test_clicking_a_neighbour_opens_its_page(site: Path, open_page: Any) -> None:
    opened = open_page(site / "entity/meng-fanying.html")
    point = opened.js(  # her page's tables put the network below the first screen: scroll to it
        """(() => {
        document.getElementById("network").scrollIntoView();
        const n = window.alignkg.network, box = document.getElementById("network").getBoundingClientRect();
        const dom = n.canvasToDOM(n.getPosition("akid:post-baogang-chairman"));
        return [box.left + dom.x, box.top + dom.y];
        })()"""
    )
    opened.page.mouse.click(point[0], point[1])
    opened.page.wait_for_url("**/entity/post-baogang-chairman.html", timeout=WAIT_MS)
    assert opened.page.locator("h1").inner_text() == "Chairman of Baogang Group 包钢集团董事长"
    assert opened.clean()
