"""Admission of queries by client: how many each may have in flight at once, and which requests
count as heavy, so a few clients sending costly queries cannot starve everyone else.

A request is heavy when its text is long (rdflib's parser alone takes seconds on a large
query), when its client has had another request in flight for over ``HEAVY_SECONDS``, or when
its client has recently used much worker time (a query stopped by a limit counts as the whole
time limit). Heavy requests only run while another worker stays free (see
:class:`~alignkg.endpoint.workers.WorkerPool`). Worker time decays with a half-life, so a client that
stops sending costly queries is soon light again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from alignkg.endpoint.guard import RequestError

HEAVY_TEXT = 64 * 1024
"""Query texts longer than this (in characters) are heavy."""
HEAVY_SECONDS = 2.0
"""A client whose decayed worker time is above this many seconds sends heavy requests."""
HALF_LIFE = 30.0
"""Seconds after which a client's recorded worker time counts half."""
MAX_CLIENTS = 10_000
"""Most clients remembered at once; idle ones with the least recorded time go first."""


@dataclass
class _Ledger:
    in_flight: list[float] = field(default_factory=list)  # when each request was admitted
    seconds: float = 0.0
    stamp: float = 0.0


@dataclass(frozen=True)
class Ticket:
    """One admitted request: whether it is heavy, and when it was admitted."""

    heavy: bool
    since: float


class Admission:
    """Per-client counters: requests in flight, and worker seconds used (decayed)."""

    def __init__(self, client_queries: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.client_queries = client_queries
        self._clock = clock
        self._clients: dict[str, _Ledger] = {}

    def _ledger(self, client: str) -> _Ledger:
        ledger = self._clients.get(client)
        now = self._clock()
        if ledger is None:
            if len(self._clients) >= MAX_CLIENTS:
                self._forget()
            ledger = self._clients[client] = _Ledger(stamp=now)
        ledger.seconds *= 0.5 ** ((now - ledger.stamp) / HALF_LIFE)
        ledger.stamp = now
        return ledger

    def _forget(self) -> None:
        idle = sorted((c for c, ledger in self._clients.items() if not ledger.in_flight), key=self._cost)
        for client in idle[: max(1, len(idle) // 2)]:
            del self._clients[client]

    def _cost(self, client: str) -> float:
        return self._clients[client].seconds

    def enter(self, client: str, text_length: int) -> Ticket:
        """Admit one request of ``client``, heavy or not. Refused with 429 when the client
        already has ``client_queries`` requests in flight."""
        ledger = self._ledger(client)
        if len(ledger.in_flight) >= self.client_queries:
            raise RequestError(
                f"this client already has {len(ledger.in_flight)} queries in flight, the most allowed; "
                "wait for their answers before sending more",
                status=429,
                code="too-many-queries",
            )
        now = ledger.stamp
        waiting = bool(ledger.in_flight) and now - ledger.in_flight[0] > HEAVY_SECONDS
        ticket = Ticket(text_length > HEAVY_TEXT or ledger.seconds > HEAVY_SECONDS or waiting, now)
        ledger.in_flight.append(now)
        return ticket

    def charge(self, client: str, seconds: float) -> None:
        """Record worker time used by one of ``client``'s requests."""
        self._ledger(client).seconds += seconds

    def leave(self, client: str, ticket: Ticket) -> None:
        """The request ``ticket`` of ``client`` has its answer."""
        ledger = self._clients.get(client)
        if ledger is not None and ticket.since in ledger.in_flight:
            ledger.in_flight.remove(ticket.since)

    def heavy_clients(self) -> int:
        """How many clients send heavy requests right now (for the health check)."""
        return sum(1 for client in list(self._clients) if self._ledger(client).seconds > HEAVY_SECONDS)
