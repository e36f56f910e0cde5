"""The query command: a shipped query, a .rq file or SPARQL text, printed as a table, CSV, JSON or
Markdown, or written as RDF for CONSTRUCT and DESCRIBE."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alignkg.cli.app import (
    AuthOption,
    GraphStoreOption,
    OutputFormat,
    ParamOption,
    StoreOption,
    app,
    err,
    fail,
    on_graph,
    out,
    parse_params,
    table,
)
from alignkg.model.errors import AlignkgError
from alignkg.model.words import count

_RDF = {
    OutputFormat.turtle: "turtle",
    OutputFormat.nt: "nt",
    OutputFormat.nq: "nquads",
    OutputFormat.trig: "trig",
    OutputFormat.jsonld: "json-ld",
}
"""The RDF format (:class:`alignkg.Format` value) each output format names."""


@app.command("query")
def query_command(
    query: Annotated[
        str | None, typer.Argument(help="A shipped query name, a .rq file or SPARQL text.")
    ] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the shipped queries and exit.")] = False,
    param: ParamOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.table,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to query (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
    auth: AuthOption = None,
) -> None:
    """Run a SPARQL query against the built graph (or a store) and print the answer."""
    from alignkg.model.serialize import Format
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
    params = parse_params(param)
    try:
        result = on_graph(graph, store, graph_store, lambda data: run_query(data, query, params), auth)
    except AlignkgError as exc:
        fail(exc)
    if result.graph is not None:
        if not output.is_rdf and output is not OutputFormat.table:
            err.print(
                "error: a graph answer is written as RDF: use --format turtle, nt, nq, trig or jsonld, "
                f"not {output.value}"
            )
            raise typer.Exit(2)
        typer.echo(result.to_rdf(Format(_RDF[output if output.is_rdf else OutputFormat.turtle])), nl=False)
    elif output.is_rdf:
        err.print(f"error: --format {output.value} is for CONSTRUCT and DESCRIBE; this answer is a table")
        raise typer.Exit(2)
    elif output is OutputFormat.csv:
        typer.echo(result.to_csv(), nl=False)
    elif output is OutputFormat.json:
        typer.echo(result.to_json())
    elif output is OutputFormat.md:
        typer.echo(result.to_markdown(), nl=False)
    elif result.boolean is not None:
        out.print("true" if result.boolean else "false")
    else:
        out.print(table(count(len(result.rows), "row"), result.variables, result.to_text_rows()))
