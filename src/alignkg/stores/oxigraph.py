"""Oxigraph behind the :class:`~alignkg.stores.base.Store` interface, through pyoxigraph directly: it
parses, loads and answers queries natively, several times faster than rdflib and in a fraction of
the memory. Results become rdflib terms once per distinct term, which keeps conversion cheap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.serialize import Format
from alignkg.model.terms import PREFIXES
from alignkg.stores.base import Progress, Quad, Store, check_self_contained, rdf_format
from alignkg.stores.result import QueryResult, star_order

OX_FORMATS = {
    Format.TRIG: ox.RdfFormat.TRIG,
    Format.TURTLE: ox.RdfFormat.TURTLE,
    Format.JSONLD: ox.RdfFormat.JSON_LD,
    Format.NQUADS: ox.RdfFormat.N_QUADS,
    Format.NTRIPLES: ox.RdfFormat.N_TRIPLES,
}
"""How each file format alignkg reads is named in pyoxigraph."""

PREFIX_MAP = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


class TermConverter:
    """Turns pyoxigraph terms into rdflib terms, converting each distinct term once.

    A store keeps one converter, so labels and IRIs that recur across queries are converted once;
    the cache is emptied when it holds ``limit`` terms, which bounds its memory (~50 MB).
    """

    def __init__(self, limit: int = 200_000) -> None:
        self._cache: dict[Any, Node] = {}
        self._limit = limit

    def __call__(self, term: Any) -> Node | None:
        found = self._cache.get(term)
        if found is None:
            if term is None:
                return None
            if len(self._cache) >= self._limit:
                self._cache.clear()
            found = self._convert(term)
            self._cache[term] = found
        return found

    def row(self, solution: Iterable[Any]) -> tuple[Node | None, ...]:
        """One solution's terms, converted; a loop over ``map`` is the fastest way Python has to
        turn the many rows of a large answer."""
        return tuple(map(self, solution))

    @staticmethod
    def _convert(term: Any) -> Node:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.Literal):
            # text needs no normalising: skipping it makes the same Literal about a third faster
            if term.language:
                return Literal(term.value, lang=term.language, normalize=False)
            datatype = term.datatype.value
            if datatype in (_XSD_STRING, _LANG_STRING):
                return Literal(term.value, normalize=False)
            return Literal(term.value, datatype=URIRef(datatype))
        raise AlignkgError(f"unsupported RDF term in a result: {term!r}")

    def graph_name(self, term: Any) -> URIRef | None:
        """The rdflib name of a quad's graph; None for the default graph."""
        converted = None if isinstance(term, ox.DefaultGraph) else self(term)
        return converted if isinstance(converted, URIRef) else None


def convert_results(results: Any, convert: TermConverter | None = None) -> QueryResult:
    """A pyoxigraph query result (solutions, boolean or triples) as an alignkg QueryResult."""
    convert = convert or TermConverter()
    if isinstance(results, ox.QueryBoolean):
        return QueryResult([], [], boolean=bool(results))
    if isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = list(map(convert.row, results))
        return QueryResult(variables, rows)
    graph = Graph()
    for triple in results:
        graph.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))  # type: ignore[arg-type]
    return QueryResult.from_graph(graph)


class _Counting:
    """A binary reader that reports progress as the parser consumes it."""

    def __init__(self, stream: IO[bytes], report: Progress | None, start: int, total: int) -> None:
        self._stream, self._report, self.done, self._total = stream, report, start, total

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self.done += len(chunk)
        if self._report is not None and chunk:
            self._report(self.done, self._total)
        return chunk


def syntax_error(exc: SyntaxError, name: str) -> AlignkgError:
    """An Oxigraph SPARQL syntax error in alignkg's words, keeping its line and column."""
    message = str(exc)
    found = _POSITION.match(message)
    if found:
        line, column = found.groups()
        message = f"SPARQL syntax error at query line {line}, column {column}: {message[found.end() :]}"
    else:
        message = f"SPARQL syntax error: {message}"
    return AlignkgError(message, Location(name))


class OxigraphStore(Store):
    """Oxigraph in memory (``path`` None) or in a folder on disk, opened as it is if it exists."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.spec = "oxigraph" if path is None else f"oxigraph:{path}"
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            raise AlignkgError(f"cannot open the Oxigraph store: {exc}", Location(path or "")) from exc
        self._convert = TermConverter()

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph Store, for code that wants Oxigraph's own API."""
        return self._store

    def load(self, *paths: Path | str, progress: Progress | None = None) -> None:
        files = [Path(p) for p in paths]
        formats = [rdf_format(f) for f in files]
        total = sum(f.stat().st_size for f in files)
        done = 0
        for file, fmt in zip(files, formats, strict=True):
            check_self_contained(file, fmt)
            with file.open("rb") as stream:
                reader = _Counting(stream, progress, done, total)
                try:
                    if self.path is None:
                        # in memory, a transactional load is faster than bulk_load and needs less RAM
                        self._store.load(cast(IO[bytes], reader), format=OX_FORMATS[fmt])
                    else:
                        self._store.bulk_load(cast(IO[bytes], reader), format=OX_FORMATS[fmt])
                except SyntaxError as exc:
                    raise AlignkgError(f"cannot parse {fmt.value}: {exc}", Location(file)) from exc
                done = reader.done
        if self.path is not None:
            self._store.flush()

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add pyoxigraph quads, for example a synthetic graph generated in memory."""
        self._store.extend(quads)

    def query(self, text: str, *, name: str = "query") -> QueryResult:
        answer = convert_results(self.native_query(text, name=name), self._convert)
        order = star_order(text)
        return answer.in_order(order) if order else answer

    def native_query(self, text: str, *, name: str = "query") -> Any:
        """Run SPARQL and return pyoxigraph's own result objects, without conversion."""
        try:
            return self._store.query(text, prefixes=PREFIX_MAP, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise syntax_error(exc, name) from exc
        except OSError as exc:
            raise AlignkgError(f"query failed: {exc}", Location(name)) from exc

    def quads(self) -> Iterator[Quad]:
        convert = TermConverter()
        for quad in self._store:
            s, p, o = convert(quad.subject), convert(quad.predicate), convert(quad.object)
            assert s is not None and p is not None and o is not None
            yield s, p, o, convert.graph_name(quad.graph_name)

    def graphs(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def dataset(self) -> Dataset:
        """A live rdflib view of the store through oxrdflib (no copy)."""
        from oxrdflib import OxigraphStore as OxRdflibStore

        return Dataset(store=OxRdflibStore(store=self._store), default_union=True)

    def close(self) -> None:
        store = self.__dict__.pop("_store", None)
        if store is not None and self.path is not None:
            store.flush()
