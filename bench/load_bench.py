"""Load benchmark of `alignkg serve`: N queries (the shipped competency queries in turn) from C
concurrent clients against an endpoint on a free loopback port, over the shipped graph and over a
synthetic graph of about one million triples.

Reports errors (non-200 answers, transport errors and, on the shipped graph, answers that differ
from tests/golden), throughput, median and 99th-percentile latency, and the memory (RSS) of the
server and its workers before and after the load. A runaway phase sends a runaway query under a
short time limit and samples memory while it runs and after its worker is replaced.

The attack phase (see bench/attacks.py) runs for --attack-seconds against an endpoint over the
shipped graph with a --memory-ceiling: clients looping queries that used to end workers, distinct
1 MiB queries, two clients looping cross-joins, and idle connections holding partial headers,
each from its own loopback address, all bounded in count and time; meanwhile a light client on
127.0.0.1 loops ASK {} and the server's memory (with its workers) is sampled. It prints the light
query's p50/p99 and the peak memory.

Usage: python bench/load_bench.py [--queries 1000] [--clients 8] [--enterprises 1400] [--skip-synthetic]
       [--attack-seconds 60] [--memory-ceiling 2G] [--skip-attack]
Run it once, by hand or with `make bench-serve`; it stops the servers it starts.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import psutil
from attacks import attack

import alignkg
from alignkg.builder.synth import sample_parameters, write_synthetic
from alignkg.endpoint.server import parse_size
from alignkg.model.terms import with_prefixes
from alignkg.queries.named import bind_parameters

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(process: psutil.Process) -> float:
    """Resident memory of the server and all its worker processes, in MiB."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


@dataclass
class Server:
    url: str
    process: psutil.Process
    log: IO[bytes]


@contextmanager
def serve(graph: Path, *, workers: int, time_limit: float, extra: tuple[str, ...] = ()) -> Iterator[Server]:
    """Start `alignkg serve` in a subprocess, wait for /health, stop it afterwards; its log goes
    to a temporary file (its size is reported by the attack phase)."""
    port = free_port()
    command = [
        sys.executable, "-c", "from alignkg.cli import main; main()", "serve", "--graph", str(graph),
        "--port", str(port), "--workers", str(workers), "--time-limit", str(time_limit), *extra,
    ]  # fmt: skip
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed after the server stops)
    popen = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(6000):  # up to 10 minutes for the workers to load a large graph
            if popen.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read().decode()}")
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield Server(url, psutil.Process(popen.pid), log)
    finally:
        popen.terminate()
        try:
            popen.wait(30)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(30)
        log.close()


@dataclass
class Outcome:
    graph: str
    quads: int
    queries: int
    clients: int
    errors: int
    seconds: float
    latencies: list[float]
    rss_before: float
    rss_after: float

    def row(self) -> list[str]:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
        return [
            self.graph,
            f"{self.quads:,}",
            str(self.queries),
            str(self.clients),
            str(self.errors),
            f"{self.queries / self.seconds:.1f}",
            f"{statistics.median(ordered) * 1000:.1f}",
            f"{p99 * 1000:.1f}",
            f"{self.rss_before:.0f}",
            f"{self.rss_after:.0f}",
            f"{self.rss_after - self.rss_before:+.0f}",
        ]


HEADER = [
    "graph", "quads", "queries", "clients", "errors", "queries/s", "p50 ms", "p99 ms",
    "RSS before MiB", "RSS after MiB", "growth MiB",
]  # fmt: skip


def load(server: Server, mix: list[tuple[str, str, str | None]], *, queries: int, clients: int) -> Outcome:
    """Send ``queries`` requests from ``clients`` threads, taking the mix in turn."""
    jobs = [mix[i % len(mix)] for i in range(queries)]
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    position = 0

    def client() -> None:
        nonlocal position
        with httpx.Client(timeout=120) as http:
            while True:
                with lock:
                    if position >= len(jobs):
                        return
                    name, text, expected = jobs[position]
                    position += 1
                start = time.perf_counter()
                try:
                    response = http.post(
                        server.url + "/sparql", data={"query": text}, headers={"Accept": "text/csv"}
                    )
                    ok = response.status_code == 200 and (expected is None or response.text == expected)
                    problem = "" if ok else f"{name}: {response.status_code}"
                except httpx.HTTPError as exc:
                    problem = f"{name}: {exc}"
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    rss_before = rss_mib(server.process)
    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    rss_after = rss_mib(server.process)
    if errors:
        print(f"  first errors: {errors[:5]}", file=sys.stderr)
    quads = httpx.get(server.url + "/health").json()["quads"]
    return Outcome("", quads, queries, clients, len(errors), seconds, latencies, rss_before, rss_after)


