"""The SPARQL 1.1 endpoint: Starlette routes for the protocol, the service description, a health
check, the HTML view and an offline query page, over a pool of worker processes that hold the
graph. Read-only, bounded in time, memory, rows, body size and connections, and never fetching
anything remote.

Starlette rather than FastAPI: the SPARQL protocol needs the raw request (three body encodings,
repeated parameters, content negotiation), so FastAPI's validation and OpenAPI layers would only
stand in the way; uvicorn runs it.
"""

from __future__ import annotations

import asyncio
import resource
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from alignkg.endpoint.admission import Admission
from alignkg.endpoint.connections import ConnectionCounts, ConnectionLimits, uvicorn_config
from alignkg.endpoint.engine import Answer, QueryRequest, ViewRequest, view_refusal
from alignkg.endpoint.guard import RequestError
from alignkg.endpoint.media import GraphMedia, write_graph
from alignkg.endpoint.negotiation import GRAPH_ALIASES, negotiate
from alignkg.endpoint.sparql_protocol import protocol_params
from alignkg.endpoint.workers import WorkerPool, source_list
from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_GRAPH_FILE
from alignkg.model.terms import PREFIXES
from alignkg.queries.named import bind_parameters, shipped_queries

ROW_CAP_HEADER = "X-Alignkg-Row-Cap"
ROWS_HEADER = "X-Alignkg-Rows"
TRUNCATED_HEADER = "X-Alignkg-Truncated"
_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class EndpointConfig:
    """Everything ``alignkg serve`` can be told; the defaults are safe on a shared machine."""

    graphs: tuple[Path | str, ...] = (DEFAULT_GRAPH_FILE,)
    store: str = "oxigraph"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    time_limit: float = 30.0
    row_cap: int = 10_000
    max_body: int = 1_048_576
    cors: bool = False
    title: str = "alignkg graph"
    root_path: str = ""
    query_memory: int = 512 * 2**20
    """Bytes a query may use beyond its worker's memory after opening the graph."""
    memory_ceiling: int | None = None
    """Bytes the server and its workers may hold together (None: no ceiling of their own)."""
    cache_bytes: int = 16 * 2**20
    """Bound in bytes of each cache: query inspections (per worker) and the rendered view."""
    client_queries: int = 8
    """Queries one client address may have in flight at once."""
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    idle_timeout: float = 5.0
    max_connections: int = 256
    client_connections: int = 32

    @property
    def connection_limits(self) -> ConnectionLimits:
        """The connection part of the configuration."""
        return ConnectionLimits(
            self.header_timeout,
            self.body_timeout,
            self.idle_timeout,
            self.max_connections,
            self.client_connections,
        )


def _refusal_response(refusal: RequestError) -> Response:
    return Response(refusal.to_json(), status_code=refusal.status, media_type="application/json")


def _answer_response(answer: Answer, row_cap: int) -> Response:
    headers = {"Vary": "Accept", "Cache-Control": "no-store"}
    if answer.status == 200:
        headers[ROW_CAP_HEADER] = str(row_cap)
        if answer.rows is not None:
            headers[ROWS_HEADER] = str(answer.rows)
        headers[TRUNCATED_HEADER] = "true" if answer.truncated else "false"
    media = answer.media_type
    if media.startswith("text/") and "charset" not in media:
        media += "; charset=utf-8"
    return Response(answer.body, status_code=answer.status, media_type=media, headers=headers)


