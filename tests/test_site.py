"""``alignkg site``: the static site's pages by class, every fact with its source, inferred facts
apart, quotes, the search index with pinyin, no broken internal link, byte-identical rebuilds on
every store, escaped hostile data, a policy that lets no request leave, and safe replacement."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, SKOS
from typer.testing import CliRunner

import alignkg
from alignkg.builder.synth import write_synthetic
from alignkg.cli import app
from alignkg.model.terms import GRAPH, ID
from alignkg.stores.oxigraph import OxigraphStore
from alignkg.views.site import CSP, MARKER
from alignkg.views.site_data import QUERY_COUNT
from alignkg.views.site_network import NETWORK_LIMIT
from sitekit import PAYLOADS, add_quote, broken_links, files, hostile_dataset

runner = CliRunner()
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


@pytest.fixture(scope="module")
def site(built: alignkg.BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    alignkg.write_site(built.dataset, out)
    return out


def text(site: Path, page: str) -> str:
    """A page's text with the tags removed and spaces collapsed, entities decoded."""
    import html

    raw = (site / page).read_text(encoding="utf-8")
    raw = re.sub(r"<script.*?</script>", " ", raw, flags=re.S)
    raw = re.sub(r"</?(?:a|span|q|code|time)\b[^>]*>", "", raw)  # inline: no space of their own
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def test_a_page_per_entity_and_source_at_stable_paths(built: alignkg.BuildReport, site: Path) -> None:
    entities = {p.stem for p in (site / "entity").glob("*.html")}
    assert len(entities) == alignkg.to_networkx(built.dataset).number_of_nodes()
    assert {"meng-fanying", "baogang-group", "directive-xi-dingri-earthquake"} <= entities
    sources = {p.stem for p in (site / "source").glob("*.html")}
    assert sources == {"baogang-directives-article", "bg-ccdi-fourth-plenary", "bg-dingri-earthquake"} | {
        "bg-northern-rare-earth-subsidiary"
    }
    for name in ("index.html", "search.html", "assets/vis-network.min.js", "assets/search-index.js", MARKER):
        assert (site / name).is_file(), name


def test_index_lists_each_kind_with_counts_and_meetings_by_month(site: Path) -> None:
    index = text(site, "index.html")
    for kind, count in (
        ("Enterprises", 2),
        ("People", 3),
        ("Meetings", 2),
        ("Directives", 2),
        ("Sources", 4),
    ):
        assert f"{kind} {count}" in index, kind
    assert "Meetings by month 2025-01 1" in index
    assert "date unknown 1" in index  # the similar meeting at the subsidiary has no date
    meetings = text(site, "list/meetings.html")
    assert "2025-01 2025-01-09 Baogang Party Standing Committee meeting of 9 January 2025" in meetings


def test_person_page_shows_posts_meetings_and_both_labels(site: Path) -> None:
    page = text(site, "entity/meng-fanying.html")
    assert page.count("Meng Fanying 孟凡英") >= 2  # heading, and every link to him
    assert "Chairman of Baogang Group 包钢集团董事长 Baogang Group 包钢集团 Baogang Group 包钢集团" in page
    assert "Party Secretary of Baogang Group 包钢集团党委书记 Baogang Group Party Committee" in page
    assert "Meetings chaired 1 date meeting body enterprise 2025-01-09 Baogang Party Standing" in page
    assert "2025-01-09 chairs meeting" in page  # the timeline


def test_enterprise_page_shows_bodies_officers_meetings_directives_and_subsidiaries(site: Path) -> None:
    page = text(site, "entity/baogang-group.html")
    assert "Bodies 2" in page and "Baogang Group Party Standing Committee 包钢集团党委常委会" in page
    assert (
        "Officers 4" in page
        and "General Manager of Baogang Group 包钢集团总经理 Baogang Group 包钢集团 Li Xiao" in page
    )
    assert "Meetings 1" in page
    followed = page[page.index("Directives followed") : page.index("Subsidiaries")]
    assert "Xi Jinping's address to the 20th CCDI Xi Jinping 习近平 2025-01-06" in followed
    assert followed.endswith(
        "2025-01-09 3 Xi Jinping's guidance on the Dingri earthquake response "
        "Xi Jinping 习近平 2025-01-07 Baogang Party Standing Committee meeting of "
        "9 January 2025 2025-01-09 2 "
    )
    assert "Subsidiaries 1 enterprise China Northern Rare Earth Group 北方稀土" in page


def test_meeting_page_shows_date_body_people_directives_and_priorities(site: Path) -> None:
    page = text(site, "entity/meeting-baogang-2025-01-09.html")
    for part in (
        "Date 2025-01-09",
        "Convened by Baogang Group Party Standing Committee 包钢集团党委常委会",
        "Enterprise Baogang Group 包钢集团",
        "Chaired by Meng Fanying 孟凡英",
        "Attended by Li Xiao",
        "Directives studied 2",
        "Priorities and measures 3",
        "1 Translating national directives into corporate action",
        "Tailor national policies to the company's operations",
    ):
        assert part in page, part


def test_directive_page_shows_issuer_occasion_date_and_cascade(site: Path) -> None:
    page = text(site, "entity/directive-xi-dingri-earthquake.html")
    assert "Issued by Xi Jinping 习近平" in page
    assert "Date 2025-01-07" in page
    assert "Occasion Dingri County earthquake (January 2025), 2025-01-07" in page
    assert (
        "Cascade 1 Studied at 1 meeting of 1 enterprise. First response after 2 days; median lag 2 days"
        in page
    )
    assert (
        "1 2025-01-09 Baogang Group 包钢集团 Baogang Party Standing Committee meeting of 9 January 2025 2"
        in page
    )


def test_every_fact_names_its_source_and_the_source_page_lists_it(
    built: alignkg.BuildReport, site: Path
) -> None:
    page = (site / "entity/meng-fanying.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr id="([^"]+)">(.*?)</tr>', page)
    assert len(rows) == 7
    for anchor, row in rows:
        assert f'href="../source/baogang-directives-article.html#{anchor}"' in row
    holds = next(row for _, row in rows if ">holds<" in row)
    assert (
        "Opening paragraph" in holds and "Introduced with the titles Party Secretary and Chairman." in holds
    )
    source = (site / "source/baogang-directives-article.html").read_text(encoding="utf-8")
    expected = sum(1 for _ in built.dataset.graph(GRAPH["baogang-directives-article"]))
    assert source.count("<tr id=") == expected
    assert all(f'<tr id="{anchor}">' in source for anchor, _ in rows)


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
    assert entries["meng-fanying"][2:6] == ["Meng Fanying", "孟凡英", "", "mengfanying"]
    assert entries["baogang-group"][2:6] == ["Baogang Group", "包钢集团", "Baotou Steel", "baogangjituan"]
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
    assert "71 entity pages and 4 source pages" in result.stdout
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
