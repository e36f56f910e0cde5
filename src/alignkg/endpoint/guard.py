"""Inspecting a SPARQL request before anything runs: updates are refused, SERVICE calls are
refused, and FROM / FROM NAMED may only name graphs the store already holds, so no query can make
the server fetch remote data or change the graph. The guard reads the text as
:func:`~alignkg.endpoint.sparql_text.read_query` gives it, and the engine runs that same text."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from alignkg.endpoint.sparql_text import QueryTextError, read_query
from alignkg.model.errors import AlignkgError
from alignkg.model.terms import with_prefixes


class QueryForm(StrEnum):
    """The four SPARQL query forms: two give solutions or a boolean, two give a graph."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"


_FORMS = {
    "SelectQuery": QueryForm.SELECT,
    "AskQuery": QueryForm.ASK,
    "ConstructQuery": QueryForm.CONSTRUCT,
    "DescribeQuery": QueryForm.DESCRIBE,
}


class RequestError(AlignkgError):
    """A request the endpoint will not run, with the HTTP status and a stable error code.

    ``line`` and ``column`` point into the query as the client wrote it, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.line = line
        self.column = column

    def to_json(self) -> bytes:
        """The error shape as compact UTF-8 JSON, the same bytes whichever process writes it."""
        return json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":")).encode()

    def as_dict(self) -> dict[str, Any]:
        """The one JSON error shape of the endpoint."""
        return {
            "error": {
                "status": self.status,
                "code": self.code,
                "message": self.message,
                "line": self.line,
                "column": self.column,
            }
        }


@dataclass(frozen=True)
class InspectedQuery:
    """What a query asks for: its form and the dataset its FROM / FROM NAMED clauses name, and
    ``text``, the one reading of the query that the engine must run."""

    form: QueryForm
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]
    text: str = ""

    @property
    def has_dataset_clause(self) -> bool:
        """Whether the query chooses its own dataset (then the union default graph is not used)."""
        return bool(self.from_graphs or self.from_named_graphs)


def _nodes(value: object) -> Iterator[CompValue]:
    """Every CompValue in a parse or algebra tree, depth first."""
    if isinstance(value, CompValue):
        yield value
        for child in value.values():
            yield from _nodes(child)
    elif isinstance(value, ParseResults | list | tuple):
        for child in value:
            yield from _nodes(child)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def check_graphs(iris: Collection[str], known_graphs: Collection[str], *, clause: str) -> None:
    """Refuse graph IRIs the store does not hold: the endpoint never fetches remote data."""
    for iri in iris:
        if iri not in known_graphs:
            raise RequestError(
                f"{clause} <{iri}> names no graph in this store; this endpoint never fetches remote "
                "data (list the graphs with SELECT DISTINCT ?g { GRAPH ?g {} })",
                status=400,
                code="remote-graph-refused",
            )


def inspect_query(text: str, *, known_graphs: Collection[str]) -> InspectedQuery:
    """Read ``text`` once and refuse it unless it is a read-only query over graphs the store holds.

    The alignkg prefixes are available without PREFIX lines. Raises :class:`RequestError`:
    403 for updates (INSERT, DELETE, LOAD, CLEAR, ...), 400 for syntax errors (with line and
    column), SERVICE calls, FROM / FROM NAMED naming graphs the store does not hold and queries
    nested too deep. Answers are remembered by a digest of the text, in a cache bounded in bytes
    (rdflib's parser takes tens of milliseconds and clients repeat their queries); refusals are not.

    >>> inspect_query("ASK { ?s ?p ?o }", known_graphs=[]).form
    <QueryForm.ASK: 'ASK'>
    >>> inspect_query("CLEAR ALL", known_graphs=[])
    Traceback (most recent call last):
    ...
    alignkg.endpoint.guard.RequestError: this endpoint is read-only: SPARQL Update requests ...
    """
    try:
        read = read_query(text)
    except QueryTextError as exc:
        raise RequestError(exc.message, status=400, code=exc.code, line=exc.line) from exc
    if read.names_service:
        raise _service_refused()
    key = hashlib.sha256("\x00".join([read.text, *sorted(known_graphs)]).encode()).digest()
    found = INSPECTIONS.get(key)
    if found is None:
        found = _inspect(read.text, known_graphs=known_graphs)
        INSPECTIONS.put(key, found)
    return InspectedQuery(found.form, found.from_graphs, found.from_named_graphs, read.text)


class BoundedCache:
    """A least-recently-used map from digests to inspections, at most ``max_bytes`` in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[bytes, tuple[InspectedQuery, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> InspectedQuery | None:
        """The remembered inspection, now the most recently used, or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: bytes, value: InspectedQuery) -> None:
        """Remember ``value``, forgetting the least recently used entries to stay in bounds."""
        cost = 256 + len(key) + sum(len(g) for g in (*value.from_graphs, *value.from_named_graphs))
        if cost > self.max_bytes or key in self._entries:
            return
        self._entries[key] = (value, cost)
        self.size += cost
        while self.size > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.size -= dropped


INSPECTIONS = BoundedCache(16 * 2**20)
"""The inspection cache of this process (a worker sets its bound from the endpoint's config)."""


def _service_refused() -> RequestError:
    return RequestError(
        "SERVICE is refused: this endpoint never sends requests to other endpoints",
        status=400,
        code="service-refused",
    )


def _inspect(text: str, *, known_graphs: Collection[str]) -> InspectedQuery:
    """The uncached inspection behind :func:`inspect_query`."""
    full, added = with_prefixes(text)
    try:
        tree = parseQuery(full)
    except RecursionError as exc:
        raise _too_complex() from exc
    except ParseBaseException as exc:
        if _is_update(full):
            raise RequestError(
                "this endpoint is read-only: SPARQL Update requests (INSERT, DELETE, LOAD, CLEAR, "
                "CREATE, DROP, COPY, MOVE, ADD) are refused",
                status=403,
                code="update-refused",
            ) from exc
        line = max(1, exc.lineno - added)
        found = str(exc).split("  (at char")[0]
        raise RequestError(
            f"SPARQL syntax error at line {line}, column {exc.col}: {found}",
            status=400,
            code="malformed-query",
            line=line,
            column=exc.col,
        ) from exc
    except Exception as exc:  # rdflib's parse actions raise plain errors (bad numbers, code points)
        raise RequestError(f"invalid query: {exc}", status=400, code="malformed-query") from exc
    try:
        if any(node.name == "ServiceGraphPattern" for node in _nodes(tree)):
            raise _service_refused()
        algebra = translateQuery(tree).algebra
    except RecursionError as exc:
        raise _too_complex() from exc
    except RequestError:
        raise
    except Exception as exc:  # rdflib reports unknown prefixes and scoping errors as plain exceptions
        raise RequestError(f"invalid query: {exc}", status=400, code="malformed-query") from exc
    clauses = algebra.get("datasetClause") or []
    from_graphs = tuple(str(c["default"]) for c in clauses if "default" in c)
    from_named = tuple(str(c["named"]) for c in clauses if "named" in c)
    check_graphs(from_graphs, known_graphs, clause="FROM")
    check_graphs(from_named, known_graphs, clause="FROM NAMED")
    return InspectedQuery(_FORMS[algebra.name], from_graphs, from_named)


def _too_complex() -> RequestError:
    return RequestError(
        "the query is too deeply nested or too long a chain for the parser; split or flatten it",
        status=400,
        code="query-too-complex",
    )
