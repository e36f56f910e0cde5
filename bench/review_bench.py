"""How long a first article takes through the command line, and what reviewing it costs in keys.

    .venv/bin/python bench/review_bench.py            # 5 runs of each command
    .venv/bin/python bench/review_bench.py --runs 3 --out bench/results/review.md

In a scratch copy of the project: ``alignkg ingest`` of the review fixture page as a whole process
(median of runs), the fixture corpus (tuned and held-out) as one batch (seconds per article),
``alignkg accept`` and ``alignkg build``; then the review fixture reviewed in Debian's Chromium
by keyboard only, exactly as tests/test_review_browser.py does it, counting the shortcut keys and
the characters typed, and timing the machine's part (not a person's reading time).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from alignkg.endpoint.review import ReviewConfig, ReviewServer

ROOT = Path(__file__).resolve().parent.parent
ALIGNKG = str(Path(sys.executable).with_name("alignkg"))
FIXTURE = ROOT / "tests" / "fixtures" / "review" / "baogang_party_committee_analysis.html"
CORPUS = ROOT / "tests" / "fixtures" / "ingest"
CHROMIUM = "/usr/bin/chromium"
TYPED = {
    "meeting": "Baogang Group Party Committee enlarged meeting, 12 March 2025",
    "priorities": [
        "Steady concentrate output with less energy per tonne",
        "A fixed timetable for spring safety checks",
        "Low-emission sintering on two lines",
        "Stricter purchasing checks in subsidiaries",
    ],
    "evidence": "The article says the misspelt Party Secretary ran the meeting.",
}


def run(project: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([ALIGNKG, *args], cwd=project, check=True, capture_output=True)
    return time.perf_counter() - start


def scratch() -> Path:
    project = Path(tempfile.mkdtemp(prefix="alignkg-review-bench-"))
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "ontology", project / "ontology")
    return project


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def keyboard_review(project: Path, folder: Path) -> dict[str, float]:
    """Review the draft by keyboard in Chromium; keys, characters and seconds."""
    from playwright.sync_api import sync_playwright

    entities, statements = rows(folder / "entities.csv"), rows(folder / "statements.csv")
    config = ReviewConfig(drafts_dir=project / "drafts", data_dir=project / "data")
    with ReviewServer(config) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(server.url(folder.name))
        page.wait_for_function("() => window.review && window.review.ready", timeout=120_000)
        start = time.perf_counter()
        keys = page.keyboard
        keys.press("a")
        priorities = iter(TYPED["priorities"])
        for entity in entities:
            if entity["class"] == "ak:Meeting":
                keys.press("e")
                keys.press("Control+A")
                keys.type(TYPED["meeting"])
                keys.press("Enter")
            elif entity["id"] == "meng-fanyin":
                keys.press("1")
            elif entity["id"] == "liu-xiao":
                keys.press("0")
            elif entity["class"] == "ak:Priority":
                keys.press("a")
                keys.type(next(priorities))
                keys.press("Enter")
            elif entity["id"] == "northern-metals-monitor":
                keys.press("r")
            else:
                keys.press("a")
        for statement in statements:
            if statement["predicate"] == "ak:chairedBy":
                keys.press("p")
                keys.press("Control+A")
                keys.type(TYPED["evidence"])
                keys.press("Enter")
            keys.press("a")
        decided = time.perf_counter() - start
        page.evaluate("window.review.state.lastSave = null")
        keys.press("s")
        page.wait_for_function("() => window.review.state.lastSave !== null", timeout=300_000)
        saved = time.perf_counter() - start - decided
        counts = page.evaluate("window.review.keys()")
        ok = page.evaluate("window.review.state.lastSave.ok")
        browser.close()
    assert ok, "the review did not save"
    return {
        "rows": 1 + len(entities) + len(statements),
        "shortcuts": counts["shortcuts"],
        "typed": counts["typed"],
        "decided": counts["decided"],
        "seconds_keys": decided,
        "seconds_save": saved,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    project = scratch()
    try:
        run(project, "ingest", str(FIXTURE), "--out", "warm")  # warm the file cache
        single = statistics.median(run(project, "ingest", str(FIXTURE)) for _ in range(args.runs))
        corpus = project / "corpus"
        corpus.mkdir()
        for path in sorted(CORPUS.glob("*/*")):
            if not path.name.endswith(".gold.json"):
                shutil.copy(path, corpus / path.name)
        articles = len(list(corpus.iterdir()))
        batch = statistics.median(
            run(project, "ingest", "corpus", "--published", "2025-04-30", "--out", "batch")
            for _ in range(args.runs)
        )
        (folder,) = (project / "drafts").iterdir()
        accept = statistics.median(run(project, "accept", f"drafts/{folder.name}") for _ in range(args.runs))
        build = run(project, "build")
        shutil.copytree(ROOT / "data", project / "data", dirs_exist_ok=True)  # undo the accepts
        review = keyboard_review(project, folder)
    finally:
        shutil.rmtree(project)
    lines = [
        "| step | seconds |",
        "|---|---|",
        f"| `alignkg ingest` one page (whole process, median of {args.runs}) | {single:.2f} |",
        f"| `alignkg ingest` batch of {articles} fixture texts, per article | {batch / articles:.3f} |",
        f"| `alignkg accept` (trial build included) | {accept:.2f} |",
        f"| `alignkg build` | {build:.2f} |",
        "",
        f"Keyboard review of the fixture draft ({review['rows']} rows): {review['shortcuts']} shortcut keys, "
        f"{review['typed']} characters typed, {review['decided']} decisions; machine time "
        f"{review['seconds_keys']:.1f} s for the keys and {review['seconds_save']:.1f} s for the save.",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    print(json.dumps(review))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
