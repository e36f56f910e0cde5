"""The offline HTML view: no remote assets, vis-network inline, data strings escaped, and the
embedded graph data matching the networkx projection."""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import alignkg
from alignkg.views import view as alignkg_view

GRAPH_DATA = re.compile(r'<script id="graph-data" type="application/json">(.*?)</script>', re.DOTALL)

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
]


def graph_data(page: str) -> dict[str, Any]:
    """The JSON the page draws from (its script element with id "graph-data")."""
    found = GRAPH_DATA.findall(page)
    assert len(found) == 1, "expected exactly one graph-data script"
    data = json.loads(found[0])
    assert isinstance(data, dict)
    return data


def script_tags(page: str) -> tuple[int, int]:
    return len(re.findall(r"<script", page, re.IGNORECASE)), len(re.findall(r"</script", page, re.IGNORECASE))


def set_cells(path: Path, key: str, changes: dict[str, dict[str, str]]) -> None:
    """Change cells of the records whose ``key`` column matches, e.g. {"li-xiao": {"label_en": ...}}."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        records = list(reader)
    matched = set()
    for record in records:
        if record[key] in changes:
            record.update(changes[record[key]])
            matched.add(record[key])
    assert matched == set(changes), f"test bug: rows {set(changes) - matched} not found in {path.name}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


@pytest.fixture(scope="module")
def page(built: alignkg.BuildReport, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The view of the shipped data, as written to disk."""
    path = alignkg.write_view(built.dataset, tmp_path_factory.mktemp("view") / "alignkg.html")
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- offline


def test_page_references_no_remote_asset(page: str) -> None:
    remote_attribute = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
    assert remote_attribute.findall(page) == []
    assert re.findall(r"""url\(\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE) == []
    assert "@import" not in page
    assert re.findall(r"<link\b", page, re.IGNORECASE) == []
    assert re.findall(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE) == []


def test_page_inlines_vis_network(page: str) -> None:
    import pyvis

    library = next(Path(pyvis.__file__).parent.glob("templates/lib/vis-*/vis-network.min.js"))
    code = library.read_text(encoding="utf-8")
    # A long stretch of the library from its middle and its end appear verbatim in the page.
    middle = code[len(code) // 2 : len(code) // 2 + 4000]
    assert "</script" not in middle
    assert middle in page
    assert code.rstrip()[-200:].replace("</script", "<\\/script") in page
    assert "new vis.Network(" in page
    assert ".vis-network" in page  # its stylesheet too


def test_page_works_without_network_policy(page: str) -> None:
    """The page's content security policy forbids loading anything from elsewhere."""
    assert "default-src 'none'" in page


# --------------------------------------------------------------------------- data matches the projection


def test_embedded_counts_match_the_networkx_projection(built: alignkg.BuildReport, page: str) -> None:
    graph = alignkg.to_networkx(built.dataset)
    data = graph_data(page)
    assert graph.number_of_nodes() > 0
    assert graph.number_of_edges() > 0
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    assert Counter((e["from"], e["to"]) for e in data["edges"]) == Counter((s, t) for s, t in graph.edges())
    assert f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} relations" in page


def test_every_node_has_a_plain_text_tooltip(built: alignkg.BuildReport, page: str) -> None:
    graph = alignkg.to_networkx(built.dataset)
    for node in graph_data(page)["nodes"]:
        title = node["title"]
        assert isinstance(title, str), node["id"]
        assert "Class:" in title, node["id"]
        assert "Sources:" in title, node["id"]
        expected_sources = ", ".join(graph.nodes[node["id"]]["sources"])
        assert f"Sources: {expected_sources}" in title
        assert f"Class: {graph.nodes[node['id']]['class_label'] or 'unknown'}" in title


def test_legend_lists_each_class_present(built: alignkg.BuildReport, page: str) -> None:
    graph = alignkg.to_networkx(built.dataset)
    present = Counter(data.get("class_label") or "unknown" for _, data in graph.nodes(data=True))
    legend = graph_data(page)["classes"]
    assert {item["label"]: item["count"] for item in legend} == dict(present)
    assert "Meeting" in present
    styles = {(item["color"], item["shape"]) for item in legend}
    assert len(styles) == len(legend), "two classes share colour and shape"


