"""The endpoint's query page: its examples rely on the endpoint's own prefixes and give the golden
answers through it; in Chromium, answers show a language tag only in columns that mix languages,
stay text, and the page asks nothing of any other origin."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import alignkg
from alignkg.model.terms import PREFIXES
from test_browser import WAIT_MS
from test_server import GOLDEN, Live, crlf, live, trig

__all__ = ["live", "trig"]  # fixtures these tests share with the server tests

MIXED = """SELECT ?label ?english ?plain WHERE {
  VALUES (?label ?english ?plain) {
    ("<img src=x onerror=alert(1)>"@en "Meng Fanying"@en "</script><script>alert(2)</script>")
    ("孟凡英"@zh "Li Xiao"@EN "Li Xiao")
  }
}"""


def page_examples(live: Live) -> list[dict[str, str]]:
    """The examples as the page carries them, in its JSON script block."""
    page = httpx.get(live.url + "/").text
    found = re.search(r'<script type="application/json" id="example-data">(.*?)</script>', page, re.S)
    assert found is not None
    examples: list[dict[str, str]] = json.loads(found.group(1))
    return examples


def test_the_page_lists_the_prefixes_the_endpoint_declares(live: Live) -> None:
    page = httpx.get(live.url + "/").text
    for prefix, namespace in PREFIXES.items():
        assert f"<tr><td><code>{prefix}:</code></td><td><code>{namespace}</code></td></tr>" in page


def test_every_example_runs_without_prefix_lines_and_gives_the_golden_answer(live: Live) -> None:
    examples = page_examples(live)
    assert [e["name"] for e in examples] == [q.name for q in alignkg.shipped_queries()]
    empty: list[str] = []
    for example in examples:
        assert "PREFIX" not in example["text"].upper(), f"{example['name']} still writes out PREFIX lines"
        response = httpx.post(
            live.sparql,
            content=example["text"].encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
            timeout=120,
        )
        assert response.status_code == 200, (example["name"], response.text)
        rows = list(csv.reader(io.StringIO(response.text)))
        if len(rows) <= 1:
            empty.append(example["name"])
        golden = (GOLDEN / f"{example['name']}.csv").read_text(encoding="utf-8")
        assert crlf(response.text) == crlf(golden), example["name"]
    assert empty == ["background-statements"]  # the shipped data rests on no background knowledge


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture
def query_page(browser: Any, live: Live) -> Iterator[tuple[Any, list[str], list[str]]]:
    """The query page in a fresh context: requests to any other origin are blocked and counted,
    console errors and dialogs recorded."""
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    problems: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(live.url + "/"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.goto(live.url + "/")
    yield page, outside, problems
    context.close()


def run(page: Any, query: str) -> list[list[str]]:
    """Type a query, run it, and read the answer table's cells as the reader sees them."""
    page.fill("#query", query)
    page.click("button[type=submit]")
    page.wait_for_selector("#output table", timeout=WAIT_MS)
    cells: list[list[str]] = page.eval_on_selector_all(
        "#output table tr", "rows => rows.map(r => Array.from(r.cells, c => c.textContent))"
    )
    return cells


@pytest.mark.browser
def test_language_tags_only_where_a_column_mixes_languages(
    query_page: tuple[Any, list[str], list[str]],
) -> None:
    page, outside, problems = query_page
    assert run(page, MIXED) == [
        ["label", "english", "plain"],
        ["<img src=x onerror=alert(1)> @en", "Meng Fanying", "</script><script>alert(2)</script>"],
        ["孟凡英 @zh", "Li Xiao", "Li Xiao"],
    ]
    assert page.eval_on_selector_all("#output img, #output script", "found => found.length") == 0
    assert outside == [] and problems == []


@pytest.mark.browser
def test_a_shipped_example_shows_its_english_labels_without_tags(
    query_page: tuple[Any, list[str], list[str]],
) -> None:
    page, outside, problems = query_page
    page.select_option("#examples", "meeting-participants")
    assert "PREFIX" not in page.input_value("#query")
    cells = run(page, page.input_value("#query"))
    assert cells[0] == ["role", "person", "post"]
    assert ["chair", "Meng Fanying", "Chairman of Baogang Group"] in cells
    assert not any("@" in cell for row in cells for cell in row)
    assert page.text_content("#status") == f"{len(cells) - 1} rows"
    assert outside == [] and problems == []
