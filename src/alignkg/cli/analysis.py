"""Commands that print the alignment analysis: chains and metrics."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alignkg.cli.app import (
    GraphStoreOption,
    OutputFormat,
    StoreOption,
    app,
    fail,
    on_graph,
    out,
    table,
)
from alignkg.model.cells import formula_safe
from alignkg.model.errors import AlignkgError
from alignkg.model.words import count

if TYPE_CHECKING:
    import pandas as pd


CHAIN_TABLE = {
    "enterprise_label": "enterprise",
    "issuer": "issuer",
    "directive_label": "directive",
    "directive_date": "directive date",
    "meeting_label": "meeting",
    "meeting_date": "meeting date",
    "lag_days": "lag (days)",
    "priority_label": "priority",
    "serves_directive": "serves directive",
    "measures": "measures",
    "sources": "sources",
}


def _cell(value: object) -> str:
    import pandas as pd

    return "" if value is None or bool(pd.isna(value)) else str(value)  # type: ignore[call-overload]


def print_frame(
    frame: pd.DataFrame, output: OutputFormat, *, title: str, header: list[str], rows: list[list[str]]
) -> None:
    """Print a frame as CSV or JSON, or its text rows as a Markdown or terminal table."""
    from alignkg.views.markdown import markdown_table

    if output is OutputFormat.csv:
        safe = frame.rename(columns=formula_safe).map(lambda v: formula_safe(v) if isinstance(v, str) else v)
        typer.echo(safe.to_csv(index=False, lineterminator="\n"), nl=False)
    elif output is OutputFormat.json:
        typer.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
    elif output is OutputFormat.md:
        typer.echo(markdown_table(header, rows), nl=False)
    else:
        out.print(table(title, header, rows))


@app.command("chains")
def chains_command(
    enterprise: Annotated[
        str | None, typer.Option(help="Only this enterprise's chains (an id, label or alias).")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.table,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Print every alignment chain directive → meeting → priority → measures, with lags and sources."""
    from alignkg.analysis.chains import alignment_chains

    try:
        frame = on_graph(graph, store, graph_store, lambda g: alignment_chains(g, enterprise=enterprise))
    except AlignkgError as exc:
        fail(exc)
    shown = frame.assign(
        serves_directive=frame["serves_directive"].map({True: "stated", False: "not stated"}),
        sources=[
            ", ".join(sorted({s for c in row if c for s in str(c).split("; ")}))
            for row in frame.filter(like="_sources").itertuples(index=False)
        ],
    )
    rows = [[_cell(v) for v in row] for row in shown[list(CHAIN_TABLE)].itertuples(index=False)]
    print_frame(frame, output, title=count(len(frame), "chain"), header=list(CHAIN_TABLE.values()), rows=rows)


@app.command("metrics")
def metrics_command(
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.table,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Print the alignment metrics of every enterprise that convened a meeting."""
    from alignkg.analysis.metrics import alignment_metrics
    from alignkg.views.markdown import format_metrics

    try:
        frame = on_graph(graph, store, graph_store, alignment_metrics)
    except AlignkgError as exc:
        fail(exc)
    header = ["metric", *frame["enterprise_label"]]
    print_frame(frame, output, title="Alignment metrics", header=header, rows=format_metrics(frame))
