"""The query engine inside each endpoint worker process: the graph opened in a store, and one
protocol request answered as bytes (inspected first, then run, capped and serialised).

Oxigraph stores are queried natively (streaming, dataset-aware); any other alignkg store
(``memory`` for rdflib, ``sparql:URL``) through the :class:`~alignkg.stores.base.Store` interface.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from alignkg.endpoint.guard import InspectedQuery, RequestError, check_graphs, inspect_query
from alignkg.endpoint.media import GraphMedia, ResultMedia, write_boolean, write_graph, write_solutions
from alignkg.endpoint.negotiation import choose_media
from alignkg.model.errors import AlignkgError, Location
from alignkg.model.terms import PREFIXES
from alignkg.stores.base import Store
from alignkg.stores.spec import open_store

OXIGRAPH_PREFIX = "oxigraph:"
_OX_POSITION = re.compile(r"error at (\d+):(\d+)")


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL protocol query as the worker needs it.

    ``formats`` are the values of the ``format`` and ``output`` parameters, in the order given;
    ``default_graph_uris`` / ``named_graph_uris`` are the protocol parameters; when either is
    given they replace the query's own FROM / FROM NAMED, as the SPARQL 1.1 Protocol says.
    """

    query: str
    accept: str | None = None
    formats: tuple[str, ...] = ()
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    row_cap: int = 10_000


@dataclass(frozen=True)
class ViewRequest:
    """Render the HTML view of the whole graph."""

    title: str = "alignkg graph"


@dataclass(frozen=True)
class Answer:
    """A finished response: status, body and media type, plus the row count and whether the cap
    cut the answer short."""

    status: int
    body: bytes
    media_type: str
    rows: int | None = None
    truncated: bool = False

    @classmethod
    def from_refusal(cls, refusal: RequestError) -> Answer:
        """The endpoint's JSON error shape for a refused request."""
        return cls(refusal.status, refusal.to_json(), "application/json")


@dataclass(frozen=True)
class StoreInfo:
    """What the server needs to know about the opened graph: its named graphs and size."""

    graphs: tuple[str, ...]
    quads: int


@dataclass
class OpenedGraph:
    """The graph a worker answers from: a native Oxigraph store, or any alignkg Store."""

    info: StoreInfo
    native: ox.Store | None = None
    store: Store | None = None


def _files(sources: Sequence[str | Path]) -> list[Path]:
    files = [Path(s) for s in sources]
    for file in files:
        if not file.is_file():
            raise AlignkgError("graph file not found (run 'alignkg build' first)", Location(file))
    return files


def open_served(spec: str, sources: Sequence[str | Path]) -> OpenedGraph:
    """Open the store ``spec`` names and load the RDF files ``sources`` into it.

    ``oxigraph`` (Oxigraph in memory, the default) and ``memory`` (rdflib) load the files;
    ``oxigraph:PATH`` opens an existing Oxigraph store read-only, so every worker can share it;
    ``sparql:URL`` forwards the inspected queries to another endpoint.
    """
    if spec.startswith(OXIGRAPH_PREFIX) and spec != "oxigraph:":
        path = Path(spec.removeprefix(OXIGRAPH_PREFIX))
        if sources:
            raise AlignkgError(f"{spec} is served as it is; load files into it beforehand")
        if not path.is_dir():
            raise AlignkgError("Oxigraph store folder not found", Location(path))
        native = ox.Store.read_only(str(path))
        return OpenedGraph(_native_info(native), native=native)
    files = _files(sources)
    store = open_store(spec)
    if files:
        store.load(*files)
    from alignkg.stores.oxigraph import OxigraphStore

    if isinstance(store, OxigraphStore):
        return OpenedGraph(_native_info(store.native), native=store.native)
    graphs = tuple(sorted(str(g) for g in store.graphs()))
    return OpenedGraph(StoreInfo(graphs, len(store)), store=store)


def _native_info(store: ox.Store) -> StoreInfo:
    graphs = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))
    return StoreInfo(graphs, len(store))


def _native_result(store: ox.Store, request: QueryRequest, inspected: InspectedQuery) -> object:
    """Run the inspected reading of the query (never the raw request text) in Oxigraph."""
    options: dict[str, object] = {"prefixes": {p: str(ns) for p, ns in PREFIXES.items()}}
    if request.default_graph_uris or request.named_graph_uris:
        options["default_graph"] = [ox.NamedNode(u) for u in request.default_graph_uris]
        options["named_graphs"] = [ox.NamedNode(u) for u in request.named_graph_uris]
    elif not inspected.has_dataset_clause:
        options["use_default_graph_as_union"] = True
    try:
        return store.query(inspected.text, **options)  # type: ignore[arg-type]
    except SyntaxError as exc:
        found = _OX_POSITION.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        raise RequestError(
            f"SPARQL syntax error: {exc}", status=400, code="malformed-query", line=line, column=column
        ) from exc


