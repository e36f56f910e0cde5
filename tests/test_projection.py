"""The networkx projection: what becomes a node, an edge or an attribute, and each way of narrowing
it (sources, classes, the neighbourhood of an entity, a query's answer)."""

from __future__ import annotations

import networkx as nx
import pytest

import alignkg


@pytest.fixture(scope="module")
def whole(built: alignkg.BuildReport) -> nx.MultiDiGraph:
    return alignkg.to_networkx(built.dataset)


def test_entities_are_nodes_and_literals_are_attributes(
    built: alignkg.BuildReport, whole: nx.MultiDiGraph
) -> None:
    entities = alignkg.query(
        built.dataset, "SELECT DISTINCT ?e WHERE { ?e a ?c FILTER(STRSTARTS(STR(?e), STR(akid:))) }"
    )
    assert set(whole.nodes) == set(entities["e"])
    meeting = whole.nodes["akid:meeting-baogang-2025-01-09"]
    assert meeting["class"] == "ak:Meeting"
    assert "2025-01-09" in meeting["attributes"].values()
    assert all(str(node).startswith("akid:") for node in whole.nodes)
    # her Chinese name comes from a statement with its own source, as an alternative label
    assert whole.nodes["akid:meng-fanying"]["labels"] == {"en": "Meng Fanying", "zh": "孟繁英"}
    assert whole.nodes["akid:meng-fanying"]["attributes"]["alternative label"] == "孟繁英"


def test_edges_carry_property_labels_and_sources(whole: nx.MultiDiGraph) -> None:
    data = whole.get_edge_data("akid:meng-fanying", "akid:post-baogang-party-secretary")
    assert data is not None
    (edge,) = data.values()
    assert edge["predicate"] == "org:holds"
    assert edge["label"] == "holds"
    assert edge["sources"] == ["aksrc:baogang-directives-article", "aksrc:rex-baogang-strategic-alignment"]
    assert edge["source"] == "aksrc:baogang-directives-article"


def test_graph_says_what_it_shows_and_carries_statement_records(whole: nx.MultiDiGraph) -> None:
    assert whole.graph["shown"] == "all entities"
    assert len(whole.graph["sources"]) == 41 and "aksrc:people-xi-panchen" in whole.graph["sources"]
    records = whole.graph["statements"]
    assert len(records) == 457  # one per row of data/statements.csv
    holds = [r for r in records if r["subject"] == "akid:meng-fanying" and r["predicate"] == "org:holds"]
    assert holds and all(r["evidence"] and r["source"].startswith("aksrc:") for r in holds)
    assert holds[0]["predicate_label"] == "holds"


def test_one_source(built: alignkg.BuildReport) -> None:
    graph = alignkg.to_networkx(built.dataset, sources=["chinastsi-ccdi-fourth-plenary"])
    assert set(graph.graph["sources"]) == {"aksrc:chinastsi-ccdi-fourth-plenary"}
    assert "akid:ccdi-20th-fourth-plenary" in graph
    assert "akid:meng-fanying" not in graph
    assert {r["source"] for r in graph.graph["statements"]} == {"aksrc:chinastsi-ccdi-fourth-plenary"}


def test_unknown_source_lists_the_known_ones(built: alignkg.BuildReport) -> None:
    with pytest.raises(
        alignkg.AlignkgError, match=r"no source 'aksrc:nope'.*aksrc:chinastsi-ccdi-fourth-plenary"
    ):
        alignkg.to_networkx(built.dataset, sources=["nope"])


@pytest.mark.parametrize(
    "names", [["Person"], ["foaf:Person"], ["http://xmlns.com/foaf/0.1/Person"], ["person"]]
)
def test_classes_by_id_iri_or_label(
    built: alignkg.BuildReport, whole: nx.MultiDiGraph, names: list[str]
) -> None:
    graph = alignkg.to_networkx(built.dataset, classes=names)
    people = {n for n, d in whole.nodes(data=True) if d["class"] == "foaf:Person"}
    assert set(graph.nodes) == people
    assert graph.graph["shown"] == "entities of class foaf:Person"


def test_several_classes_keep_the_edges_between_them(built: alignkg.BuildReport) -> None:
    graph = alignkg.to_networkx(built.dataset, classes=["Person", "ak:Meeting"])
    assert {d["class"] for _, d in graph.nodes(data=True)} == {"foaf:Person", "ak:Meeting"}
    assert graph.number_of_edges() > 0


