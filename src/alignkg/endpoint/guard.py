"""Inspecting a SPARQL request before anything runs: updates are refused, SERVICE calls are
refused, and FROM / FROM NAMED may only name graphs the store already holds, so no query can make
the server fetch remote data or change the graph."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

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
    """What a query asks for: its form and the dataset its FROM / FROM NAMED clauses name."""

    form: QueryForm
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]

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
    """Parse ``text`` and refuse it unless it is a read-only query over graphs the store holds.

    The alignkg prefixes are available without PREFIX lines. Raises :class:`RequestError`:
    403 for updates (INSERT, DELETE, LOAD, CLEAR, ...), 400 for syntax errors (with line and
    column), SERVICE calls and FROM / FROM NAMED naming graphs the store does not hold.
    Answers for the same text are remembered (rdflib's parser takes tens of milliseconds and
    clients repeat their queries); refusals are not.

    >>> inspect_query("ASK { ?s ?p ?o }", known_graphs=[]).form
    <QueryForm.ASK: 'ASK'>
    >>> inspect_query("CLEAR ALL", known_graphs=[])
    Traceback (most recent call last):
    ...
    alignkg.endpoint.guard.RequestError: this endpoint is read-only: SPARQL Update requests ...
    """
    return _inspect_cached(text, frozenset(known_graphs))


@lru_cache(maxsize=512)
def _inspect_cached(text: str, known_graphs: frozenset[str]) -> InspectedQuery:
    return _inspect(text, known_graphs=known_graphs)


def _inspect(text: str, *, known_graphs: Collection[str]) -> InspectedQuery:
    """The uncached inspection behind :func:`inspect_query`."""
    full, added = with_prefixes(text)
    try:
        tree = parseQuery(full)
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
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            raise RequestError(
                "SERVICE is refused: this endpoint never sends requests to other endpoints",
                status=400,
                code="service-refused",
            )
    try:
        algebra = translateQuery(tree).algebra
    except Exception as exc:  # rdflib reports unknown prefixes and scoping errors as plain exceptions
        raise RequestError(f"invalid query: {exc}", status=400, code="malformed-query") from exc
    clauses = algebra.get("datasetClause") or []
    from_graphs = tuple(str(c["default"]) for c in clauses if "default" in c)
    from_named = tuple(str(c["named"]) for c in clauses if "named" in c)
    check_graphs(from_graphs, known_graphs, clause="FROM")
    check_graphs(from_named, known_graphs, clause="FROM NAMED")
    return InspectedQuery(_FORMS[algebra.name], from_graphs, from_named)
