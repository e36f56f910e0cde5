"""``alignkg site``: the static site's pages by class, every fact with its source, inferred facts
apart, quotes, the search index with pinyin, no broken internal link, byte-identical rebuilds on
every store, escaped hostile data, a policy that lets no request leave, and safe replacement."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Literal
from rdflib.namespace import RDF, SKOS
from typer.testing import CliRunner

import alignkg
from alignkg.builder.synth import write_synthetic
from alignkg.cli import app
from alignkg.model.terms import GRAPH, ID
from alignkg.stores.oxigraph import OxigraphStore
from alignkg.views.site import CSP, MARKER, QUERY_COUNT
from alignkg.views.site_network import NETWORK_LIMIT
from sitekit import PAYLOADS, add_quote, broken_links, files, hostile_dataset

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data"
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


@pytest.fixture(scope="module")
def site(built: alignkg.BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    alignkg.write_site(built.dataset, out)
    return out


def text(site: Path, page: str) -> str:
    """A page's text with the tags removed and spaces collapsed, entities decoded."""
    raw = (site / page).read_text(encoding="utf-8")
    raw = re.sub(r"<script.*?</script>", " ", raw, flags=re.S)
    raw = re.sub(r"</?(?:a|span|q|code|time)\b[^>]*>", "", raw)  # inline: no space of their own
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def test_a_page_per_entity_and_source_at_stable_paths(built: alignkg.BuildReport, site: Path) -> None:
    entities = {p.stem for p in (site / "entity").glob("*.html")}
    assert len(entities) == alignkg.to_networkx(built.dataset).number_of_nodes()
    assert {"meng-fanying", "baogang-group", "directive-xi-dingri-earthquake"} <= entities
    sources = {p.stem for p in (site / "source").glob("*.html")}
    with (DATA / "sources.csv").open(encoding="utf-8", newline="") as table:
        assert sources == {row["id"] for row in csv.DictReader(table)}
    assert {"baogang-directives-article", "icxsoft-731801845701298176", "rex-p15595"} <= sources
    for name in ("index.html", "search.html", "assets/vis-network.min.js", "assets/search-index.js", MARKER):
        assert (site / name).is_file(), name


def test_index_lists_each_kind_with_counts_and_meetings_by_month(site: Path) -> None:
    index = text(site, "index.html")
    for kind, count in (
        ("Enterprises", 2),
        ("People", 7),
        ("Meetings", 26),
        ("Directives", 29),
        ("Sources", 41),
    ):
        assert f"{kind} {count}" in index, kind
    assert (
        "Meetings by month 2024-12 2 2025-01 2 2025-02 1 2025-03 1 2025-05 2 2025-06 3 2025-07 2 "
        "2025-10 1 2025-12 1 2026-01 1 date unknown 10 "
    ) in index  # 16 meetings have a date from their page; 10 do not
    meetings = text(site, "list/meetings.html")
    assert (
        "2025-01 2025-01-01 China Northern Rare Earth meeting on 2024 grassroots Party building, "
        "1 January 2025 China Northern Rare Earth Group 北方稀土 "
        "2025-01-09 Baogang Party Standing Committee meeting of 9 January 2025 Baogang Group 包钢集团 2025-02"
    ) in meetings


def test_person_page_shows_posts_meetings_and_both_labels(site: Path) -> None:
    page = text(site, "entity/meng-fanying.html")
    # her Chinese name is an alias from its own source (no Chinese label): shown as her Chinese name
    assert "Search Meng Fanying 孟繁英 Person · akid:meng-fanying" in page
    assert page.count("Meng Fanying 孟繁英") == 2  # the title and the heading; links elsewhere too
    assert "Also known as" not in page  # the only alias is the Chinese name beside the heading
    assert (
        "Chairman of Baogang Group 包钢集团董事长 Baogang Group 包钢集团 Baogang Group 包钢集团 "
        "Baogang Group Aligns Operations with National Directives: Implications for Global Competitors, "
        "Untitled page: https://rareearthexchanges.com/news/baogang-strategic-alignment "
    ) in page  # a source without a title is named as its own page names it
    assert "Party Secretary of Baogang Group 包钢集团党委书记 Baogang Group Party Committee" in page
    assert (
        "Meetings chaired 8 date meeting body enterprise 2024-12-20 Baogang Party Committee meeting of "
        "20 December 2024 Baogang Group Party Committee 包钢集团党委 Baogang Group 包钢集团"
    ) in page
    assert "Meetings attended 5 date meeting body enterprise 2025-03-27 Baogang Party Committee study" in page
    assert "2025-01-09 chairs meeting" in page and "2026-01-04 attends meeting" in page  # the timeline