def _to_ox(term: Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """An rdflib term as a pyoxigraph term, keeping its exact datatype."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _store_result(store: Store, request: QueryRequest, inspected: InspectedQuery) -> object:
    if inspected.has_dataset_clause or request.default_graph_uris or request.named_graph_uris:
        raise RequestError(
            f"FROM, FROM NAMED, default-graph-uri and named-graph-uri need the Oxigraph store; "
            f"this endpoint serves {store.spec}: use GRAPH <...> in the query instead",
            status=400,
            code="dataset-unsupported",
        )
    try:
        result = store.query(inspected.text)
    except AlignkgError as exc:  # the query was inspected already: the store or its endpoint failed
        remote = store.spec.startswith("sparql:")
        raise RequestError(
            f"query failed: {exc.message}",
            status=502 if remote else 500,
            code="upstream-failed" if remote else "query-failed",
        ) from exc
    if result.boolean is not None:
        return result.boolean
    if result.graph is not None:
        return [ox.Triple(*(_to_ox(t) for t in triple)) for triple in result.graph]  # type: ignore[arg-type]
    return result.variables, [tuple(_to_ox(t) for t in row) for row in result.rows]


def answer_query(graph: OpenedGraph, request: QueryRequest) -> Answer:
    """Inspect, run and serialise one query; every refusal and error, whatever raised it, comes
    back in the error shape, so no query can end the worker that runs it."""
    try:
        return _answer(graph, request)
    except RequestError as refusal:
        return Answer.from_refusal(refusal)
    except RecursionError:
        return Answer.from_refusal(
            RequestError(
                "the query is too deeply nested or too long a chain to run; split or flatten it",
                status=400,
                code="query-too-complex",
            )
        )
    except MemoryError:
        return Answer.from_refusal(
            RequestError("the query ran out of memory and was stopped", status=503, code="memory-limit")
        )
    except (OSError, AlignkgError) as exc:  # evaluation errors reported by the store
        return Answer.from_refusal(RequestError(f"query failed: {exc}", status=500, code="query-failed"))
    except Exception as exc:  # a library's own error while running or writing: the worker goes on
        return Answer.from_refusal(
            RequestError(f"query failed: {type(exc).__name__}: {exc}", status=500, code="query-failed")
        )


def _answer(graph: OpenedGraph, request: QueryRequest) -> Answer:
    info = graph.info
    inspected = inspect_query(request.query, known_graphs=info.graphs)
    media = choose_media(inspected.form, request.formats, request.accept)
    check_graphs(request.default_graph_uris, info.graphs, clause="default-graph-uri")
    check_graphs(request.named_graph_uris, info.graphs, clause="named-graph-uri")
    if graph.native is not None:
        result = _native_result(graph.native, request, inspected)
    else:
        assert graph.store is not None
        result = _store_result(graph.store, request, inspected)
    cap = request.row_cap
    if isinstance(result, ox.QueryBoolean | bool):
        assert isinstance(media, ResultMedia)
        return Answer(200, write_boolean(media, bool(result)), media.value, rows=1)
    if isinstance(result, ox.QueryTriples | list):
        assert isinstance(media, GraphMedia)
        triples = list(itertools.islice(result, cap + 1))
        truncated = len(triples) > cap
        body = write_graph(media, triples[:cap])
        return Answer(200, body, media.value, rows=min(len(triples), cap), truncated=truncated)
    assert isinstance(media, ResultMedia)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [tuple(s) for s in itertools.islice(result, cap + 1)]
    else:
        variables, rows = result  # type: ignore[misc]
        rows = rows[: cap + 1]
    truncated = len(rows) > cap
    extra: dict[str, object] = {"alignkg": {"rowCap": cap, "truncated": truncated}}
    body = write_solutions(media, variables, rows[:cap], extra=extra)
    return Answer(200, body, media.value, rows=min(len(rows), cap), truncated=truncated)


VIEW_MAX_QUADS = 400_000
"""Largest graph /view draws: well past it the view's own limits (20,000 entities, 60,000
relations) are exceeded, and converting the graph for the renderer alone outlasts a time limit."""


def view_refusal(quads: int) -> RequestError | None:
    """Why a graph of ``quads`` quads gets no /view, or None when it may be drawn."""
    if quads <= VIEW_MAX_QUADS:
        return None
    return RequestError(
        f"the graph holds {quads:,} quads, more than /view draws ({VIEW_MAX_QUADS:,}); draw a part of it "
        "with alignkg view --focus ENTITY --depth N, --source ID or --class CLASS",
        status=422,
        code="view-too-large",
    )


def render_graph_view(graph: OpenedGraph, request: ViewRequest) -> Answer:
    """The HTML view of the whole graph, through alignkg's own view renderer; graphs over the
    view's limits get a refusal in the error shape."""
    from alignkg.views.view import render_view

    refusal = view_refusal(graph.info.quads)
    if refusal is not None:
        return Answer.from_refusal(refusal)
    try:
        if graph.store is not None:
            dataset = graph.store.dataset()
        else:
            assert graph.native is not None
            dataset = Dataset(default_union=True)
            data = graph.native.dump(format=ox.RdfFormat.N_QUADS)
            assert data is not None
            dataset.parse(data=data.decode(), format="nquads")
        html = render_view(dataset, title=request.title)
    except AlignkgError as exc:  # the view's own size limits
        return Answer.from_refusal(RequestError(exc.message, status=422, code="view-too-large"))
    except Exception as exc:
        return Answer.from_refusal(
            RequestError(f"the view failed: {type(exc).__name__}: {exc}", status=500, code="view-failed")
        )
    return Answer(200, html.encode(), "text/html; charset=utf-8")
