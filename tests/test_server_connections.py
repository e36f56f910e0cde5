"""Connections to the endpoint over raw sockets on 127.0.0.1 (bounded in count and time): request
headers, bodies and idle keep-alive connections are timed out, connections are capped per client
and in all, log lines are rate-limited, and /view answers from its cache or refuses at once."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

import alignkg
import alignkg.endpoint.engine
from alignkg.endpoint.connections import RateLimitFilter, log_config
from test_server import Live, _start, assert_error, live, trig

__all__ = ["live", "trig"]  # fixtures shared with test_server
started = contextmanager(_start)
PARTIAL = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"  # the blank line that ends the headers never comes


@pytest.fixture(scope="module")
def guarded(trig: Path) -> Iterator[Live]:
    """One-second deadlines, 8 connections per client and 12 in all."""
    config = alignkg.EndpointConfig(
        graphs=(trig,),
        workers=1,
        header_timeout=1,
        body_timeout=1,
        idle_timeout=1,
        client_connections=8,
        max_connections=12,
    )
    yield from _start(config)


def _connect(live: Live, source: str) -> socket.socket:
    port = int(live.url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0))
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; socket.timeout (a failure) after 30 s."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def _error(reply: bytes) -> dict[str, object]:
    head, _, body = reply.partition(b"\r\n\r\n")
    error = json.loads(body)["error"]
    assert head.split(b" ")[1].decode() == str(error["status"])
    assert set(error) == {"status", "code", "message", "line", "column"}
    return error  # type: ignore[no-any-return]


def test_partial_headers_are_timed_out_and_connections_are_capped(guarded: Live) -> None:
    held = []
    try:
        for _ in range(8):
            sock = _connect(guarded, "127.0.0.2")
            sock.sendall(PARTIAL)
            held.append(sock)
        over_client = _connect(guarded, "127.0.0.2")
        assert _error(_read_until_closed(over_client))["code"] == "too-many-connections"
        over_client.close()
        for _ in range(4):
            sock = _connect(guarded, "127.0.0.3")
            sock.sendall(PARTIAL)
            held.append(sock)
        # the server is full: a new connection is let in, the longest-waiting one makes room
        held.append(_connect(guarded, "127.0.0.4"))
        assert _error(_read_until_closed(held.pop(0)))["code"] == "too-many-connections"
        for sock in held:  # each of the others is answered 408 and closed by the header deadline
            assert _error(_read_until_closed(sock))["code"] == "request-timeout"
    finally:
        for sock in held:
            sock.close()
    assert httpx.get(guarded.url + "/health").json()["timedOutConnections"] >= 12


def test_a_body_that_stops_short_is_timed_out(guarded: Live) -> None:
    sock = _connect(guarded, "127.0.0.5")
    try:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK {"
        )
        _read_until_closed(sock)  # closed by the body deadline, not after 30 s
    finally:
        sock.close()


def test_a_keep_alive_connection_that_starts_a_request_and_stops_is_closed(guarded: Live) -> None:
    sock = _connect(guarded, "127.0.0.6")
    try:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = b""
        while b'"status":"ok"' not in first:
            first += sock.recv(65536)
        sock.sendall(b"G")  # one byte of a next request: uvicorn alone would now wait for ever
        _read_until_closed(sock)
    finally:
        sock.close()


def test_log_lines_are_rate_limited() -> None:
    clock = [0.0]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RateLimitFilter(burst=20, window=10, clock=lambda: clock[0]))
    logger = logging.getLogger("alignkg.test-flood")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for n in range(10_000):
            logger.warning("connection refused: %s", n)
        assert len(buffer.getvalue().splitlines()) == 20
        clock[0] = 11.0
        logger.warning("connection refused: %s", "later")
        assert "9980 similar lines held back" in buffer.getvalue().splitlines()[-1]
    finally:
        logger.removeHandler(handler)
    config = log_config()
    assert all(handler["filters"] == ["rate"] for handler in config["handlers"].values())
    assert {"asyncio", "alignkg"} <= set(config["loggers"])


def test_view_of_a_graph_over_the_limits_is_refused_at_once(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alignkg.endpoint.engine, "VIEW_MAX_QUADS", 100)
    served = live.pool.stats.served
    for _ in range(3):
        assert_error(httpx.get(live.url + "/view"), 422, "view-too-large")
    assert live.pool.stats.served == served, "no worker ran for a view it cannot draw"


def test_view_is_drawn_once_and_kept_even_when_refused(trig: Path) -> None:
    with started(alignkg.EndpointConfig(graphs=(trig,), workers=1, cache_bytes=10_000)) as endpoint:
        served = endpoint.pool.stats.served
        for _ in range(3):
            assert_error(httpx.get(endpoint.url + "/view", timeout=120), 422, "view-too-large")
        assert endpoint.pool.stats.served == served + 1


def test_serve_command_passes_the_limits(monkeypatch: pytest.MonkeyPatch, trig: Path) -> None:
    from typer.testing import CliRunner

    import alignkg.cli
    import alignkg.endpoint.server

    seen: list[alignkg.EndpointConfig] = []
    monkeypatch.setattr(alignkg.endpoint.server, "serve", seen.append)
    args = ["serve", "--graph", str(trig), "--query-memory", "64M", "--memory-ceiling", "2G"]
    args += ["--cache-bytes", "1M", "--client-queries", "3", "--header-timeout", "2", "--body-timeout", "4"]
    args += ["--idle-timeout", "3", "--max-connections", "100", "--client-connections", "10"]
    result = CliRunner().invoke(alignkg.cli.app, args)
    assert result.exit_code == 0, result.output
    (config,) = seen
    assert (config.query_memory, config.memory_ceiling, config.cache_bytes) == (2**26, 2**31, 2**20)
    assert (config.client_queries, config.max_connections, config.client_connections) == (3, 100, 10)
    assert (config.header_timeout, config.body_timeout, config.idle_timeout) == (2.0, 4.0, 3.0)
    bad = CliRunner().invoke(alignkg.cli.app, ["serve", "--graph", str(trig), "--query-memory", "lots"])
    assert bad.exit_code == 1 and "not a size" in bad.stderr
