"""The shipped competency queries and their parameters, and running a query by name, ``.rq`` file or
SPARQL text on any store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.terms import entity_iri, is_valid_id
from alignkg.queries.resolve import resolve_entity
from alignkg.stores.memory import query_dataset
from alignkg.stores.result import QueryResult

if TYPE_CHECKING:
    import pandas as pd

    from alignkg.stores.base import Store

_PARAM_LINE = re.compile(r"^#\s*param\s+(\w+)\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class NamedQuery:
    """A shipped competency query: its name, the question it answers and its SPARQL text.

    ``parameters`` maps each parameter name to its default entity id; the query binds it with a
    ``VALUES ?name { ... }`` block that :func:`bind_parameters` rewrites.
    """

    name: str
    question: str
    text: str
    parameters: dict[str, str]


def _parse_named(name: str, text: str) -> NamedQuery:
    question = ""
    for line in text.splitlines():
        if line.startswith("#") and not _PARAM_LINE.match(line):
            question = line.lstrip("#").strip()
            break
    params = {m.group(1): m.group(2) for m in _PARAM_LINE.finditer(text)}
    return NamedQuery(name, question, text, params)


@cache
def _shipped() -> tuple[NamedQuery, ...]:
    folder = resources.files("alignkg.queries")
    found = [
        _parse_named(item.name.removesuffix(".rq"), item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".rq")
    ]
    return tuple(sorted(found, key=lambda q: q.name))


def shipped_queries() -> list[NamedQuery]:
    """Every competency query shipped with alignkg, by name (read once per process)."""
    return list(_shipped())


def get_query(name: str) -> NamedQuery:
    """One shipped query by name; the error lists the names that exist."""
    for named in shipped_queries():
        if named.name == name:
            return named
    names = ", ".join(q.name for q in shipped_queries())
    raise AlignkgError(f"no shipped query named {name!r}; known queries: {names}")


def resolve_query(query: str) -> NamedQuery:
    """Turn a shipped query name, a ``.rq`` file path or SPARQL text into a query."""
    stripped = query.strip()
    if re.fullmatch(r"[\w-]+", stripped) and not stripped.upper().startswith(("SELECT", "ASK")):
        return get_query(stripped)
    if stripped.endswith(".rq") and "\n" not in stripped:
        path = Path(stripped)
        if not path.is_file():
            raise AlignkgError("query file not found", Location(path))
        return _parse_named(path.stem, path.read_text(encoding="utf-8"))
    return _parse_named("query", query)


def bind_parameters(named: NamedQuery, params: dict[str, str] | None = None) -> str:
    """The query text with each parameter bound to an entity id.

    The entity's IRI replaces the variable in the pattern itself (its ``VALUES`` block removed),
    so every engine starts from it: Oxigraph does not carry a ``VALUES`` binding into
    ``OPTIONAL`` parts, which made parameterised queries scan the whole store. Where the variable
    is also projected, aliased, used in a sub-query or after the pattern, the IRI goes into the
    ``VALUES`` block instead.

    >>> named = NamedQuery("q", "", "SELECT ?l WHERE { VALUES ?e { akid:x } ?e rdfs:label ?l }", {"e": "x"})
    >>> bind_parameters(named, {"e": "li-xiao"})
    'SELECT ?l WHERE {  <https://w3id.org/alignkg/id/li-xiao> rdfs:label ?l }'
    """
    text = named.text
    for key in params or {}:
        if key not in named.parameters:
            known = ", ".join(named.parameters) or "none"
            raise AlignkgError(f"query {named.name!r} has no parameter {key!r} (parameters: {known})")
    for key, default in named.parameters.items():
        value = (params or {}).get(key, default).strip()
        bare = value.removeprefix("akid:")
        if not is_valid_id(bare):
            raise AlignkgError(
                f"parameter {key!r}: {value!r} is not an entity id (such as akid:meng-fanying); "
                "run the query through run_query to give a label"
            )
        pattern = re.compile(r"(VALUES\s+\?" + key + r"\s*\{)[^}]*(\})", re.IGNORECASE)
        if not pattern.search(text):
            raise AlignkgError(f"query {named.name!r} declares parameter {key!r} but has no VALUES ?{key}")
        iri = entity_iri(bare)
        inlined = inline_variable(pattern.sub("", text), key, f"<{iri}>")
        text = inlined if inlined is not None else pattern.sub(rf"\g<1> <{iri}> \g<2>", text)
    return text


# Comments, strings, IRIs, variables, braces and keywords of SPARQL text: enough to find where a
# variable stands without touching anything inside a string, an IRI or a comment.
_TOKEN = re.compile(
    r"(?P<skip>#[^\n]*"
    r'|"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<var>[?$][A-Za-z_]\w*)"
    r"|(?P<brace>[{}])"
    r"|(?P<word>[A-Za-z]+)"
)


def inline_variable(text: str, name: str, term: str) -> str | None:
    """``text`` with the variable ``name`` replaced by ``term`` inside the query pattern, or None
    where that would change the query: the variable is projected, aliased with ``AS``, used in a
    sub-query or in the solution modifiers after the pattern.

    >>> inline_variable('SELECT ?x WHERE { ?x ?p "?x" }', "x", "<a>") is None
    True
    >>> inline_variable('SELECT ?p WHERE { ?x ?p "?x" } # ?x', "x", "<a>")
    'SELECT ?p WHERE { <a> ?p "?x" } # ?x'
    """
    depth, opened, closed, previous = 0, False, False, ""
    spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(text):
        kind, word = match.lastgroup, match.group()
        if kind == "brace":
            depth += 1 if word == "{" else -1
            opened = True
            closed = closed or depth == 0
        elif kind == "word" and word.upper() == "SELECT" and opened:
            return None
        elif kind == "var" and word[1:] == name:
            if not opened or closed or previous == "AS":
                return None
            spans.append(match.span())
        previous = word.upper() if kind == "word" else ""
    for start, end in reversed(spans):
        text = text[:start] + term + text[end:]
    return text


def prepare_query(dataset: Dataset | Store, query: str, params: dict[str, str] | None = None) -> NamedQuery:
    """The query named by ``query`` with its parameters bound, ready to run on ``dataset``.

    Each parameter value may be an ``akid:`` id, a bare id, a label or an alias in any language
    and case; it is looked up in ``dataset``, and one that names no entity is an error offering
    the closest names, never an empty answer.
    """
    named = resolve_query(query)
    for key in params or {}:
        if key not in named.parameters:
            known = ", ".join(named.parameters) or "none"
            raise AlignkgError(f"query {named.name!r} has no parameter {key!r} (parameters: {known})")
    found = {key: resolve_entity(dataset, value) for key, value in (params or {}).items()}
    return NamedQuery(named.name, named.question, bind_parameters(named, found), {})


def execute(dataset: Dataset | Store, named: NamedQuery) -> QueryResult:
    """Run a query's text as it stands on an rdflib Dataset or a Store."""
    if isinstance(dataset, Dataset):
        return query_dataset(dataset, named.text, name=named.name)
    return dataset.query(named.text, name=named.name)


def run_query(dataset: Dataset | Store, query: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run a shipped query name, ``.rq`` path or SPARQL text against an rdflib Dataset or a Store.

    Parameters are bound into the query's VALUES block; each may name its entity by id, label or
    alias (see :func:`prepare_query`). Syntax errors raise AlignkgError naming the line and
    column in the query as written.
    """
    return execute(dataset, prepare_query(dataset, query, params))


def query(
    dataset: Dataset | Store, query: str, params: dict[str, str] | None = None, *, compact: bool = True
) -> pd.DataFrame:
    """Run a query (name, path or SPARQL text) and return its answer as a pandas DataFrame.

    >>> from alignkg import build_graph
    >>> ds = build_graph().dataset
    >>> frame = query(ds, "SELECT ?label WHERE { akid:meng-fanying rdfs:label|skos:altLabel ?label }")
    >>> sorted(frame["label"])
    ['Meng Fanying', '孟繁英']
    """
    return run_query(dataset, query, params).to_dataframe(compact=compact)