def test_legend_and_nodes_agree_on_classes_and_groups(page: str) -> None:
    data = graph_data(page)
    legend = {item["id"]: item for item in data["classes"]}
    assert {node["cls"] for node in data["nodes"]} == set(legend)
    for node in data["nodes"]:
        style = legend[node["cls"]]
        assert (node["color"], node["shape"], node["kind"]) == (
            style["color"],
            style["shape"],
            style["group"],
        )
    groups = {g["key"]: g for g in data["groups"]}
    for item in data["classes"]:
        assert item["id"] in groups[item["group"]]["classes"]
        assert item["shape"] == groups[item["group"]]["shape"]
    # vis-network's own groups would repaint nodes with its palette when they are shown again
    assert all("group" not in node for node in data["nodes"])


# --------------------------------------------------------------------------- escaping


def hostile_view(project: Path, payload: str) -> tuple[str, alignkg.BuiltGraph]:
    """Put ``payload`` into every kind of data string the view shows, then write the view."""
    data = project / "data"
    set_cells(
        data / "entities.csv",
        "id",
        {
            "li-xiao": {"label_en": payload},
            "meng-fanying": {"description": payload},
            "xi-jinping": {"label_zh": payload},
        },
    )
    set_cells(data / "sources.csv", "id", {"rex-p3414": {"title": payload}})
    with (data / "statements.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                "priority-safety-risk",
                "ak:aim",
                "",
                payload,
                "",
                "en",
                "baogang-directives-article",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    built = alignkg.build_graph("data", "ontology/alignkg.ttl")
    path = alignkg.write_view(built.dataset, project / "hostile.html", title=payload)
    return path.read_text(encoding="utf-8"), built


@pytest.mark.parametrize("payload", PAYLOADS)
def test_data_strings_are_escaped(project: Path, page: str, payload: str) -> None:
    hostile, _ = hostile_view(project, payload)
    assert payload not in hostile
    assert script_tags(hostile) == script_tags(page)
    for marker in ("<img", "<svg", "<script>alert"):
        assert hostile.lower().count(marker.lower()) == page.lower().count(marker.lower()), marker


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_strings_still_reach_the_reader(project: Path, payload: str) -> None:
    """Escaping keeps the text: the JSON decodes to the payload and the HTML shows it as text."""
    hostile, _ = hostile_view(project, payload)
    nodes = {n["id"]: n for n in graph_data(hostile)["nodes"]}
    assert nodes["akid:li-xiao"]["label"] == payload
    assert payload in nodes["akid:meng-fanying"]["title"]
    assert nodes["akid:xi-jinping"]["label"] == f"Xi Jinping\n{payload}"
    assert payload in nodes["akid:priority-safety-risk"]["title"]
    sources = {item["id"]: item["title"] for item in graph_data(hostile)["sources"]}
    assert sources["aksrc:rex-p3414"] == payload
    (title,) = re.findall(r"<title>([^<]*)</title>", hostile)
    assert html.unescape(title) == payload


def test_view_of_a_loaded_build_matches_the_projection_of_the_file(
    built: alignkg.BuildReport, tmp_path: Path
) -> None:
    trig = next(p for p in built.files if p.suffix == ".trig")
    dataset = alignkg.load_dataset(trig)
    text = alignkg.write_view(dataset, tmp_path / "view.html").read_text(encoding="utf-8")
    graph = alignkg.to_networkx(dataset)
    data = graph_data(text)
    assert (
        len(data["nodes"]) == graph.number_of_nodes() == alignkg.to_networkx(built.dataset).number_of_nodes()
    )
    assert len(data["edges"]) == graph.number_of_edges()


# --------------------------------------------------------------------------- selections, layout, limits


def test_default_title_says_what_is_shown_from_which_sources_and_when(
    built: alignkg.BuildReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1736380800")  # 2025-01-09
    text = alignkg.write_view(built.dataset, tmp_path / "v.html", focus="孟繁英", depth=2).read_text("utf-8")
    (title,) = re.findall(r"<title>([^<]*)</title>", text)
    title = html.unescape(title)
    assert "the neighbourhood of Meng Fanying (akid:meng-fanying) within 2 steps" in title
    assert "aksrc:baogang-directives-article" in title
    assert "built 2025-01-09" in title
    (subtitle,) = re.findall(r'<p id="subtitle">([^<]*)</p>', text)
    assert html.unescape(subtitle).startswith("The neighbourhood of Meng Fanying")
    assert "Built 2025-01-09." in subtitle
    data = graph_data(text)
    expected = alignkg.to_networkx(built.dataset, focus="Meng Fanying", depth=2)
    assert {n["id"] for n in data["nodes"]} == set(expected.nodes)
    assert data["focus"] == "akid:meng-fanying"


def test_same_input_gives_byte_identical_pages(
    built: alignkg.BuildReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1736380800")
    first = alignkg.write_view(built.dataset, tmp_path / "a.html").read_bytes()
    assert alignkg.write_view(built.dataset, tmp_path / "b.html").read_bytes() == first
    large = large_graph(600)
    assert alignkg.render_view(large) == alignkg.render_view(large)


def test_statements_with_evidence_travel_with_the_page(built: alignkg.BuildReport, page: str) -> None:
    rows = graph_data(page)["statements"]
    assert len(rows) == len(alignkg.to_networkx(built.dataset).graph["statements"])
    holds = [r for r in rows if r[0] == "akid:meng-fanying" and r[1] == "holds"]
    assert {r[3] for r in holds} == {
        "aksrc:baogang-directives-article",
        "aksrc:rex-baogang-strategic-alignment",
    }
    assert all(r[5] for r in holds)


def test_edges_are_labelled_by_property_label(page: str) -> None:
    labels = {e["label"] for e in graph_data(page)["edges"]}
    assert "holds" in labels
    assert not any(":" in label for label in labels)


def large_graph(nodes: int) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for i in range(nodes):
        graph.add_node(f"akid:n{i}", label=f"Entity {i}", class_label=f"Class {i % 5}", sources=["aksrc:s"])
    for i in range(nodes):
        graph.add_edge(f"akid:n{i}", f"akid:n{(i * 7 + 1) % nodes}", key="p", label="p", sources=["aksrc:s"])
    return graph


def test_small_graphs_use_physics_and_large_ones_precomputed_positions(built: alignkg.BuildReport) -> None:
    small = graph_data(alignkg.render_view(built.dataset, classes=["Person", "org:Post"]))  # no chains
    assert small["layout"] == "physics"
    assert small["options"]["physics"]["stabilization"]["enabled"] is True
    assert all("x" not in n for n in small["nodes"])
    large = graph_data(alignkg.render_view(large_graph(alignkg_view.PHYSICS_LIMIT + 1)))
    assert large["layout"] == "precomputed"
    assert large["options"]["physics"] == {"enabled": False}
    positions = {(n["x"], n["y"]) for n in large["nodes"]}
    assert all(isinstance(x, int) and isinstance(y, int) for x, y in positions)
    assert len(positions) > 0.9 * len(large["nodes"])  # spread out, not piled up
    assert large["options"]["edges"]["arrows"]["to"]["enabled"] is True  # 301 edges: still drawn in full
    assert large["options"]["interaction"]["hover"] is True
    assert all("label" in e for e in large["edges"])


def test_many_edges_move_labels_and_direction_into_tooltips() -> None:
    graph = large_graph(alignkg_view.EDGE_LABEL_LIMIT + 1)
    data = graph_data(alignkg.render_view(graph))
    assert data["options"]["edges"]["arrows"]["to"]["enabled"] is False
    assert data["options"]["interaction"]["hover"] is False
    assert all("label" not in e for e in data["edges"])
    assert data["edges"][0]["title"] == "Entity 0 → p → Entity 1\nSources: aksrc:s"


def test_too_large_a_graph_is_refused_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"350 entities.*at most 300.*--focus.*--source.*--class"):
        alignkg.write_view(large_graph(350), tmp_path / "big.html", max_nodes=300)
    assert not (tmp_path / "big.html").exists()


def test_selection_options_need_a_dataset() -> None:
    with pytest.raises(alignkg.AlignkgError, match="select before projecting"):
        alignkg.render_view(large_graph(3), focus="Entity 1")


@pytest.mark.parametrize("payload", [*PAYLOADS, "javascript:alert(1)"])
def test_payloads_in_ids_and_headings_stay_data(payload: str) -> None:
    graph = nx.MultiDiGraph(shown=payload, sources={payload: payload})
    graph.add_node(payload, label=payload, class_label=payload, description=payload, sources=[payload])
    graph.add_edge(payload, payload, key="p", label=payload, sources=[payload])
    text = alignkg.render_view(graph, title=payload)
    if payload.startswith("javascript:"):
        assert re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", text, re.IGNORECASE) is None
    else:
        assert payload not in text
    data = graph_data(text)
    assert data["nodes"][0]["id"] == data["nodes"][0]["label"] == payload
    assert data["edges"][0]["label"] == payload
    assert script_tags(text) == script_tags(alignkg.render_view(large_graph(2)))


# --------------------------------------------------------------------------- styles from the ontology


GROUP_OF = {
    "foaf:Person": "people",
    "ak:StateOwnedEnterprise": "organisations",
    "ak:PartyStandingCommittee": "organisations",
    "ak:CompanyGroup": "organisations",
    "ak:PartySecretary": "posts",
    "ak:StatePost": "posts",
    "ak:Meeting": "events",
    "ak:Earthquake": "events",
    "ak:NationalDirective": "directives",
    "ak:Priority": "priorities",
    "ak:Measure": "priorities",
    "ak:Caveat": "assessments",
    "ak:Recommendation": "assessments",
    "ak:Sector": "places",
    "schema:AdministrativeArea": "places",
}


def styles_of(page: str) -> dict[str, tuple[str, str, str]]:
    return {c["id"]: (c["color"], c["shape"], c["group"]) for c in graph_data(page)["classes"]}


def test_classes_fall_into_groups_by_their_superclasses(page: str) -> None:
    styles = styles_of(page)
    assert {cls: styles[cls][2] for cls in GROUP_OF} == GROUP_OF
    groups = graph_data(page)["groups"]
    assert [g["key"] for g in groups] == [
        "people",
        "organisations",
        "posts",
        "events",
        "directives",
        "priorities",
        "assessments",
        "places",
    ]
    # one colour and shape per group, a shade of the colour per class
    for group in groups:
        shapes = {styles[c][1] for c in group["classes"]}
        assert shapes == {group["shape"]}
        shades = [styles[c][0] for c in group["classes"]]
        assert len(set(shades)) == len(shades)
    assert len(groups) == 8 < len(styles)


@pytest.mark.parametrize(
    "selection",
    [
        {"sources": ["baogang-directives-article"]},
        {"sources": ["chinastsi-ccdi-fourth-plenary"]},
        {"focus": "Meng Fanying", "depth": 2},
        {"focus": "meeting-baogang-2025-01-09"},
        {"classes": ["Person", "ak:Meeting"]},
        {"query": "priority-measures"},
        {"query": "dual-posts"},
    ],
)
def test_a_class_looks_the_same_in_every_view(built: alignkg.BuildReport, page: str, selection: Any) -> None:
    whole = styles_of(page)
    part = styles_of(alignkg.render_view(built.dataset, **selection))
    assert part, selection
    assert {cls: whole[cls] for cls in part} == part


def test_styles_travel_with_a_projected_graph(built: alignkg.BuildReport, page: str) -> None:
    graph = alignkg.to_networkx(built.dataset, focus="Li Xiao")
    assert styles_of(alignkg.render_view(graph)).items() <= styles_of(page).items()


def test_classes_no_ontology_knows_still_keep_one_style() -> None:
    first = styles_of(alignkg.render_view(large_graph(10)))
    again = styles_of(alignkg.render_view(large_graph(3)))
    assert {c: first[c] for c in again} == again
    assert {s[2] for s in first.values()} == {"other"}


# --------------------------------------------------------------------------- what the header says


def test_headers_say_what_the_page_shows_in_the_right_number(built: alignkg.BuildReport) -> None:
    def subtitle(**selection: Any) -> str:
        text = alignkg.render_view(built.dataset, **selection)
        return html.unescape(re.findall(r'<p id="subtitle">([^<]*)</p>', text)[0])

    one_source = subtitle(sources=["chinastsi-ccdi-fourth-plenary"])
    assert one_source.startswith("The facts of source aksrc:chinastsi-ccdi-fourth-plenary: ")
    assert "from 1 source (aksrc:chinastsi-ccdi-fourth-plenary)" in one_source
    assert "All entities" not in one_source and "1 sources" not in one_source
    assert subtitle().startswith("All entities: 202 entities, 349 relations from 41 sources")
    assert subtitle(focus="Meng Fanying", depth=0).startswith(
        "The neighbourhood of Meng Fanying (akid:meng-fanying) within 0 steps: 1 entity, 0 relations"
    )
    assert subtitle(query="sector-entities").startswith("The answer to query 'sector-entities': ")


# --------------------------------------------------------------------------- layouts and zoom


def test_chains_open_as_a_timeline_and_other_selections_with_physics(
    built: alignkg.BuildReport, page: str
) -> None:
    assert graph_data(page)["layout"] == "timeline"  # the shipped graph is mostly meetings and their chains
    assert (
        graph_data(alignkg.render_view(built.dataset, classes=["Person", "ak:Meeting"]))["layout"]
        == "physics"
    )
    data = graph_data(alignkg.render_view(built.dataset, query="priority-measures"))
    assert data["layout"] == "timeline"
    assert data["options"]["physics"] == {"enabled": False}
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    forced = graph_data(alignkg.render_view(built.dataset, layout=alignkg_view.Layout.timeline))
    assert forced["layout"] == "timeline" and len(forced["nodes"]) == 202
    assert len({(n["x"], n["y"]) for n in forced["nodes"]}) == 202  # no two nodes on one spot


def test_the_timeline_runs_left_to_right_in_time(built: alignkg.BuildReport) -> None:
    timeline = alignkg_view.Layout.timeline
    data = graph_data(
        alignkg.render_view(built.dataset, focus="meeting-baogang-2025-01-09", depth=2, layout=timeline)
    )
    x = {n["id"]: n["x"] for n in data["nodes"]}
    y = {n["id"]: n["y"] for n in data["nodes"]}
    session, ccdi = x["akid:ccdi-20th-fourth-plenary"], x["akid:directive-xi-ccdi-address"]
    quake, dingri = x["akid:dingri-earthquake-2025"], x["akid:directive-xi-dingri-earthquake"]
    meeting = x["akid:meeting-baogang-2025-01-09"]
    priorities = {x[n] for n in x if n.startswith("akid:priority-")}
    measures = {x[n] for n in x if n.startswith("akid:measure-")}
    # the 6-8 January session and the address given there, then the 9 January meeting; the
    # earthquake and its guidance have no date of their own and stand before the meeting that studied it
    assert session < ccdi < meeting < min(priorities) and quake < dingri < meeting
    assert max(priorities) < min(measures)
    assert (
        sum(n.startswith("akid:priority-") for n in x) == 3
        and sum(n.startswith("akid:measure-") for n in x) == 9
    )
    assert x["akid:meeting-baogang-2024-12-23"] < session and meeting < x["akid:meeting-baogang-2025-02-26"]
    # people, bodies and posts above the chain; claims, themes and places below it
    chain = {n for n in x if n.split(":")[1].startswith(("meeting-b", "directive-", "priority-", "measure-"))}
    assert max(y[n] for n in ("akid:meng-fanying", "akid:li-xiao")) < min(y[n] for n in chain)
    assert min(y[n] for n in x if n.startswith("akid:theme-")) > max(y[n] for n in chain)


def test_the_page_opens_readable(page: str) -> None:
    data = graph_data(page)
    assert data["readable"] * data["options"]["nodes"]["font"]["size"] >= 12
    assert data["start"] == "akid:meeting-baogang-2024-12-20"  # a timeline opens on its first meeting
    assert 'id="panel"' in page and 'id="filters"' in page


# --------------------------------------------------------------------------- the documentation

ROOT = Path(__file__).resolve().parent.parent


def test_docs_give_each_group_its_colour_and_shape() -> None:
    from alignkg.views.styles import GROUPS, OTHER

    text = (ROOT / "docs" / "views.md").read_text(encoding="utf-8")
    for group in (*GROUPS, OTHER):
        row = next(line for line in text.splitlines() if line.startswith(f"| {group.label} |"))
        assert f"`{group.color}`" in row, group.label
        assert group.shape.replace("triangleDown", "triangle down") in row, group.label


def test_view_examples_name_queries_that_exist() -> None:
    shipped = {q.name for q in alignkg.shipped_queries()}
    for doc in (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))):
        for name in re.findall(r"alignkg view [^\n`]*--query ([^\s`]+)", doc.read_text(encoding="utf-8")):
            assert name in shipped or name == "my-question.rq", f"{doc.name}: no query {name!r}"
