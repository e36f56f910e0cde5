"""The query engine inside each endpoint worker process: the graph opened in pyoxigraph, and one
protocol request answered as bytes (inspected first, then run, capped and serialised)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from alignkg.errors import AlignkgError, Location
from alignkg.media import (
    GRAPH_ALIASES,
    GRAPH_FORMAT_NAMES,
    RESULT_ALIASES,
    RESULT_FORMAT_NAMES,
    GraphMedia,
    ResultMedia,
    negotiate,
    write_boolean,
    write_graph,
    write_solutions,
)
from alignkg.sparql_guard import QueryForm, RequestError, check_graphs, inspect_query
from alignkg.terms import PREFIXES

OXIGRAPH_PREFIX = "oxigraph:"
_OX_POSITION = re.compile(r"error at (\d+):(\d+)")


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL protocol query as the worker needs it.

    ``default_graph_uris`` / ``named_graph_uris`` are the protocol parameters; when either is
    given they replace the query's own FROM / FROM NAMED, as the SPARQL 1.1 Protocol says.
    """

    query: str
    accept: str | None = None
    format: str | None = None
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


def open_store(sources: Sequence[str | Path]) -> ox.Store:
    """Open RDF files (TriG, N-Quads, Turtle, N-Triples, JSON-LD, RDF/XML) in an in-memory store,
    or an on-disk Oxigraph store read-only as ``oxigraph:PATH``."""
    if len(sources) == 1 and str(sources[0]).startswith(OXIGRAPH_PREFIX):
        path = Path(str(sources[0]).removeprefix(OXIGRAPH_PREFIX))
        if not path.is_dir():
            raise AlignkgError("Oxigraph store folder not found", Location(path))
        return ox.Store.read_only(str(path))
    store = ox.Store()
    for source in sources:
        file = Path(source)
        if not file.is_file():
            raise AlignkgError("graph file not found (run 'alignkg build' first)", Location(file))
        fmt = ox.RdfFormat.from_extension(file.suffix.lstrip(".").lower())
        if fmt is None:
            raise AlignkgError(f"unknown RDF file type {file.suffix!r}", Location(file))
        try:
            store.bulk_load(path=str(file), format=fmt)
        except (SyntaxError, OSError) as exc:
            raise AlignkgError(f"cannot load: {exc}", Location(file)) from exc
    return store


def describe_store(store: ox.Store) -> StoreInfo:
    """The named graphs (sorted) and the number of quads of ``store``."""
    graphs = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))
    return StoreInfo(graphs, len(store))


def _choose(
    request: QueryRequest, form: QueryForm
) -> tuple[type[ResultMedia] | type[GraphMedia], ResultMedia | GraphMedia]:
    graph_form = form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
    kinds: type[ResultMedia] | type[GraphMedia] = GraphMedia if graph_form else ResultMedia
    names: dict[str, ResultMedia] | dict[str, GraphMedia] = (
        GRAPH_FORMAT_NAMES if graph_form else RESULT_FORMAT_NAMES
    )
    aliases: dict[str, str] = dict(GRAPH_ALIASES if graph_form else RESULT_ALIASES)
    if request.format:
        fmt = request.format.strip().lower()
        if fmt in names:
            return kinds, names[fmt]
        if fmt in [m.value for m in kinds]:
            return kinds, kinds(fmt)
    chosen = negotiate(request.accept, [m.value for m in kinds], aliases)
    if chosen is None:
        offered = ", ".join(m.value for m in kinds)
        raise RequestError(
            f"cannot answer a {form} query as {request.format or request.accept!r}; available: {offered}",
            status=406,
            code="not-acceptable",
        )
    return kinds, kinds(chosen)


def answer_query(store: ox.Store, info: StoreInfo, request: QueryRequest) -> Answer:
    """Inspect, run and serialise one query; refusals and errors come back in the error shape."""
    try:
        inspected = inspect_query(request.query, known_graphs=info.graphs)
        _, media = _choose(request, inspected.form)
        options: dict[str, object] = {"prefixes": {p: str(ns) for p, ns in PREFIXES.items()}}
        if request.default_graph_uris or request.named_graph_uris:
            check_graphs(request.default_graph_uris, info.graphs, clause="default-graph-uri")
            check_graphs(request.named_graph_uris, info.graphs, clause="named-graph-uri")
            options["default_graph"] = [ox.NamedNode(u) for u in request.default_graph_uris]
            options["named_graphs"] = [ox.NamedNode(u) for u in request.named_graph_uris]
        elif not inspected.has_dataset_clause:
            options["use_default_graph_as_union"] = True
        try:
            result = store.query(request.query, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            found = _OX_POSITION.search(str(exc))
            line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
            raise RequestError(
                f"SPARQL syntax error: {exc}", status=400, code="malformed-query", line=line, column=column
            ) from exc
        cap = request.row_cap
        if isinstance(result, ox.QueryBoolean):
            assert isinstance(media, ResultMedia)
            return Answer(200, write_boolean(media, bool(result)), media.value, rows=1)
        if isinstance(result, ox.QueryTriples):
            assert isinstance(media, GraphMedia)
            triples = list(itertools.islice(result, cap + 1))
            truncated = len(triples) > cap
            body = write_graph(media, triples[:cap])
            return Answer(200, body, media.value, rows=min(len(triples), cap), truncated=truncated)
        assert isinstance(media, ResultMedia)
        variables = [v.value for v in result.variables]
        rows = [tuple(s) for s in itertools.islice(result, cap + 1)]
        truncated = len(rows) > cap
        extra: dict[str, object] = {"alignkg": {"rowCap": cap, "truncated": truncated}}
        body = write_solutions(media, variables, rows[:cap], extra=extra)
        return Answer(200, body, media.value, rows=min(len(rows), cap), truncated=truncated)
    except RequestError as refusal:
        return Answer.from_refusal(refusal)
    except OSError as exc:  # evaluation errors reported by the store
        return Answer.from_refusal(RequestError(f"query failed: {exc}", status=500, code="query-failed"))


def render_store_view(store: ox.Store, request: ViewRequest) -> Answer:
    """The HTML view of the whole graph, through alignkg's own view renderer."""
    from alignkg.view import render_view

    dataset = Dataset(default_union=True)
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    assert data is not None
    dataset.parse(data=data.decode(), format="nquads")
    html = render_view(dataset, title=request.title)
    return Answer(200, html.encode(), "text/html; charset=utf-8")
