"""A pool of query worker processes: each holds the graph and answers one request at a time; a
worker that passes the time limit is killed and replaced, so its CPU and memory really come back.

Threads cannot be stopped and neither rdflib nor pyoxigraph takes a timeout, so the only way to
end a runaway query is to end the process that runs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from alignkg.endpoint.engine import (
    Answer,
    QueryRequest,
    StoreInfo,
    ViewRequest,
    answer_query,
    open_served,
    render_graph_view,
)
from alignkg.endpoint.guard import RequestError
from alignkg.model.errors import AlignkgError

Request = QueryRequest | ViewRequest


def worker_main(conn: Connection, store: str, sources: list[str]) -> None:
    """Body of a worker process: open the graph, say ready, then answer requests until closed."""
    try:
        graph = open_served(store, sources)
    except AlignkgError as exc:
        conn.send(exc)
        return
    except Exception as exc:  # a store's own errors (unreachable endpoint, bad data...)
        conn.send(AlignkgError(f"cannot open the {store} store: {exc}"))
        return
    conn.send(graph.info)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(request, ViewRequest):
            conn.send(render_graph_view(graph, request))
        else:
            conn.send(answer_query(graph, request))


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection

    def call(self, request: Request, time_limit: float) -> Answer:
        """Send one request and wait for its answer; TimeoutError past the limit."""
        self.conn.send(request)
        if not self.conn.poll(time_limit):
            raise TimeoutError
        answer = self.conn.recv()
        assert isinstance(answer, Answer)
        return answer

    def stop(self) -> None:
        """Kill the process (it may be mid-query) and reap it."""
        self.process.kill()
        self.process.join(10)
        self.conn.close()


@dataclass
class PoolStats:
    """Counters shown by the health check."""

    served: int = 0
    timeouts: int = 0
    replaced: int = 0


@dataclass
class WorkerPool:
    """``size`` worker processes over the same graph (``sources`` loaded into ``store``); see the
    module docstring."""

    sources: list[str]
    store: str = "oxigraph"
    size: int = 2
    time_limit: float = 30.0
    start_limit: float = 600.0
    info: StoreInfo = field(default_factory=lambda: StoreInfo((), 0))
    stats: PoolStats = field(default_factory=PoolStats)

    def __post_init__(self) -> None:
        self._context = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=self.size + 2, thread_name_prefix="alignkg-pool")
        self._pending: set[asyncio.Task[None]] = set()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for health checks and tests)."""
        return sorted(w.process.pid for w in list(self._all) if w.process.pid is not None)

    @property
    def ready(self) -> int:
        """How many workers are idle right now."""
        return self._idle.qsize()

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker_main, args=(child, self.store, [str(s) for s in self.sources]), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _wait_ready(self, worker: _Worker) -> StoreInfo:
        if not worker.conn.poll(self.start_limit):
            worker.stop()
            raise AlignkgError(f"a query worker did not open the graph within {self.start_limit:.0f} s")
        try:
            message = worker.conn.recv()
        except EOFError as exc:
            worker.stop()
            raise AlignkgError("a query worker exited while opening the graph") from exc
        if isinstance(message, AlignkgError):
            worker.stop()
            raise message
        assert isinstance(message, StoreInfo)
        return message

    async def start(self) -> None:
        """Start every worker and wait until each has opened the graph."""
        loop = asyncio.get_running_loop()
        workers = [self._spawn() for _ in range(self.size)]
        try:
            infos = await asyncio.gather(
                *(loop.run_in_executor(self._threads, self._wait_ready, w) for w in workers)
            )
        except BaseException:
            for worker in workers:
                worker.stop()
            raise
        self.info = infos[0]
        for worker in workers:
            self._all.add(worker)
            self._idle.put_nowait(worker)

    async def _replace(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(worker)
        await loop.run_in_executor(self._threads, worker.stop)
        fresh = self._spawn()
        self._all.add(fresh)
        try:
            await loop.run_in_executor(self._threads, self._wait_ready, fresh)
        except AlignkgError:
            self._all.discard(fresh)
            return
        self.stats.replaced += 1
        self._idle.put_nowait(fresh)

    def _schedule_replace(self, worker: _Worker) -> None:
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def run(self, request: Request) -> Answer:
        """Answer ``request`` in an idle worker within the time limit, never on the event loop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.time_limit
        while True:
            try:
                worker = await asyncio.wait_for(self._idle.get(), timeout=max(0.0, deadline - loop.time()))
            except TimeoutError:
                return Answer.from_refusal(
                    RequestError(
                        "every query worker stayed busy for the whole time limit; try again later",
                        status=503,
                        code="busy",
                    )
                )
            if worker.process.is_alive():
                break
            self._schedule_replace(worker)  # died while idle (killed from outside): the query has not run
        try:
            answer = await loop.run_in_executor(self._threads, worker.call, request, self.time_limit)
        except TimeoutError:
            self.stats.timeouts += 1
            self._schedule_replace(worker)
            return Answer.from_refusal(
                RequestError(
                    f"the query ran past the time limit of {self.time_limit:g} s and was stopped",
                    status=503,
                    code="query-timeout",
                )
            )
        except (EOFError, OSError):
            self._schedule_replace(worker)
            return Answer.from_refusal(
                RequestError("the query worker stopped unexpectedly", status=500, code="worker-failed")
            )
        except BaseException:  # cancelled mid-query: the worker's state is unknown, replace it
            self._schedule_replace(worker)
            raise
        self.stats.served += 1
        self._idle.put_nowait(worker)
        return answer

    async def stop(self) -> None:
        """Stop every worker, including replacements still starting."""
        for task in list(self._pending):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        for worker in list(self._all):
            worker.stop()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)


def source_list(graphs: list[Path | str]) -> list[str]:
    """Graph files as absolute paths, so workers find them whatever their working folder."""
    return [str(Path(g).resolve()) for g in graphs]
