"""Commands that move the graph into and out of stores: load, push and stats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alignkg.cli.app import (
    AuthOption,
    GraphStoreOption,
    ProgressBar,
    StoreOption,
    app,
    fail,
    out,
    table,
)
from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_GRAPH_FILE
from alignkg.model.words import count


@app.command("load")
def load_command(
    files: Annotated[
        list[Path], typer.Argument(help="RDF files: TriG, N-Quads, Turtle, N-Triples, JSON-LD.")
    ],
    store: Annotated[str, typer.Option(help="The store to load into: oxigraph:PATH or sparql:URL.")],
    graph_store: GraphStoreOption = None,
    auth: AuthOption = None,
) -> None:
    """Load RDF files into a store, keeping their named graphs."""
    from alignkg.stores.spec import open_store

    try:
        with open_store(store, graph_store=graph_store, auth=auth) as target, ProgressBar("loading") as bar:
            target.load(*files, progress=bar)
            size, spec = len(target), target.spec
    except AlignkgError as exc:
        fail(exc)
    held = count(size, "quad")
    out.print(f"loaded {count(len(files), 'file')} into {spec}; it now holds {held}", highlight=False)


@app.command("push")
def push_command(
    endpoint: Annotated[str, typer.Option(help="The SPARQL query URL of the endpoint.")],
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to upload (repeatable).")] = None,
    graph_store: GraphStoreOption = None,
    auth: AuthOption = None,
) -> None:
    """Upload the built graph to a SPARQL endpoint graph by graph, replacing those graphs."""
    from alignkg.model.terms import compact_iri
    from alignkg.stores.credentials import split_userinfo
    from alignkg.stores.sparql import push

    try:
        with ProgressBar("uploading graphs") as bar:
            sent = push(
                *(graph or [DEFAULT_GRAPH_FILE]),
                endpoint=endpoint,
                graph_store=graph_store,
                progress=bar,
                auth_scheme=auth,
            )
    except AlignkgError as exc:
        fail(exc)
    rows = [[compact_iri(g) if g else "(default graph)", str(n)] for g, n in sent.items()]
    shown = split_userinfo(endpoint)[0]
    out.print(table(f"Replaced {count(len(sent), 'graph')} at {shown}", ["graph", "triples"], rows))


@app.command("stats")
def stats_command(
    store: StoreOption = None,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to count (repeatable).")] = None,
    graph_store: GraphStoreOption = None,
    auth: AuthOption = None,
) -> None:
    """Count triples per named graph and entities per class in a store."""
    from alignkg.stores.spec import READ_STORE, open_graph

    try:
        with open_graph(store or READ_STORE, graph or [], graph_store=graph_store, auth=auth) as opened:
            stats, spec = opened.stats(), opened.spec
    except AlignkgError as exc:
        fail(exc)
    out.print(f"{count(stats.triples, 'quad')} in {spec}", highlight=False)
    per_graph = [[g, str(n)] for g, n in stats.triples_per_graph.items()]
    out.print(table("Triples per named graph", ["graph", "triples"], per_graph))
    per_class = [[c, str(n)] for c, n in stats.entities_per_class.items()]
    out.print(table("Entities per class", ["class", "entities"], per_class))
