"""A new user's first article, end to end through the installed ``alignkg`` command in a copy of
the project: save a page, ingest it, merge it (with ``accept``, or a review saved through the
review server), build, and find the new meeting in chains, metrics and the HTML view."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from alignkg.endpoint.review import TOKEN_HEADER, ReviewConfig, ReviewServer

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "review" / "baogang_party_committee_analysis.html"
MEETING = "akid:meeting-baogang-group-2025-03-12"


def alignkg(project: Path, *args: str) -> str:
    """Run the installed console script in the project; its stdout (failing on a non-zero exit)."""
    beside = Path(sys.executable).with_name("alignkg")
    script = str(beside) if beside.is_file() else shutil.which("alignkg")
    if script is None:
        pytest.fail("the alignkg console script is not installed")
    done = subprocess.run(
        [script, *args], cwd=project, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"alignkg {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def saved_page(project: Path) -> Path:
    (project / "saved").mkdir()
    return Path(shutil.copy(FIXTURE, project / "saved" / "baogang-party-committee.html"))


def baogang_metrics(project: Path) -> dict[str, int]:
    """Baogang Group's row of ``alignkg metrics`` on the project's data as it is now."""
    alignkg(project, "build")
    metrics = {m["enterprise"]: m for m in json.loads(alignkg(project, "metrics", "--format", "json"))}
    return dict(metrics["akid:baogang-group"])


def check_the_graph(project: Path, before: dict[str, int], priorities: int) -> None:
    alignkg(project, "build")
    chains = json.loads(alignkg(project, "chains", "--format", "json"))
    mine = [c for c in chains if c["meeting"] == MEETING]
    assert {c["directive_label"] for c in mine} == {
        "Xi Jinping's instructions on work safety",
        "Xi Jinping's speech on new quality productive forces",
    }
    assert {c["meeting_date"] for c in mine} == {"2025-03-12"}
    assert {c["enterprise"] for c in mine} == {"akid:baogang-group"}
    assert len({c["priority"] for c in mine if c["priority"]}) == priorities
    after = baogang_metrics(project)
    assert after["meetings"] == before["meetings"] + 1
    assert after["directives_followed"] == before["directives_followed"] + 2  # both directives are new
    assert after["priorities"] == before["priorities"] + priorities
    assert "wrote" in alignkg(project, "view")
    page = (project / "build" / "alignkg.html").read_text(encoding="utf-8")
    assert MEETING in page and "Baogang Group Party Committee enlarged meeting of 12 March 2025" in page


def test_ingest_accept_build_and_find_the_meeting(project: Path) -> None:
    before = baogang_metrics(project)
    summary = alignkg(project, "ingest", str(saved_page(project)))
    (folder,) = (project / "drafts").iterdir()
    assert f"Next: alignkg review {Path('drafts', folder.name)}" in summary
    merged = alignkg(project, "accept", f"drafts/{folder.name}")
    assert merged.startswith("Merged ")
    # each accepted statement keeps the words it rests on, at their place in the draft's text
    text = (folder / "text.txt").read_text(encoding="utf-8")
    with (project / "data" / "statements.csv").open(encoding="utf-8", newline="") as handle:
        mine = [r for r in csv.DictReader(handle) if r["source"] == folder.name]
    assert mine and all(r["quote"] and len(r["quote"].split()) <= 12 for r in mine)
    assert all(text[int(r["quote_start"]) : int(r["quote_end"])] == r["quote"] for r in mine)
    checked = alignkg(project, "verify", "--texts", "drafts", "--source", folder.name)
    assert checked == f"{len(mine)} quotes checked against 1 copy: all found where stated\n"
    check_the_graph(project, before, priorities=0)  # candidate priorities wait for a reviewer's paraphrase


def test_ingest_review_build_and_find_the_meeting_with_its_priorities(project: Path) -> None:
    before = baogang_metrics(project)
    alignkg(project, "ingest", str(saved_page(project)))
    (folder,) = (project / "drafts").iterdir()
    config = ReviewConfig(drafts_dir=project / "drafts", data_dir=project / "data")
    with (
        ReviewServer(config) as server,
        httpx.Client(base_url=server.url(), trust_env=False, timeout=600) as web,
    ):
        opened = web.get(f"/api/drafts/{folder.name}").json()
        state = opened["review"]
        decisions = {r["_key"]: "accept" for t in ("entities", "statements") for r in state["rows"][t]}
        values = {}
        for row in state["rows"]["entities"]:
            if row["class"] == "ak:Priority":
                values[row["_key"]] = {"label_en": f"Spring priority {row['id'].rsplit('-', 1)[1]}"}
            if row["id"] == "meng-fanyin":
                decisions[row["_key"]] = "link"
        submission = {
            "fingerprint": state["fingerprint"],
            "decisions": decisions,
            "values": values,
            "links": {"meng-fanyin": "meng-fanying"},
        }
        saved = web.post(
            f"/api/drafts/{folder.name}/save",
            content=json.dumps(submission),
            headers={"Content-Type": "application/json", TOKEN_HEADER: opened["token"]},
        )
        assert saved.status_code == 200, saved.text
    check_the_graph(project, before, priorities=4)
