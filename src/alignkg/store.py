"""Where the graph lives: built files read into an rdflib Dataset, and the :class:`Store` interface
that puts the same queries, statistics and loading in front of rdflib (``memory``), Oxigraph
(``oxigraph``, ``oxigraph:PATH``) and any SPARQL 1.1 endpoint (``sparql:URL``).

In every store the default graph is the union of all graphs, so queries see every source unless
they ask for one with ``GRAPH``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from alignkg.errors import AlignkgError, Location
from alignkg.query import QueryResult, query_dataset
from alignkg.serialize import Format
from alignkg.terms import ID, compact_iri

DEFAULT_GRAPH_FILE = Path("build/alignkg.trig")

_RDFLIB_FORMATS = {
    Format.TRIG: "trig",
    Format.TURTLE: "turtle",
    Format.JSONLD: "json-ld",
    Format.NQUADS: "nquads",
    Format.NTRIPLES: "nt",
}

Progress = Callable[[int, int], None]
"""A callback told how many bytes of the input files have been read, and how many there are."""

Quad = tuple[Node, Node, Node, URIRef | None]
"""Subject, predicate, object and graph name (None for the default graph), as rdflib terms."""


def rdf_format(path: Path) -> Format:
    """The RDF format of a file by its suffix; checks that the file exists."""
    if not path.is_file():
        hint = " (run 'alignkg build' first)" if path == DEFAULT_GRAPH_FILE else ""
        raise AlignkgError(f"graph file not found{hint}", Location(path))
    fmt = Format.from_suffix(path.suffix.lower())
    if fmt is None:
        raise AlignkgError(
            f"unknown RDF file type {path.suffix!r}; use .trig, .nq, .ttl, .nt or .jsonld",
            Location(path),
        )
    return fmt


def load_dataset(*paths: Path | str) -> Dataset:
    """Read one or more RDF files (TriG, N-Quads, Turtle, N-Triples, JSON-LD) into a Dataset.

    With no path, reads ``build/alignkg.trig``. Named graphs in the files are kept.
    """
    store = MemoryStore()
    store.load(*(paths or (DEFAULT_GRAPH_FILE,)))
    return store.dataset()


@dataclass(frozen=True)
class StoreStats:
    """What a store holds: triples per named graph and entities (``akid:`` subjects) per class."""

    triples: int
    triples_per_graph: dict[str, int]
    entities_per_class: dict[str, int]


_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_CLASS_SIZES = (
    "SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c . "
    f'FILTER(STRSTARTS(STR(?e), "{ID}")) }} GROUP BY ?c'
)


def _count(term: Node | None) -> int:
    return int(term.toPython()) if isinstance(term, Literal) else 0


class Store(ABC):
    """A place holding the graph that alignkg can load files into and run SPARQL against.

    Open one with :func:`open_store`; use it as a context manager to close it.
    """

    spec: str
    """The specification it was opened with (``memory``, ``oxigraph:PATH``, ``sparql:URL``...)."""

    @abstractmethod
    def load(self, *paths: Path | str, progress: Progress | None = None) -> None:
        """Add the quads of RDF files (TriG, N-Quads, Turtle, N-Triples, JSON-LD); named graphs
        are kept and triples of Turtle or N-Triples files go to the default graph."""

    @abstractmethod
    def query(self, text: str, *, name: str = "query") -> QueryResult:
        """Run SPARQL text (alignkg's prefixes need no PREFIX lines) over the union default graph.

        ``name`` is the query's name in error messages.
        """

    @abstractmethod
    def quads(self) -> Iterator[Quad]:
        """Every quad of the store, as rdflib terms."""

    @abstractmethod
    def __len__(self) -> int:
        """How many quads the store holds."""

    def graphs(self) -> list[URIRef]:
        """The named graphs, in IRI order."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return sorted(row[0] for row in rows if isinstance(row[0], URIRef))

    def stats(self) -> StoreStats:
        """Triples per named graph and entities per class, counted by the store itself."""
        per_graph = {compact_iri(str(g)): _count(n) for g, n in self.query(_GRAPH_SIZES, name="stats").rows}
        per_class = {compact_iri(str(c)): _count(n) for c, n in self.query(_CLASS_SIZES, name="stats").rows}
        return StoreStats(
            triples=len(self),
            triples_per_graph=dict(sorted(per_graph.items())),
            entities_per_class=dict(sorted(per_class.items())),
        )

    def dataset(self) -> Dataset:
        """The store as an rdflib Dataset with a union default graph, for code written for rdflib.

        In-memory and Oxigraph stores give a live view; a remote store gives a copy.
        """
        dataset = Dataset(default_union=True)
        graphs: dict[URIRef | None, Graph] = {}
        for s, p, o, g in self.quads():
            if g not in graphs:
                graphs[g] = dataset.graph(g) if g is not None else dataset.default_graph
            graphs[g].add((s, p, o))
        return dataset

    def close(self) -> None:  # noqa: B027  (most stores hold nothing to release)
        """Release the store (files, connections); the default does nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec}>"


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


def open_store(spec: str = "memory", *, graph_store: str | None = None) -> Store:
    """Open a store by its specification.

    - ``memory``: rdflib's in-memory Dataset;
    - ``oxigraph``: Oxigraph in memory; ``oxigraph:PATH``: Oxigraph on disk, created if missing
      and reopened without reloading if it exists;
    - ``sparql:URL``: a SPARQL 1.1 endpoint (query URL); ``graph_store`` is its Graph Store
      Protocol URL, needed to load unless the endpoint is an Oxigraph server (``.../query``).

    >>> with open_store("memory") as store:
    ...     len(store)
    0
    """
    kind, sep, rest = spec.partition(":")
    if kind == "memory" and not sep:
        return MemoryStore()
    if kind == "oxigraph":
        from alignkg.oxigraph_store import OxigraphStore

        return OxigraphStore(Path(rest) if rest else None)
    if kind == "sparql" and rest:
        from alignkg.remote import SparqlStore

        return SparqlStore(rest, graph_store=graph_store)
    raise AlignkgError(f"unknown store {spec!r}; use memory, oxigraph, oxigraph:PATH or sparql:URL")


def is_persistent(spec: str) -> bool:
    """True for stores that keep their content between runs (``oxigraph:PATH``, ``sparql:URL``)."""
    return spec.startswith(("oxigraph:", "sparql:"))


def open_graph(
    spec: str = "memory",
    files: Sequence[Path | str] = (),
    *,
    graph_store: str | None = None,
    progress: Progress | None = None,
) -> Store:
    """Open a store to read from: an in-memory store is filled with ``files`` (by default
    ``build/alignkg.trig``); a persistent store is used as it is and takes no files (load them
    with :meth:`Store.load` or ``alignkg load``)."""
    if is_persistent(spec) and files:
        raise AlignkgError(f"{spec} keeps its own content; load files into it with 'alignkg load'")
    store = open_store(spec, graph_store=graph_store)
    if not is_persistent(spec):
        try:
            store.load(*(files or [DEFAULT_GRAPH_FILE]), progress=progress)
        except BaseException:
            store.close()
            raise
    return store


LARGE_GRAPH_BYTES = 20_000_000
"""Graph files larger than this together (about 100k triples) are read into Oxigraph by default."""


def default_store(files: Sequence[Path | str] = (), *, large: int = LARGE_GRAPH_BYTES) -> str:
    """The in-memory store to read graph files into when none is named: rdflib's ``memory`` for
    small graphs, ``oxigraph`` once the files pass ``large`` bytes, where rdflib grows slow."""
    paths = [Path(f) for f in files] or [DEFAULT_GRAPH_FILE]
    size = sum(p.stat().st_size for p in paths if p.is_file())
    return "oxigraph" if size > large else "memory"


def as_store(source: Store | Dataset) -> Store:
    """A Store for either a Store or an rdflib Dataset (wrapped without copying)."""
    return source if isinstance(source, Store) else MemoryStore(source)