def test_enterprise_page_shows_bodies_officers_meetings_directives_and_subsidiaries(site: Path) -> None:
    page = text(site, "entity/baogang-group.html")
    assert "Bodies 4" in page and "Baogang Group Party Standing Committee 包钢集团党委常委会" in page
    assert "Baogang Group Safety and Environmental Committee Organizational unit Baogang Group" in page
    assert (
        "Officers 7" in page
        and "General Manager of Baogang Group 包钢集团总经理 Baogang Group 包钢集团 Li Xiao" in page
        and "Deputy General Manager of Baogang Group Baogang Group 包钢集团 Liu Peixun" in page
    )
    assert "Meetings 18" in page
    followed = page[page.index("Directives followed") : page.index("Subsidiaries")]
    assert followed.startswith(
        "Directives followed 25 directive issued by dated studied at meeting date lag (days) "
        "Xi Jinping's message to the U.S.-China Business Council Xi Jinping 习近平 2024-12-11 "
        "Baogang Party Committee meeting of 20 December 2024 2024-12-20 9 "
    )
    # no date of its own: dated, as its cascade is, by the last day of its occasion
    assert (
        "Xi Jinping's address to the 20th CCDI Xi Jinping 习近平 2025-01-08 (occasion end) "
        "Baogang Party Standing Committee meeting of 9 January 2025 2025-01-09 1 "
    ) in followed
    assert followed.endswith(
        "Xi Jinping's directives on state-owned enterprise reform and Party building Xi Jinping 习近平 "
        "Baogang's 37th expanded Party Committee meeting (date not stated) "
    )  # undated directives last, by id
    assert "Subsidiaries 1 enterprise China Northern Rare Earth Group 北方稀土" in page


def test_meeting_page_shows_date_body_people_directives_and_priorities(site: Path) -> None:
    page = text(site, "entity/meeting-baogang-2025-01-09.html")
    for part in (
        "Date 2025-01-09",
        "Convened by Baogang Group Party Standing Committee 包钢集团党委常委会",
        "Enterprise Baogang Group 包钢集团",
        "Chaired by Meng Fanying 孟繁英",
        "Attended by Li Xiao",
        "Directives studied 2",
        "Xi Jinping's address to the 20th CCDI Xi Jinping 习近平 2025-01-08 (occasion end) 1 ",
        "Priorities and measures 3",
        "1 Translating national directives into corporate action",
        "Tailor national policies to the company's operations",
    ):
        assert part in page, part


def test_directive_page_shows_issuer_occasion_date_and_cascade(site: Path) -> None:
    page = text(site, "entity/directive-xi-dingri-earthquake.html")
    assert "Issued by Xi Jinping 习近平 Date not recorded Occasion Dingri County earthquake " in page
    assert (
        "Cascade 1 Studied at 1 meeting of 1 enterprise. "
        "No lag from the directive can be given: no source dates it or its occasion."
    ) in page  # no page held dates the earthquake or the guidance
    assert (
        "1 2025-01-09 Baogang Group 包钢集团 Baogang Party Standing Committee meeting of 9 January 2025 "
        "Baogang Group Aligns Operations" in page
    )
    page = text(site, "entity/directive-xi-ccdi-address.html")
    assert (
        "Date not recorded Occasion Fourth plenary session of the 20th CCDI 二十届中央纪委四次全会, "
        "2025-01-06" in page
    )
    assert (
        "Cascade 1 Studied at 1 meeting of 1 enterprise. The directive has no date of its own; lags run "
        "from 2025-01-08, the last day of its occasion. First response after 1 day; median lag 1 day; "
        "last after 1 day."
    ) in page
    assert "2025-01-08 ends Fourth plenary session" in page  # the occasion's dates on the timeline


def cascade_table(site: Path, directive: str) -> list[list[tuple[str, list[str]]]]:
    """The cascade table of a directive's page: each cell's text and the pages it links to."""
    page = (site / f"entity/{directive}.html").read_text(encoding="utf-8")
    section = re.search(r"<h2>Cascade <span.*?<tbody>(.*?)</tbody>", page, re.S)
    assert section is not None
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        rows.append(
            [
                (
                    html.unescape(re.sub(r"<[^>]+>", "", c)),
                    [html.unescape(h).removeprefix("../") for h in re.findall(r'href="([^"]+)"', c)],
                )
                for c in cells
            ]
        )
    return rows


