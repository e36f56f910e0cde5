"""The SPARQL 1.1 endpoint: Starlette routes for the protocol, the service description, a health
check, the HTML view and an offline query page, over a pool of worker processes that hold the
graph. Read-only, bounded in time, rows and body size, and never fetching anything remote.

Starlette rather than FastAPI: the SPARQL protocol needs the raw request (three body encodings,
repeated parameters, content negotiation), so FastAPI's validation and OpenAPI layers would only
stand in the way; uvicorn runs it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

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

from alignkg.endpoint.engine import Answer, QueryRequest, ViewRequest
from alignkg.endpoint.guard import RequestError
from alignkg.endpoint.media import GRAPH_ALIASES, GraphMedia, negotiate, write_graph
from alignkg.endpoint.workers import WorkerPool, source_list
from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_GRAPH_FILE
from alignkg.model.terms import with_prefixes
from alignkg.queries.named import bind_parameters, shipped_queries

ROW_CAP_HEADER = "X-Alignkg-Row-Cap"
ROWS_HEADER = "X-Alignkg-Rows"
TRUNCATED_HEADER = "X-Alignkg-Truncated"
_FORM = "application/x-www-form-urlencoded"
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


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise RequestError(f"give the {name!r} parameter once", status=400, code="bad-request")
    return values[0] if values else None


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    too_large = RequestError(
        f"the request body is larger than the limit of {limit} bytes", status=413, code="body-too-large"
    )
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(f"the {what} is not UTF-8", status=400, code="bad-request") from exc


def _refuse_update() -> RequestError:
    return RequestError(
        "this endpoint is read-only: SPARQL Update requests are refused", status=403, code="update-refused"
    )


async def _protocol_params(request: Request, limit: int) -> tuple[str | None, dict[str, list[str]]]:
    """The query text and the other protocol parameters, from any of the three request kinds."""
    url_params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        url_params.setdefault(key, []).append(value)
    if request.method == "GET":
        if "update" in url_params:
            raise _refuse_update()
        return _one(url_params, "query"), url_params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise _refuse_update()
    body = await _body(request, limit)
    if content_type == _FORM:
        params = parse_qs(_text(body, "request body"), keep_blank_values=True)
        if "update" in params:
            raise _refuse_update()
        for key in ("format", "output"):
            if key in url_params and key not in params:
                params[key] = url_params[key]
        return _one(params, "query"), params
    if content_type == "application/sparql-query":
        return _text(body, "query"), url_params
    raise RequestError(
        f"POST a query as {_FORM} or application/sparql-query, not {content_type or 'no content type'}",
        status=415,
        code="unsupported-media-type",
    )


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
    for name in ("Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
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
    examples = [
        {"name": q.name, "question": q.question, "text": with_prefixes(bind_parameters(q))[0]}
        for q in shipped_queries()
    ]
    return environment.get_template("query.html").render(title=title, examples=examples)


def create_app(config: EndpointConfig) -> Starlette:
    """The endpoint as an ASGI application; workers start with the application's lifespan."""
    pool = WorkerPool(
        source_list(list(config.graphs)),
        store=config.store,
        size=config.workers,
        time_limit=config.time_limit,
    )
    page = _page(config.title)
    cached_view: list[Response] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()

    async def sparql(request: Request) -> Response:
        text, params = await _protocol_params(request, config.max_body)
        if text is None:
            if request.method == "GET" and _wants_html(request):
                return RedirectResponse("./", status_code=303)  # relative: works behind a proxy prefix
            if request.method == "GET":
                return _service_description(request, pool)
            raise RequestError("no 'query' parameter in the request", status=400, code="bad-request")
        job = QueryRequest(
            query=text,
            accept=request.headers.get("accept"),
            format=_one(params, "format") or _one(params, "output"),
            default_graph_uris=tuple(params.get("default-graph-uri", [])),
            named_graph_uris=tuple(params.get("named-graph-uri", [])),
            row_cap=config.row_cap,
        )
        return _answer_response(await pool.run(job), config.row_cap)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "status": "ok",
                "workers": config.workers,
                "idleWorkers": pool.ready,
                "served": pool.stats.served,
                "timeouts": pool.stats.timeouts,
                "replacedWorkers": pool.stats.replaced,
                "quads": pool.info.quads,
                "namedGraphs": len(pool.info.graphs),
                "timeLimitSeconds": config.time_limit,
                "rowCap": config.row_cap,
                "maxBodyBytes": config.max_body,
            }
        )

    async def view(request: Request) -> Response:
        if not cached_view:
            answer = await pool.run(ViewRequest(title=config.title))
            if answer.status != 200:
                return _answer_response(answer, config.row_cap)
            cached_view.append(HTMLResponse(answer.body))
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
    return app


def check_config(config: EndpointConfig) -> None:
    """Refuse impossible settings and missing graph files before anything starts."""
    if config.workers < 1 or config.row_cap < 1 or config.max_body < 1 or config.time_limit <= 0:
        raise AlignkgError("workers, row cap, body limit and time limit must all be positive")
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


def serve(config: EndpointConfig) -> None:
    """Run the endpoint until interrupted (Ctrl-C)."""
    check_config(config)
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        root_path=config.root_path,
        proxy_headers=True,
        server_header=False,
    )
