"""Query answers: rows of RDF terms, a boolean or a graph, as DataFrames, W3C result formats
(JSON, CSV) and text tables."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from alignkg.model.terms import compact_iri, spreadsheet_safe
from alignkg.model.text import markdown_escape

if TYPE_CHECKING:
    import pandas as pd


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
        import pandas as pd

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
        """A Markdown table; values are escaped so that none renders HTML, a link or an image."""
        header = ["answer"] if self.boolean is not None else self.variables
        rows = (
            [[str(self.boolean).lower()]] if self.boolean is not None else self.to_text_rows(compact=compact)
        )

        lines = ["| " + " | ".join(markdown_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(markdown_escape(v) for v in row) + " |" for row in rows]
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
        return spreadsheet_safe(text)
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
