"""The SPARQL 1.1 Protocol's side of a query: which form it has (SELECT, ASK, CONSTRUCT,
DESCRIBE), the result formats to ask for accordingly, and reading the answer document."""

from __future__ import annotations

import re

import pyoxigraph as ox

from alignkg.model.errors import AlignkgError, Location
from alignkg.stores.oxigraph import TermConverter, convert_results
from alignkg.stores.result import QueryResult

_PROLOGUE = re.compile(
    r"""\s+                                  # white space
      | \#[^\n]*                             # a comment
      | BASE\s*<[^>]*>                       # BASE <iri>
      | PREFIX\s+[^\s:]*:\s*<[^>]*>          # PREFIX p: <iri>
    """,
    re.IGNORECASE | re.VERBOSE,
)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
"""What a SELECT or ASK query asks for: SPARQL results, never RDF."""
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
"""What a CONSTRUCT or DESCRIBE query asks for: RDF triples, never a results table."""


def query_form(text: str) -> str | None:
    """The query's form after its prologue (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``);
    None for anything else, such as an update.

    >>> query_form("PREFIX ex: <http://example.org/#>  # people\\nDESCRIBE ex:a")
    'DESCRIBE'
    >>> query_form("# SELECT in a comment\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    position = 0
    while found := _PROLOGUE.match(text, position):
        if found.end() == position:
            break
        position = found.end()
    form = _FORM.match(text, position)
    return form.group(1).upper() if form else None


def accept_for(form: str | None) -> str:
    """The Accept header for a query of ``form``."""
    return GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT


def read_answer(
    content: bytes, media: str, form: str | None, convert: TermConverter, name: str = "query"
) -> QueryResult:
    """Parse an endpoint's answer of media type ``media`` for a query of ``form``.

    An answer in a format that does not fit the form (a table for a CONSTRUCT) is an error rather
    than something to guess at.
    """
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    if graph_form:
        rdf = ox.RdfFormat.from_media_type(media)
        if rdf is None:
            raise AlignkgError(
                f"the endpoint answered a {form} query with {media!r}, not RDF", Location(name)
            )
        try:
            return convert_results(ox.parse(content, format=rdf), convert)
        except SyntaxError as exc:
            raise AlignkgError(
                f"the endpoint's {rdf.name} answer is malformed: {exc}", Location(name)
            ) from exc
    results = ox.QueryResultsFormat.from_media_type(media)
    if results is None:
        raise AlignkgError(f"the endpoint answered with {media!r}, not SPARQL results", Location(name))
    try:
        answer = convert_results(ox.parse_query_results(content, format=results), convert)
    except SyntaxError as exc:
        raise AlignkgError(f"the endpoint's results are malformed: {exc}", Location(name)) from exc
    if form == "ASK" and answer.boolean is None:
        return _ask_table(answer, name)
    return answer


def _ask_table(answer: QueryResult, name: str) -> QueryResult:
    """Virtuoso answers ASK with a one-cell table (``__ASK_RETVAL`` = 1 or 0) rather than a
    boolean; read it as the boolean it stands for."""
    if len(answer.variables) != 1 or len(answer.rows) > 1:
        raise AlignkgError("the endpoint answered an ASK query with a table, not a boolean", Location(name))
    cell = answer.rows[0][0] if answer.rows else None
    return QueryResult([], [], boolean=cell is not None and str(cell).lower() in ("1", "true"))
