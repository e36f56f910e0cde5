"""The endpoint under attack: SERVICE calls hidden by escapes and comments (on every store kind,
with a differential fuzz of the guard's reading against Oxigraph's), queries that used to end a
worker, memory-hungry queries, heavy clients beside light ones, and formula cells in CSV/TSV."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import alignkg
from alignkg.endpoint.engine import Answer, OpenedGraph, QueryRequest, StoreInfo, answer_query
from alignkg.endpoint.guard import BoundedCache, InspectedQuery, QueryForm, RequestError, inspect_query
from alignkg.endpoint.sparql_text import read_query
from alignkg.stores.base import Store
from test_server import (
    SLOW,
    ConnectionCounter,
    Live,
    _start,
    assert_error,
    live,
    on_disk,
    rdflib_backed,
    trig,
)

__all__ = ["live", "on_disk", "rdflib_backed", "trig"]  # fixtures shared with test_server
started = contextmanager(_start)

HIDDEN = (  # SERVICE inside one string when escapes are decoded first, outside it for Oxigraph
    '{form} {{ BIND("a\\u0022 AS ?x) FILTER(?x != " AS ?x) SERVICE{silent} <{url}> '
    '{{ ?s ?p ?o }} BIND(") BIND(\\u0022b" AS ?y) }}'
)
COMMENT_CR = "ASK {{ # a comment\r SERVICE <{url}> {{ ?s ?p ?o }} \n }}"


@pytest.fixture(scope="module")
def counter() -> Iterator[ConnectionCounter]:
    listener = ConnectionCounter()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def remote_guard(oxigraph_server: str, trig: Path) -> Iterator[Live]:
    """The endpoint in front of a real Oxigraph server holding the shipped graph."""
    alignkg.push(trig, endpoint=oxigraph_server)
    yield from _start(alignkg.EndpointConfig(graphs=(), store=f"sparql:{oxigraph_server}", workers=1))


STORES = ["live", "rdflib_backed", "on_disk", "remote_guard"]


def _settle(counter: ConnectionCounter) -> int:
    time.sleep(0.3)  # connections already made have reached the accept loop; not a timing assertion
    return counter.count


@pytest.mark.parametrize("store", STORES)
def test_service_hidden_by_codepoint_escapes_never_leaves(
    store: str, counter: ConnectionCounter, request: pytest.FixtureRequest
) -> None:
    endpoint: Live = request.getfixturevalue(store)
    url = f"http://127.0.0.1:{counter.port}/admin?token=1"
    before = counter.count
    for text in (
        HIDDEN.format(form="SELECT ?s WHERE", url=url, silent=""),
        HIDDEN.format(form="SELECT ?s WHERE", url=url, silent=" SILENT"),
        HIDDEN.format(form="ASK", url=url, silent=""),
        COMMENT_CR.format(url=url),
    ):
        response = httpx.post(endpoint.sparql, data={"query": text}, timeout=60)
        # read once, SERVICE sits inside a string (answered) or is seen and refused; never run
        assert response.status_code in (200, 400), response.text
        if response.status_code == 400:
            assert response.json()["error"]["code"] in {"service-refused", "malformed-query"}
    assert _settle(counter) == before


def test_workers_of_local_stores_cannot_open_network_sockets(live: Live) -> None:
    assert httpx.get(live.url + "/health").json()["workerNetwork"] == "refused by a seccomp filter"


def test_the_engine_runs_the_reading_the_guard_inspected() -> None:
    text = 'SELECT ?x WHERE { BIND("a\\u0022 AS ?y) BIND("#" AS ?x) } # \\u0041'
    inspected = inspect_query(text, known_graphs=[])
    assert inspected.text == read_query(text).text == 'SELECT ?x WHERE { BIND("a" AS ?y) BIND("#" AS ?x) } '


# --------------------------------------------------------------------------- differential fuzz

QUOTES = ['"', "'", "\\u0022", "\\u0027", "\\U00000022", "\\U00000027"]
OPENERS = ['"', "'", '"""', "'''", "<", "#", "\\u0023", "\\u003C", "\\u005C", "\\"]
BREAKS = ["\n", "\r\n", "\r", "\\u000A", "\\u000D", " ", ""]
KEYWORDS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "\\u0053ERVICE", "SERV\\u0049CE"]


