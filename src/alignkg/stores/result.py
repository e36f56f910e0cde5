"""Query answers: rows of RDF terms, a boolean or a graph, as DataFrames, W3C result formats
(JSON, CSV) and text tables."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from alignkg.model.cells import formula_safe
from alignkg.model.terms import compact_iri
from alignkg.model.text import markdown_escape

if TYPE_CHECKING:
    import pandas as pd

    from alignkg.model.serialize import Format

_LEXICAL = re.compile(
    r"""\#[^\n]*|<[^<>\s]*>|'{3}.*?'{3}|"{3}.*?"{3}|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"
      |(?P<star>\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*)|[?$](?P<var>[A-Za-z0-9_\u00b7\u00c0-\uffff]+)""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)


def star_order(text: str) -> list[str] | None:
    """For a ``SELECT *`` query, its variables in the order they first appear in the text, so the
    columns of every store come out the same; None for other queries.

    >>> star_order("SELECT * WHERE { ?meeting dcterms:date ?date ; rdfs:label ?label }  # ?zzz")
    ['meeting', 'date', 'label']
    >>> star_order("SELECT ?b ?a WHERE { ?a ?p ?b }") is None
    True
    """
    star, names = False, dict[str, None]()
    for found in _LEXICAL.finditer(text):
        if found.group("star") and not names:
            star = True
        elif found.group("var"):
            names.setdefault(found.group("var"))
    return list(names) if star else None


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

    def in_order(self, variables: list[str]) -> QueryResult:
        """The same answer with its columns in the order of ``variables`` (those it has), the rest
        after them in their own order."""
        if self.graph is not None or self.boolean is not None:
            return self
        order = [v for v in variables if v in self.variables]
        order += [v for v in self.variables if v not in order]
        if order == self.variables:
            return self
        index = [self.variables.index(v) for v in order]
        return replace(self, variables=order, rows=[tuple(row[i] for i in index) for row in self.rows])

    def to_rdf(self, fmt: Format) -> str:
        """A CONSTRUCT or DESCRIBE answer as RDF text, the same triples always in the same bytes."""
        from rdflib import Dataset

        from alignkg.model.serialize import Format, serialize

        if self.graph is None:
            raise ValueError("only a CONSTRUCT or DESCRIBE answer is a graph")
        if fmt is Format.NTRIPLES:
            text = self.graph.serialize(format="nt")
            return "".join(sorted({line + "\n" for line in text.splitlines() if line.strip()}))
        dataset = Dataset()
        for triple in self.graph:
            dataset.add(triple)
        return serialize(dataset, fmt).decode("utf-8")

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
        return self._cells(_text, compact)

    def to_csv(self, *, compact: bool = False) -> str:
        """SPARQL 1.1 CSV results: a header of variable names, then one line per row."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if self.boolean is not None:
            writer.writerow(["answer"])
            writer.writerow(["true" if self.boolean else "false"])
        else:
            writer.writerow(self.variables)
            writer.writerows(self._cells(_formula_safe, compact))
        return buffer.getvalue()

    def _cells(self, cell: Callable[[Node | None, bool], str], compact: bool) -> list[list[str]]:
        """Every row as the strings ``cell`` makes of its terms, each term's made once: a store's
        converter gives one object per distinct term, so large answers repeat the same objects."""
        made: dict[int, str] = {id(None): ""}
        rows = []
        for row in self.rows:
            cells = []
            for term in row:
                text = made.get(id(term))
                if text is None:
                    text = made[id(term)] = cell(term, compact)
                cells.append(text)
            rows.append(cells)
        return rows

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


def _formula_safe(term: Node | None, compact: bool) -> str:
    """A CSV cell that a spreadsheet shows as text: a text value that would start a formula
    (``=HYPERLINK(...)``) gets a leading apostrophe, so it is never run; numbers are left alone.

    >>> print(_formula_safe(Literal("=SUM(A1:A9)"), False))
    '=SUM(A1:A9)
    >>> _formula_safe(Literal(-5), False)
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
