"""``alignkg report``, ``alignkg chains`` and ``alignkg metrics``: what they show, that every row names
its source, that data is escaped, and that the same graph gives the same files."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
FICTIONAL = Path(__file__).parent / "fixtures" / "fictional"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

runner = CliRunner()


@pytest.fixture(scope="module")
def shipped_report(built: alignkg.BuildReport) -> alignkg.Report:
    return alignkg.render_report(built.dataset, title="Baogang & the <state>")


@pytest.fixture(scope="module")
def fictional_report() -> alignkg.Report:
    return alignkg.render_report(alignkg.build_graph(FICTIONAL, ONTOLOGY).dataset)


def test_report_shows_profile_chains_metrics_and_recommendations(shipped_report: alignkg.Report) -> None:
    page = shipped_report.html
    for text in (
        "Baogang Group (包钢集团)",
        "Party Secretary of Baogang Group",
        "Meng Fanying",
        "Li Xiao",
        "Xi Jinping&#39;s address to the 20th CCDI",
        "Xi Jinping&#39;s guidance on the Dingri earthquake response",
        "2025-01-09",
        "China Northern Rare Earth Group",
        "Liu Peixun",
        "Deputy General Manager of Baogang Group",
        "Translating national directives into corporate action",
        "Strengthening Party discipline and anti-corruption",
        "Enhancing safety and risk mitigation",
        "Diversified supply chains that rely less on Chinese producers",
        "Share of priorities stated to serve a directive",
        "Share of priorities at a meeting that studied a directive",
        "Share of meetings that cite a central directive",
    ):
        assert text in page, text
    serves = re.findall(
        r'<td class="num">\d*</td><td>[^<]*</td><td>(stated|not stated|meeting as a whole)</td>', page
    )
    assert set(serves) == {"stated", "not stated", "meeting as a whole"}
    assert '<td>Median lag, days</td><td class="num">6</td><td class="num">n/a</td>' in page
    assert '<td>Share of lags using a background date</td><td class="num">0.0%</td>' in page


def test_report_shows_the_cascade_of_each_directive(shipped_report: alignkg.Report) -> None:
    page = shipped_report.html
    section = page.split('<h2 id="cascades">', 1)[1].split('<h2 id="metrics">', 1)[0]
    assert "<h3>The Central Eight-point Regulation</h3>" in section
    row = re.search(r"<tr><td class=\"num\">2</td><td>China Northern Rare Earth Group</td>.*?</tr>", section)
    assert row is not None
    assert '<td class="date">2025-03-27</td><td class="num">264</td><td>Liu Peixun</td>' in row.group()
    enterprises = re.findall(
        r"<tr><td>(Baogang Group|China Northern Rare Earth Group)</td><td class=\"num\">(\d+)</td>", section
    )
    assert enterprises == [("Baogang Group", "18"), ("China Northern Rare Earth Group", "8")]
    assert (
        "### The Central Eight-point Regulation (Communist Party of China, date not known)"
        in shipped_report.markdown
    )


def test_every_source_link_points_at_a_listed_source(shipped_report: alignkg.Report) -> None:
    page = shipped_report.html
    targets = set(re.findall(r'<a class="src" href="#([^"]+)"', page))
    anchors = set(re.findall(r'<tr id="([^"]+)">', page))
    assert targets and targets <= anchors
    assert "src-aksrc-chinastsi-ccdi-fourth-plenary" in targets
    chain_rows = re.findall(r"<tr><td>Baogang Group</td><td>Xi Jinping</td>.*?</tr>", page)
    assert len(chain_rows) > 20
    assert all('class="src"' in row for row in chain_rows)


def test_report_is_offline_escaped_and_embeds_the_timeline(shipped_report: alignkg.Report) -> None:
    page = shipped_report.html
    assert "<title>Baogang &amp; the &lt;state&gt;</title>" in page
    # source addresses are shown as text, never as links or anything the page loads
    assert re.findall(r"""(?:src|href)\s*=\s*["'](?!#|data:image/png)""", page) == []
    assert "<code>https://rareearthexchanges.com/?p=2129</code>" in page
    assert "<script" not in page
    image = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert image is not None
    assert base64.b64decode(image.group(1)) == shipped_report.timeline_png
    assert shipped_report.timeline_png is not None and shipped_report.timeline_png.startswith(PNG_SIGNATURE)


def test_report_says_what_the_evidence_does_not_establish(
    shipped_report: alignkg.Report, fictional_report: alignkg.Report
) -> None:
    notes = "\n".join(shipped_report.notes)
    assert "rest on 18 meetings, 25 directives and 10 lags" in notes
    assert (
        "Xi Jinping's address to the 20th CCDI has no date of its own; its lag to Baogang Party Standing "
        "Committee meeting of 9 January 2025 (1 day) runs from the last day of its occasion"
    ) in notes
    assert (
        "At Baogang Party Standing Committee meeting of 9 January 2025 the source ties 'Enhancing safety and "
        "risk mitigation'; "
    ) in notes
    assert "no source gives the date of the directive" in notes
    fictional = "\n".join(fictional_report.notes)
    assert (
        "No source states that the priority 'P2 Leaner offices (fictional)' serves "
        "Directive D1 on grid safety (fictional)"
    ) in fictional
    unknown = "Directive D4 on digital records (fictional) and Eastbay meeting of 3 April 2030 (fictional)"
    assert f"{unknown} is unknown" in fictional


