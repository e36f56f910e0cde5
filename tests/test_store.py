"""Every store backend gives the same answers: rdflib in memory, Oxigraph in memory and on disk,
and a real Oxigraph SPARQL server reached over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

import alignkg
from alignkg import Store, open_store
from alignkg.model import terms

GOLDEN = Path(__file__).parent / "golden"
NAMES = [q.name for q in alignkg.shipped_queries()]
BACKENDS = ["memory", "oxigraph", "oxigraph:PATH", "sparql:URL"]


def oxigraph_form(node: Node | None) -> Node | None:
    """Oxigraph stores literals of derived integer types (xsd:positiveInteger, the offsets'
    xsd:nonNegativeInteger) as xsd:integer, keeping their value: the one difference a store on
    Oxigraph shows from rdflib."""
    if isinstance(node, Literal) and node.datatype in (XSD.positiveInteger, XSD.nonNegativeInteger):
        return Literal(str(node), datatype=XSD.integer)
    return node


def trig(built: alignkg.BuildReport) -> Path:
    return next(p for p in built.files if p.suffix == ".trig")


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, built: alignkg.BuildReport, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The built graph in each backend."""
    kind: str = request.param
    if kind == "sparql:URL":
        url: str = request.getfixturevalue("oxigraph_server")
        alignkg.push(trig(built), endpoint=url)
        opened = open_store(f"sparql:{url}")
    else:
        spec = kind.replace("PATH", str(tmp_path_factory.mktemp("oxigraph") / "store"))
        opened = open_store(spec)
        opened.load(trig(built))
    with opened:
        yield opened


@pytest.mark.parametrize("name", NAMES)
def test_golden_answer(store: Store, name: str) -> None:
    result = alignkg.run_query(store, name)
    expected = (GOLDEN / f"{name}.csv").read_text(encoding="utf-8")
    assert result.to_csv() == expected.replace("\r\n", "\n").replace("\n", "\r\n")


def test_json_results_match_rdflib(store: Store, built: alignkg.BuildReport) -> None:
    for name in ("directive-lag", "sources", "priority-measures"):
        expected = alignkg.run_query(built.dataset, name)
        if store.spec != "memory":
            expected.rows = [tuple(oxigraph_form(t) for t in row) for row in expected.rows]
        assert alignkg.run_query(store, name).to_json() == expected.to_json()


def test_parameter_is_bound(store: Store) -> None:
    frame = alignkg.query(store, "entity-evidence", {"entity": "li-xiao"})
    assert "Li Xiao" in set(frame["subject"]) | set(frame["object"])
    assert "Meng Fanying" not in set(frame["subject"])


def test_ask_and_construct(store: Store, built: alignkg.BuildReport) -> None:
    assert alignkg.run_query(store, "ASK { akid:meng-fanying org:holds akid:post-baogang-chairman }").boolean
    assert alignkg.run_query(store, "ASK { akid:meng-fanying org:holds akid:li-xiao }").boolean is False
    construct = "CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
    assert alignkg.run_query(store, construct).rows == alignkg.run_query(built.dataset, construct).rows


def test_named_graph_is_queryable(store: Store) -> None:
    frame = alignkg.query(
        store,
        "SELECT ?g WHERE { GRAPH ?g { akid:china-northern-rare-earth org:subOrganizationOf ?parent } }",
    )
    assert sorted(frame["g"]) == ["akg:rex-cnre-party-machine", "akg:rex-p10571", "akg:rex-p1581"]


def test_stats_and_graphs_match_the_build(store: Store, built: alignkg.BuildReport) -> None:
    stats = store.stats()
    assert stats.triples == built.triples == len(store)
    assert stats.triples_per_graph == built.triples_per_graph
    assert stats.entities_per_class == built.entities_per_class
    assert [terms.compact_iri(str(g)) for g in store.graphs()] == list(built.triples_per_graph)


def test_quads_are_those_of_the_build(store: Store, built: alignkg.BuildReport) -> None:
    form = (lambda n: n) if store.spec == "memory" else oxigraph_form
    expected = {(s, p, form(o), g) for s, p, o, g in built.dataset.quads()}
    assert set(store.quads()) == expected


def test_networkx_projection_is_the_same(store: Store, built: alignkg.BuildReport) -> None:
    ours, reference = alignkg.to_networkx(store), alignkg.to_networkx(built.dataset)
    assert sorted(ours.nodes(data="label")) == sorted(reference.nodes(data="label"))
    assert sorted(ours.edges(keys=True)) == sorted(reference.edges(keys=True))


def test_oxigraph_syntax_error_gives_the_users_line(tmp_path: Path) -> None:
    with open_store("oxigraph") as store, pytest.raises(alignkg.AlignkgError, match="query line 2, column"):
        alignkg.run_query(store, "SELECT ?s WHERE {\n  ?s nope:p ?o\n}")