@st.composite
def disguised_service(draw: st.DrawFn) -> str:
    """A query with a SERVICE call to the counting listener (its port written PORT), dressed in
    escapes, comments, strings and IRIs in many shapes."""
    target = draw(st.sampled_from(["<http://127.0.0.1:PORT/x>", "?e", "<http://127.0.0.1:PORT/>"]))
    service = f"{draw(st.sampled_from(KEYWORDS))} {target} {{ ?s ?p ?o }}"
    noise = st.sampled_from(OPENERS + QUOTES + BREAKS)
    before = "".join(draw(st.one_of(st.just([]), st.lists(noise, max_size=3))))
    after = "".join(draw(st.one_of(st.just([]), st.lists(noise, max_size=3))))
    # a quote written as an escape beside a plain one: the readings disagree unless decoded once
    quote, other = draw(
        st.sampled_from([(q, q[-1] if len(q) > 1 else q) for q in QUOTES] + [(QUOTES[0], "'")])
    )
    other = '"' if other == "2" else "'" if other == "7" else other
    shape = draw(st.integers(0, 4))
    if shape == 0:  # a string that decoding closes early, reopened after the call
        body = (
            f'BIND("a{quote} AS ?x) FILTER(?x != {other} AS ?x) {before}{service}{after} '
            f'BIND({other}) BIND({quote}b" AS ?y)'
        )
    elif shape == 1:  # a comment whose end the parsers might place differently
        body = f"# c{draw(st.sampled_from(BREAKS))}{service}{draw(st.sampled_from(BREAKS))}"
    elif shape == 2:
        body = f'BIND("""{before}""" AS ?x) {service} BIND({quote}{after}{quote} AS ?y)'
    elif shape == 3:  # an IRI or prefixed name the call hides in
        body = f"?s <http://a/{before}> ?o {service} ?s akid:a\\{draw(st.sampled_from(OPENERS))}b ?o"
    else:
        body = f"{before}{service}{after}"
    bind = "BIND(<http://127.0.0.1:PORT/e> AS ?e) " if target == "?e" else ""
    return "SELECT * WHERE { " + bind + body + " }"


def _guard_accepts(text: str) -> bool:
    try:
        inspect_query(text, known_graphs=[])
    except RequestError:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(disguised_service())
@example(HIDDEN.format(form="SELECT * WHERE", url="http://127.0.0.1:PORT/", silent=""))
@example(COMMENT_CR.format(url="http://127.0.0.1:PORT/"))
def test_what_the_guard_accepts_oxigraph_runs_without_service(counter: ConnectionCounter, text: str) -> None:
    """Differential: any text the guard lets through, run by Oxigraph (unconfined, here in the
    test process) exactly as the engine would run it, makes no connection. Oxigraph waits for
    the listener's answer, so a connection is counted before the query returns."""
    text = text.replace("PORT", str(counter.port))
    if not _guard_accepts(text):
        return
    before = counter.count
    try:
        reading = inspect_query(text, known_graphs=[]).text
        result = ox.Store().query(reading, use_default_graph_as_union=True)
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except (SyntaxError, OSError, RuntimeError):
        pass
    assert counter.count == before, f"Oxigraph made a connection for {text!r}"