def test_data_is_escaped_in_html_and_markdown(fictional_report: alignkg.Report) -> None:
    assert "M3 Cut paperwork &lt;fast&gt; &amp; well (fictional)" in fictional_report.html
    assert "<fast>" not in fictional_report.html
    assert "M3 Cut paperwork &lt;fast&gt; & well (fictional)" in fictional_report.markdown
    assert "<fast>" not in fictional_report.markdown


def test_markdown_has_the_same_sections(shipped_report: alignkg.Report) -> None:
    text = shipped_report.markdown
    for heading in (
        "## Enterprise profile",
        "## Alignment chains",
        "## Metrics",
        "## What the evidence does not establish",
        "## Recommendations the sources make",
        "## Sources",
    ):
        assert heading in text
    assert "![Timeline of directives and meetings](report-timeline.png)" in text
    assert "| Median lag, days | 6 | n/a |" in text
    assert "## Cascades" in text


def test_write_report_is_deterministic(built: alignkg.BuildReport, tmp_path: Path) -> None:
    first = alignkg.write_report(built.dataset, tmp_path / "a")
    again = alignkg.write_report(built.dataset, tmp_path / "b")
    assert [p.name for p in first] == ["report-timeline.png", "report.html", "report.md"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]


def test_cli_report(project: Path) -> None:
    assert runner.invoke(app, ["build"]).exit_code == 0
    result = runner.invoke(app, ["report"])
    assert result.exit_code == 0, result.output
    for name in ("report.html", "report.md", "report-timeline.png"):
        assert f"wrote build/{name}" in result.stdout
        assert (project / "build" / name).is_file()


def test_cli_report_without_a_graph(project: Path) -> None:
    result = runner.invoke(app, ["report"])
    assert result.exit_code == 1
    assert "run 'alignkg build' first" in result.stderr
    assert not (project / "build").exists()


@pytest.fixture
def fictional_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FICTIONAL, tmp_path / "data")
    shutil.copytree(ONTOLOGY.parent, tmp_path / "ontology")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["build"]).exit_code == 0
    return tmp_path


def test_cli_metrics_prints_each_metric_per_enterprise(fictional_project: Path) -> None:
    result = runner.invoke(app, ["metrics", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "| metric | Eastbay Rare Metals Corporation (fictional) | Northwind Steel Group (fictional) |" in (
        result.stdout
    )
    assert "| Median lag, days | 8 | 10 |" in result.stdout
    assert "| Share of priorities stated to serve a directive | 50.0% | 66.7% |" in result.stdout
    assert "| Share of priorities at a meeting that studied a directive | 100.0% | 100.0% |" in result.stdout
    assert "| Share of links resting on background knowledge | 11.1% | 16.7% |" in result.stdout
    table = runner.invoke(app, ["metrics"])
    assert table.exit_code == 0 and "Directives followed" in table.stdout
    records = json.loads(runner.invoke(app, ["metrics", "--format", "json"]).stdout)
    assert [r["directives_followed"] for r in records] == [2, 2]


def test_cli_chains(fictional_project: Path) -> None:
    result = runner.invoke(app, ["chains", "--enterprise", "northwind-steel", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("enterprise,enterprise_label,issuer,directive,")
    assert len(lines) == 5  # header and the four Northwind rows
    unknown = runner.invoke(app, ["chains", "--enterprise", "southwind"])
    assert unknown.exit_code == 1
    assert "error: no enterprise 'southwind' in the graph" in unknown.stderr
    table = runner.invoke(app, ["chains"])
    assert table.exit_code == 0
    assert "9 chains" in table.stdout


def test_profile_lists_each_enterprise_s_own_posts(fictional_report: alignkg.Report) -> None:
    text = fictional_report.markdown
    northwind = text.index("### Northwind Steel Group (fictional)")
    eastbay = text.index("### Eastbay Rare Metals Corporation (fictional)")
    row = (
        "| Northwind Party Committee (fictional) | Party Secretary of Northwind Steel (fictional) "
        "| Mara Lind (fictional) | aksrc:fictional-gazette |"
    )
    assert northwind < text.index(row) < text.index("## Alignment chains")
    assert "The graph names no posts in this enterprise." in text[eastbay:northwind]


def test_cli_metrics_and_report_read_a_store(fictional_project: Path) -> None:
    assert runner.invoke(app, ["load", "--store", "oxigraph:ox", "build/alignkg.trig"]).exit_code == 0
    result = runner.invoke(app, ["metrics", "--store", "oxigraph:ox", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "| Median lag, days | 8 | 10 |" in result.stdout
    result = runner.invoke(app, ["report", "--store", "oxigraph:ox", "--out", "from-store"])
    assert result.exit_code == 0, result.output
    assert (fictional_project / "from-store" / "report.html").is_file()