def test_disk_store_reopens_without_reloading(built: alignkg.BuildReport, tmp_path: Path) -> None:
    path = tmp_path / "store"
    seen: list[tuple[int, int]] = []
    with open_store(f"oxigraph:{path}") as store:
        store.load(trig(built), progress=lambda done, total: seen.append((done, total)))
    size = trig(built).stat().st_size
    assert seen[-1] == (size, size)
    with open_store(f"oxigraph:{path}") as reopened:
        assert len(reopened) == built.triples
        assert len(alignkg.run_query(reopened, "directive-lag").rows) == 10


def test_memory_store_reports_progress_and_parse_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    for spec in ("memory", "oxigraph"):
        with open_store(spec) as store, pytest.raises(alignkg.AlignkgError, match="cannot parse turtle"):
            store.load(bad)


def test_turtle_goes_to_the_default_graph_and_is_queried(tmp_path: Path) -> None:
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("<https://w3id.org/alignkg/id/x> a <https://w3id.org/alignkg/ontology#Theme> .\n")
    for spec in ("memory", "oxigraph"):
        with open_store(spec) as store:
            store.load(ttl)
            assert alignkg.run_query(store, "ASK { akid:x a ak:Theme }").boolean, spec
            assert store.graphs() == []


def test_push_twice_replaces(built: alignkg.BuildReport, oxigraph_server: str) -> None:
    sent = alignkg.push(trig(built), endpoint=oxigraph_server)
    assert sent == {str(terms.GRAPH) + g.split(":", 1)[1]: n for g, n in built.triples_per_graph.items()}
    alignkg.push(trig(built), endpoint=oxigraph_server)
    with open_store(f"sparql:{oxigraph_server}") as store:
        assert len(store) == built.triples


def test_unknown_store_and_unreachable_endpoint() -> None:
    with pytest.raises(alignkg.AlignkgError, match="unknown store"):
        open_store("postgres:x")
    with (
        open_store("sparql:http://127.0.0.1:9/query") as store,
        pytest.raises(alignkg.AlignkgError, match="cannot reach"),
    ):
        len(store)


def test_graph_store_url_is_needed_for_other_servers(built: alignkg.BuildReport) -> None:
    with (
        open_store("sparql:http://127.0.0.1:9/sparql") as store,
        pytest.raises(alignkg.AlignkgError, match="--graph-store"),
    ):
        store.load(trig(built))


def test_run_query_accepts_a_dataset_or_a_store(built: alignkg.BuildReport) -> None:
    from alignkg.stores.spec import as_store

    wrapped = as_store(built.dataset)
    assert wrapped.dataset() is built.dataset
    assert alignkg.run_query(wrapped, "sources").rows == alignkg.run_query(built.dataset, "sources").rows
    assert isinstance(wrapped.graphs()[0], URIRef)


@pytest.mark.parametrize("suffix", [".trig", ".nq", ".jsonld", ".ttl"])
@pytest.mark.parametrize("spec", ["memory", "oxigraph"])
def test_every_built_format_loads(built: alignkg.BuildReport, spec: str, suffix: str) -> None:
    file = next(p for p in built.files if p.suffix == suffix)
    with open_store(spec) as store:
        store.load(file)
        # Turtle merges the graphs, so a fact several sources state is one triple there
        distinct = len({(s, p, o) for s, p, o, _ in built.dataset.quads()})
        assert len(store) == (distinct if suffix == ".ttl" else built.triples)
        named = 0 if suffix == ".ttl" else len(built.triples_per_graph)
        assert len(store.graphs()) == named
        assert (
            alignkg.run_query(store, "directive-lag").to_csv()
            == alignkg.run_query(built.dataset, "directive-lag").to_csv()
        )


def test_commands_read_graph_files_with_oxigraph_not_rdflib(
    built: alignkg.BuildReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from alignkg.cli import app
    from alignkg.stores.memory import MemoryStore

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("graph files were parsed with rdflib")

    monkeypatch.setattr(MemoryStore, "load", refuse)
    result = CliRunner().invoke(app, ["query", "dual-posts", "--format", "csv", "--graph", str(trig(built))])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 5  # header and the four people holding Party and company posts


def test_select_star_keeps_the_querys_variable_order(store: Store) -> None:
    text = "SELECT * WHERE { ?meeting a ak:Meeting ; dcterms:date ?date ; rdfs:label ?label }"
    answers = [alignkg.run_query(store, text) for _ in range(3)]
    assert [a.variables for a in answers] == [["meeting", "date", "label"]] * 3
    assert len({a.to_csv() for a in answers}) == 1
