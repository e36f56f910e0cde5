"""Saving a review: the reviewer's decisions, edits and entity links go into the draft, the
accepted rows into data/ through the trial build; a second save replaces, a failing one writes
nothing, and the review server answers only its own page."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from alignkg.builder.build import build
from alignkg.endpoint.review import CSP, TOKEN_HEADER, ReviewConfig, ReviewServer
from alignkg.ingest import ingest
from alignkg.ingest.review import REVIEW_FILE, copied_run, list_drafts, load_review, save_review
from alignkg.model.errors import AlignkgError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "review" / "baogang_party_committee_analysis.html"
TABLES = ("sources.csv", "entities.csv", "statements.csv")
DRAFT_TABLES = ("source.csv", "entities.csv", "statements.csv")
PARAPHRASES = {
    1: "Steady concentrate output with lower energy use per tonne",
    2: "A fixed timetable for spring safety checks",
    3: "Low-emission sintering on two lines",
    4: "Stricter purchasing checks in subsidiaries",
}


def snapshot(folder: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names if (folder / name).exists()}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def draft(project: Path) -> Path:
    (made,) = ingest([FIXTURE], data_dir=project / "data", out_dir=project / "drafts")
    return project / "drafts" / made.source_id


def full_review(state: dict[str, Any]) -> dict[str, Any]:
    """Accept every row, paraphrase the priorities, link Meng Fanyin to the existing Meng Fanying
    and keep Liu Xiao as a new person."""
    decisions: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    for table in ("entities", "statements"):
        for row in state["rows"][table]:
            decisions[row["_key"]] = "accept"
    for row in state["rows"]["entities"]:
        if row["class"] == "ak:Priority":
            values[row["_key"]] = {"label_en": PARAPHRASES[int(row["id"].rsplit("-", 1)[1])]}
        if row["id"] == "meng-fanyin":
            decisions[row["_key"]] = "link"
    return {
        "fingerprint": state["fingerprint"],
        "decisions": decisions,
        "values": values,
        "links": {"meng-fanyin": "meng-fanying"},
    }


def key_of(state: dict[str, Any], table: str, **match: str) -> str:
    return next(r["_key"] for r in state["rows"][table] if all(r[k] == v for k, v in match.items()))


def test_a_saved_review_merges_accepted_rows_links_and_builds(project: Path, draft: Path) -> None:
    state = load_review(draft, data_dir=project / "data")
    assert set(state["choices"]) == {"meng-fanyin", "liu-xiao"}
    submission = full_review(state)
    submission["decisions"][key_of(state, "entities", id="northern-metals-monitor")] = "reject"
    report = save_review(draft, submission, data_dir=project / "data")
    assert "entity meng-fanyin (linked to the existing meng-fanying)" in report.skipped
    assert "entity northern-metals-monitor (rejected by the reviewer)" in report.skipped
    mine = [s for s in rows(project / "data" / "statements.csv") if s["source"] == draft.name]
    chair = next(s for s in mine if s["predicate"] == "ak:chairedBy")
    assert chair["object"] == "meng-fanying"
    assert not any("meng-fanyin" in (s["subject"], s["object"]) for s in mine)
    entities = {e["id"]: e for e in rows(project / "data" / "entities.csv")}
    assert "liu-xiao" in entities and "meng-fanyin" not in entities
    assert entities["priority-meeting-baogang-group-2025-03-12-2"]["label_en"] == PARAPHRASES[2]
    source = next(s for s in rows(project / "data" / "sources.csv") if s["id"] == draft.name)
    assert source["publisher"] == ""  # the publisher entity was rejected
    build(project / "data", project / "ontology" / "alignkg.ttl", project / "build")
    # the decisions are in the draft: confidences a later `alignkg accept` reads the same way
    drafted = {e["id"]: e for e in rows(draft / "entities.csv")}
    assert drafted["liu-xiao"]["confidence"] == "1.00"
    assert drafted["meng-fanyin"]["confidence"] == drafted["northern-metals-monitor"]["confidence"] == "0.00"
    assert drafted["priority-meeting-baogang-group-2025-03-12-1"]["label_en"] == PARAPHRASES[1]
    review = json.loads((draft / REVIEW_FILE).read_text(encoding="utf-8"))
    assert review["links"] == {"meng-fanyin": "meng-fanying"}
    assert review["proposed"][key_of(state, "entities", id="liu-xiao")] == "0.60"


def test_saving_the_same_source_again_replaces_its_rows(project: Path, draft: Path) -> None:
    state = load_review(draft, data_dir=project / "data")
    save_review(draft, full_review(state), data_dir=project / "data")
    once = snapshot(project / "data", TABLES)
    again = load_review(draft, data_dir=project / "data")
    assert again["decisions"] and again["links"] == {"meng-fanyin": "meng-fanying"}
    report = save_review(draft, full_review(again) | {"links": again["links"]}, data_dir=project / "data")
    assert snapshot(project / "data", TABLES) == once
    assert report.statements_replaced == report.statements_added > 0


def test_undoing_a_link_and_a_decision_restores_the_draft(project: Path, draft: Path) -> None:
    state = load_review(draft, data_dir=project / "data")
    save_review(draft, full_review(state), data_dir=project / "data")
    again = load_review(draft, data_dir=project / "data")
    meng, liu = key_of(again, "entities", id="meng-fanyin"), key_of(again, "entities", id="liu-xiao")
    decisions = dict(again["decisions"])
    decisions[meng] = "accept"
    del decisions[liu]
    submission = {"fingerprint": again["fingerprint"], "decisions": decisions, "values": {}, "links": {}}
    report = save_review(draft, submission, data_dir=project / "data")
    assert "entity liu-xiao (not reviewed)" in report.skipped
    drafted = {e["id"]: e for e in rows(draft / "entities.csv")}
    assert drafted["liu-xiao"]["confidence"] == "0.60"  # as the rules proposed it
    chair = next(s for s in rows(draft / "statements.csv") if s["predicate"] == "ak:chairedBy")
    assert chair["object"] == "meng-fanyin"
    entities = {e["id"] for e in rows(project / "data" / "entities.csv")}
    assert "meng-fanyin" in entities and "liu-xiao" not in entities


def test_a_save_that_would_not_build_writes_nothing(project: Path, draft: Path) -> None:
    state = load_review(draft, data_dir=project / "data")
    submission = full_review(state)
    submission["values"][key_of(state, "statements", predicate="dcterms:date")] = {"value": "2025-02-30"}
    data_before, draft_before = (
        snapshot(project / "data", TABLES),
        snapshot(draft, (*DRAFT_TABLES, REVIEW_FILE)),
    )
    with pytest.raises(AlignkgError, match=r"would not build(.|\n)*'2025-02-30' is not a date"):
        save_review(draft, submission, data_dir=project / "data")
    assert snapshot(project / "data", TABLES) == data_before
    assert snapshot(draft, (*DRAFT_TABLES, REVIEW_FILE)) == draft_before
    assert not (draft / REVIEW_FILE).exists()


def test_evidence_copied_from_the_text_is_refused(project: Path, draft: Path) -> None:
    state = load_review(draft, data_dir=project / "data")
    submission = full_review(state)
    copied = "The group must hold rare-earth concentrate output steady while it cuts energy use per tonne"
    key = key_of(state, "statements", predicate="ak:chairedBy")
    submission["values"][key] = {"evidence": copied}
    row = int(key.split(":")[1]) + 2
    with pytest.raises(
        AlignkgError, match=rf"statements\.csv, row {row}, column 'evidence': repeats 16 words"
    ):
        save_review(draft, submission, data_dir=project / "data")
    submission["values"][key] = {"evidence": "The article names the chairman as the one who ran the meeting."}
    save_review(draft, submission, data_dir=project / "data")


def test_copied_run_counts_words_and_chinese_characters() -> None:
    assert copied_run("cut Energy use, per tonne", "It cuts energy use per tonne of steel.") == 4
    assert (
        copied_run("会议强调要稳住生产", "會議強調，要穩住生產。") == 9
    )  # Traditional text, Simplified value
    assert copied_run("nothing shared", "entirely different words") == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fingerprint": "stale"}, "changed on disk"),
        ({"links": {"meng-fanyin": "xi-jinping"}}, "not one of the choices"),
        ({"decisions": {"entities:999": "accept"}}, "no row 'entities:999'"),
        ({"decisions": {"entities:0": "maybe"}}, "is not accept, reject or a chosen link"),
        ({"values": {"entities:0": {"id": "other"}}}, "column 'id' cannot be edited"),
    ],
)
def test_bad_submissions_are_refused_and_change_nothing(
    project: Path, draft: Path, change: dict[str, Any], message: str
) -> None:
    state = load_review(draft, data_dir=project / "data")
    before = snapshot(project / "data", TABLES)
    with pytest.raises(AlignkgError, match=message):
        save_review(draft, full_review(state) | change, data_dir=project / "data")
    assert snapshot(project / "data", TABLES) == before


def test_rejecting_the_source_withdraws_it_from_data(project: Path, draft: Path) -> None:
    original = snapshot(project / "data", TABLES)
    save_review(draft, full_review(load_review(draft, data_dir=project / "data")), data_dir=project / "data")
    state = load_review(draft, data_dir=project / "data")
    submission = {"fingerprint": state["fingerprint"], "decisions": {"source:0": "reject"}}
    report = save_review(draft, submission, data_dir=project / "data")
    assert report.statements_added == 0 and report.statements_replaced > 0
    assert snapshot(project / "data", TABLES) == original


def test_drafts_are_listed(project: Path, draft: Path) -> None:
    (listed,) = list_drafts(project / "drafts")
    assert listed["name"] == draft.name and listed["reviewed"] is False
    assert listed["title"].startswith("Baogang's Party Committee ties its spring production drive")


# --------------------------------------------------------------------------- the server


@pytest.fixture
def server(project: Path, draft: Path) -> Any:
    config = ReviewConfig(drafts_dir=project / "drafts", data_dir=project / "data")
    with ReviewServer(config) as running:
        yield running


def test_every_answer_carries_the_page_headers(server: ReviewServer, draft: Path) -> None:
    with httpx.Client(base_url=server.url(), trust_env=False) as client:
        for path in ["/", f"/draft/{draft.name}", "/review.js", "/review.css", "/api/drafts", "/nothing"]:
            answer = client.get(path)
            assert answer.headers["content-security-policy"] == CSP, path
            assert answer.headers["x-content-type-options"] == "nosniff"
        page = client.get("/").text
    assert "default-src 'none'" in CSP and "connect-src 'self'" in CSP
    assert 'src="/review.js"' in page and "http" not in page.split("<body>", 1)[1]


def test_saving_needs_the_page_token_json_and_a_local_origin(server: ReviewServer, draft: Path) -> None:
    with httpx.Client(base_url=server.url(), trust_env=False, timeout=120) as client:
        opened = client.get(f"/api/drafts/{draft.name}").json()
        body = json.dumps(full_review(opened["review"]))
        url = f"/api/drafts/{draft.name}/save"
        json_type = {"Content-Type": "application/json"}
        assert client.post(url, content=body, headers=json_type).status_code == 403
        token = {TOKEN_HEADER: opened["token"]}
        assert (
            client.post(url, content=body, headers=token | {"Content-Type": "text/plain"}).status_code == 415
        )
        foreign = token | json_type | {"Origin": "https://elsewhere.example"}
        assert client.post(url, content=body, headers=foreign).status_code == 403
        rebound = client.get("/api/drafts", headers={"Host": "elsewhere.example"})
        assert rebound.status_code == 403
        assert client.get("/api/drafts/..%2Fdata").status_code == 404
        saved = client.post(url, content=body, headers=token | json_type)
        assert saved.status_code == 200, saved.text
        assert saved.json()["report"]["statements_added"] > 0
        stale = client.post(url, content=body, headers=token | json_type)
        assert stale.status_code == 422 and "changed on disk" in stale.json()["error"]