def page_of(node: object) -> list[str]:
    """The page a compact id links to, as a list (empty for a missing value)."""
    if not isinstance(node, str) or not node:
        return []
    prefix, _, local = node.partition(":")
    return [f"{'source' if prefix == 'aksrc' else 'entity'}/{local}.html"]


def shown(value: object) -> str:
    return "" if value is None or value is pd.NA else str(value)


def test_directive_pages_show_the_cascade_analysis_rows(built: alignkg.BuildReport, site: Path) -> None:
    frame = alignkg.directive_cascade(built.dataset)
    both = alignkg.directive_cascade(built.dataset, min_enterprises=2)
    assert set(both["directive"]) == {"akid:directive-eight-point-regulation"}
    for directive, steps in frame.groupby("directive", sort=False):
        table = cascade_table(site, str(directive).removeprefix("akid:"))
        assert len(table) == len(steps), directive
        for cells, r in zip(table, steps.to_dict("records"), strict=True):
            step, date, enterprise, meeting, lag, parent, upstream, upstream_lag, officers, sources = cells
            assert (step[0], date[0], lag[0]) == (
                shown(r["step"]),
                shown(r["meeting_date"]),
                shown(r["lag_days"]),
            )
            assert enterprise[1] == page_of(r["enterprise"]) and meeting[1] == page_of(r["meeting"])
            assert parent[1] == page_of(r["parent"]) and upstream[1] == page_of(r["parent_meeting"])
            assert upstream[0].endswith(shown(r["parent_meeting_date"]))
            assert upstream_lag[0] == shown(r["lag_from_parent_days"])
            assert officers[0] == shown(r["shared_officers"])
            assert sources[1] == [p for s in shown(r["sources"]).split("; ") for p in page_of(s)]
    page = text(site, "entity/directive-eight-point-regulation.html")
    assert "Cascade 3 Studied at 3 meetings of 2 enterprises." in page
    assert (
        "2 2025-12-16 China Northern Rare Earth Group 北方稀土 Leadership study meeting at Huamei Company, "
        "16 December 2025 Baogang Group 包钢集团 Baogang Party Committee study forum on the Eight-point "
        "Regulation, 27-28 March 2025, 2025-03-27 264 Liu Peixun China Tightens the Screws"
    ) in page  # 264 days after the parent's forum; Liu Peixun holds posts in both


