"""How fast the static site is written, how big it is, and how its search responds, by graph size.

For each size (default: 1,000 synthetic enterprises, about 710k quads) writes the synthetic graph,
loads it into Oxigraph in memory, writes the site with a progress bar, then writes it again over
the first (the replacement path) and checks the two are byte-identical. Reports the time of each
step, files, bytes, the search index's size, the largest page and peak memory; then in headless
Debian Chromium (network blocked) how long search.html takes to load its index and answer, and a
profile page to draw its network. Goals: the site in under 60 s, the search index under 5 MB.

``--screenshots`` also saves screenshots of an entity page and a directive page of the shipped
Baogang site to docs/images/. Writes bench/results/site.md and site.json.

Run with ``.venv/bin/python bench/site_bench.py [ENTERPRISES ...] [--screenshots]`` (needs
/usr/bin/chromium and the dev extra).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Browser, sync_playwright
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import alignkg
from alignkg.builder.synth import write_synthetic

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
IMAGES = ROOT / "docs" / "images"
SIZES = [1_000]
SITE_SECONDS_GOAL = 60.0
INDEX_BYTES_GOAL = 5_000_000
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def digest(folder: Path) -> str:
    """One hash over every file's path and bytes, to compare two builds."""
    hashed = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            hashed.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()


def write_with_progress(store: alignkg.Store, out: Path) -> tuple[alignkg.SiteSummary, float]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("site", total=None)
        start = time.perf_counter()
        summary = alignkg.write_site(
            store,
            out,
            progress=lambda what, done, total: bar.update(
                task, description=what, completed=done, total=total
            ),
        )
        return summary, time.perf_counter() - start


def in_browser(browser: Browser, site: Path, query: str, profile: str) -> dict[str, float]:
    """Seconds for search.html to load its index and answer ``query``, then for a profile to draw."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    start = time.perf_counter()
    page.goto((site / "search.html").resolve().as_uri() + "?q=" + quote(query))
    page.wait_for_function("() => window.alignkg && window.alignkg.ready", timeout=120_000)
    search = time.perf_counter() - start
    page.fill("#q", "")
    start = time.perf_counter()
    page.fill("#q", query)
    page.wait_for_function("() => window.alignkg.results.length > 0", timeout=120_000)
    retype = time.perf_counter() - start
    start = time.perf_counter()
    page.goto((site / profile).resolve().as_uri())
    page.wait_for_function("() => window.alignkg && window.alignkg.ready", timeout=120_000)
    drawn = time.perf_counter() - start
    context.close()
    return {"search_page_s": search, "search_again_s": retype, "profile_ready_s": drawn}


def measure(enterprises: int, folder: Path, browser: Browser) -> dict[str, Any]:
    graph = folder / f"synth-{enterprises}.nq"
    quads = write_synthetic(graph, enterprises=enterprises)
    load_before = os.getloadavg()[0]
    with alignkg.open_store("oxigraph") as store:
        start = time.perf_counter()
        store.load(graph)
        load = time.perf_counter() - start
        site = folder / f"site-{enterprises}"
        summary, first = write_with_progress(store, site)
        first_digest = digest(site)
        _, again = write_with_progress(store, site)
        identical = digest(site) == first_digest
    pages = summary.entities + summary.sources
    row = {
        "enterprises": enterprises,
        "quads": quads,
        "load_s": load,
        "site_s": first,
        "rebuild_s": again,
        "pages": pages,
        "ms_per_page": 1000 * first / pages,
        "files": summary.files,
        "mb": summary.bytes / 1e6,
        "index_mb": summary.search_index_bytes / 1e6,
        "largest_page_kb": summary.largest_page_bytes / 1e3,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
        "identical": identical,
        "load_average": max(load_before, os.getloadavg()[0]),
    }
    k = enterprises // 2
    row |= in_browser(browser, site, f"synthetic person {k}-1", f"entity/synth-enterprise-{k}.html")
    row["goals_met"] = row["site_s"] < SITE_SECONDS_GOAL and summary.search_index_bytes < INDEX_BYTES_GOAL
    return row


def screenshots(browser: Browser, folder: Path) -> list[Path]:
    """An entity page and a directive page of the shipped Baogang site, for docs/site.md."""
    site = folder / "baogang-site"
    alignkg.write_site(alignkg.build_graph().dataset, site)
    IMAGES.mkdir(parents=True, exist_ok=True)
    saved = []
    for page_path, name in (
        ("entity/meng-fanying.html", "site-entity.png"),
        ("entity/directive-eight-point-regulation.html", "site-directive.png"),
    ):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page = context.new_page()
        page.goto((site / page_path).resolve().as_uri())
        page.wait_for_function("() => window.alignkg && window.alignkg.ready", timeout=60_000)
        page.screenshot(path=str(IMAGES / name), full_page=True)
        context.close()
        saved.append(IMAGES / name)
    return saved


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        "| enterprises | quads | load (s) | site (s) | rebuild (s) | pages | ms/page | MB | index (MB) "
        "| largest page (kB) | peak RSS (MB) | identical | search page (s) | search again (s) | profile (s) "
        "| load average |"
    )
    lines = [header, "|" + "---:|" * 16]
    for r in rows:
        lines.append(
            f"| {r['enterprises']:,} | {r['quads']:,} | {r['load_s']:.1f} | {r['site_s']:.1f} "
            f"| {r['rebuild_s']:.1f} "
            f"| {r['pages']:,} | {r['ms_per_page']:.2f} | {r['mb']:.0f} | {r['index_mb']:.2f} "
            f"| {r['largest_page_kb']:.0f} | {r['peak_rss_mb']:.0f} | {'yes' if r['identical'] else 'NO'} "
            f"| {r['search_page_s']:.2f} | {r['search_again_s']:.2f} | {r['profile_ready_s']:.2f} "
            f"| {r['load_average']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sizes = [int(a) for a in args] or SIZES
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if "--screenshots" in sys.argv:
            for path in screenshots(browser, Path(tmp)):
                print(f"saved {path.relative_to(ROOT)}")
        for size in sizes:
            rows.append(measure(size, Path(tmp), browser))
            print(table(rows[-1:]), end="")
        browser.close()
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average: the machine's 1-minute load, "
        "the highest seen before and after the run"
    )
    text = f"# Static site benchmark\n\n{machine}\n\n" + table(rows)
    (RESULTS / "site.md").write_text(text, encoding="utf-8")
    (RESULTS / "site.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / 'site.md'}")
    return 0 if all(r["goals_met"] and r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
