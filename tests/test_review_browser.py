"""The review page in a real browser: Debian's Chromium, driven by Playwright, against the review
server on a free 127.0.0.1 port, with every request to anywhere else blocked and counted.

A whole review by keyboard (spans checked against the quotes, accept, edit a label, reject a row,
pick an entity-link choice, write an evidence paraphrase, save), then data/ checked and built; a
second review of the same source replaces its rows; a save that would not build shows the error
and writes nothing; payloads in the draft stay text. Skipped with a reason when Chromium is
missing, except under CI=true.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from alignkg.cli import app
from alignkg.endpoint.review import ReviewConfig, ReviewServer
from alignkg.ingest import ingest

pytestmark = pytest.mark.browser

WAIT_MS = 120_000  # an upper bound only, so a busy machine never fails a test
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "review" / "baogang_party_committee_analysis.html"
TABLES = ("sources.csv", "entities.csv", "statements.csv")
MEETING_LABEL = "Baogang Group Party Committee enlarged meeting, 12 March 2025"
PARAPHRASES = [
    "Steady concentrate output with less energy per tonne",
    "A fixed timetable for spring safety checks",
    "Low-emission sintering on two lines",
    "Stricter purchasing checks in subsidiaries",
]
EVIDENCE = "The article says the misspelt Party Secretary ran the meeting."
PAYLOADS = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", '"><svg onload=alert(3)>']

runner = CliRunner()


@dataclass
class Opened:
    """A review page, with what it logged, what it tried to fetch elsewhere and any dialogs."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def keys(self, *names: str) -> None:
        for name in names:
            self.page.keyboard.press(name)

    def save(self) -> dict[str, Any]:
        self.js("window.review.state.lastSave = null")
        self.keys("s")
        self.page.wait_for_function("() => window.review.state.lastSave !== null", timeout=WAIT_MS)
        return self.js("window.review.state.lastSave")  # type: ignore[no-any-return]


@pytest.fixture
def server(project: Path) -> Iterator[ReviewServer]:
    config = ReviewConfig(drafts_dir=project / "drafts", data_dir=project / "data")
    with ReviewServer(config) as running:
        yield running


@pytest.fixture
def open_page(browser: Any, server: ReviewServer) -> Iterator[Any]:
    contexts: list[Any] = []
    origin = server.url().rstrip("/")

    def opener(url: str) -> Opened:
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
            if r.request.url.startswith(origin + "/"):
                r.continue_()
            else:
                opened.outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda q: None if q.url.startswith(origin + "/") else opened.outside.append(q.url))
        page.goto(url)
        page.wait_for_function("() => window.review && window.review.ready", timeout=WAIT_MS)
        return opened

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def draft(project: Path) -> Path:
    (made,) = ingest([FIXTURE], data_dir=project / "data", out_dir=project / "drafts")
    return project / "drafts" / made.source_id


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def snapshot(folder: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names if (folder / name).exists()}


def check_spans(opened: Opened, folder: Path) -> int:
    """Every row's highlighted text is exactly its span of text.txt and starts with its quote."""
    text = (folder / "text.txt").read_bytes().decode("utf-8")
    checked = 0
    for table in ("entities", "statements"):
        for index, row in enumerate(rows(folder / f"{table}.csv")):
            if not row["start"]:
                continue
            shown = opened.js(
                f"""Array.from(document.querySelectorAll('#text [data-keys~="{table}:{index}"]'))
                .map((s) => s.textContent).join('')"""
            )
            assert shown == text[int(row["start"]) : int(row["end"])], (table, index)
            assert shown.startswith(row["quote"])
            checked += 1
    return checked


def current(opened: Opened) -> str:
    return opened.js("window.review.state.order[window.review.state.current]")  # type: ignore[no-any-return]


def entity_key(folder: Path, entity: str) -> str:
    ids = [r["id"] for r in rows(folder / "entities.csv")]
    return f"entities:{ids.index(entity)}"