def test_unknown_class_lists_the_classes(built: alignkg.BuildReport) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"no class 'Planet'.*Meeting \(ak:Meeting\)"):
        alignkg.to_networkx(built.dataset, classes=["Planet"])


@pytest.mark.parametrize(
    "name", ["akid:meng-fanying", "meng-fanying", "Meng Fanying", "孟繁英", "meng fanying"]
)
def test_focus_by_id_or_label_in_any_language(built: alignkg.BuildReport, name: str) -> None:
    graph = alignkg.to_networkx(built.dataset, focus=name, depth=1)
    assert graph.graph["focus"] == "akid:meng-fanying"
    assert "akid:post-baogang-party-secretary" in graph
    assert "akid:xi-jinping" not in graph
    assert graph.graph["shown"] == "the neighbourhood of Meng Fanying (akid:meng-fanying) within 1 step"


def test_focus_depth_widens_the_neighbourhood(built: alignkg.BuildReport, whole: nx.MultiDiGraph) -> None:
    sizes = [len(alignkg.to_networkx(built.dataset, focus="Meng Fanying", depth=d)) for d in range(4)]
    assert sizes[0] == 1
    assert sizes == sorted(sizes) and sizes[1] < sizes[3]
    undirected = nx.Graph(whole.to_undirected())
    expected = nx.single_source_shortest_path_length(undirected, "akid:meng-fanying", cutoff=2)
    assert set(alignkg.to_networkx(built.dataset, focus="Meng Fanying", depth=2).nodes) == set(expected)


def test_focus_that_matches_nothing_suggests_labels(built: alignkg.BuildReport) -> None:
    with pytest.raises(
        alignkg.AlignkgError,
        match=r"no entity 'Meng' in the graph; did you mean Meng Fanying \(akid:meng-fanying\)",
    ):
        alignkg.to_networkx(built.dataset, focus="Meng")


def test_focus_with_a_shared_label_names_the_candidates(whole: nx.MultiDiGraph) -> None:
    from alignkg.views.projection import match_node

    graph = whole.copy()
    graph.nodes["akid:li-xiao"]["labels"] = {"en": "Meng Fanying"}
    with pytest.raises(alignkg.AlignkgError, match="several entities: akid:li-xiao, akid:meng-fanying"):
        match_node(graph, "Meng Fanying")


def test_construct_query(built: alignkg.BuildReport, whole: nx.MultiDiGraph) -> None:
    graph = alignkg.to_networkx(
        built.dataset, query="CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
    )
    holds = {(s, t) for s, t, k in whole.edges(keys=True) if k == "org:holds"}
    assert set(graph.edges()) == holds
    assert graph.nodes["akid:meng-fanying"]["label"] == "Meng Fanying"  # described as in the whole graph
    assert graph.graph["shown"] == "the answer to a query"


def test_select_query_with_edge_variables(built: alignkg.BuildReport) -> None:
    graph = alignkg.to_networkx(
        built.dataset,
        query="SELECT ?subject ?object ?when "
        "WHERE { ?subject ak:implements ?object . ?subject dcterms:date ?when }",
    )
    assert graph.number_of_edges() > 0
    assert all(d["label"] == "related" for _, _, d in graph.edges(data=True))
    assert "2025-01-09" in graph.nodes["akid:meeting-baogang-2025-01-09"]["attributes"].values()


def test_select_with_predicate_variable_uses_property_labels(built: alignkg.BuildReport) -> None:
    graph = alignkg.to_networkx(
        built.dataset, query="SELECT ?s ?p ?o WHERE { VALUES ?p { org:holds } ?s ?p ?o }"
    )
    assert {d["label"] for _, _, d in graph.edges(data=True)} == {"holds"}


def test_select_of_entities_draws_them_and_the_relations_between_them(
    built: alignkg.BuildReport, whole: nx.MultiDiGraph
) -> None:
    graph = alignkg.to_networkx(built.dataset, query="SELECT ?x WHERE { ?x a foaf:Person }")
    people = {n for n, d in whole.nodes(data=True) if d["class"] == "foaf:Person"}
    assert set(graph.nodes) == people
    assert graph.nodes["akid:meng-fanying"]["label"] == "Meng Fanying"


def test_select_without_entities_explains_what_to_draw(built: alignkg.BuildReport) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"holds no entity .*\?n\)"):
        alignkg.to_networkx(built.dataset, query="SELECT (COUNT(*) AS ?n) WHERE { ?x a foaf:Person }")