def _service_description(request: Request, pool: WorkerPool) -> Response:
    endpoint = ox.NamedNode(str(request.url.replace(query="", fragment="")))
    sd = ox.BlankNode()
    dataset = ox.BlankNode()
    default_graph = ox.BlankNode()

    def iri(namespace: str, local: str) -> ox.NamedNode:
        return ox.NamedNode(namespace + local)

    rdf_type = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type")
    triples = [
        ox.Triple(sd, rdf_type, iri(_SD, "Service")),
        ox.Triple(sd, iri(_SD, "endpoint"), endpoint),
        ox.Triple(sd, iri(_SD, "supportedLanguage"), iri(_SD, "SPARQL11Query")),
        ox.Triple(sd, iri(_SD, "feature"), iri(_SD, "UnionDefaultGraph")),
        ox.Triple(sd, iri(_SD, "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, iri(_SD, "Dataset")),
        ox.Triple(dataset, iri(_SD, "defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf_type, iri(_SD, "Graph")),
        ox.Triple(
            default_graph,
            iri("http://rdfs.org/ns/void#", "triples"),
            ox.Literal(str(pool.info.quads), datatype=iri("http://www.w3.org/2001/XMLSchema#", "integer")),
        ),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"):
        triples.append(ox.Triple(sd, iri(_SD, "resultFormat"), iri(_FORMATS, name)))
    for name in ("Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(sd, iri(_SD, "resultFormat"), iri(_FORMATS, name)))
    for graph in pool.info.graphs:
        named = ox.BlankNode()
        triples += [
            ox.Triple(dataset, iri(_SD, "namedGraph"), named),
            ox.Triple(named, rdf_type, iri(_SD, "NamedGraph")),
            ox.Triple(named, iri(_SD, "name"), ox.NamedNode(graph)),
        ]
    chosen = negotiate(request.headers.get("accept"), [m.value for m in GraphMedia], dict(GRAPH_ALIASES))
    media = GraphMedia(chosen) if chosen else GraphMedia.TURTLE
    return Response(write_graph(media, triples), media_type=media.value, headers={"Vary": "Accept"})


def _wants_html(request: Request) -> bool:
    """Whether a browser asks (it names text/html; ``*/*`` alone gets the service description)."""
    offered = [*(m.value for m in GraphMedia), "text/html"]
    return negotiate(request.headers.get("accept"), offered, {}) == "text/html"


def _page(title: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("alignkg", "templates"), autoescape=True, keep_trailing_newline=True
    )
    # the endpoint declares the alignkg prefixes itself (see inspect_query), so examples need no PREFIX lines
    examples = [
        {"name": q.name, "question": q.question, "text": bind_parameters(q)} for q in shipped_queries()
    ]
    prefixes = [(prefix, str(namespace)) for prefix, namespace in PREFIXES.items()]
    return environment.get_template("query.html").render(title=title, examples=examples, prefixes=prefixes)


def create_app(config: EndpointConfig) -> Starlette:
    """The endpoint as an ASGI application; workers start with the application's lifespan."""
    pool = WorkerPool(
        source_list(list(config.graphs)),
        store=config.store,
        size=config.workers,
        time_limit=config.time_limit,
        query_memory=config.query_memory,
        memory_ceiling=config.memory_ceiling,
        cache_bytes=config.cache_bytes,
    )
    admission = Admission(config.client_queries)
    counts = ConnectionCounts()
    page = _page(config.title)
    cached_view: list[Response] = []
    view_lock = asyncio.Lock()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()

    async def sparql(request: Request) -> Response:
        text, params = await protocol_params(request, config.max_body)
        if text is None:
            if request.method == "GET" and _wants_html(request):
                return RedirectResponse("./", status_code=303)  # relative: works behind a proxy prefix
            if request.method == "GET":
                return _service_description(request, pool)
            raise RequestError("no 'query' parameter in the request", status=400, code="bad-request")
        job = QueryRequest(
            query=text,
            accept=request.headers.get("accept"),
            formats=(*params.get("format", []), *params.get("output", [])),
            default_graph_uris=tuple(params.get("default-graph-uri", [])),
            named_graph_uris=tuple(params.get("named-graph-uri", [])),
            row_cap=config.row_cap,
        )
        client = request.client.host if request.client else ""
        ticket = admission.enter(client, len(text))
        try:
            answer = await pool.run(
                job, heavy=ticket.heavy, charge=lambda seconds: admission.charge(client, seconds)
            )
        finally:
            admission.leave(client, ticket)
        return _answer_response(answer, config.row_cap)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "status": "ok",
                "workers": config.workers,
                "idleWorkers": pool.ready,
                "served": pool.stats.served,
                "timeouts": pool.stats.timeouts,
                "replacedWorkers": pool.stats.replaced,
                "memoryStops": pool.stats.memory_stops,
                "heavyClients": admission.heavy_clients(),
                "openConnections": counts.total,
                "refusedConnections": counts.refused,
                "timedOutConnections": counts.timed_out,
                "workerNetwork": pool.network,
                "quads": pool.info.quads,
                "namedGraphs": len(pool.info.graphs),
                "timeLimitSeconds": config.time_limit,
                "rowCap": config.row_cap,
                "maxBodyBytes": config.max_body,
                "queryMemoryBytes": config.query_memory,
                "memoryCeilingBytes": config.memory_ceiling,
            }
        )

    async def view(request: Request) -> Response:
        """The view is drawn once (one request at a time draws it) and kept, refusals too, so no
        request after the first costs a worker; graphs over the view's limits are refused at once."""
        refusal = view_refusal(pool.info.quads)
        if refusal is not None:
            return _refusal_response(refusal)
        async with view_lock:
            if not cached_view:
                answer = await pool.run(ViewRequest(title=config.title), heavy=True)
                if answer.status == 200 and len(answer.body) > config.cache_bytes:
                    answer = Answer.from_refusal(
                        RequestError(
                            f"the view is {len(answer.body):,} bytes, more than the cache bound of "
                            f"{config.cache_bytes:,}; draw it with alignkg view",
                            status=422,
                            code="view-too-large",
                        )
                    )
                if answer.status in (200, 422) or answer.status == 503:
                    cached_view.append(_view_response(answer))
                else:
                    return _answer_response(answer, config.row_cap)
        return cached_view[0]

    async def query_page(request: Request) -> HTMLResponse:
        csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"
        return HTMLResponse(page, headers={"Content-Security-Policy": csp})

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestError)
        return _refusal_response(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return _refusal_response(RequestError(str(exc.detail), status=exc.status_code, code=code))

    async def server_error(request: Request, exc: Exception) -> Response:
        return _refusal_response(RequestError("internal server error", status=500, code="internal-error"))

    middleware = []
    if config.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[ROW_CAP_HEADER, ROWS_HEADER, TRUNCATED_HEADER],
            )
        )
    routes = [
        Route("/", query_page, methods=["GET"], name="query_page"),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/view", view, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={RequestError: refused, HTTPException: http_error, Exception: server_error},
    )
    app.state.pool = pool
    app.state.connections = counts
    return app


def _view_response(answer: Answer) -> Response:
    if answer.status == 200:
        return HTMLResponse(answer.body)
    return Response(answer.body, status_code=answer.status, media_type="application/json")


def parse_size(text: str) -> int:
    """Bytes from ``512M``, ``2G``, ``64K`` (powers of 1,024) or a plain number.

    >>> parse_size("512M"), parse_size("2g"), parse_size("1048576")
    (536870912, 2147483648, 1048576)
    """
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(value[-1:], 1)
    number = value[:-1] if scale > 1 else value
    try:
        return round(float(number) * scale)
    except ValueError as exc:
        raise AlignkgError(f"not a size: {text!r} (write bytes, or 64K, 512M, 2G)") from exc


def check_config(config: EndpointConfig) -> None:
    """Refuse impossible settings and missing graph files before anything starts."""
    numbers = (
        config.workers, config.row_cap, config.max_body, config.time_limit, config.query_memory,
        config.cache_bytes, config.client_queries, config.header_timeout, config.body_timeout,
        config.idle_timeout, config.max_connections, config.client_connections,
    )  # fmt: skip
    if min(numbers) <= 0 or (config.memory_ceiling is not None and config.memory_ceiling <= 0):
        raise AlignkgError("workers, limits, timeouts, caps and memory sizes must all be positive")
    kind, _, rest = config.store.partition(":")
    if kind not in ("memory", "oxigraph", "sparql") or (kind == "sparql" and not rest):
        raise AlignkgError(
            f"unknown store {config.store!r}; use oxigraph, oxigraph:PATH, memory or sparql:URL"
        )
    if kind == "oxigraph" and rest and not Path(rest).is_dir():
        raise AlignkgError(f"Oxigraph store folder not found: {rest}")
    if rest and config.graphs:
        raise AlignkgError(f"{config.store} is served as it holds; give no graph files with it")
    for graph in config.graphs:
        path = Path(graph)
        if not path.is_file():
            hint = " (run 'alignkg build' first)" if path == DEFAULT_GRAPH_FILE else ""
            raise AlignkgError(f"graph not found: {path}{hint}")


def server_config(config: EndpointConfig, app: Starlette, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration ``serve`` runs ``app`` with: the connection limits, rate-limited
    logs, proxy headers from 127.0.0.1 only; ``options`` add or replace uvicorn settings."""
    counts: ConnectionCounts = app.state.connections
    settings: dict[str, Any] = {
        "host": config.host,
        "port": config.port,
        "root_path": config.root_path,
        "proxy_headers": True,
        "server_header": False,
        "backlog": config.max_connections,
        **options,
    }
    return uvicorn_config(app, limits=config.connection_limits, counts=counts, **settings)


def _open_file_allowance(connections: int) -> None:
    """Raise this process's open-file limit so ``connections`` sockets fit beside the rest."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def serve(config: EndpointConfig) -> None:
    """Run the endpoint until interrupted (Ctrl-C)."""
    check_config(config)
    _open_file_allowance(config.max_connections)
    uvicorn.Server(server_config(config, create_app(config))).run()
