"""Connection limits of the endpoint, below the application: a deadline for each request's
headers and body, an idle timeout between requests, caps on connections per client and in all,
and log lines rate-limited, so idle or slow sockets cannot lock clients out or fill the disk.

uvicorn times out idle keep-alive connections only after a first response and never a request
whose headers stop half-way, and its ``limit_concurrency`` answers in plain text once the
connections are already open; hence a protocol class of our own around uvicorn's h11 one.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import h11
import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass(frozen=True)
class ConnectionLimits:
    """Seconds to send a request's headers, its body and (between requests) to start the next
    one; connections allowed per client address and in all."""

    header_timeout: float = 10.0
    body_timeout: float = 30.0
    idle_timeout: float = 5.0
    max_connections: int = 256
    client_connections: int = 32


@dataclass
class ConnectionCounts:
    """Open connections, per client address and in all (one per server), and those waiting for a
    request (headers not complete, or idle between requests), oldest first."""

    total: int = 0
    by_client: dict[str, int] = field(default_factory=dict)
    waiting: dict[Any, None] = field(default_factory=dict)
    refused: int = 0
    timed_out: int = 0


def _raw_error(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps(
        {"error": {"status": status, "code": code, "message": message, "line": None, "column": None}},
        separators=(",", ":"),
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


def protocol_class(limits: ConnectionLimits, counts: ConnectionCounts) -> type[H11Protocol]:
    """uvicorn's h11 protocol with ``limits`` enforced, counting connections in ``counts``."""

    class LimitedProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _counted: str | None = None
        _phase: str = "head"

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            client = self.client[0] if self.client else ""
            if counts.by_client.get(client, 0) >= limits.client_connections:
                self._refuse(
                    f"this client has {limits.client_connections} connections open, the most allowed"
                )
                return
            if counts.total >= limits.max_connections:
                if not counts.waiting:
                    self._refuse("the server has as many connections open as it allows")
                    return
                next(iter(counts.waiting))._evict()  # make room: the longest-waiting idle connection goes
            counts.total += 1
            counts.by_client[client] = counts.by_client.get(client, 0) + 1
            self._counted = client
            self._arm(limits.header_timeout, "the request headers did not arrive in time")

        def _refuse(self, message: str) -> None:
            counts.refused += 1
            _LOG.warning("connection refused: %s", message)
            self.transport.write(_raw_error(503, "Service Unavailable", "too-many-connections", message))
            self.transport.close()

        def _arm(self, seconds: float, message: str) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._expire, message)
            if self._phase != "body":
                counts.waiting[self] = None

        def _disarm(self) -> None:
            counts.waiting.pop(self, None)
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self, message: str) -> None:
            counts.timed_out += 1
            self._close(_raw_error(408, "Request Timeout", "request-timeout", message), message)

        def _evict(self) -> None:
            counts.refused += 1
            message = "closed to make room for a new connection: the server has all it allows open"
            self._close(_raw_error(503, "Service Unavailable", "too-many-connections", message), message)

        def _close(self, reply: bytes, message: str) -> None:
            self._disarm()
            if self.transport.is_closing():
                return
            _LOG.warning("connection closed: %s", message)
            if self.cycle is None or self.cycle.response_complete:
                self.transport.write(reply)
            self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._counted is not None:
                left = counts.by_client.get(self._counted, 1) - 1
                if left > 0:
                    counts.by_client[self._counted] = left
                else:
                    counts.by_client.pop(self._counted, None)
                counts.total -= 1
                self._counted = None
            super().connection_lost(exc)

        def handle_events(self) -> None:
            super().handle_events()
            if self._counted is None or self.transport.is_closing():
                return
            state = self.conn.their_state
            if state is h11.SEND_BODY:
                if self._phase != "body":
                    self._phase = "body"
                    self._arm(limits.body_timeout, "the request body did not arrive in time")
            elif state is not h11.IDLE:  # request complete: the application has it now
                self._phase = "app"
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self._counted is not None and not self.transport.is_closing():
                self._phase = "idle"
                self._arm(limits.idle_timeout, "no next request within the idle timeout")

    return LimitedProtocol


_LOG = logging.getLogger("alignkg.serve")


class RateLimitFilter(logging.Filter):
    """Lets at most ``burst`` records of one kind (logger and message template) through per
    ``window`` seconds, then notes how many it held back; remembers at most 1,000 kinds."""

    def __init__(self, burst: int = 20, window: float = 10.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.burst, self.window, self._clock = burst, window, clock
        self._kinds: dict[tuple[str, str], list[float]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg)[:200])
        now = self._clock()
        entry = self._kinds.get(key)
        if entry is None or now - entry[0] >= self.window:
            held = int(entry[2]) if entry is not None else 0
            if len(self._kinds) >= 1000:
                self._kinds.clear()
            self._kinds[key] = [now, 1.0, 0.0]
            if held:
                record.msg = f"{record.msg} ({held} similar lines held back in the last {self.window:g} s)"
            return True
        if entry[1] < self.burst:
            entry[1] += 1
            return True
        entry[2] += 1
        return False


def log_config() -> dict[str, Any]:
    """uvicorn's logging set-up with every handler rate-limited, asyncio's and alignkg's lines too."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"rate": {"()": RateLimitFilter, "burst": 50}}
    for handler in config["handlers"].values():
        handler["filters"] = ["rate"]
    for name in ("asyncio", "alignkg"):
        config["loggers"][name] = {"handlers": ["default"], "level": "WARNING", "propagate": False}
    return config


def uvicorn_config(
    app: Any, *, limits: ConnectionLimits, counts: ConnectionCounts, **options: Any
) -> uvicorn.Config:
    """The uvicorn configuration the endpoint runs with (``options`` go to uvicorn as they are)."""
    return uvicorn.Config(
        app,
        http=protocol_class(limits, counts),
        timeout_keep_alive=max(1, round(limits.idle_timeout)),
        log_config=log_config(),
        **options,
    )