def test_ask_query_has_nothing_to_draw(built: alignkg.BuildReport) -> None:
    with pytest.raises(alignkg.AlignkgError, match="ASK"):
        alignkg.to_networkx(built.dataset, query="ASK { ?x a foaf:Person }")


def test_projection_of_a_store_matches_the_dataset(
    built: alignkg.BuildReport, whole: nx.MultiDiGraph
) -> None:
    trig = next(p for p in built.files if p.suffix == ".trig")
    with alignkg.open_store("oxigraph") as store:
        store.load(trig)
        graph = alignkg.to_networkx(store)
    assert nx.utils.graphs_equal(graph, whole)
    assert graph.graph["statements"] == whole.graph["statements"]


# --------------------------------------------------------------------------- any shipped query


@pytest.mark.parametrize("name", [q.name for q in alignkg.shipped_queries()])
def test_every_shipped_query_draws_the_entities_it_is_about(
    built: alignkg.BuildReport, whole: nx.MultiDiGraph, name: str
) -> None:
    graph = alignkg.to_networkx(built.dataset, query=name)
    answered = len(alignkg.run_query(built.dataset, name).rows) > 0
    assert (graph.number_of_nodes() > 0) == answered  # background-statements: the data has no background
    for node, data in graph.nodes(data=True):
        if str(node).startswith("akid:"):
            assert node in whole and data["label"] == whole.nodes[node]["label"]
        else:
            assert node in whole.graph["sources"]  # the sources query draws the sources
    for s, o, key in graph.edges(keys=True):
        assert whole.has_edge(s, o, key)  # only relations the graph states
    assert graph.graph["shown"] == f"the answer to query {name!r}"


def test_a_select_of_labels_draws_the_labelled_entities(built: alignkg.BuildReport) -> None:
    graph = alignkg.to_networkx(built.dataset, query="meeting-participants")
    assert {"akid:meng-fanying", "akid:li-xiao", "akid:post-baogang-party-secretary"} <= set(graph.nodes)
    assert graph.has_edge("akid:meng-fanying", "akid:post-baogang-party-secretary", "org:holds")
    assert graph.nodes["akid:meng-fanying"]["attributes"]["role"] == "chair"


def test_computed_and_aggregated_columns_become_attributes(built: alignkg.BuildReport) -> None:
    lags = alignkg.to_networkx(built.dataset, query="directive-lag")
    assert (
        lags.nodes["akid:meeting-baogang-2025-01-09"]["attributes"]["lagDays"] == "1"
    )  # from the session's last day; the Dingri guidance has no date
    sources = alignkg.to_networkx(built.dataset, query="sources")
    assert sources.nodes["aksrc:chinastsi-ccdi-fourth-plenary"]["attributes"]["statements"] == "4"
    assert sources.nodes["aksrc:chinastsi-ccdi-fourth-plenary"]["group"] == "sources"


def test_query_parameters_take_labels_in_views(built: alignkg.BuildReport) -> None:
    graph = alignkg.to_networkx(built.dataset, query="entity-evidence", params={"entity": "Li Xiao"})
    assert "akid:li-xiao" in graph
    assert graph.nodes["akid:meeting-baogang-2025-01-09"]["label"].startswith("Baogang Party")
    with pytest.raises(alignkg.AlignkgError, match="did you mean Li Xiao"):
        alignkg.to_networkx(built.dataset, query="entity-evidence", params={"entity": "lixiao"})
    with pytest.raises(alignkg.AlignkgError, match="go with a query"):
        alignkg.to_networkx(built.dataset, params={"entity": "Li Xiao"})


def test_widening_a_select_keeps_its_groups_and_comments() -> None:
    from alignkg.queries.columns import about, widen_select

    text = (
        "PREFIX ex: <http://example.org/#x>\n# SELECT ?not this one\n"
        "SELECT ?name (COUNT(?m) AS ?n) WHERE { ?e rdfs:label ?name ; ex:group ?m } "
        "GROUP BY ?name ORDER BY ?name LIMIT 3"
    )
    assert about(text) == {"name": ["name", "e"], "n": ["n"]}
    wide = widen_select(text, ["e"])
    assert "(COUNT(?m) AS ?n)  ?e WHERE" in wide and "GROUP BY ?name  ?e ORDER BY" in wide
    assert "# SELECT ?not this one" in wide
    assert widen_select("SELECT * WHERE { ?s ?p ?o }", ["x"]) == "SELECT * WHERE { ?s ?p ?o }"
