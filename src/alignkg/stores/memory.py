"""rdflib's in-memory Dataset as a store, and running SPARQL with rdflib's engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.files import DEFAULT_GRAPH_FILE
from alignkg.model.serialize import Format
from alignkg.model.terms import with_prefixes
from alignkg.stores.base import Progress, Quad, Store, rdf_format
from alignkg.stores.result import QueryResult, star_order

_RDFLIB_FORMATS = {
    Format.TRIG: "trig",
    Format.TURTLE: "turtle",
    Format.JSONLD: "json-ld",
    Format.NQUADS: "nquads",
    Format.NTRIPLES: "nt",
}


def load_dataset(*paths: Path | str) -> Dataset:
    """Read one or more RDF files (TriG, N-Quads, Turtle, N-Triples, JSON-LD) into a Dataset.

    With no path, reads ``build/alignkg.trig``. Named graphs in the files are kept.
    """
    store = MemoryStore()
    store.load(*(paths or (DEFAULT_GRAPH_FILE,)))
    return store.dataset()


class MemoryStore(Store):
    """rdflib's in-memory Dataset: no extra dependency, fine for the shipped data."""

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.spec = "memory"
        self._dataset = dataset if dataset is not None else Dataset(default_union=True)

    def load(self, *paths: Path | str, progress: Progress | None = None) -> None:
        files = [Path(p) for p in paths]
        formats = [rdf_format(f) for f in files]
        total = sum(f.stat().st_size for f in files)
        done = 0
        for file, fmt in zip(files, formats, strict=True):
            try:
                self._dataset.parse(file, format=_RDFLIB_FORMATS[fmt])
            except Exception as exc:  # rdflib's parsers raise many unrelated types
                raise AlignkgError(f"cannot parse {fmt.value}: {exc}", Location(file)) from exc
            done += file.stat().st_size
            if progress is not None:
                progress(done, total)

    def query(self, text: str, *, name: str = "query") -> QueryResult:
        return query_dataset(self._dataset, text, name=name)

    def quads(self) -> Iterator[Quad]:
        for s, p, o, g in self._dataset.quads():
            name = g.identifier if isinstance(g, Graph) else g
            yield s, p, o, (name if isinstance(name, URIRef) and name != _DEFAULT else None)

    def __len__(self) -> int:
        return sum(1 for _ in self._dataset.quads())

    def dataset(self) -> Dataset:
        return self._dataset


_DEFAULT = URIRef("urn:x-rdflib:default")


def query_dataset(dataset: Dataset, text: str, *, name: str = "query") -> QueryResult:
    """Run SPARQL text with rdflib's engine; alignkg's prefixes need no PREFIX lines.

    Syntax errors raise AlignkgError naming the line and column in ``text`` as written.
    """
    from pyparsing import ParseException  # rdflib's SPARQL parser loads in ~0.2 s: only when used
    from rdflib.plugins.sparql import prepareQuery

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
    answer = QueryResult(variables, rows)
    order = star_order(text)
    return answer.in_order(order) if order else answer