@pytest.mark.parametrize("store", STORES)
def test_fuzzed_service_disguises_make_no_connection_on_any_store(
    store: str, counter: ConnectionCounter, request: pytest.FixtureRequest
) -> None:
    endpoint: Live = request.getfixturevalue(store)
    before = counter.count

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(disguised_service())
    @example(HIDDEN.format(form="SELECT * WHERE", url="http://127.0.0.1:PORT/", silent=" SILENT"))
    @example(COMMENT_CR.format(url="http://127.0.0.1:PORT/"))
    def send(text: str) -> None:
        text = text.replace("PORT", str(counter.port))
        response = httpx.post(endpoint.sparql, data={"query": text}, timeout=60)
        assert response.status_code in (200, 400), response.text
        assert counter.count == before, f"a connection for {text!r}"  # engines wait for the answer

    send()
    assert _settle(counter) == before


# --------------------------------------------------------------------------- no query ends a worker

KILLERS = [
    "ASK {} # \\uFFFFFFFF",
    "ASK " + "{" * 26 + "}" * 26,
    "ASK { FILTER(" + "(" * 50 + "1" + ")" * 50 + ") }",
    "ASK " + "{" * 5000 + "}" * 5000,
    'ASK { FILTER("\\uD800" = "x") }',
    "ASK { ?s ?p ?o } \\u005Cu0041",
]


@pytest.mark.parametrize("store", ["live", "rdflib_backed"])
def test_no_query_ends_a_worker(store: str, request: pytest.FixtureRequest) -> None:
    endpoint: Live = request.getfixturevalue(store)
    pids = endpoint.pool.pids()
    replaced = endpoint.pool.stats.replaced
    for text in KILLERS:
        response = httpx.post(endpoint.sparql, data={"query": text}, timeout=60)
        if response.status_code != 200:
            error = assert_error(response, 400, response.json()["error"]["code"])
            assert error["code"] in {"query-too-complex", "malformed-query"}
    assert endpoint.pool.pids() == pids
    assert endpoint.pool.stats.replaced == replaced
    assert httpx.get(endpoint.sparql, params={"query": "ASK {}"}).json()["boolean"] is True


class _FailingStore(Store):
    """A store whose query raises an error no library documents."""

    spec = "failing"

    def query(self, text: str, *, name: str = "query") -> alignkg.QueryResult:
        raise ValueError("a library's own surprise")

    def quads(self) -> Iterator[tuple[object, ...]]:  # type: ignore[override]
        return iter(())

    def __len__(self) -> int:
        return 0

    def load(self, *paths: Path | str, progress: object = None) -> None:
        raise NotImplementedError


def test_an_unexpected_library_error_is_a_500_in_the_error_shape() -> None:
    graph = OpenedGraph(StoreInfo((), 0), store=_FailingStore())
    answer = answer_query(graph, QueryRequest(query="ASK { ?s ?p ?o }"))
    assert isinstance(answer, Answer)
    assert (answer.status, answer.media_type) == (500, "application/json")
    assert b'"code":"query-failed"' in answer.body


# --------------------------------------------------------------------------- memory


def test_the_inspection_cache_is_bounded_in_bytes() -> None:
    cache = BoundedCache(10_000)
    entry = InspectedQuery(QueryForm.ASK, (), ())
    for i in range(1_000):
        cache.put(i.to_bytes(32, "big"), entry)
    assert cache.size <= 10_000 and 0 < len(cache) < 1_000
    assert cache.get((999).to_bytes(32, "big")) is entry and cache.get((0).to_bytes(32, "big")) is None


HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f"


@pytest.fixture(scope="module")
def frugal(trig: Path) -> Iterator[Live]:
    """Two workers, each query allowed 64 MiB beyond its worker's memory."""
    yield from _start(alignkg.EndpointConfig(graphs=(trig,), workers=2, query_memory=64 * 2**20))


def test_a_query_over_its_memory_limit_is_stopped_with_503(frugal: Live) -> None:
    pids = set(frugal.pool.pids())
    response = httpx.post(frugal.sparql, data={"query": HUNGRY}, timeout=120)
    assert_error(response, 503, "memory-limit")
    for _ in range(1200):  # bounded wait for the replacement
        if frugal.pool.ready == 2 and frugal.pool.stats.replaced >= 1:
            break
        time.sleep(0.1)
    assert len(set(frugal.pool.pids()) - pids) == 1
    health = httpx.get(frugal.url + "/health").json()
    assert health["memoryStops"] >= 1 and health["queryMemoryBytes"] == 64 * 2**20
    assert httpx.get(frugal.sparql, params={"query": "ASK {}"}).json()["boolean"] is True


