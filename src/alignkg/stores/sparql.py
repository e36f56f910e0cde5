"""Any SPARQL 1.1 endpoint behind the :class:`~alignkg.stores.base.Store` interface: queries go over the
SPARQL 1.1 Protocol, uploads go graph by graph over the Graph Store Protocol.

HTTP goes through httpx (typed, keep-alive connections, explicit timeouts); result documents are
parsed by pyoxigraph's native parsers, so a large answer costs little more than its transfer.
The endpoint must treat its default graph as the union of its named graphs, as alignkg's other
stores do: start an Oxigraph server with ``--union-default-graph``, set ``tdb2:unionDefaultGraph``
in Fuseki; Virtuoso does so by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from rdflib import URIRef

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.terms import with_prefixes
from alignkg.stores.base import Progress, Quad, Store, check_self_contained, rdf_format
from alignkg.stores.oxigraph import OX_FORMATS, TermConverter, convert_results
from alignkg.stores.result import QueryResult

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def default_graph_store(query_url: str) -> str | None:
    """The Graph Store Protocol URL of an Oxigraph server from its query URL (``/query`` →
    ``/store``); None for other servers, whose layout differs.

    >>> default_graph_store("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/store'
    """
    return query_url.removesuffix("/query") + "/store" if query_url.endswith("/query") else None


class SparqlStore(Store):
    """A remote SPARQL 1.1 endpoint; ``graph_store`` is its Graph Store Protocol URL."""

    def __init__(
        self,
        url: str,
        *,
        graph_store: str | None = None,
        timeout: float = 300.0,
        auth: tuple[str, str] | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise AlignkgError(f"a SPARQL endpoint is an http(s) URL, not {url!r}")
        self.url = url
        self.spec = f"sparql:{url}"
        self.graph_store = graph_store or default_graph_store(url)
        self._client = httpx.Client(timeout=timeout, auth=auth, follow_redirects=True)
        self._convert = TermConverter()

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise AlignkgError(f"cannot reach the SPARQL endpoint: {exc}", Location(url)) from exc
        if response.status_code >= 400:
            detail = " ".join(response.text.split())[:500]
            raise AlignkgError(f"the endpoint answered {response.status_code}: {detail}", Location(url))
        return response

    def query(self, text: str, *, name: str = "query") -> QueryResult:
        full, _added = with_prefixes(text)
        response = self._request("POST", self.url, data={"query": full}, headers={"Accept": _ACCEPT})
        media = response.headers.get("content-type", "").split(";")[0].strip()
        results_format = ox.QueryResultsFormat.from_media_type(media)
        if results_format is not None:
            return convert_results(
                ox.parse_query_results(response.content, format=results_format), self._convert
            )
        rdf = ox.RdfFormat.from_media_type(media)
        if rdf is None:
            raise AlignkgError(f"the endpoint answered in an unknown format {media!r}", Location(name))
        return convert_results(ox.parse(response.content, format=rdf), self._convert)

    def quads(self) -> Iterator[Quad]:
        """Every quad of the named graphs (the default graph is their union, so it adds none)."""
        for s, p, o, g in self.query(_QUADS).rows:
            assert s is not None and p is not None and o is not None
            yield s, p, o, g if isinstance(g, URIRef) else None

    def __len__(self) -> int:
        rows = self.query(_SIZE).rows
        return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0

    def _graph_store(self) -> str:
        if self.graph_store is None:
            raise AlignkgError(
                "this endpoint's Graph Store Protocol URL is not known; give it as graph_store "
                "(--graph-store), for example http://localhost:3030/alignkg/data for Fuseki"
            )
        return self.graph_store

    def send_graphs(
        self, dataset: ox.Store, *, replace: bool, progress: Progress | None = None
    ) -> dict[str, int]:
        """Upload each graph of an Oxigraph dataset as N-Triples: ``replace`` PUTs it (a re-run
        replaces rather than duplicates), otherwise POST adds to what the graph holds. Returns the
        triples sent per graph IRI (``""`` for the default graph)."""
        target = self._graph_store()
        graphs: list[Any] = sorted(dataset.named_graphs(), key=lambda g: str(g))
        if any(True for _ in dataset.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            graphs.insert(0, ox.DefaultGraph())
        sent: dict[str, int] = {}
        for index, graph in enumerate(graphs, start=1):
            body = dataset.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
            params = {"default": ""} if isinstance(graph, ox.DefaultGraph) else {"graph": graph.value}
            self._request(
                "PUT" if replace else "POST",
                target,
                params=params,
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
            sent["" if isinstance(graph, ox.DefaultGraph) else graph.value] = body.count(b"\n")
            if progress is not None:
                progress(index, len(graphs))
        return sent

    def load(self, *paths: Path | str, progress: Progress | None = None) -> None:
        """Add files graph by graph (Graph Store Protocol POST); progress counts graphs sent."""
        self.send_graphs(read_files(*paths), replace=False, progress=progress)

    def close(self) -> None:
        self._client.close()


def read_files(*paths: Path | str) -> ox.Store:
    """Parse RDF files into an in-memory Oxigraph store, keeping their named graphs."""
    store = ox.Store()
    for path in paths:
        file = Path(path)
        fmt = rdf_format(file)
        check_self_contained(file, fmt)
        try:
            store.load(path=str(file), format=OX_FORMATS[fmt])
        except SyntaxError as exc:
            raise AlignkgError(f"cannot parse {fmt.value}: {exc}", Location(file)) from exc
    return store


def push(
    *paths: Path | str,
    endpoint: str,
    graph_store: str | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Upload built graph files to a SPARQL endpoint, replacing each named graph they hold.

    Running it again replaces the same graphs rather than adding duplicates; graphs on the
    endpoint that the files do not hold are left alone. Returns the triples sent per graph.
    """
    dataset = read_files(*paths)
    with SparqlStore(endpoint, graph_store=graph_store) as store:
        return store.send_graphs(dataset, replace=True, progress=progress)
