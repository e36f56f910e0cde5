"""Any SPARQL 1.1 endpoint behind the :class:`~alignkg.stores.base.Store` interface: queries go over the
SPARQL 1.1 Protocol, uploads go graph by graph over the Graph Store Protocol.

HTTP goes through httpx (typed, keep-alive connections, explicit timeouts); result documents are
parsed by pyoxigraph's native parsers, so a large answer costs little more than its transfer.
The endpoint must treat its default graph as the union of its named graphs, as alignkg's other
stores do: start an Oxigraph server with ``--union-default-graph``, set ``tdb2:unionDefaultGraph``
in Fuseki; Virtuoso does so by default. Virtuoso's own graphs (its schemas and service
description) are not counted as data, and since it keeps no default graph of its own, triples
loaded into the default graph go to the named graph :data:`DEFAULT_GRAPH_NAME`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from rdflib import URIRef

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.terms import GRAPH, with_prefixes
from alignkg.stores.base import Progress, Quad, Store, rdf_format
from alignkg.stores.credentials import AuthScheme, Credentials, redact, resolve_credentials, split_userinfo
from alignkg.stores.oxigraph import OX_FORMATS, TermConverter
from alignkg.stores.protocol import accept_for, query_form, read_answer
from alignkg.stores.result import QueryResult, star_order

DEFAULT_GRAPH_NAME = f"{GRAPH}default"
"""Where default-graph triples go on an endpoint that has no default graph to write to (Virtuoso)."""
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://www.w3.org/2002/07/owl#",
)
"""IRI prefixes of the graphs a Virtuoso server creates for itself."""
_SERVICE_GRAPHS = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a <http://www.w3.org/ns/sparql-service-description#Service> } }"
)
_ALL_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } %s }"
_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } %s }"

Auth = Credentials | httpx.Auth | tuple[str, str]


def default_graph_store(query_url: str) -> str | None:
    """The Graph Store Protocol URL of an Oxigraph server from its query URL (``/query`` →
    ``/store``); None for other servers, whose layout differs.

    >>> default_graph_store("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/store'
    """
    return query_url.removesuffix("/query") + "/store" if query_url.endswith("/query") else None


class SparqlStore(Store):
    """A remote SPARQL 1.1 endpoint; ``graph_store`` is its Graph Store Protocol URL.

    ``auth`` is :class:`Credentials` (or any httpx auth); without it, a ``user:password@`` in the
    URL or the ``ALIGNKG_*`` environment variables are used, with ``auth_scheme`` choosing how.
    ``system_graphs`` are IRI prefixes of graphs that hold no data (by default Virtuoso's own).
    """

    def __init__(
        self,
        url: str,
        *,
        graph_store: str | None = None,
        timeout: float = 300.0,
        auth: Auth | None = None,
        auth_scheme: AuthScheme | str | None = None,
        system_graphs: Sequence[str] | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise AlignkgError("a SPARQL endpoint is an http(s) URL, not " + repr(split_userinfo(url)[0]))
        self.url, user, password = split_userinfo(url)
        store_url, store_user, store_password = split_userinfo(graph_store or "")
        self.spec = f"sparql:{self.url}"
        self.graph_store = store_url or default_graph_store(self.url)
        if auth is None:
            auth = resolve_credentials(
                auth_scheme, user=user or store_user, password=password or store_password
            )
        elif isinstance(auth, tuple):
            auth = Credentials(AuthScheme(auth_scheme or "auto"), user=auth[0], password=auth[1])
        self._secrets = auth.secrets if isinstance(auth, Credentials) else []
        http_auth = auth.httpx_auth() if isinstance(auth, Credentials) else auth
        self._client = httpx.Client(timeout=timeout, auth=http_auth, follow_redirects=True)
        self._convert = TermConverter()
        self._system_prefixes = tuple(system_graphs) if system_graphs is not None else None
        self._system: frozenset[str] | None = None
        self._server: str | None = None

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            message = redact(f"cannot reach the SPARQL endpoint: {exc}", self._secrets)
            raise AlignkgError(message, Location(url)) from None
        self._server = self._server or response.headers.get("server", "")
        if response.status_code in (401, 403):
            given = "the credentials given" if self._client.auth is not None else "no credentials"
            raise AlignkgError(
                f"the endpoint refused the request ({response.status_code}) with {given}; "
                "set ALIGNKG_USER and ALIGNKG_PASSWORD (or ALIGNKG_TOKEN) and choose --auth",
                Location(url),
            )
        if response.status_code >= 400:
            detail = redact(" ".join(response.text.split())[:500], self._secrets)
            raise AlignkgError(f"the endpoint answered {response.status_code}: {detail}", Location(url))
        return response

    def query(self, text: str, *, name: str = "query") -> QueryResult:
        full, _added = with_prefixes(text)
        form = query_form(full)
        response = self._request("POST", self.url, data={"query": full}, headers={"Accept": accept_for(form)})
        media = response.headers.get("content-type", "").split(";")[0].strip()
        answer = read_answer(response.content, media, form, self._convert, name)
        order = star_order(text)
        return answer.in_order(order) if order else answer

    def _is_virtuoso(self) -> bool:
        if self._server is None:
            self.query("ASK {}", name="server check")
        return (self._server or "").startswith("Virtuoso")

    def system_graphs(self) -> frozenset[str]:
        """The graphs on the endpoint that hold the server's own data rather than anyone's graph."""
        if self._system is None:
            prefixes = self._system_prefixes
            if prefixes is None:
                prefixes = VIRTUOSO_SYSTEM_GRAPHS if self._is_virtuoso() else ()
            found: set[str] = set()
            if prefixes:
                found = {str(g) for (g,) in self.query(_ALL_GRAPHS).rows if str(g).startswith(prefixes)}
            if self._system_prefixes is None and self._is_virtuoso():
                found |= {str(g) for (g,) in self.query(_SERVICE_GRAPHS).rows}
            self._system = frozenset(found)
        return self._system

    def is_system_graph(self, iri: str) -> bool:
        return iri in self.system_graphs()

    def _data_filter(self) -> str:
        system = sorted(self.system_graphs())
        return f"FILTER(?g NOT IN ({', '.join(f'<{g}>' for g in system)}))" if system else ""

    def quads(self) -> Iterator[Quad]:
        """Every quad of the named graphs (the default graph is their union, so it adds none)."""
        for s, p, o, g in self.query(_QUADS % self._data_filter()).rows:
            assert s is not None and p is not None and o is not None
            yield s, p, o, g if isinstance(g, URIRef) else None

    def __len__(self) -> int:
        rows = self.query(_SIZE % self._data_filter()).rows
        return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0

    def _graph_store(self) -> str:
        if self.graph_store is None:
            raise AlignkgError(
                "this endpoint's Graph Store Protocol URL is not known; give it as graph_store "
                "(--graph-store), for example http://localhost:3030/alignkg/data for Fuseki"
            )
        return self.graph_store

    def send_graphs(
        self, graphs: dict[str, bytes], *, replace: bool, progress: Progress | None = None
    ) -> dict[str, int]:
        """Upload N-Triples documents by graph IRI (``""`` for the default graph): ``replace``
        PUTs each (a re-run replaces rather than duplicates), otherwise POST adds to what the
        graph holds. Returns the triples sent per graph IRI as the endpoint keeps them."""
        target = self._graph_store()
        sent: dict[str, int] = {}
        for index, (name, body) in enumerate(sorted(graphs.items()), start=1):
            graph = name or (DEFAULT_GRAPH_NAME if self._is_virtuoso() else "")
            self._request(
                "PUT" if replace else "POST",
                target,
                params={"graph": graph} if graph else {"default": ""},
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
            sent[graph] = sent.get(graph, 0) + body.count(b"\n")
            self._system = None
            if progress is not None:
                progress(index, len(graphs))
        return sent

    def load(self, *paths: Path | str, progress: Progress | None = None) -> None:
        """Add files graph by graph (Graph Store Protocol POST); progress counts graphs sent."""
        self.send_graphs(read_graphs(*paths), replace=False, progress=progress)

    def close(self) -> None:
        self._client.close()


def read_graphs(*paths: Path | str) -> dict[str, bytes]:
    """Parse RDF files into one N-Triples document per graph IRI (``""`` for the default graph).

    The parser's terms are kept as written: a literal typed ``xsd:positiveInteger`` is sent as
    one, where an Oxigraph store would have normalised it to ``xsd:integer``.
    """
    triples: dict[str, list[ox.Triple]] = {}
    for path in paths:
        file = Path(path)
        fmt = rdf_format(file)
        try:
            for quad in ox.parse(path=str(file), format=OX_FORMATS[fmt]):
                graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name.value)
                triples.setdefault(graph, []).append(quad.triple)
        except SyntaxError as exc:
            raise AlignkgError(f"cannot parse {fmt.value}: {exc}", Location(file)) from exc
    return {
        graph: ox.serialize(dict.fromkeys(found), format=ox.RdfFormat.N_TRIPLES) or b""
        for graph, found in sorted(triples.items())
    }


def push(
    *paths: Path | str,
    endpoint: str,
    graph_store: str | None = None,
    progress: Progress | None = None,
    auth: Auth | None = None,
    auth_scheme: AuthScheme | str | None = None,
) -> dict[str, int]:
    """Upload built graph files to a SPARQL endpoint, replacing each named graph they hold.

    Running it again replaces the same graphs rather than adding duplicates; graphs on the
    endpoint that the files do not hold are left alone. Returns the triples sent per graph.
    Credentials are taken as :class:`SparqlStore` takes them.
    """
    graphs = read_graphs(*paths)
    with SparqlStore(endpoint, graph_store=graph_store, auth=auth, auth_scheme=auth_scheme) as store:
        return store.send_graphs(graphs, replace=True, progress=progress)
