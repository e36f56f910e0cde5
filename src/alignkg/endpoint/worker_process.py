"""The body of a query worker process: it gives up network access, opens the graph and answers
requests from the server over a pipe until the pipe closes; no request can end it."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

from alignkg.endpoint.confine import confine_network
from alignkg.endpoint.engine import (
    Answer,
    StoreInfo,
    ViewRequest,
    answer_query,
    open_served,
    render_graph_view,
)
from alignkg.endpoint.guard import INSPECTIONS, RequestError
from alignkg.model.errors import AlignkgError

STACK_BYTES = 1 << 30
"""Stack of the thread that runs queries: Oxigraph's planner recurses once per element of a long
UNION, BIND or operator chain and overflows the usual 8 MiB (a crash, not an error). Only pages
used count as memory, and they count against the query's memory limit."""
RECURSION_LIMIT = 20_000


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker process is started with."""

    store: str
    sources: tuple[str, ...]
    cache_bytes: int = 16 * 2**20


@dataclass(frozen=True)
class WorkerReady:
    """A worker's first message: the graph it opened and how its network access is refused."""

    info: StoreInfo
    network: str


def worker_main(conn: Connection, settings: WorkerSettings) -> None:
    """Body of a worker process: lose network access, open the graph, say ready, then answer
    requests until closed, in a thread with a stack deep enough for any query's planner."""
    if settings.store.startswith("sparql:"):
        network = "open: the sparql: store forwards queries over HTTP (the guard reads them first)"
    else:
        refused = confine_network()
        network = "refused by a seccomp filter" if refused is None else f"not confined ({refused})"
    sys.setrecursionlimit(RECURSION_LIMIT)
    INSPECTIONS.max_bytes = settings.cache_bytes
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(conn, settings, network), name="alignkg-query")
    thread.start()
    thread.join()


def _serve(conn: Connection, settings: WorkerSettings, network: str) -> None:
    try:
        graph = open_served(settings.store, list(settings.sources))
    except AlignkgError as exc:
        conn.send(exc)
        return
    except Exception as exc:  # a store's own errors (unreachable endpoint, bad data...)
        conn.send(AlignkgError(f"cannot open the {settings.store} store: {exc}"))
        return
    conn.send(WorkerReady(graph.info, network))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if isinstance(request, ViewRequest):
                answer = render_graph_view(graph, request)
            else:
                answer = answer_query(graph, request)
        except BaseException as exc:  # never lose the worker to one request
            refusal = RequestError(f"internal error: {type(exc).__name__}", status=500, code="internal-error")
            answer = Answer.from_refusal(refusal)
        conn.send(answer)
