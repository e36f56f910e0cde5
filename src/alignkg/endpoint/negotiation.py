"""Choosing the media type of an answer: from the ``format`` and ``output`` parameters (a name such
as ``tsv`` or a media type, repeated as clients send them), else from the Accept header with its
q-values. A format the query form cannot be written in is refused, naming the formats it can."""

from __future__ import annotations

from collections.abc import Sequence

from alignkg.endpoint.guard import QueryForm, RequestError
from alignkg.endpoint.media import GraphMedia, ResultMedia

Media = ResultMedia | GraphMedia

# Other names clients send for the same formats (first entry of each enum is the default).
RESULT_ALIASES: dict[str, ResultMedia] = {
    "application/json": ResultMedia.JSON,
    "application/xml": ResultMedia.XML,
    "text/xml": ResultMedia.XML,
}
GRAPH_ALIASES: dict[str, GraphMedia] = {
    "application/x-turtle": GraphMedia.TURTLE,
    "text/plain": GraphMedia.NTRIPLES,
    "application/json": GraphMedia.JSONLD,
    "application/xml": GraphMedia.RDFXML,
    "text/xml": GraphMedia.RDFXML,
}
# Values of the ``format`` parameter (as SPARQLWrapper and many endpoints send it); the first name
# of each media type is the one error messages offer.
RESULT_FORMAT_NAMES: dict[str, ResultMedia] = {
    "json": ResultMedia.JSON,
    "xml": ResultMedia.XML,
    "csv": ResultMedia.CSV,
    "tsv": ResultMedia.TSV,
}
GRAPH_FORMAT_NAMES: dict[str, GraphMedia] = {
    "turtle": GraphMedia.TURTLE,
    "nt": GraphMedia.NTRIPLES,
    "nq": GraphMedia.NQUADS,
    "trig": GraphMedia.TRIG,
    "json-ld": GraphMedia.JSONLD,
    "rdf+xml": GraphMedia.RDFXML,
    "ttl": GraphMedia.TURTLE,
    "n3": GraphMedia.TURTLE,  # Turtle is the RDF subset of N3
    "ntriples": GraphMedia.NTRIPLES,
    "n-triples": GraphMedia.NTRIPLES,
    "nquads": GraphMedia.NQUADS,
    "n-quads": GraphMedia.NQUADS,
    "jsonld": GraphMedia.JSONLD,
    "json": GraphMedia.JSONLD,
    "xml": GraphMedia.RDFXML,
    "rdf": GraphMedia.RDFXML,
    "rdfxml": GraphMedia.RDFXML,
}


def _accepted(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q values, in the header's order."""
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(candidate: str, ranges: list[tuple[str, float]], aliases: dict[str, str]) -> tuple[float, int]:
    """The q value the most specific matching range gives ``candidate`` (0 when none matches) and
    that range's place in the header."""
    best = (-1, 0.0, 0)  # specificity, quality, position
    for position, (media, quality) in enumerate(ranges):
        if media == candidate or aliases.get(media) == candidate:
            specificity = 2
        elif media.endswith("/*") and media != "*/*" and candidate.startswith(media[:-1]):
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0] or (specificity == best[0] and quality > best[1]):
            best = (specificity, quality, position)
    return best[1], best[2]


def negotiate(accept: str | None, offered: Sequence[str], aliases: dict[str, str]) -> str | None:
    """The offered media type the client rates highest in ``accept`` (ties: the client's order,
    then the order offered; the first offered when absent), or None when it accepts none.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ["a/json", "application/sparql-results+xml", "text/csv"], {})
    'application/sparql-results+xml'
    >>> negotiate("text/turtle;q=0, */*;q=0.1", ["text/turtle", "application/n-triples"], {})
    'application/n-triples'
    >>> negotiate("image/png", ["a/json"], {}) is None
    True
    """  # noqa: E501
    if not accept or not accept.strip():
        return offered[0]
    ranges = _accepted(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, candidate in enumerate(offered):
        quality, position = _quality(candidate, ranges, aliases)
        key = (-quality, position, index)
        if quality > 0 and (best is None or key < best):
            best, chosen = key, candidate
    return chosen


def _refusal(form: QueryForm, asked: str, kinds: type[Media], names: dict[str, Media]) -> RequestError:
    preferred = [next(n for n, m in names.items() if m is media) for media in kinds]
    return RequestError(
        f"a {form} query cannot be answered as {asked!r}; it can be as "
        f"format={', '.join(preferred)} or Accept: {', '.join(m.value for m in kinds)}",
        status=406,
        code="not-acceptable",
    )


def choose_media(form: QueryForm, formats: Sequence[str], accept: str | None) -> Media:
    """The answer's media type: the one the ``format`` values name (each a name or media types;
    empty ones are left out), else the best fit for ``accept``.

    Values that name different formats are a 400; a format ``form`` cannot be written in a 406."""
    graph_form = form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
    kinds: type[Media] = GraphMedia if graph_form else ResultMedia
    names: dict[str, Media] = dict(GRAPH_FORMAT_NAMES if graph_form else RESULT_FORMAT_NAMES)
    aliases: dict[str, str] = dict(GRAPH_ALIASES if graph_form else RESULT_ALIASES)
    offered = [m.value for m in kinds]
    named: dict[Media, str] = {}
    for value in formats:
        fmt = value.strip().lower()
        if not fmt:
            continue
        found = names[fmt].value if fmt in names else negotiate(fmt, offered, aliases) if "/" in fmt else None
        if found is None:
            raise _refusal(form, value, kinds, names)
        named.setdefault(kinds(found), value)
    if len(named) > 1:
        raise RequestError(
            f"the format parameters ask for different formats ({', '.join(map(repr, named.values()))}); "
            "give one",
            status=400,
            code="bad-request",
        )
    if named:
        return next(iter(named))
    chosen = negotiate(accept, offered, aliases)
    if chosen is None:
        raise _refusal(form, accept or "", kinds, names)
    return kinds(chosen)