def full_review(opened: Opened, folder: Path) -> None:
    """The whole review from the keyboard, in the page's own order."""
    entities = rows(folder / "entities.csv")
    statements = rows(folder / "statements.csv")
    chair = next(i for i, s in enumerate(statements) if s["predicate"] == "ak:chairedBy")
    assert current(opened) == "source:0"
    opened.keys("a")
    paraphrases = iter(PARAPHRASES)
    for index, entity in enumerate(entities):
        assert current(opened) == f"entities:{index}"
        if entity["class"] == "ak:Meeting":  # edit one label
            opened.keys("e", "Control+A")
            opened.page.keyboard.type(MEETING_LABEL)
            opened.keys("Enter")
        elif entity["id"] == "meng-fanyin":  # the article misspells Meng Fanying: link to her
            assert "1: the existing meng-fanying" in opened.page.locator("#rows li.current").inner_text()
            opened.keys("1")
        elif entity["id"] == "liu-xiao":  # a different person: keep as new
            opened.keys("0")
        elif entity["class"] == "ak:Priority":  # accepting asks for the paraphrase first
            opened.keys("a")
            opened.page.keyboard.type(next(paraphrases))
            opened.keys("Enter")
        elif entity["id"] == "northern-metals-monitor":
            opened.keys("r")
        else:
            opened.keys("a")
    for index in range(len(statements)):
        assert current(opened) == f"statements:{index}"
        if index == chair:
            opened.keys("p", "Control+A")
            opened.page.keyboard.type(EVIDENCE)
            opened.keys("Enter")
        opened.keys("a")


def test_a_full_keyboard_review_saves_into_data_and_builds(
    project: Path, draft: Path, server: ReviewServer, open_page: Any
) -> None:
    opened = open_page(server.url(draft.name))
    assert check_spans(opened, draft) > 20
    assert opened.page.locator("#text .seg").count() > 10
    full_review(opened, draft)
    counts = opened.page.locator("#counts").inner_text()
    assert "pending 0" in counts and "rejected 1" in counts and "linked 1" in counts
    assert "Every row has a decision" in opened.page.locator("#status").inner_text()
    saved = opened.save()
    assert saved["ok"], saved
    assert opened.page.locator("#result-heading").inner_text() == "Saved"
    assert (
        "left out: entity meng-fanyin (linked to the existing meng-fanying)"
        in opened.page.locator("#result-text").inner_text()
    )
    mine = [s for s in rows(project / "data" / "statements.csv") if s["source"] == draft.name]
    chair = next(s for s in mine if s["predicate"] == "ak:chairedBy")
    assert chair["object"] == "meng-fanying" and chair["evidence"] == EVIDENCE
    entities = {e["id"]: e for e in rows(project / "data" / "entities.csv")}
    assert entities["meeting-baogang-group-2025-03-12"]["label_en"] == MEETING_LABEL
    labels = [entities[f"priority-meeting-baogang-group-2025-03-12-{n}"]["label_en"] for n in range(1, 5)]
    assert labels == PARAPHRASES
    assert "liu-xiao" in entities and "meng-fanyin" not in entities
    assert "northern-metals-monitor" not in entities
    built = runner.invoke(app, ["build"])
    assert built.exit_code == 0, built.output
    keys = opened.js("window.review.keys()")
    assert keys["decided"] == 1 + len(rows(draft / "entities.csv")) + len(rows(draft / "statements.csv"))
    assert opened.errors == [] and opened.outside == [] and opened.dialogs == []

    # a second review of the same source replaces its rows
    once = snapshot(project / "data", TABLES)
    again = open_page(server.url(draft.name))
    assert "pending 0" in again.page.locator("#counts").inner_text()
    assert "linked to meng-fanying" in again.page.locator("#rows").inner_text()
    second = again.save()
    assert second["ok"], second
    assert second["report"]["statements_replaced"] == second["report"]["statements_added"] > 0
    assert snapshot(project / "data", TABLES) == once
    assert again.errors == [] and again.outside == []


def test_a_save_that_would_not_build_shows_why_and_writes_nothing(
    project: Path, draft: Path, server: ReviewServer, open_page: Any
) -> None:
    opened = open_page(server.url(draft.name))
    statements = rows(draft / "statements.csv")
    dated = next(i for i, s in enumerate(statements) if s["predicate"] == "dcterms:date")
    opened.page.locator('#rows li[data-key="entities:0"] .main').click()  # the meeting the date is of
    opened.keys("a")
    opened.page.locator(f'#rows li[data-key="statements:{dated}"] .main').click()
    assert current(opened) == f"statements:{dated}"
    opened.keys("e", "Control+A")
    opened.page.keyboard.type("2025-02-30")
    opened.keys("Enter")
    data_before = snapshot(project / "data", TABLES)
    draft_before = snapshot(draft, ("source.csv", "entities.csv", "statements.csv", "review.json"))
    saved = opened.save()
    assert not saved["ok"]
    heading = opened.page.locator("#result-heading").inner_text()
    shown = opened.page.locator("#result-text").inner_text()
    assert heading == "Not saved: nothing was written"
    assert "would not build" in shown and "'2025-02-30' is not a date as YYYY-MM-DD" in shown
    assert snapshot(project / "data", TABLES) == data_before
    assert snapshot(draft, ("source.csv", "entities.csv", "statements.csv", "review.json")) == draft_before
    assert opened.outside == [] and opened.dialogs == []


