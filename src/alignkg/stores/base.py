"""Where the graph lives: built files read into an rdflib Dataset, and the :class:`Store` interface
that puts the same queries, statistics and loading in front of rdflib (``memory``), Oxigraph
(``oxigraph``, ``oxigraph:PATH``) and any SPARQL 1.1 endpoint (``sparql:URL``).

In every store the default graph is the union of all graphs, so queries see every source unless
they ask for one with ``GRAPH``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.files import DEFAULT_GRAPH_FILE
from alignkg.model.serialize import Format
from alignkg.model.terms import ID, compact_iri
from alignkg.stores.result import QueryResult

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

    def is_system_graph(self, iri: str) -> bool:
        """True for a graph the store keeps for itself (a server's schemas), which is not data;
        ``graphs``, ``stats`` and ``len`` leave such graphs out."""
        return False

    def graphs(self) -> list[URIRef]:
        """The named graphs holding data, in IRI order."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return sorted(
            row[0] for row in rows if isinstance(row[0], URIRef) and not self.is_system_graph(str(row[0]))
        )

    def stats(self) -> StoreStats:
        """Triples per named graph and entities per class, counted by the store itself."""
        per_graph = {
            compact_iri(str(g)): _count(n)
            for g, n in self.query(_GRAPH_SIZES, name="stats").rows
            if not self.is_system_graph(str(g))
        }
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
