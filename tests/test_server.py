"""The SPARQL endpoint over real HTTP on a free loopback port: SPARQLWrapper answers for every
shipped query, protocol corners, the one error shape, refusals, no outbound connections, the
read-only guarantee, time limits with worker replacement, row caps and body limits."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest
import uvicorn
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

import alignkg
from alignkg.endpoint.server import server_config
from alignkg.endpoint.workers import WorkerPool
from alignkg.model.terms import with_prefixes
from alignkg.queries.named import bind_parameters

GOLDEN = Path(__file__).parent / "golden"
NAMES = [q.name for q in alignkg.shipped_queries()]
AKG = "https://w3id.org/alignkg/graph/"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
XSD = "http://www.w3.org/2001/XMLSchema#"
DERIVED_INTEGERS = {XSD + "positiveInteger", XSD + "nonNegativeInteger", XSD + "int", XSD + "long"}
ERROR_KEYS = {"status", "code", "message", "line", "column"}


@dataclass
class Live:
    """A running endpoint: its base URL and its worker pool."""

    url: str
    pool: WorkerPool

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


@pytest.fixture(scope="module")
def trig(built: alignkg.BuildReport) -> Path:
    return next(p for p in built.files if p.suffix == ".trig")


def _start(config: alignkg.EndpointConfig) -> Iterator[Live]:
    """Run the endpoint with uvicorn in a thread on a socket bound to a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = alignkg.create_app(config)
    server = uvicorn.Server(server_config(config, app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(1200):  # opening the graph in the workers; bounded, not a timing assertion
        if server.started or not thread.is_alive():
            break
        time.sleep(0.1)
    assert server.started, "the endpoint did not start"
    try:
        yield Live(f"http://127.0.0.1:{port}", app.state.pool)
    finally:
        server.should_exit = True
        thread.join(60)
        sock.close()


@pytest.fixture(scope="module")
def live(trig: Path) -> Iterator[Live]:
    """The endpoint with its default limits."""
    yield from _start(alignkg.EndpointConfig(graphs=(trig,), workers=2))


@pytest.fixture(scope="module")
def bounded(trig: Path) -> Iterator[Live]:
    """The endpoint with tight limits (6 s, 5 rows, 2 KiB bodies) and CORS on."""
    config = alignkg.EndpointConfig(
        graphs=(trig,), workers=2, time_limit=6, row_cap=5, max_body=2048, cors=True
    )
    yield from _start(config)


@pytest.fixture(scope="module")
def rdflib_backed(trig: Path) -> Iterator[Live]:
    """The endpoint over rdflib's in-memory store (``--store memory``)."""
    yield from _start(alignkg.EndpointConfig(graphs=(trig,), store="memory", workers=1))


@pytest.fixture(scope="module")
def on_disk(trig: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The endpoint over an Oxigraph store on disk, filled beforehand and shared read-only."""
    folder = tmp_path_factory.mktemp("oxigraph") / "store"
    with alignkg.open_store(f"oxigraph:{folder}") as store:
        store.load(trig)
    yield from _start(alignkg.EndpointConfig(graphs=(), store=f"oxigraph:{folder}", workers=2))


@pytest.fixture(scope="module")
def guarding(live: Live) -> Iterator[Live]:
    """The endpoint in front of another endpoint (``--store sparql:URL``), here the live one."""
    yield from _start(alignkg.EndpointConfig(graphs=(), store=f"sparql:{live.sparql}", workers=1))


def portable(name: str) -> str:
    """A shipped query with its parameters bound and its PREFIX lines written out."""
    return with_prefixes(bind_parameters(alignkg.get_query(name)))[0]


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    """The one error shape: {"error": {status, code, message, line, column}} as JSON."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == ERROR_KEYS
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error  # type: ignore[no-any-return]


def all_quads_hash(live: Live) -> str:
    response = httpx.get(
        live.sparql,
        params={"query": "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert response.status_code == 200
    lines = response.text.splitlines()
    return hashlib.sha256("\n".join([lines[0], *sorted(lines[1:])]).encode()).hexdigest()


# --------------------------------------------------------------------------- a real client


@pytest.mark.parametrize("name", NAMES)
def test_sparqlwrapper_gets_the_golden_answer(live: Live, name: str) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setQuery(portable(name))
    client.setReturnFormat(CSV)
    answer = client.query().convert()
    assert isinstance(answer, bytes)
    assert crlf(answer.decode("utf-8")) == crlf((GOLDEN / f"{name}.csv").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_sparqlwrapper_json_matches_the_library(live: Live, name: str, trig: Path) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setQuery(portable(name))
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict)
    expected = json.loads(alignkg.run_query(alignkg.load_dataset(trig), name).to_json())
    for binding in expected["results"]["bindings"]:  # Oxigraph stores derived integer types as xsd:integer
        for term in binding.values():
            if term.get("datatype") in DERIVED_INTEGERS:
                term["datatype"] = XSD + "integer"
    assert answer["head"] == expected["head"]
    assert answer["results"] == expected["results"]
    assert answer["alignkg"] == {"rowCap": 10_000, "truncated": False}
    assert list(answer) == ["head", "alignkg", "results"]  # streaming parsers stop after results


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_backed_endpoint_gives_the_library_answer_exactly(
    rdflib_backed: Live, name: str, trig: Path
) -> None:
    client = SPARQLWrapper(rdflib_backed.sparql)
    client.setQuery(portable(name))
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict)
    expected = json.loads(alignkg.run_query(alignkg.load_dataset(trig), name).to_json())
    assert (answer["head"], answer["results"]) == (expected["head"], expected["results"])


def test_rdflib_backed_endpoint_refuses_dataset_clauses_it_cannot_keep_local(rdflib_backed: Live) -> None:
    # rdflib would fetch a FROM graph over HTTP, even one the store holds: refused instead
    response = httpx.get(rdflib_backed.sparql, params={"query": "ASK FROM akg:meta { ?s ?p ?o }"})
    assert_error(response, 400, "dataset-unsupported")
    response = httpx.get(
        rdflib_backed.sparql, params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": AKG + "meta"}
    )
    assert_error(response, 400, "dataset-unsupported")
    assert httpx.get(rdflib_backed.sparql, params={"query": "ASK { GRAPH akg:meta { ?s ?p ?o } }"}).json()[
        "boolean"
    ]


def test_an_oxigraph_store_on_disk_is_shared_read_only_by_the_workers(on_disk: Live, trig: Path) -> None:
    assert len(on_disk.pool.pids()) == 2
    for name in ("directive-lag", "sources"):
        response = httpx.get(on_disk.sparql, params={"query": portable(name)}, headers={"Accept": "text/csv"})
        assert crlf(response.text) == crlf((GOLDEN / f"{name}.csv").read_text(encoding="utf-8"))
    assert_error(httpx.post(on_disk.sparql, data={"update": "CLEAR ALL"}), 403, "update-refused")
    with alignkg.open_store("oxigraph") as store:
        store.load(trig)
        assert httpx.get(on_disk.url + "/health").json()["quads"] == len(store)


def test_an_endpoint_in_front_of_another_answers_and_guards(guarding: Live) -> None:
    for name in ("meeting-participants", "sources"):
        response = httpx.get(
            guarding.sparql, params={"query": portable(name)}, headers={"Accept": "text/csv"}
        )
        assert crlf(response.text) == crlf((GOLDEN / f"{name}.csv").read_text(encoding="utf-8"))
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert_error(httpx.get(guarding.sparql, params={"query": service}), 400, "service-refused")
    assert httpx.get(guarding.url + "/health").json()["namedGraphs"] == 43


def test_sparqlwrapper_construct_and_ask(live: Live) -> None:
    client = SPARQLWrapper(live.sparql)
    client.setQuery("CONSTRUCT WHERE { akid:meng-fanying ?p ?o }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert (None, None, URIRef("https://w3id.org/alignkg/id/post-baogang-chairman")) in graph
    client.setQuery("ASK { akid:meng-fanying org:holds akid:post-baogang-chairman }")
    client.setReturnFormat(JSON)
    assert client.query().convert() == {"head": {}, "boolean": True}


# --------------------------------------------------------------------------- protocol corners


QUERY = "SELECT ?label WHERE { akid:meng-fanying rdfs:label|skos:altLabel ?label } ORDER BY ?label"


def test_get_post_form_and_post_query_agree(live: Live) -> None:
    accept = {"Accept": "text/csv"}
    by_get = httpx.get(live.sparql, params={"query": QUERY}, headers=accept)
    by_form = httpx.post(live.sparql, data={"query": QUERY}, headers=accept)
    by_body = httpx.post(
        live.sparql, content=QUERY, headers={**accept, "Content-Type": "application/sparql-query"}
    )
    assert by_get.text == by_form.text == by_body.text == "label\r\nMeng Fanying\r\n孟繁英\r\n"
    assert by_get.headers["x-alignkg-row-cap"] == "10000"
    assert by_get.headers["x-alignkg-rows"] == "2"
    assert by_get.headers["x-alignkg-truncated"] == "false"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.4, text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
    ],
)
def test_result_negotiation(live: Live, accept: str | None, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(live.sparql, params={"query": QUERY}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.headers["vary"] == "Accept"


def test_result_formats_are_well_formed(live: Live) -> None:
    xml = httpx.get(live.sparql, params={"query": QUERY, "format": "xml"})
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    literals = ET.fromstring(xml.content).findall(".//r:literal", ns)
    assert [(e.text, e.get("{http://www.w3.org/XML/1998/namespace}lang")) for e in literals] == [
        ("Meng Fanying", "en"),
        ("孟繁英", "zh"),
    ]
    tsv = httpx.get(live.sparql, params={"query": QUERY}, headers={"Accept": "text/tab-separated-values"})
    assert tsv.text == '?label\n"Meng Fanying"@en\n"孟繁英"@zh\n'


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_graph_negotiation(live: Live, accept: str | None, media: str, rdflib_format: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(live.sparql, params={"query": "DESCRIBE akid:meng-fanying"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    graph = Graph().parse(data=response.text, format=rdflib_format)
    assert (URIRef("https://w3id.org/alignkg/id/meng-fanying"), None, None) in graph


def test_default_and_named_graph_parameters(live: Live) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    meta = httpx.get(live.sparql, params={"query": count, "default-graph-uri": AKG + "meta"})
    in_meta = httpx.get(
        live.sparql,
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH akg:meta { ?s ?p ?o } }"},
    )
    n = meta.json()["results"]["bindings"][0]["n"]["value"]
    assert n == in_meta.json()["results"]["bindings"][0]["n"]["value"]
    union = httpx.get(live.sparql, params={"query": count}).json()["results"]["bindings"][0]["n"]["value"]
    assert int(union) > int(n)
    # FROM naming a graph the store holds is a dataset choice, not a fetch
    with_from = httpx.get(live.sparql, params={"query": count.replace("WHERE", "FROM akg:meta WHERE")})
    assert with_from.json()["results"]["bindings"][0]["n"]["value"] == n
    named = httpx.post(
        live.sparql + "?named-graph-uri=" + AKG + "ontology",
        content="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert named.text == f"g\r\n{AKG}ontology\r\n"


def test_service_description(live: Live) -> None:
    response = httpx.get(live.sparql)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef(live.sparql)) in graph
    names = set(graph.objects(None, URIRef(sd + "name")))
    assert URIRef(AKG + "meta") in names and len(names) == 43


def test_a_browser_asking_sparql_is_sent_to_the_query_page(live: Live) -> None:
    response = httpx.get(live.sparql, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["location"] == "./"


def test_query_page_is_offline_and_offers_the_shipped_queries(live: Live) -> None:
    response = httpx.get(live.url + "/")
    assert response.status_code == 200
    page = response.text
    for name in NAMES:
        assert f'"name": "{name}"' in page
    assert 'src="http' not in page and 'href="http' not in page and "@import" not in page
    assert "connect-src 'self'" in response.headers["content-security-policy"]


def test_health_and_view(live: Live) -> None:
    health = httpx.get(live.url + "/health").json()
    assert health["status"] == "ok"
    assert health["workers"] == 2
    assert health["timeLimitSeconds"] == 30.0
    assert health["namedGraphs"] == 43
    view = httpx.get(live.url + "/view", timeout=120)
    assert view.status_code == 200
    assert view.headers["content-type"].startswith("text/html")
    assert "Meng Fanying" in view.text


def test_cors_is_off_by_default(live: Live) -> None:
    response = httpx.get(live.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_when_enabled(bounded: Live) -> None:
    response = httpx.get(
        bounded.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-alignkg-row-cap" in response.headers["access-control-expose-headers"].lower()


# --------------------------------------------------------------------------- errors and refusals


def test_malformed_query_gives_the_parser_message_with_line_and_column(live: Live) -> None:
    response = httpx.get(live.sparql, params={"query": "SELECT ?s WHERE {\n  ?s ?p \n}"})
    error = assert_error(response, 400, "malformed-query")
    assert error["line"] == 2
    assert isinstance(error["column"], int)
    assert "line 2" in str(error["message"])


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"method": "GET", "path": "/nowhere"}, 404, "not-found"),
        ({"method": "PUT", "path": "/sparql"}, 405, "method-not-allowed"),
        ({"method": "GET", "params": {"query": ["ASK {}", "ASK {}"]}}, 400, "bad-request"),
        ({"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415,
         "unsupported-media-type"),
        ({"method": "GET", "params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406,
         "not-acceptable"),
        ({"method": "POST", "data": {"format": "json"}}, 400, "bad-request"),
        ({"method": "GET", "params": {"query": "SELECT * { ?s nope:x ?o }"}}, 400, "malformed-query"),
        ({"method": "POST", "content": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}},
         400, "bad-request"),
    ],
)  # fmt: skip
def test_error_shape(live: Live, request_kwargs: dict[str, object], status: int, code: str) -> None:
    kwargs = dict(request_kwargs)
    method = str(kwargs.pop("method"))
    url = live.url + str(kwargs.pop("path", "/sparql"))
    response = httpx.request(method, url, **kwargs)  # type: ignore[arg-type]
    assert_error(response, status, code)


UPDATES = [
    "INSERT DATA { akid:x rdfs:label 'x' }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 'changed' } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH akg:meta",
    "CREATE GRAPH <urn:new>",
    "COPY akg:meta TO akg:ontology",
    "LOAD <http://127.0.0.1:9/data.ttl>",
]


def test_updates_are_refused_and_the_graph_is_unchanged(live: Live, trig: Path) -> None:
    before = all_quads_hash(live)
    on_disk = hashlib.sha256(trig.read_bytes()).hexdigest()
    for update in UPDATES:
        assert_error(httpx.post(live.sparql, data={"update": update}), 403, "update-refused")
        assert_error(
            httpx.post(live.sparql, content=update, headers={"Content-Type": "application/sparql-update"}),
            403,
            "update-refused",
        )
        assert_error(httpx.get(live.sparql, params={"query": update}), 403, "update-refused")
        assert_error(httpx.get(live.sparql, params={"update": update}), 403, "update-refused")
    assert all_quads_hash(live) == before
    assert hashlib.sha256(trig.read_bytes()).hexdigest() == on_disk


class ConnectionCounter:
    """A listening socket on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.count += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.mark.parametrize("backend", ["live", "rdflib_backed"])
def test_no_connection_leaves_the_process(backend: str, request: pytest.FixtureRequest) -> None:
    live: Live = request.getfixturevalue(backend)
    counter = ConnectionCounter()
    try:
        target = f"http://127.0.0.1:{counter.port}/"
        # the counter counts: one connection made on purpose, then reset
        socket.create_connection(("127.0.0.1", counter.port)).close()
        for _ in range(400):  # bounded wait for the accept thread
            if counter.count:
                break
            time.sleep(0.05)
        assert counter.count == 1
        counter.count = 0
        refused = {
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}": "service-refused",
            f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{target}> {{ ?s ?q ?r }} }} }}":
                "service-refused",
            f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}": "service-refused",
            f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}": "service-refused",
            f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}": "remote-graph-refused",
            f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}": "remote-graph-refused",
            f"CONSTRUCT {{ ?s ?p ?o }} FROM <{target}> WHERE {{ ?s ?p ?o }}": "remote-graph-refused",
        }  # fmt: skip
        for query, code in refused.items():
            assert_error(httpx.get(live.sparql, params={"query": query}), 400, code)
        for param in ("default-graph-uri", "named-graph-uri"):
            response = httpx.get(live.sparql, params={"query": "ASK { ?s ?p ?o }", param: target})
            assert_error(response, 400, "remote-graph-refused")
        assert_error(httpx.post(live.sparql, data={"update": f"LOAD <{target}>"}), 403, "update-refused")
        assert_error(httpx.get(live.sparql, params={"query": f"LOAD <{target}>"}), 403, "update-refused")
        # one more ordinary query through the same workers, then nothing may have arrived
        assert httpx.get(live.sparql, params={"query": "ASK {}"}).status_code == 200
        assert counter.count == 0
    finally:
        counter.close()
    assert counter.count == 0


# --------------------------------------------------------------------------- limits


def test_row_cap_is_visible(bounded: Live) -> None:
    query = "SELECT ?s WHERE { ?s a ak:Statement } ORDER BY ?s"
    response = httpx.get(bounded.sparql, params={"query": query})
    document = response.json()
    assert len(document["results"]["bindings"]) == 5
    assert document["alignkg"] == {"rowCap": 5, "truncated": True}
    assert response.headers["x-alignkg-row-cap"] == "5"
    assert response.headers["x-alignkg-truncated"] == "true"
    graph = httpx.get(bounded.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert len(graph.text.strip().splitlines()) == 5
    assert graph.headers["x-alignkg-truncated"] == "true"
    few = httpx.get(bounded.sparql, params={"query": "SELECT ?g WHERE { GRAPH ?g {} } LIMIT 2"})
    assert few.headers["x-alignkg-truncated"] == "false"


def test_a_worker_killed_from_outside_is_replaced_and_no_query_fails(live: Live) -> None:
    pool = live.pool
    victim = pool.pids()[0]
    process = psutil.Process(victim)
    process.kill()
    for _ in range(300):  # until the kernel has ended it (the pool reaps it, not the test)
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    for _ in range(4):  # whichever worker each query lands on, it is answered
        response = httpx.get(live.sparql, params={"query": "ASK { akid:meng-fanying ?p ?o }"}, timeout=120)
        assert response.json()["boolean"] is True
    for _ in range(1200):  # bounded wait for the replacement to open the graph
        if victim not in pool.pids() and pool.ready == 2:
            break
        time.sleep(0.1)
    assert victim not in pool.pids() and len(pool.pids()) == 2


def test_body_over_the_limit_is_413(bounded: Live) -> None:
    big = "ASK {}" + " " * 4096
    declared = httpx.post(bounded.sparql, content=big, headers={"Content-Type": "application/sparql-query"})
    assert_error(declared, 413, "body-too-large")

    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            yield b" " * 1024

    streamed = httpx.post(
        bounded.sparql, content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert_error(streamed, 413, "body-too-large")
    assert httpx.post(bounded.sparql, data={"query": "ASK {}"}).status_code == 200


@pytest.fixture
def fresh(trig: Path) -> Iterator[Live]:
    """An endpoint with two workers and a 6 s time limit, started anew for one test: its workers
    are idle in the order they started, whatever the tests before it did."""
    yield from _start(alignkg.EndpointConfig(graphs=(trig,), workers=2, time_limit=6))


def test_slow_query_times_out_without_stalling_others_and_its_worker_is_replaced(fresh: Live) -> None:
    pool = fresh.pool
    before = set(pool.pids())
    assert len(before) == 2
    baseline = sum(psutil.Process(pid).memory_info().rss for pid in before)
    slow: dict[str, httpx.Response] = {}

    def run_slow() -> None:
        slow["response"] = httpx.get(fresh.sparql, params={"query": SLOW}, timeout=120)

    thread = threading.Thread(target=run_slow)
    thread.start()
    for _ in range(200):  # wait until the slow query holds a worker
        if pool.ready < 2:
            break
        time.sleep(0.05)
    fast = httpx.get(fresh.sparql, params={"query": "ASK {}"}, timeout=120)
    assert fast.json() == {"head": {}, "boolean": True}
    assert thread.is_alive(), "the fast ASK should answer while the slow query is still running"
    thread.join(120)
    assert_error(slow["response"], 503, "query-timeout")
    for _ in range(1200):  # the replacement opens the graph; bounded wait, not a timing assertion
        if pool.stats.replaced >= 1 and pool.ready == 2:
            break
        time.sleep(0.1)
    after = set(pool.pids())
    assert len(after) == 2
    gone = before - after
    assert len(gone) == 1, "exactly the worker that ran the slow query is replaced"
    assert not psutil.pid_exists(gone.pop()), "the stopped worker's process is really gone"
    resident = sum(psutil.Process(pid).memory_info().rss for pid in after)
    assert resident < baseline * 1.5, "the workers' memory is back near its baseline"
    health = httpx.get(fresh.url + "/health").json()
    assert health["timeouts"] >= 1 and health["replacedWorkers"] >= 1
    response = httpx.get(
        fresh.sparql, params={"query": portable("meeting-directives")}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200  # an answer within the 5-row cap
    assert crlf(response.text) == crlf((GOLDEN / "meeting-directives.csv").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- command line


def test_serve_command_passes_its_options(monkeypatch: pytest.MonkeyPatch, trig: Path) -> None:
    from typer.testing import CliRunner

    import alignkg.cli
    import alignkg.endpoint.server

    seen: list[alignkg.EndpointConfig] = []
    monkeypatch.setattr(alignkg.endpoint.server, "serve", seen.append)
    args = ["serve", "--graph", str(trig), "--port", "8123", "--time-limit", "5", "--row-cap", "7"]
    result = CliRunner().invoke(alignkg.cli.app, [*args, "--cors", "--workers", "3"])
    assert result.exit_code == 0, result.output
    (config,) = seen
    assert config.graphs == (trig,)
    assert config.store == "oxigraph"
    assert (config.host, config.port, config.workers) == ("127.0.0.1", 8123, 3)
    assert (config.time_limit, config.row_cap, config.cors) == (5.0, 7, True)


def test_serve_refuses_a_missing_graph_before_starting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    import alignkg.cli
    import alignkg.endpoint.server

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(alignkg.endpoint.server, "serve", lambda config: pytest.fail("must not start"))
    result = CliRunner().invoke(alignkg.cli.app, ["serve"])
    assert result.exit_code == 1
    assert "run 'alignkg build' first" in result.stderr


def test_a_store_that_cannot_be_opened_stops_the_start_with_its_reason() -> None:
    import asyncio

    pool = WorkerPool([], store="sparql:http://127.0.0.1:9/sparql", size=1)
    with pytest.raises(alignkg.AlignkgError, match="cannot reach the SPARQL endpoint"):
        asyncio.run(pool.start())
    assert pool.pids() == []