def runaway(server: Server) -> tuple[float, float, float]:
    """RSS before, at the peak of, and after a runaway query stopped by the time limit."""
    before = rss_mib(server.process)
    peak = before
    done = threading.Event()
    status: list[int] = []

    def send() -> None:
        status.append(httpx.post(server.url + "/sparql", data={"query": RUNAWAY}, timeout=300).status_code)
        done.set()

    threading.Thread(target=send).start()
    while not done.wait(0.1):
        peak = max(peak, rss_mib(server.process))
    for _ in range(600):  # wait for the replacement worker to be ready
        if httpx.get(server.url + "/health").json()["idleWorkers"] == 2:
            break
        time.sleep(0.1)
    after = rss_mib(server.process)
    assert status == [503], status
    return before, peak, after


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--enterprises", type=int, default=1400, help="synthetic size, ~734 quads each")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--attack-seconds", type=float, default=60.0)
    parser.add_argument("--memory-ceiling", default="2G")
    parser.add_argument("--skip-attack", action="store_true")
    args = parser.parse_args()

    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        report = alignkg.build(ROOT / "data", ROOT / "ontology" / "alignkg.ttl", tmp / "shipped")
        trig = next(p for p in report.files if p.suffix == ".trig")
        shipped = [
            (q.name, with_prefixes(bind_parameters(q))[0], crlf((GOLDEN / f"{q.name}.csv").read_text()))
            for q in alignkg.shipped_queries()
        ]
        print(f"shipped graph: {args.queries} queries from {args.clients} clients", file=sys.stderr)
        with serve(trig, workers=args.workers, time_limit=30) as server:
            outcome = load(server, shipped, queries=args.queries, clients=args.clients)
            outcome.graph = "shipped"
            outcomes.append(outcome)
        with serve(trig, workers=args.workers, time_limit=3) as server:
            before, peak, after = runaway(server)
        attack_report = ""
        if not args.skip_attack:
            print(f"attack mix for {args.attack_seconds:g} s on the shipped graph", file=sys.stderr)
            extra = ("--memory-ceiling", args.memory_ceiling)
            with serve(trig, workers=args.workers, time_limit=30, extra=extra) as server:
                ceiling = parse_size(args.memory_ceiling) / 2**20
                attack_report = attack(server, seconds=args.attack_seconds, rss=rss_mib, ceiling_mib=ceiling)

        if not args.skip_synthetic:
            synthetic = tmp / "synthetic.nq"
            print(f"writing a synthetic graph of {args.enterprises} enterprises", file=sys.stderr)
            write_synthetic(synthetic, enterprises=args.enterprises, ontology=ROOT / "ontology/alignkg.ttl")
            params = sample_parameters(args.enterprises)
            mix = [
                (q.name, with_prefixes(bind_parameters(q, params.get(q.name)))[0], None)
                for q in alignkg.shipped_queries()
            ]
            print("synthetic graph: loading and running", file=sys.stderr)
            with serve(synthetic, workers=args.workers, time_limit=30) as server:
                outcome = load(server, mix, queries=args.queries, clients=args.clients)
                outcome.graph = "synthetic"
                outcomes.append(outcome)

    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    for outcome in outcomes:
        print("| " + " | ".join(outcome.row()) + " |")
    print()
    print(
        f"runaway query under a 3 s limit (shipped graph): RSS {before:.0f} MiB before, "
        f"{peak:.0f} MiB at its peak, {after:.0f} MiB after its worker was replaced"
    )
    if attack_report:
        print()
        print(attack_report)


if __name__ == "__main__":
    main()
