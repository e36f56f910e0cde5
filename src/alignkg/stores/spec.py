"""Opening a store by its specification (``memory``, ``oxigraph``, ``oxigraph:PATH``, ``sparql:URL``)
and choosing one for reading graph files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset

from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_GRAPH_FILE
from alignkg.stores.base import Progress, Store
from alignkg.stores.memory import MemoryStore

if TYPE_CHECKING:
    from alignkg.stores.credentials import AuthScheme


def open_store(
    spec: str = "memory", *, graph_store: str | None = None, auth: AuthScheme | str | None = None
) -> Store:
    """Open a store by its specification.

    - ``memory``: rdflib's in-memory Dataset;
    - ``oxigraph``: Oxigraph in memory; ``oxigraph:PATH``: Oxigraph on disk, created if missing
      and reopened without reloading if it exists;
    - ``sparql:URL``: a SPARQL 1.1 endpoint (query URL); ``graph_store`` is its Graph Store
      Protocol URL, needed to load unless the endpoint is an Oxigraph server (``.../query``);
      ``auth`` is the authentication scheme (``auto``, ``basic``, ``digest``, ``bearer``) for the
      credentials in the URL or the ``ALIGNKG_*`` environment variables.

    >>> with open_store("memory") as store:
    ...     len(store)
    0
    """
    kind, sep, rest = spec.partition(":")
    if kind == "memory" and not sep:
        return MemoryStore()
    if kind == "oxigraph":
        from alignkg.stores.oxigraph import OxigraphStore

        return OxigraphStore(Path(rest) if rest else None)
    if kind == "sparql" and rest:
        from alignkg.stores.sparql import SparqlStore

        return SparqlStore(rest, graph_store=graph_store, auth_scheme=auth)
    shown = spec if kind != "sparql" else "sparql:"
    raise AlignkgError(f"unknown store {shown!r}; use memory, oxigraph, oxigraph:PATH or sparql:URL")


def is_persistent(spec: str) -> bool:
    """True for stores that keep their content between runs (``oxigraph:PATH``, ``sparql:URL``)."""
    return spec.startswith(("oxigraph:", "sparql:"))


def open_graph(
    spec: str = "memory",
    files: Sequence[Path | str] = (),
    *,
    graph_store: str | None = None,
    progress: Progress | None = None,
    auth: AuthScheme | str | None = None,
) -> Store:
    """Open a store to read from: an in-memory store is filled with ``files`` (by default
    ``build/alignkg.trig``); a persistent store is used as it is and takes no files (load them
    with :meth:`Store.load` or ``alignkg load``)."""
    if is_persistent(spec) and files:
        from alignkg.stores.credentials import split_userinfo

        kind, _, rest = spec.partition(":")
        shown = f"sparql:{split_userinfo(rest)[0]}" if kind == "sparql" else spec
        raise AlignkgError(f"{shown} keeps its own content; load files into it with 'alignkg load'")
    store = open_store(spec, graph_store=graph_store, auth=auth)
    if not is_persistent(spec):
        try:
            store.load(*(files or [DEFAULT_GRAPH_FILE]), progress=progress)
        except BaseException:
            store.close()
            raise
    return store


READ_STORE = "oxigraph"
"""The store graph files are read into when none is named: Oxigraph in memory parses and answers
far faster than rdflib, whatever the size."""


def as_store(source: Store | Dataset) -> Store:
    """A Store for either a Store or an rdflib Dataset (wrapped without copying)."""
    return source if isinstance(source, Store) else MemoryStore(source)
