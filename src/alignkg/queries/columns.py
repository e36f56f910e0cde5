"""What the columns of a SELECT are about, so its answer can be drawn as entities.

Most questions print labels (``?person`` bound by ``?who rdfs:label ?person``), not ids. Reading
the query (with rdflib's SPARQL parser) tells which variable holds the entity behind each label
or computed column; :func:`widen_select` then adds those variables to the query's answer, so the
entities come back beside the text the question shows.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Variable
from rdflib.namespace import DCTERMS, RDFS, SKOS

from alignkg.model.terms import with_prefixes

_LABELS = {RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title}

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$]\w+)
  | (?P<name>[A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]+)
  | (?P<open>[{(])
  | (?P<close>[})])
  | (?P<word>[A-Za-z]+)
    """,
    re.VERBOSE,
)
_AFTER_GROUP = {"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


def _walk(node: Any, found: list[Any]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        found.append(node)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _walk(value, found)


def _variables(expression: Any) -> list[str]:
    parts: list[Any] = []
    _walk(expression, parts)
    names: list[str] = [str(expression)] if isinstance(expression, Variable) else []
    for part in parts:
        for value in part.values():
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, Variable):
                    names.append(str(item))
    return [n for n in dict.fromkeys(names) if not n.startswith("__")]  # rdflib's aggregate stand-ins


def about(text: str) -> dict[str, list[str]]:
    """For each variable a SELECT answers with, the variables holding the entities it is about:
    itself, the entity a label belongs to (``?who rdfs:label ?person``), and for a computed
    column (``BIND(... AS ?x)``, ``(... AS ?x)``) those of the variables it is computed from.

    Empty when the text is not a SELECT rdflib can read (the query then runs as written).
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(with_prefixes(text)[0])).algebra
    except Exception:  # rdflib raises many types; running the query reports the real error
        return {}
    if algebra.name != "SelectQuery":
        return {}
    parts: list[Any] = []
    _walk(algebra, parts)
    owners: dict[str, list[str]] = {}
    computed: dict[str, list[str]] = {}
    for part in parts:
        if part.name == "BGP":
            for s, p, o in part.triples:
                if p in _LABELS and isinstance(s, Variable) and isinstance(o, Variable):
                    owners.setdefault(str(o), []).append(str(s))
        elif part.name == "Extend":
            computed.setdefault(str(part.var), _variables(part.expr))

    def behind(name: str, seen: frozenset[str]) -> list[str]:
        if name in seen:
            return []
        found = [name, *owners.get(name, [])]
        for source in computed.get(name, []):
            found += behind(source, seen | {name})
        return list(dict.fromkeys(found))

    return {str(v): behind(str(v), frozenset()) for v in algebra.PV}


def _top_level(text: str) -> list[tuple[str, str, int, int, int]]:
    """The query's tokens (kind, text, start, end, nesting depth) outside comments and strings."""
    tokens, depth = [], 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or ""
        if kind == "close":
            depth -= 1
        tokens.append((kind, match.group(), match.start(), match.end(), depth))
        if kind == "open":
            depth += 1
    return [t for t in tokens if t[0] not in ("comment", "string")]


def widen_select(text: str, variables: list[str]) -> str:
    """``text`` with ``variables`` added to the answer of its outermost SELECT, and to its
    GROUP BY if it has one, so each group keeps the entities it is about."""
    if not variables:
        return text
    tokens = _top_level(text)
    start = next((i for i, t in enumerate(tokens) if t[0] == "word" and t[1].upper() == "SELECT"), None)
    if start is None or tokens[start][4] != 0:
        return text
    end = next(
        (
            i
            for i in range(start + 1, len(tokens))
            if tokens[i][4] == 0
            and (
                (tokens[i][0] == "open" and tokens[i][1] == "{") or tokens[i][1].upper() in ("WHERE", "FROM")
            )
        ),
        None,
    )
    if end is None or text[tokens[start][3] : tokens[end][2]].strip() in ("*", "DISTINCT *", "REDUCED *"):
        return text
    added = "".join(f" ?{v}" for v in variables)
    insertions = [(tokens[end][2], added + " ")]
    group = next(
        (
            i
            for i in range(end + 1, len(tokens) - 1)
            if tokens[i][4] == 0 and tokens[i][1].upper() == "GROUP" and tokens[i + 1][1].upper() == "BY"
        ),
        None,
    )
    if group is not None:
        after = next(
            (
                tokens[i][2]
                for i in range(group + 2, len(tokens))
                if tokens[i][4] == 0 and tokens[i][0] == "word" and tokens[i][1].upper() in _AFTER_GROUP
            ),
            len(text.rstrip()),
        )
        insertions.append((after, added + " "))
    for position, words in sorted(insertions, reverse=True):
        text = text[:position] + words + text[position:]
    return text
