"""alignkg against the SPARQL engines researchers run: Virtuoso (a real server, reached as a
``sparql:`` store over HTTP with Digest authentication) and Apache Jena (TDB2 and ARQ). Every
shipped query gives its golden answer on each; remote stores get RDF for CONSTRUCT and DESCRIBE,
count only the data's graphs, keep datatypes on push and load into the default graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD
from typer.testing import CliRunner

import alignkg
from alignkg import open_store
from alignkg.cli import app
from alignkg.model.terms import ID
from alignkg.stores.credentials import AuthScheme, Credentials
from engines import JenaStore, Virtuoso

GOLDEN = Path(__file__).parent / "golden"
NAMES = [q.name for q in alignkg.shipped_queries()]
MENG = URIRef(f"{ID}meng-fanying")
runner = CliRunner()


def golden(name: str) -> str:
    return (GOLDEN / f"{name}.csv").read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")


def trig(built: alignkg.BuildReport) -> Path:
    return next(p for p in built.files if p.suffix == ".trig")


def digest(virtuoso: Virtuoso) -> Credentials:
    return Credentials(AuthScheme.digest, user=virtuoso.user, password=virtuoso.password)


@pytest.mark.parametrize("name", NAMES)
def test_golden_answer_on_virtuoso(virtuoso_loaded: Virtuoso, name: str) -> None:
    with open_store(f"sparql:{virtuoso_loaded.sparql}") as store:
        assert alignkg.run_query(store, name).to_csv() == golden(name)


@pytest.mark.parametrize("name", NAMES)
def test_golden_answer_on_jena(jena: JenaStore, name: str) -> None:
    assert alignkg.run_query(jena, name).to_csv() == golden(name)


def test_ask_construct_and_describe_on_jena(jena: JenaStore, built: alignkg.BuildReport) -> None:
    assert alignkg.run_query(jena, "ASK { akid:meng-fanying org:holds akid:post-baogang-chairman }").boolean
    construct = "CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
    assert alignkg.run_query(jena, construct).rows == alignkg.run_query(built.dataset, construct).rows


def test_construct_and_describe_come_back_as_rdf_from_virtuoso(
    virtuoso_loaded: Virtuoso, built: alignkg.BuildReport
) -> None:
    with open_store(f"sparql:{virtuoso_loaded.sparql}") as store:
        construct = "CONSTRUCT { ?p org:holds ?post } WHERE { ?p org:holds ?post }"
        answer = alignkg.run_query(store, construct)
        assert answer.graph is not None
        assert answer.rows == alignkg.run_query(built.dataset, construct).rows
        described = alignkg.run_query(store, "DESCRIBE akid:meng-fanying")
        assert described.graph is not None
        assert (MENG, RDFS.label, Literal("Meng Fanying", lang="en")) in described.graph
        # what DESCRIBE returns is up to the service (SPARQL 1.1, 16.4), and Virtuoso leaves the alias
        # out, so the Chinese name's round trip is checked with a CONSTRUCT
        names = alignkg.run_query(store, "CONSTRUCT { ?s skos:altLabel ?n } WHERE { ?s skos:altLabel ?n }")
        assert names.graph is not None and (MENG, SKOS.altLabel, Literal("孟繁英", lang="zh")) in names.graph
        assert alignkg.run_query(store, "ASK { akid:meng-fanying org:holds akid:li-xiao }").boolean is False


def test_cli_describe_on_virtuoso_writes_turtle(virtuoso_loaded: Virtuoso) -> None:
    result = runner.invoke(
        app, ["query", "DESCRIBE akid:meng-fanying", "--store", f"sparql:{virtuoso_loaded.sparql}"]
    )
    assert result.exit_code == 0, result.output
    triples = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    names = {t.object.value for t in triples if t.subject == ox.NamedNode(str(MENG))}
    assert "Meng Fanying" in names
    nt = runner.invoke(
        app,
        [
            *("query", "CONSTRUCT { ?p org:holds ?x } WHERE { ?p org:holds ?x }", "--format", "nt"),
            *("--store", f"sparql:{virtuoso_loaded.sparql}"),
        ],
    )
    assert nt.exit_code == 0, nt.output
    assert nt.stdout.count("<http://www.w3.org/ns/org#holds>") == 12


def test_virtuoso_counts_only_the_datas_graphs(virtuoso_loaded: Virtuoso, built: alignkg.BuildReport) -> None:
    with open_store(f"sparql:{virtuoso_loaded.sparql}") as store:
        everything = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
        assert int(str(everything)) > built.triples  # Virtuoso's own schemas and service description
        stats = store.stats()
        assert stats.triples == len(store) == built.triples
        assert stats.triples_per_graph == built.triples_per_graph
        assert stats.entities_per_class == built.entities_per_class
        assert len(store.graphs()) == len(built.triples_per_graph)
    shown = runner.invoke(app, ["stats", "--store", f"sparql:{virtuoso_loaded.sparql}"])
    assert shown.exit_code == 0, shown.output
    assert f"{built.triples} quads in sparql:{virtuoso_loaded.sparql}" in shown.stdout


def test_push_keeps_every_quad_and_datatype(virtuoso_loaded: Virtuoso, built: alignkg.BuildReport) -> None:
    with open_store(f"sparql:{virtuoso_loaded.sparql}") as store:
        ordinals = alignkg.run_query(store, "SELECT DISTINCT (DATATYPE(?n) AS ?t) WHERE { ?s ak:ordinal ?n }")
        assert [row[0] for row in ordinals.rows] == [XSD.positiveInteger]
        assert set(store.quads()) == set(built.dataset.quads())


def test_endpoint_health_in_front_of_virtuoso(virtuoso_loaded: Virtuoso, built: alignkg.BuildReport) -> None:
    import httpx

    from test_server import _start

    config = alignkg.EndpointConfig(graphs=(), store=f"sparql:{virtuoso_loaded.sparql}", workers=1)
    for live in _start(config):
        health = httpx.get(live.url + "/health").json()
        assert (health["quads"], health["namedGraphs"]) == (built.triples, len(built.triples_per_graph))


def test_default_graph_load_goes_to_a_named_graph(
    virtuoso_loaded: Virtuoso, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://w3id.org/alignkg/id/x> a <https://w3id.org/alignkg/ontology#Theme> .\n")
    monkeypatch.setenv("ALIGNKG_USER", virtuoso_loaded.user)
    monkeypatch.setenv("ALIGNKG_PASSWORD", virtuoso_loaded.password)
    spec = f"sparql:{virtuoso_loaded.sparql_auth}"
    loaded = runner.invoke(
        app, ["load", str(extra), "--store", spec, "--graph-store", virtuoso_loaded.graph_store_auth]
    )
    try:
        assert loaded.exit_code == 0, loaded.output
        with open_store(f"sparql:{virtuoso_loaded.sparql}") as store:
            assert alignkg.run_query(store, "ASK { akid:x a ak:Theme }").boolean
            assert "akg:default" in store.stats().triples_per_graph
    finally:
        import httpx

        httpx.delete(
            virtuoso_loaded.graph_store_auth,
            params={"graph": "https://w3id.org/alignkg/graph/default"},
            auth=httpx.DigestAuth(virtuoso_loaded.user, virtuoso_loaded.password),
        )


def test_public_endpoints_are_read_only(virtuoso_loaded: Virtuoso, built: alignkg.BuildReport) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"refused the request \(40[13]\) with no credentials"):
        alignkg.push(trig(built), endpoint=virtuoso_loaded.sparql, graph_store=virtuoso_loaded.graph_store)
    with open_store(f"sparql:{virtuoso_loaded.sparql}") as store:
        assert len(store) == built.triples


def test_digest_auth_from_a_url_and_a_wrong_password(
    virtuoso_loaded: Virtuoso, built: alignkg.BuildReport, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    base = virtuoso_loaded.base.replace(
        "http://", f"http://{virtuoso_loaded.user}:{virtuoso_loaded.password}@"
    )
    pushed = runner.invoke(
        app,
        [
            *("push", "--endpoint", f"{base}/sparql-auth"),
            *("--graph-store", f"{base}/sparql-graph-crud-auth", "--graph", str(trig(built))),
        ],
    )
    assert pushed.exit_code == 0, pushed.output
    assert f"at {virtuoso_loaded.sparql_auth}" in pushed.stdout
    wrong = "not-" + virtuoso_loaded.password
    bad = base.replace(virtuoso_loaded.password, wrong)
    refused = runner.invoke(app, ["stats", "--store", f"sparql:{bad}/sparql-auth", "--auth", "digest"])
    assert refused.exit_code == 1
    assert "refused the request (401) with the credentials given" in refused.stderr
    for secret in (virtuoso_loaded.password, wrong):
        assert secret not in pushed.output + refused.output + caplog.text
        with pytest.raises(alignkg.AlignkgError) as raised, open_store(f"sparql:{bad}/sparql-auth") as store:
            len(store)
        assert secret not in str(raised.value) and secret not in repr(store)
