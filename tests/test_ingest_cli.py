"""The ingestion commands: ``alignkg ingest`` (summary, JSON, batches, bad input), ``alignkg
accept`` and ``alignkg review`` (a real process serving the page on a free loopback port)."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from alignkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "review" / "baogang_party_committee_analysis.html"
TUNED = ROOT / "tests" / "fixtures" / "ingest" / "tuned"
GOOD = "On May 8, Aster Tin Group's Party Committee held a meeting. Party Secretary Gu Wenhai chaired it."

runner = CliRunner()


def console_script() -> str:
    beside = Path(sys.executable).with_name("alignkg")
    found = str(beside) if beside.is_file() else shutil.which("alignkg")
    if found is None:
        pytest.fail("the alignkg console script is not installed")
    return found


def ingested(project: Path, *args: str) -> str:
    result = runner.invoke(app, ["ingest", str(FIXTURE), *args])
    assert result.exit_code == 0, result.output
    (folder,) = (project / "drafts").iterdir()
    return folder.name


def test_help_lists_the_ingestion_commands() -> None:
    result = runner.invoke(app, ["--help"])
    for name in ("ingest", "accept", "review"):
        assert name in result.stdout


def test_ingest_prints_what_it_found_where_the_draft_is_and_what_to_run_next(project: Path) -> None:
    result = runner.invoke(app, ["ingest", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    (folder,) = (project / "drafts").iterdir()
    lines = result.stdout.splitlines()
    assert lines[0] == f"Drafted {folder.name} from {FIXTURE}"
    assert lines[1] == (
        "  1 meeting, 3 people chairing or attending, 2 directives, 4 candidate priorities: "
        "10 new entities and 22 statements to review"  # the deputy general manager's post is known
    )
    assert f"  draft: {Path('drafts', folder.name)}/" in lines
    assert any("choices" in line for line in lines if line.startswith("  note:"))
    assert lines[-1].startswith(f"Next: alignkg review {Path('drafts', folder.name)}")
    assert sorted(p.name for p in folder.iterdir()) == [
        "draft.json",
        "entities.csv",
        "source.csv",
        "statements.csv",
        "text.txt",
    ]


def test_json_for_one_input_is_the_draft(project: Path) -> None:
    result = runner.invoke(app, ["ingest", str(FIXTURE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (folder,) = (project / "drafts").iterdir()
    assert data["source"]["id"] == folder.name
    assert result.stdout == (folder / "draft.json").read_text(encoding="utf-8")
    assert "Drafted" in result.stderr


def test_a_folder_is_a_batch_and_json_gives_one_line_per_draft(project: Path) -> None:
    batch = project / "inbox"
    batch.mkdir()
    for name in ("en_baogang_second.md", "en_dongyu_yesterday.txt", "zh_xiyue_jinri.txt"):
        shutil.copy(TUNED / name, batch / name)
    shutil.copy(TUNED / "en_baogang_second.gold.json", batch / "en_baogang_second.gold.json")  # not an input
    result = runner.invoke(app, ["ingest", "inbox", "--published", "2025-04-30", "--json", "--out", "out"])
    assert result.exit_code == 0, result.output
    drafts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(drafts) == 3
    assert sorted(d["source"]["id"] for d in drafts) == sorted(p.name for p in (project / "out").iterdir())
    assert result.stderr.count("Drafted ") == 3
    assert "Next: alignkg review out " in result.stderr


@pytest.mark.parametrize(
    ("name", "data", "options", "message"),
    [
        ("empty.txt", b"\n \n", [], "file is empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", [], "binary file"),
        ("gbk.txt", "会议由集团党委书记主持".encode("gb18030"), [], "cannot decode line 1 as UTF-8"),
        (
            "index.html",
            b"<html><body><nav><a href='/'>Home</a></nav><ul><li><a href='/1'>One</a></li></ul></body></html>"
            b"",
            [],
            "no main text",
        ),
        ("weather.txt", b"Rain is expected across the north tomorrow.", [], "no meeting found"),
        (
            "late.txt",
            b"On 12 June 2024, Aster Tin Group's Party Committee held a meeting.",
            ["--published", "2024-06-01"],
            "after the publication date",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_changes_nothing(
    project: Path, name: str, data: bytes, options: list[str], message: str
) -> None:
    bad = project / name
    bad.write_bytes(data)
    good = project / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["ingest", "good.txt", name, *options])
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {name}: ") and message in line
    assert not (project / "drafts").exists()


def test_ingest_option_errors(project: Path) -> None:
    (project / "a.txt").write_text(GOOD, encoding="utf-8")
    (project / "b.txt").write_text(GOOD, encoding="utf-8")
    two_urls = runner.invoke(app, ["ingest", "a.txt", "b.txt", "--url", "https://x.example/1"])
    assert two_urls.exit_code == 1 and "a URL can only be given for a single input" in two_urls.stderr
    bad_date = runner.invoke(app, ["ingest", "a.txt", "--published", "2024-02-30"])
    assert bad_date.exit_code == 1 and "a.txt" in bad_date.stderr and "not a real date" in bad_date.stderr
    bad_lang = runner.invoke(app, ["ingest", "a.txt", "--lang", "fr"])
    assert bad_lang.exit_code == 2
    wrong_lang = runner.invoke(app, ["ingest", "a.txt", "--lang", "zh"])
    assert wrong_lang.exit_code == 1 and "reads as en" in wrong_lang.stderr
    assert not (project / "drafts").exists()


def test_accept_prints_what_was_merged_and_left_out_and_the_result_builds(project: Path) -> None:
    name = ingested(project)
    first = runner.invoke(app, ["accept", f"drafts/{name}"])
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0].startswith("Merged ") and f"of {name} into data/" in lines[0]
    assert "replacing" not in lines[0]
    assert "  entity meng-fanyin (confidence 0.60)" in lines
    assert "  entity priority-meeting-baogang-group-2025-03-12-1 (confidence 0.50)" in lines
    assert f"wrote {Path('data', 'statements.csv')}" in lines
    assert lines[-1] == "Next: alignkg build"
    again = runner.invoke(app, ["accept", f"drafts/{name}"])
    assert "(replacing " in again.stdout.splitlines()[0]
    built = runner.invoke(app, ["build"])
    assert built.exit_code == 0, built.output


def test_accept_errors_are_one_line(project: Path) -> None:
    missing = runner.invoke(app, ["accept", "drafts/nothing-here"])
    assert missing.exit_code == 1
    assert missing.stderr.splitlines() == [f"error: {Path('drafts/nothing-here')}: draft folder not found"]
    assert runner.invoke(app, ["accept", "x", "--min-confidence", "1.5"]).exit_code == 2


def read_line(process: subprocess.Popen[str]) -> str:
    """The first line the process prints, waiting at most a generous minute."""
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.append(process.stdout.readline() if process.stdout else "")
    )
    reader.start()
    reader.join(timeout=60)
    assert lines and lines[0], "alignkg review printed no address"
    return lines[0]


@pytest.mark.parametrize("with_draft", [True, False])
def test_review_serves_the_page_on_a_free_loopback_port(project: Path, with_draft: bool) -> None:
    name = ingested(project)
    command = [console_script(), "review", *([f"drafts/{name}"] if with_draft else []), "--no-open"]
    process = subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = read_line(process)
        url = line.split()[2]
        assert url.startswith("http://127.0.0.1:") and line.rstrip().endswith("(Ctrl-C to stop)")
        assert url.endswith(f"/draft/{name}" if with_draft else "/")
        base = url.split("/draft/")[0].rstrip("/")
        with httpx.Client(trust_env=False, timeout=60) as client:
            page = client.get(url)
            assert page.status_code == 200 and "<title>alignkg review</title>" in page.text
            listed = client.get(f"{base}/api/drafts").json()["drafts"]
            assert [d["name"] for d in listed] == [name]
            assert client.get(f"{base}/api/drafts/{name}").json()["review"]["draft"] == name
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode is not None


def test_review_of_a_missing_draft_is_an_error(project: Path) -> None:
    result = runner.invoke(app, ["review", "drafts/none", "--no-open"])
    assert result.exit_code == 1
    assert "no draft 'none' in drafts" in result.stderr


def test_the_walk_through_shows_each_command_and_links_their_options() -> None:
    """Every option is on docs/cli/ingest.md (tests/test_reference_docs.py checks it)."""
    tutorial = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")
    for name in ("ingest", "review", "accept"):
        assert re.search(rf"^alignkg {name} \S", tutorial, re.M), f"docs/ingest.md shows no alignkg {name}"
    assert "](cli/ingest.md)" in tutorial
