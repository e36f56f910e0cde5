"""The serve command: the graph as a read-only SPARQL 1.1 endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alignkg.cli.app import (
    app,
    err,
    fail,
)
from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_GRAPH_FILE


@app.command("serve")
def serve_command(
    graph: Annotated[
        list[Path] | None,
        typer.Option(help="Graph file(s) to load and serve (repeatable); default build/alignkg.trig."),
    ] = None,
    store: Annotated[
        str,
        typer.Option(
            help="oxigraph (in memory), memory (rdflib), oxigraph:FOLDER (existing store, read-only, "
            "no --graph) or sparql:URL (guard another endpoint)."
        ),
    ] = "oxigraph",
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 exposes it to the network.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Query worker processes (queries run in parallel).")] = 2,
    time_limit: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped.")] = 30.0,
    row_cap: Annotated[int, typer.Option(help="Most rows (or triples) one answer may hold.")] = 10_000,
    max_body: Annotated[int, typer.Option(help="Largest request body accepted, in bytes.")] = 1_048_576,
    cors: Annotated[
        bool, typer.Option("--cors", help="Allow browser tools on other origins (CORS, any origin).")
    ] = False,
    title: Annotated[str, typer.Option(help="Title of the query page and graph view.")] = "alignkg graph",
    root_path: Annotated[
        str, typer.Option(help="Path prefix a reverse proxy serves the endpoint under, e.g. /alignkg.")
    ] = "",
    query_memory: Annotated[
        str, typer.Option(help="Memory one query may use beyond its worker's graph (512M, 2G, bytes).")
    ] = "512M",
    memory_ceiling: Annotated[
        str | None, typer.Option(help="Memory the server and all its workers may hold together.")
    ] = None,
    cache_bytes: Annotated[str, typer.Option(help="Size bound of each cache (inspections, view).")] = "16M",
    client_queries: Annotated[int, typer.Option(help="Queries one client may have in flight.")] = 8,
    header_timeout: Annotated[float, typer.Option(help="Seconds to send a request's headers.")] = 10.0,
    body_timeout: Annotated[float, typer.Option(help="Seconds to send a request's body.")] = 30.0,
    idle_timeout: Annotated[float, typer.Option(help="Seconds an idle connection stays open.")] = 5.0,
    max_connections: Annotated[int, typer.Option(help="Connections open at once, in all.")] = 256,
    client_connections: Annotated[int, typer.Option(help="Connections open at once per client.")] = 32,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query page and the HTML view."""
    from alignkg.endpoint.server import EndpointConfig, check_config, parse_size, serve

    try:
        sizes = [parse_size(query_memory), parse_size(cache_bytes)]
        ceiling = parse_size(memory_ceiling) if memory_ceiling else None
    except AlignkgError as exc:
        fail(exc)

    config = EndpointConfig(
        graphs=tuple(graph or ([] if ":" in store else [DEFAULT_GRAPH_FILE])),
        store=store,
        host=host,
        port=port,
        workers=workers,
        time_limit=time_limit,
        row_cap=row_cap,
        max_body=max_body,
        cors=cors,
        title=title,
        root_path=root_path,
        query_memory=sizes[0],
        memory_ceiling=ceiling,
        cache_bytes=sizes[1],
        client_queries=client_queries,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        idle_timeout=idle_timeout,
        max_connections=max_connections,
        client_connections=client_connections,
    )
    try:
        check_config(config)
    except AlignkgError as exc:
        fail(exc)
    base = f"http://{host}:{port}"
    err.print(f"SPARQL endpoint: {base}/sparql  query page: {base}/", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"note: listening on {host}, reachable from other machines; the endpoint has no "
            "authentication (see 'Behind a reverse proxy' in docs/cli/serve.md)",
            highlight=False,
        )
    serve(config)