def test_the_page_asks_nothing_of_any_other_origin(draft: Path, server: ReviewServer, open_page: Any) -> None:
    opened = open_page(server.url(draft.name))
    blocked = opened.js(
        """(async () => {
        const seen = [];
        document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
        try { await fetch('https://elsewhere.example/collect'); return ['fetched', seen]; }
        catch (error) { await new Promise((r) => setTimeout(r, 50)); return ['refused', seen]; }
        })()"""
    )
    assert blocked[0] == "refused" and "connect-src" in blocked[1]
    assert opened.outside == []
    assert (
        opened.js('document.querySelectorAll(\'link[href^="http"], script[src^="http"], img\').length') == 0
    )


def test_the_draft_list_opens_a_draft_from_the_keyboard(
    draft: Path, server: ReviewServer, open_page: Any
) -> None:
    opened = open_page(server.url())
    assert opened.page.locator("#drafts li").count() == 1
    opened.keys("Enter")
    opened.page.wait_for_url(f"**/draft/{draft.name}", timeout=WAIT_MS)
    opened.page.wait_for_function("() => window.review.ready && window.review.state.data", timeout=WAIT_MS)
    assert opened.page.locator("#rows li").count() > 20
    assert opened.errors == [] and opened.outside == []


def hostile_draft(project: Path) -> Path:
    """A draft whose text, labels, title and link choices carry script payloads, with a character
    outside the Basic Multilingual Plane before the spans."""
    text = (
        f"Aster Tin committee meets {PAYLOADS[0]}\n\n"
        "\U00020000 On May 8, Aster Tin Group's Party Committee held a meeting. "
        f"Party Secretary Gu Wenhai chaired it. {PAYLOADS[1]}\n"
    )
    source = project / "hostile.txt"
    source.write_text(text, encoding="utf-8")
    (made,) = ingest([source], published="2024-05-09", data_dir=project / "data", out_dir=project / "drafts")
    folder = project / "drafts" / made.source_id
    for name, column, payload in (
        ("entities.csv", "label_en", PAYLOADS[2]),
        ("source.csv", "title", PAYLOADS[0]),
    ):
        table = rows(folder / name)
        table[0][column] = payload
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)
    snapshot_file = folder / "draft.json"
    data = json.loads(snapshot_file.read_text(encoding="utf-8"))
    person = next(e["id"] for e in data["entities"] if e["class"] == "foaf:Person")
    data["choices"] = [
        {
            "entity": person,
            "surface": PAYLOADS[1],
            "candidates": [{"id": "li-xiao", "label": PAYLOADS[2], "score": 90.0}],
        }
    ]
    snapshot_file.write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_payloads_in_the_draft_stay_text(project: Path, server: ReviewServer, open_page: Any) -> None:
    folder = hostile_draft(project)
    opened = open_page(server.url(folder.name))
    assert check_spans(opened, folder) > 3
    assert PAYLOADS[0] in opened.page.locator("#text").inner_text()
    assert PAYLOADS[1] in opened.page.locator("#text").inner_text()
    assert opened.page.locator("#heading").inner_text() == PAYLOADS[0]
    assert opened.page.title() == "Review: " + PAYLOADS[0]
    assert PAYLOADS[2] in opened.page.locator("#rows").inner_text()
    person = next(i for i, e in enumerate(rows(folder / "entities.csv")) if e["class"] == "foaf:Person")
    opened.page.locator(f'#rows li[data-key="entities:{person}"] .main').click()
    assert PAYLOADS[2] in opened.page.locator("#rows li.current fieldset").inner_text()
    assert opened.js("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 1
    assert opened.dialogs == [] and opened.outside == [] and opened.errors == []
