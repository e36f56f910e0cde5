"""Running SPARQL: the shipped competency queries, parameters, and results as DataFrames or in
the W3C result formats (JSON, CSV) and as text tables."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from alignkg.cells import formula_safe
from alignkg.errors import AlignkgError, Location
from alignkg.terms import PREFIXES, compact_iri, entity_iri, is_valid_id

if TYPE_CHECKING:
    from alignkg.store import Store

_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE | re.MULTILINE)
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
    folder = resources.files("alignkg") / "queries"
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
    """The query text with each parameter bound to an entity id, written into its VALUES block.

    Values go into the pattern itself rather than a FILTER, which SPARQL engines can use to
    narrow the search.
    """
    text = named.text
    for key in params or {}:
        if key not in named.parameters:
            known = ", ".join(named.parameters) or "none"
            raise AlignkgError(f"query {named.name!r} has no parameter {key!r} (parameters: {known})")
    for key, default in named.parameters.items():
        value = (params or {}).get(key, default)
        if not is_valid_id(value):
            raise AlignkgError(f"parameter {key!r}: {value!r} is not a valid entity id")
        pattern = re.compile(r"(VALUES\s+\?" + key + r"\s*\{)[^}]*(\})", re.IGNORECASE)
        iri = entity_iri(value)
        text, count = pattern.subn(rf"\g<1> <{iri}> \g<2>", text)
        if count == 0:
            raise AlignkgError(f"query {named.name!r} declares parameter {key!r} but has no VALUES ?{key}")
    return text


def with_prefixes(text: str) -> tuple[str, int]:
    """Prepend PREFIX lines for alignkg prefixes the query does not declare itself.

    Returns the text and how many lines were added, so error positions can be reported in the
    user's own lines.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return "\n".join([*lines, text]), len(lines)


@dataclass
class QueryResult:
    """The answer to a query: rows of RDF terms for SELECT, a boolean for ASK, a graph otherwise."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]]
    boolean: bool | None = None
    graph: Graph | None = None

    @classmethod
    def from_graph(cls, graph: Graph) -> QueryResult:
        """The result of a CONSTRUCT or DESCRIBE query: its triples in sorted order."""
        triples: list[tuple[Node | None, ...]] = [tuple(t) for t in sorted(graph)]
        return cls(["subject", "predicate", "object"], triples, graph=graph)

    def to_dataframe(self, *, compact: bool = True) -> pd.DataFrame:
        """Rows as a DataFrame; IRIs as ``prefix:local`` when ``compact``, literals as Python values."""
        if self.boolean is not None:
            return pd.DataFrame({"answer": [self.boolean]})
        if self.graph is not None:
            triples = sorted(self.graph)
            data = [[_python(t, compact) for t in triple] for triple in triples]
            return pd.DataFrame(data, columns=["subject", "predicate", "object"])
        data = [[_python(t, compact) for t in row] for row in self.rows]
        return pd.DataFrame(data, columns=self.variables)

    def to_text_rows(self, *, compact: bool = True) -> list[list[str]]:
        """Rows as strings, as the text table and CSV show them."""
        return [[_text(t, compact) for t in row] for row in self.rows]

    def to_csv(self, *, compact: bool = False) -> str:
        """SPARQL 1.1 CSV results: a header of variable names, then one line per row."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if self.boolean is not None:
            writer.writerow(["answer"])
            writer.writerow(["true" if self.boolean else "false"])
        else:
            writer.writerow(self.variables)
            writer.writerows([_spreadsheet_safe(t, compact) for t in row] for row in self.rows)
        return buffer.getvalue()

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (W3C)."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}, indent=2)
        bindings = [
            {var: _json_term(term) for var, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]
        document = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        return json.dumps(document, indent=2, ensure_ascii=False)

    def to_markdown(self, *, compact: bool = True) -> str:
        """A Markdown table (pipes in values escaped)."""
        header = ["answer"] if self.boolean is not None else self.variables
        rows = (
            [[str(self.boolean).lower()]] if self.boolean is not None else self.to_text_rows(compact=compact)
        )

        def cell(text: str) -> str:
            return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"


def _text(term: Node | None, compact: bool) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact_iri(str(term)) if compact else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _spreadsheet_safe(term: Node | None, compact: bool) -> str:
    """A CSV cell that a spreadsheet shows as text: a text value that would start a formula
    (``=HYPERLINK(...)``) gets a leading apostrophe, so it is never run; numbers are left alone.

    >>> print(_spreadsheet_safe(Literal("=SUM(A1:A9)"), False))
    '=SUM(A1:A9)
    >>> _spreadsheet_safe(Literal(-5), False)
    '-5'
    """
    text = _text(term, compact)
    if isinstance(term, Literal) and isinstance(term.toPython(), str | Literal):
        return formula_safe(text)
    return text


def _python(term: Node | None, compact: bool) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return _text(term, compact)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def query_dataset(dataset: Dataset, text: str, *, name: str = "query") -> QueryResult:
    """Run SPARQL text with rdflib's engine; alignkg's prefixes need no PREFIX lines.

    Syntax errors raise AlignkgError naming the line and column in ``text`` as written.
    """
    full, added = with_prefixes(text)
    try:
        prepared = prepareQuery(full)
    except ParseException as exc:
        line = exc.lineno - added
        raise AlignkgError(
            f"SPARQL syntax error at query line {line}, column {exc.col}: {exc.msg}",
            Location(name),
        ) from exc
    except Exception as exc:  # rdflib reports unknown prefixes and the like as plain exceptions
        raise AlignkgError(f"cannot prepare query: {exc}", Location(name)) from exc
    result = dataset.query(prepared)
    if result.type == "ASK":
        return QueryResult([], [], boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = Graph()
        for triple in result:
            graph.add(triple)  # type: ignore[arg-type]
        return QueryResult.from_graph(graph)
    variables = [str(v) for v in (result.vars or [])]
    rows: list[tuple[Node | None, ...]] = [tuple(row) for row in result]  # type: ignore[arg-type]
    return QueryResult(variables, rows)


def run_query(dataset: Dataset | Store, query: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run a shipped query name, ``.rq`` path or SPARQL text against an rdflib Dataset or a Store.

    Parameters are bound into the query's VALUES block. Syntax errors raise AlignkgError naming
    the line and column in the query as written.
    """
    named = resolve_query(query)
    text = bind_parameters(named, params)
    if isinstance(dataset, Dataset):
        return query_dataset(dataset, text, name=named.name)
    return dataset.query(text, name=named.name)


def query(
    dataset: Dataset | Store, query: str, params: dict[str, str] | None = None, *, compact: bool = True
) -> pd.DataFrame:
    """Run a query (name, path or SPARQL text) and return its answer as a pandas DataFrame.

    >>> from alignkg import build_graph
    >>> ds = build_graph().dataset
    >>> frame = query(ds, "SELECT ?label WHERE { akid:meng-fanying rdfs:label ?label }")
    >>> sorted(frame["label"])
    ['Meng Fanying', '孟凡英']
    """
    return run_query(dataset, query, params).to_dataframe(compact=compact)
