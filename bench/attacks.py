"""The attack mix of the load benchmark, all to 127.0.0.x and bounded in count and time: each
attacker has its own loopback address (127.0.0.2 and up, so the endpoint can tell clients apart,
as it would behind a proxy that sets X-Forwarded-For), while a light client on 127.0.0.1 loops
ASK {} and the server's memory (with its workers) is sampled every 0.1 s."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx
import psutil

KILLERS = [
    "ASK {} # \\uFFFFFFFF",
    "ASK " + "{" * 26 + "}" * 26,
    "ASK { FILTER(" + "(" * 50 + "1" + ")" * 50 + ") }",
    "ASK " + "{" * 5000 + "}" * 5000,
    'ASK { FILTER("\\uD800" = "x") }',
    'SELECT ?s WHERE { BIND("a\\u0022 AS ?x) FILTER(?x != " AS ?x) SERVICE <http://127.0.0.1:9/admin> '
    '{ ?s ?p ?o } BIND(") BIND(\\u0022b" AS ?y) }',
]
CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f"
PARTIAL = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
BIG_QUERIES = 1_100
IDLE_SOCKETS = 1_100
IDLE_OPENS = 6_000


def _client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=120)


def _loop(
    stop: threading.Event, address: str, texts: Callable[[int], str | None], tally: Counter[str]
) -> None:
    """POST texts(0), texts(1), ... until stop or None, counting answer statuses."""
    with _client(address) as http:
        for n in range(1_000_000):
            text = texts(n)
            if stop.is_set() or text is None:
                return
            try:
                reply = http.post(_URL[0], content=text, headers={"Content-Type": "application/sparql-query"})
                tally[str(reply.status_code)] += 1
            except httpx.HTTPError as exc:
                tally[type(exc).__name__] += 1


_URL = [""]


def _big(n: int) -> str | None:
    """Distinct queries of just under the 1 MiB body limit."""
    return None if n >= BIG_QUERIES else f'ASK {{ FILTER(STRLEN("{n:09d}' + "x" * 1_000_000 + '") > 0) }'


def _idle(stop: threading.Event, port: int, tally: Counter[str]) -> None:
    """Hold up to IDLE_SOCKETS connections that never finish their headers, reopening those the
    server closes, at most IDLE_OPENS opens in all."""
    held: list[socket.socket] = []
    opens = 0
    while not stop.is_set():
        while len(held) < IDLE_SOCKETS and opens < IDLE_OPENS and not stop.is_set():
            address = f"127.0.0.{6 + opens % 35}"
            opens += 1
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=2, source_address=(address, 0))
                sock.sendall(PARTIAL)
                held.append(sock)
            except OSError as exc:
                tally[type(exc).__name__] += 1
        readable = []
        for sock in held:  # an answer (408/503) or a close: the server let it go
            try:
                sock.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError:
                pass
            readable.append(sock)
        for sock in readable:
            sock.close()
            held.remove(sock)
            tally["closed by server"] += 1
        if opens >= IDLE_OPENS and not held:
            break
        if not readable:
            time.sleep(0.1)
    tally["opened"] = opens
    for sock in held:
        sock.close()


def attack(
    server: object, *, seconds: float, rss: Callable[[psutil.Process], float], ceiling_mib: float
) -> str:
    """Run the attack mix against ``server`` (url, process, log) and describe what held."""
    url, process, log = server.url, server.process, server.log  # type: ignore[attr-defined]
    _URL[0] = url + "/sparql"
    stop = threading.Event()
    tallies = {name: Counter[str]() for name in ("killers", "1 MiB queries", "cross-joins", "idle", "light")}
    port = int(url.rsplit(":", 1)[1])
    loops: list[tuple[str, Callable[[int], str | None], str]] = [
        ("127.0.0.2", lambda n: KILLERS[n % len(KILLERS)], "killers"),
        ("127.0.0.3", _big, "1 MiB queries"),
        ("127.0.0.4", lambda n: CROSS_JOIN, "cross-joins"),
        ("127.0.0.5", lambda n: CROSS_JOIN, "cross-joins"),
    ]
    threads = [
        threading.Thread(target=_loop, args=(stop, a, texts, tallies[name])) for a, texts, name in loops
    ]
    threads.append(threading.Thread(target=_idle, args=(stop, port, tallies["idle"])))
    baseline = rss(process)
    peak = [baseline]

    def sample() -> None:
        while not stop.wait(0.1):
            peak[0] = max(peak[0], rss(process))

    sampler = threading.Thread(target=sample)
    sampler.start()
    for thread in threads:
        thread.start()
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=120) as light:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                reply = light.get(url + "/sparql", params={"query": "ASK {}"})
                tallies["light"][str(reply.status_code)] += 1
            except httpx.HTTPError as exc:
                tallies["light"][type(exc).__name__] += 1
            latencies.append(time.perf_counter() - start)
    stop.set()
    for thread in [*threads, sampler]:
        thread.join(180)
    health = httpx.get(url + "/health", timeout=30).json()
    log_bytes = log.seek(0, 2)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    lines = [
        f"attack mix for {seconds:g} s (shipped graph, 2 workers, memory ceiling {ceiling_mib:.0f} MiB):",
        "",
        "| light ASK {} queries | p50 ms | p99 ms | max ms | peak RSS MiB | RSS before MiB | log bytes |",
        "|---|---|---|---|---|---|---|",
        f"| {len(ordered)} | {statistics.median(ordered) * 1000:.1f} | {p99 * 1000:.1f} | "
        f"{ordered[-1] * 1000:.0f} | {peak[0]:.0f} | {baseline:.0f} | {log_bytes:,} |",
        "",
        "| client | answers |",
        "|---|---|",
    ]
    lines += [f"| {name} | {dict(sorted(tally.items()))} |" for name, tally in tallies.items()]
    keys = (
        "served",
        "timeouts",
        "memoryStops",
        "replacedWorkers",
        "refusedConnections",
        "timedOutConnections",
    )
    lines += ["", "health after: " + ", ".join(f"{k} {health[k]}" for k in keys)]
    return "\n".join(lines)
