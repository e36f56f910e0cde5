"""A pool of query worker processes: each holds the graph and answers one request at a time; a
worker past the time limit or its memory limit is killed and replaced, so its CPU and memory
really come back.

Threads cannot be stopped and neither rdflib nor pyoxigraph takes a timeout, so the only way to
end a runaway query is to end the process that runs it. Workers of local stores cannot open
network sockets at all (:mod:`alignkg.endpoint.confine`); every error a query raises comes back as an
answer, so a worker is replaced only when its process is really gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import multiprocessing as mp
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import psutil

from alignkg.endpoint.engine import Answer, QueryRequest, StoreInfo, ViewRequest
from alignkg.endpoint.guard import RequestError
from alignkg.endpoint.worker_process import WorkerReady, WorkerSettings, worker_main
from alignkg.model.errors import AlignkgError

Request = QueryRequest | ViewRequest
WATCH_SECONDS = 0.05
EXPRESS_SECONDS = 0.5
"""A request answered within this many seconds is known fast: next time it may use the express
worker, which runs nothing else, so quick repeated queries are answered whatever else runs."""
EXPRESS_BUDGET = 2.0
"""Seconds a request not known fast may run on the idle express worker before it is moved to
another worker (the express worker is replaced), so a slow newcomer cannot hold it."""
EXPRESS, LIGHT, GENERAL, HEAVY = 0, 1, 2, 3  # queues; the express worker serves the first two


def private_memory(process: psutil.Process) -> int:
    """Memory a process holds for itself (resident, less shared and file-backed pages)."""
    info = process.memory_info()
    return int(info.rss - getattr(info, "shared", 0))


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    baseline: int = 0
    stopped_for: str | None = None
    busy: bool = False
    watched: psutil.Process | None = None
    express: bool = False

    def call(self, request: Request, time_limit: float) -> Answer:
        """Send one request and wait for its answer; TimeoutError past the limit, EOFError when
        the process ends (killed by the memory watch, or from outside)."""
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
    memory_stops: int = 0


@dataclass
class WorkerPool:
    """``size`` worker processes over the same graph (``sources`` loaded into ``store``); see the
    module docstring. A query may use ``query_memory`` bytes beyond its worker's memory after
    opening the graph; with ``memory_ceiling``, the server and its workers together stay under it.

    With two or more workers, one is the express worker: it runs requests known to be answered
    within EXPRESS_SECONDS, and others only for EXPRESS_BUDGET seconds, so repeated quick queries
    are answered whatever heavy ones the other workers run. Heavy requests (as the caller judges
    them) wait behind light ones and never run on the express worker."""

    sources: list[str]
    store: str = "oxigraph"
    size: int = 2
    time_limit: float = 30.0
    start_limit: float = 600.0
    query_memory: int = 512 * 2**20
    memory_ceiling: int | None = None
    cache_bytes: int = 16 * 2**20
    info: StoreInfo = field(default_factory=lambda: StoreInfo((), 0))
    network: str = ""
    stats: PoolStats = field(default_factory=PoolStats)

    def __post_init__(self) -> None:
        self._context = mp.get_context("spawn")
        self._idle: deque[_Worker] = deque()
        self._waiting: dict[int, deque[asyncio.Future[_Worker]]] = {lane: deque() for lane in (0, 1, 2, 3)}
        self._fast: OrderedDict[bytes, None] = OrderedDict()
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=self.size + 4, thread_name_prefix="alignkg-pool")
        self._pending: set[asyncio.Task[None]] = set()
        self._stopping = threading.Event()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for health checks and tests)."""
        return sorted(w.process.pid for w in list(self._all) if w.process.pid is not None)

    @property
    def ready(self) -> int:
        """How many workers are idle right now."""
        return len(self._idle)

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        settings = WorkerSettings(self.store, tuple(str(s) for s in self.sources), self.cache_bytes)
        process = self._context.Process(target=worker_main, args=(child, settings), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _wait_ready(self, worker: _Worker) -> WorkerReady:
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
        assert isinstance(message, WorkerReady)
        with contextlib.suppress(psutil.Error):
            worker.watched = psutil.Process(worker.process.pid)
            worker.baseline = private_memory(worker.watched)
        return message

    async def start(self) -> None:
        """Start every worker, wait until each has opened the graph, and start the memory watch."""
        loop = asyncio.get_running_loop()
        workers = [self._spawn() for _ in range(self.size)]
        try:
            ready = await asyncio.gather(
                *(loop.run_in_executor(self._threads, self._wait_ready, w) for w in workers)
            )
        except BaseException:
            for worker in workers:
                worker.stop()
            raise
        self.info, self.network = ready[0].info, ready[0].network
        workers[0].express = self.size >= 2
        for worker in workers:
            self._all.add(worker)
            self._idle.append(worker)
        threading.Thread(target=self._watch, name="alignkg-memory-watch", daemon=True).start()

    def _watch(self) -> None:
        """Kill a busy worker whose query passes its memory limit, or the largest busy one when
        the server and its workers together pass the ceiling."""
        server = psutil.Process()
        while not self._stopping.wait(WATCH_SECONDS):
            total = server.memory_info().rss if self.memory_ceiling is not None else 0
            largest: tuple[int, _Worker] | None = None
            for worker in list(self._all):
                if worker.watched is None or worker.stopped_for is not None:
                    continue
                try:
                    used = private_memory(worker.watched)
                    total += worker.watched.memory_info().rss if self.memory_ceiling is not None else 0
                except psutil.Error:
                    continue
                if not worker.busy:
                    continue
                if used - worker.baseline > self.query_memory:
                    self._kill(worker, "memory")
                elif largest is None or used > largest[0]:
                    largest = (used, worker)
            if self.memory_ceiling is not None and total > self.memory_ceiling and largest is not None:
                self._kill(largest[1], "ceiling")

    def _kill(self, worker: _Worker, reason: str) -> None:
        worker.stopped_for = reason
        with contextlib.suppress(OSError):
            worker.process.kill()

    async def _replace(self, worker: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self._all.discard(worker)
        await loop.run_in_executor(self._threads, worker.stop)
        fresh = self._spawn()
        fresh.express = worker.express
        self._all.add(fresh)
        try:
            await loop.run_in_executor(self._threads, self._wait_ready, fresh)
        except AlignkgError:
            self._all.discard(fresh)
            self._dispatch()
            return
        self.stats.replaced += 1
        self._release(fresh)

    def _schedule_replace(self, worker: _Worker) -> None:
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _dispatch(self) -> None:
        """Hand idle workers to waiting requests: known-fast ones first, then light, then heavy
        ones; the express worker takes known-fast ones and, on a short budget, light ones, when no
        other worker is idle (so a slow newcomer moves off it only if nothing else was free)."""
        for dead in [idle for idle in self._idle if not idle.process.is_alive()]:
            self._idle.remove(dead)  # killed from outside while idle: replaced before it is handed out
            self._schedule_replace(dead)
        handed = True
        while handed:
            handed = False
            for worker in sorted(self._idle, key=lambda idle: idle.express):
                for lane in (EXPRESS, LIGHT) if worker.express else (EXPRESS, LIGHT, GENERAL, HEAVY):
                    queue = self._waiting[lane]
                    while queue and queue[0].done():
                        queue.popleft()
                    if queue:
                        self._idle.remove(worker)
                        queue.popleft().set_result(worker)
                        handed = True
                        break

    def _release(self, worker: _Worker) -> None:
        worker.busy = False
        self._idle.append(worker)
        self._dispatch()

    async def _acquire(self, lane: int, timeout: float) -> _Worker | None:
        future: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiting[lane].append(future)
        self._dispatch()
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=max(0.0, timeout))
        except TimeoutError:
            if future.done() and not future.cancelled():  # handed a worker just as time ran out
                self._release(future.result())
            future.cancel()
            return None
        except BaseException:
            if future.done() and not future.cancelled():
                self._release(future.result())
            future.cancel()
            raise

    async def run(
        self, request: Request, *, heavy: bool = False, charge: Callable[[float], None] | None = None
    ) -> Answer:
        """Answer ``request`` in an idle worker within the time limit, never on the event loop;
        ``heavy`` requests wait behind light ones. ``charge`` is told the seconds the request held
        a worker (waiting for one is free), the whole time limit when it was stopped by a limit."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.time_limit
        key = hashlib.sha256(repr(request).encode()).digest()
        lane = EXPRESS if key in self._fast else HEAVY if heavy else LIGHT
        while True:
            worker = await self._acquire(lane, deadline - loop.time())
            if worker is None:
                return Answer.from_refusal(
                    RequestError(
                        "every query worker stayed busy for the whole time limit; try again later",
                        status=503,
                        code="busy",
                    )
                )
            if not worker.process.is_alive():
                self._schedule_replace(worker)  # died while idle (killed from outside): not run yet
                continue
            worker.busy = True
            trial = worker.express and lane == LIGHT
            started = loop.time()
            stopped = False
            try:
                limit = EXPRESS_BUDGET if trial else self.time_limit
                answer = await loop.run_in_executor(self._threads, worker.call, request, limit)
                break
            except TimeoutError:
                stopped = True
                self._schedule_replace(worker)
                if trial:  # too slow for the express worker: run it again on another one
                    lane = GENERAL
                    continue
                self.stats.timeouts += 1
                return Answer.from_refusal(
                    RequestError(
                        f"the query ran past the time limit of {self.time_limit:g} s and was stopped",
                        status=503,
                        code="query-timeout",
                    )
                )
            except (EOFError, OSError):
                self._schedule_replace(worker)
                if worker.stopped_for is not None:
                    stopped = True
                    self.stats.memory_stops += 1
                    return Answer.from_refusal(self._memory_refusal(worker.stopped_for))
                return Answer.from_refusal(
                    RequestError("the query worker stopped unexpectedly", status=500, code="worker-failed")
                )
            except BaseException:  # cancelled mid-query: the worker's state is unknown, replace it
                self._schedule_replace(worker)
                raise
            finally:
                if charge is not None:  # a query stopped by a limit costs the whole time limit
                    charge(self.time_limit if stopped else loop.time() - started)
        self.stats.served += 1
        self._learn(key, loop.time() - started)
        if self._bloated(worker):  # memory a finished query left behind: start afresh
            self._schedule_replace(worker)
        else:
            self._release(worker)
        return answer

    def _learn(self, key: bytes, seconds: float) -> None:
        """Remember requests answered within EXPRESS_SECONDS (at most ``cache_bytes`` of digests)."""
        if seconds >= EXPRESS_SECONDS:
            self._fast.pop(key, None)
            return
        self._fast[key] = None
        self._fast.move_to_end(key)
        while len(self._fast) * 128 > self.cache_bytes:
            self._fast.popitem(last=False)

    def _bloated(self, worker: _Worker) -> bool:
        try:
            return worker.watched is not None and (
                private_memory(worker.watched) - worker.baseline > self.query_memory
            )
        except psutil.Error:
            return False

    def _memory_refusal(self, reason: str) -> RequestError:
        if reason == "ceiling":
            limit = f"the server's memory ceiling of {self.memory_ceiling or 0:,} bytes"
        else:
            limit = f"its memory limit of {self.query_memory:,} bytes"
        return RequestError(
            f"the query passed {limit} and was stopped; narrow it or add LIMIT",
            status=503,
            code="memory-limit",
        )

    async def stop(self) -> None:
        """Stop the memory watch and every worker, including replacements still starting."""
        self._stopping.set()
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