def test_every_fact_names_its_source_and_the_source_page_lists_it(
    built: alignkg.BuildReport, site: Path
) -> None:
    page = (site / "entity/meng-fanying.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr id="([^"]+)">(.*?)</tr>', page)
    # her class, label and description, an alias, two posts from two sources each: 8 about her;
    # 8 meetings she chaired and 5 she attended name her
    assert len(rows) == 21
    named = set()
    for anchor, row in rows:
        found = re.findall(r'href="\.\./source/([^"#]+)\.html#([^"]+)"', row)
        assert [a for _, a in found] == [anchor], row
        named.add(found[0][0])
        assert f'<tr id="{anchor}">' in (site / f"source/{found[0][0]}.html").read_text(encoding="utf-8")
    with (DATA / "statements.csv").open(encoding="utf-8", newline="") as table:
        stated = {r["source"] for r in csv.DictReader(table) if "meng-fanying" in (r["subject"], r["object"])}
    assert named == stated | {"baogang-directives-article"}  # and the source that introduces her
    holds = next(row for _, row in rows if ">holds<" in row)
    assert (
        "Opening paragraph" in holds and "Introduced with the titles Party Secretary and Chairman." in holds
    )
    source = (site / "source/baogang-directives-article.html").read_text(encoding="utf-8")
    expected = sum(1 for _ in built.dataset.graph(GRAPH["baogang-directives-article"]))
    assert source.count("<tr id=") == expected


def test_no_internal_link_is_broken(site: Path) -> None:
    checked, broken = broken_links(site)
    assert checked > 1_500
    assert broken == []


def test_inferred_facts_are_shown_apart(tmp_path: Path) -> None:
    dataset = alignkg.build_graph().dataset
    alignkg.infer(dataset)
    alignkg.write_site(dataset, tmp_path / "site")
    page = text(tmp_path / "site", "entity/baogang-group.html")
    asserted = page[: page.index("Inferred by reasoning")]
    inferred = page[page.index("Inferred by reasoning") :]
    assert "is a Formal organization" in inferred  # from ak:Enterprise ⊑ org:FormalOrganization
    assert "is a Formal organization" not in asserted
    assert "has sub-organization China Northern Rare Earth Group" in inferred
    assert broken_links(tmp_path / "site")[1] == []


def test_a_quote_on_the_statement_record_is_shown(tmp_path: Path) -> None:
    dataset = alignkg.build_graph().dataset
    meta = dataset.graph(GRAPH["meta"])
    record = next(
        st
        for st in meta.subjects(RDF.object, ID["post-baogang-chairman"])
        if (st, RDF.subject, ID["meng-fanying"]) in meta
    )
    add_quote(dataset, record, "our own short quote")
    alignkg.write_site(dataset, tmp_path / "site")
    page = (tmp_path / "site/entity/meng-fanying.html").read_text(encoding="utf-8")
    assert page.count("<q>our own short quote</q>") == 1
    source = (tmp_path / "site/source/baogang-directives-article.html").read_text(encoding="utf-8")
    assert "<q>our own short quote</q>" in source


def search_index(site: Path) -> dict[str, list[list[object]]]:
    script = (site / "assets/search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.alignkgSearch = ") and script.endswith(";\n")
    return json.loads(script.removeprefix("window.alignkgSearch = ").removesuffix(";\n"))  # type: ignore[no-any-return]


def test_search_index_has_both_labels_aliases_and_pinyin(tmp_path: Path) -> None:
    dataset = alignkg.build_graph().dataset
    graph = dataset.graph(GRAPH["baogang-directives-article"])
    graph.add((ID["baogang-group"], SKOS.altLabel, Literal("Baotou Steel", lang="en")))
    alignkg.write_site(dataset, tmp_path / "site")
    entries = {row[1]: row for row in search_index(tmp_path / "site")["entries"]}
    assert entries["meng-fanying"][2:6] == ["Meng Fanying", "孟繁英", "", "mengfanying"]  # an alias
    assert entries["baogang-group"][2:6] == [
        "Baogang Group",
        "包钢集团",
        "Baotou Iron and Steel Group|Baotou Steel|Baotou Steel Group",
        "baogangjituan",
    ]
    assert entries["li-xiao"][3:6] == ["", "", ""]
    assert entries["baogang-directives-article"][0] == 1  # sources are searchable too


def test_same_graph_gives_the_same_bytes_on_every_store(
    built: alignkg.BuildReport, site: Path, tmp_path: Path, oxigraph_server: str
) -> None:
    trig = next(p for p in built.files if p.suffix == ".trig")
    alignkg.write_site(built.dataset, tmp_path / "again")
    alignkg.write_site(built.dataset, tmp_path / "again", workers=2)  # over the first, in two processes
    with alignkg.open_store("oxigraph") as store:
        store.load(trig)
        alignkg.write_site(store, tmp_path / "oxigraph")
    alignkg.push(trig, endpoint=oxigraph_server)
    with alignkg.open_store(f"sparql:{oxigraph_server}") as remote:
        alignkg.write_site(remote, tmp_path / "sparql")
    expected = files(site)
    for other in ("again", "oxigraph", "sparql"):
        assert files(tmp_path / other) == expected, other


def test_every_page_forbids_requests_and_loads_only_its_own_files(site: Path) -> None:
    for path in site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert [m.replace("&#39;", "'") for m in CSP_META.findall(page)] == [CSP], path
        assert re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:|//)""", page, re.I) is None, path
    assert "default-src 'none'" in CSP and "connect-src" not in CSP


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_values_stay_text(tmp_path: Path, payload: str) -> None:
    out = tmp_path / "site"
    alignkg.write_site(hostile_dataset(payload), out, title=payload)
    pages = {
        name: data.decode("utf-8") for name, data in files(out).items() if name.endswith((".html", ".js"))
    }
    for name, page in pages.items():
        if name.startswith("assets/") and name != "assets/search-index.js":
            continue
        if payload.startswith("javascript:"):
            assert re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", page, re.I) is None, name
        else:
            assert payload not in page, name
    hostile = pages["entity/hostile.html"]
    assert "javascript:alert(1)" in text(out, "entity/hostile.html")  # the odd IRI shown as text
    assert hostile.count("<script") == 3  # the network's data, vis-network and the site's script
    assert broken_links(out)[1] == []


def test_a_hub_draws_its_first_neighbours_and_says_how_many_there_are(tmp_path: Path) -> None:
    graph_file = tmp_path / "synth.nq"
    write_synthetic(graph_file, enterprises=100)
    with alignkg.open_store("oxigraph") as store:
        store.load(graph_file)
        alignkg.write_site(store, tmp_path / "site")
    page = (tmp_path / "site/entity/synth-publication-0.html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script id="network-data" type="application/json">(.*?)</script>', page).group(1)
    )  # type: ignore[union-attr]
    assert len(data["nodes"]) == NETWORK_LIMIT + 1
    assert data["focus"] == "akid:synth-publication-0"
    assert f"The first {NETWORK_LIMIT} of 50 neighbours by id are drawn" in page
    assert text(tmp_path / "site", "entity/synth-publication-0.html").count("reported by") == 50


class CountingStore(OxigraphStore):
    """An Oxigraph store that counts the queries it answers."""

    queries = 0

    def query(self, text: str, *, name: str = "query") -> alignkg.QueryResult:
        self.queries += 1
        return super().query(text, name=name)


@pytest.mark.parametrize("enterprises", [3, 30])
def test_the_whole_graph_is_read_in_a_fixed_number_of_queries(tmp_path: Path, enterprises: int) -> None:
    graph_file = tmp_path / "synth.nq"
    write_synthetic(graph_file, enterprises=enterprises)
    store = CountingStore()
    store.load(graph_file)
    steps: list[tuple[str, int, int]] = []
    summary = alignkg.write_site(store, tmp_path / "site", progress=lambda *step: steps.append(step))
    assert store.queries == QUERY_COUNT
    assert summary.entities == len(list((tmp_path / "site/entity").iterdir()))
    assert steps[-1] == (
        "writing pages",
        summary.entities + summary.sources,
        summary.entities + summary.sources,
    )
    if enterprises == 3:
        assert broken_links(tmp_path / "site")[1] == []


def test_a_folder_alignkg_did_not_write_is_never_replaced(built: alignkg.BuildReport, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(alignkg.AlignkgError, match="not a site written by alignkg"):
        alignkg.write_site(built.dataset, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_failed_rebuild_leaves_the_previous_site(
    built: alignkg.BuildReport, site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    alignkg.write_site(built.dataset, out)
    before = files(out)

    def fail_at_the_end(what: str, done: int, total: int) -> None:
        if what == "writing pages" and done == total:
            raise KeyboardInterrupt

    changed = alignkg.build_graph().dataset
    changed.graph(GRAPH["baogang-directives-article"]).add((ID["li-xiao"], SKOS.altLabel, Literal("X")))
    with pytest.raises(KeyboardInterrupt):
        alignkg.write_site(changed, out, progress=fail_at_the_end)
    assert files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left behind


def test_cli_writes_the_site(built: alignkg.BuildReport, tmp_path: Path) -> None:
    trig = str(next(p for p in built.files if p.suffix == ".trig"))
    result = runner.invoke(
        app, ["site", "--graph", trig, "--out", str(tmp_path / "site"), "--title", "Our graph"]
    )
    assert result.exit_code == 0, result.output
    assert "202 entity pages and 41 source pages" in result.stdout
    assert f"wrote {tmp_path / 'site' / 'index.html'}" in result.stdout
    assert "<title>Index · Our graph</title>" in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x", encoding="utf-8")
    refused = runner.invoke(app, ["site", "--graph", trig, "--out", str(tmp_path / "other")])
    assert refused.exit_code == 1
    assert "not a site written by alignkg" in refused.stderr


def test_the_docs_show_the_screenshots_they_name() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs"
    named = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (docs / "site.md").read_text(encoding="utf-8"))
    assert named == ["images/site-entity.png", "images/site-directive.png"]
    for name in named:
        assert (docs / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name


def test_a_rebuild_over_an_older_site_equals_a_fresh_build(
    built: alignkg.BuildReport, tmp_path: Path
) -> None:
    alignkg.write_site(built.dataset, tmp_path / "site")
    old_page = (tmp_path / "site" / "entity/xi-jinping.html").stat().st_ino
    changed = alignkg.build_graph().dataset
    changed.graph(GRAPH["baogang-directives-article"]).add((ID["li-xiao"], SKOS.altLabel, Literal("Xiao Li")))
    alignkg.write_site(changed, tmp_path / "site", workers=2)
    alignkg.write_site(changed, tmp_path / "fresh")
    assert files(tmp_path / "site") == files(tmp_path / "fresh")
    assert "Also known as: Xiao Li" in text(tmp_path / "site", "entity/li-xiao.html")
    assert (tmp_path / "site" / "entity/xi-jinping.html").stat().st_ino == old_page  # linked, not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "site"]
