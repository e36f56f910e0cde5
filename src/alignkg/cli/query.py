"""The query command: a shipped query, a .rq file or SPARQL text, printed as a table, CSV, JSON or
Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alignkg.cli.app import (
    GraphStoreOption,
    OutputFormat,
    StoreOption,
    app,
    err,
    fail,
    on_graph,
    out,
    plain,
    table,
)
from alignkg.model.errors import AlignkgError


@app.command("query")
def query_command(
    query: Annotated[
        str | None, typer.Argument(help="A shipped query name, a .rq file or SPARQL text.")
    ] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the shipped queries and exit.")] = False,
    param: Annotated[
        list[str] | None,
        typer.Option(help="Bind a query parameter to an entity id, as NAME=ID (repeatable)."),
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.table,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to query (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Run a SPARQL query against the built graph (or a store) and print the answer."""
    from alignkg.queries.named import run_query, shipped_queries

    if list_queries:
        rows = [
            [q.name, q.question, ", ".join(f"{k}={v}" for k, v in q.parameters.items())]
            for q in shipped_queries()
        ]
        out.print(table("Shipped queries", ["name", "question", "parameters (default)"], rows))
        return
    if query is None:
        err.print("error: give a query name, a .rq file or SPARQL text (or --list)")
        raise typer.Exit(2)
    params: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            err.print(plain(f"error: --param {item!r} is not NAME=ID"))
            raise typer.Exit(2)
        params[key.strip()] = value.strip()
    try:
        result = on_graph(graph, store, graph_store, lambda data: run_query(data, query, params))
    except AlignkgError as exc:
        fail(exc)
    if output is OutputFormat.csv:
        typer.echo(result.to_csv(), nl=False)
    elif output is OutputFormat.json:
        typer.echo(result.to_json())
    elif output is OutputFormat.md:
        typer.echo(result.to_markdown(), nl=False)
    elif result.boolean is not None:
        out.print("true" if result.boolean else "false")
    else:
        out.print(table(f"{len(result.rows)} rows", result.variables, result.to_text_rows()))