def _wait(condition: Callable[[], bool]) -> None:
    for _ in range(1200):  # bounded wait (workers starting, threads reaching the pool)
        if condition():
            return
        time.sleep(0.05)


def test_heavy_queries_leave_a_worker_for_other_clients(trig: Path) -> None:
    config = alignkg.EndpointConfig(graphs=(trig,), workers=2, time_limit=4)
    with started(config) as endpoint:
        pool = endpoint.pool
        heavy = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=120)
        # a query stopped by the time limit makes its client heavy for a while
        assert_error(heavy.post(endpoint.sparql, data={"query": SLOW}), 503, "query-timeout")
        _wait(lambda: pool.ready == 2)
        assert httpx.get(endpoint.sparql, params={"query": "ASK {}"}).status_code == 200  # light demand
        answers: list[int] = []

        def slow() -> None:
            answers.append(heavy.post(endpoint.sparql, data={"query": SLOW}).status_code)

        threads = [threading.Thread(target=slow) for _ in range(2)]
        for thread in threads:
            thread.start()
        _wait(lambda: pool.ready < 2)
        light = httpx.get(endpoint.sparql, params={"query": "ASK {}"}, timeout=120)
        assert light.json()["boolean"] is True
        assert all(t.is_alive() for t in threads), "the light query is answered while both heavy wait or run"
        for thread in threads:
            thread.join(120)
        heavy.close()
        assert answers == [503, 503]


def test_a_client_with_too_many_queries_in_flight_gets_429(trig: Path) -> None:
    config = alignkg.EndpointConfig(graphs=(trig,), workers=1, time_limit=2, client_queries=2)
    with started(config) as endpoint:

        async def burst() -> list[int]:
            async with httpx.AsyncClient(timeout=60) as client:
                replies = await asyncio.gather(
                    *(client.post(endpoint.sparql, data={"query": SLOW}) for _ in range(4))
                )
            return [r.status_code for r in replies]

        statuses = asyncio.run(burst())
        assert statuses.count(429) == 2


# --------------------------------------------------------------------------- spreadsheet cells

FORMULAS = (
    'SELECT ?v WHERE { VALUES ?v { "=HYPERLINK(\\"http://example.org\\")" "+1" "-2"@en "@SUM(A1)" '
    '"\\tx" "\\rx" "\\uFF1D1" "\\uFF0B1" "\\uFF0D1" "\\uFF201" "plain" -3 4.5 } }'
)


def test_csv_and_tsv_answers_neutralise_formulas_in_text_values(live: Live) -> None:
    response = httpx.get(live.sparql, params={"query": FORMULAS}, headers={"Accept": "text/csv"})
    cells = [row[0] for row in csv.reader(io.StringIO(response.text))][1:]
    assert cells == [
        "'=HYPERLINK(\"http://example.org\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx",
        "'\uff1d1", "'\uff0b1", "'\uff0d1", "'\uff201", "plain", "-3", "4.5",
    ]  # fmt: skip
    tsv = httpx.get(live.sparql, params={"query": FORMULAS}, headers={"Accept": "text/tab-separated-values"})
    lines = tsv.text.splitlines()[1:]
    assert lines[0] == '"\'=HYPERLINK(\\"http://example.org\\")"' and lines[2] == '"\'-2"@en'
    assert lines[10] == '"plain"' and lines[11].startswith('"-3"^^')
    shipped = httpx.get(
        live.sparql,
        params={"query": "SELECT (CONCAT('=', ?l) AS ?c) WHERE { ?s rdfs:label ?l }"},
        headers={"Accept": "text/csv"},
    )
    assert all(line.startswith(("'=", "\"'=")) for line in shipped.text.splitlines()[1:])
