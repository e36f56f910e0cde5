"""Commands that print the alignment analysis: chains, metrics and cascades."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alignkg.cli.app import (
    GraphStoreOption,
    StoreOption,
    TableFormat,
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
    "serves_tie": "serves directive",
    "measures": "measures",
    "sources": "sources",
}


SERVES_TEXT = {"item": "stated", "meeting": "meeting as a whole", None: "not stated"}
"""How ``alignkg chains`` shows whether a source ties a priority to the directive."""

CASCADE_TABLE = {
    "step": "#",
    "enterprise_label": "enterprise",
    "meeting_label": "meeting",
    "meeting_date": "date",
    "lag_days": "lag from directive (days)",
    "parent_label": "parent",
    "parent_meeting_date": "parent's meeting",
    "lag_from_parent_days": "lag from parent (days)",
    "shared_officers": "shared officers",
    "sources": "sources",
}


def _cell(value: object) -> str:
    import pandas as pd

    return "" if value is None or bool(pd.isna(value)) else str(value)  # type: ignore[call-overload]


def print_frame(
    frame: pd.DataFrame, output: TableFormat, *, title: str, header: list[str], rows: list[list[str]]
) -> None:
    """Print a frame as CSV or JSON, or its text rows as a Markdown or terminal table."""
    from alignkg.views.markdown import markdown_table

    if output is TableFormat.csv:
        safe = frame.rename(columns=formula_safe).map(lambda v: formula_safe(v) if isinstance(v, str) else v)
        typer.echo(safe.to_csv(index=False, lineterminator="\n"), nl=False)
    elif output is TableFormat.json:
        typer.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
    elif output is TableFormat.md:
        typer.echo(markdown_table(header, rows), nl=False)
    else:
        out.print(table(title, header, rows))


@app.command("chains")
def chains_command(
    enterprise: Annotated[
        str | None, typer.Option(help="Only this enterprise's chains (an id, label or alias).")
    ] = None,
    output: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
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
        directive_date=[
            f"{d} (occasion end)" if d and b == "occasion end" else d
            for d, b in zip(frame["directive_date"], frame["directive_date_basis"], strict=True)
        ],
        serves_tie=[
            SERVES_TEXT.get(t, "") if p else ""
            for t, p in zip(frame["serves_tie"], frame["priority"], strict=True)
        ],
        sources=[
            ", ".join(sorted({s for c in row if c for s in str(c).split("; ")}))
            for row in frame.filter(like="_sources").itertuples(index=False)
        ],
    )
    rows = [[_cell(v) for v in row] for row in shown[list(CHAIN_TABLE)].itertuples(index=False)]
    print_frame(frame, output, title=count(len(frame), "chain"), header=list(CHAIN_TABLE.values()), rows=rows)


@app.command("metrics")
def metrics_command(
    output: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
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


@app.command("cascade")
def cascade_command(
    directive: Annotated[
        str | None, typer.Argument(help="A directive: its id (akid:x or x) or its English label.")
    ] = None,
    min_enterprises: Annotated[
        int, typer.Option(min=1, help="Only directives studied by at least this many enterprises.")
    ] = 1,
    output: Annotated[TableFormat, typer.Option("--format", help="Output format.")] = TableFormat.table,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Print how each directive travelled through the enterprises: every meeting on it in date
    order, the lag from the directive and from the parent enterprise's meeting on it."""
    from alignkg.analysis.cascade import directive_cascade
    from alignkg.views.markdown import markdown_table

    try:
        frame = on_graph(
            graph,
            store,
            graph_store,
            lambda g: directive_cascade(g, directive, min_enterprises=min_enterprises),
        )
    except AlignkgError as exc:
        fail(exc)
    if output in (TableFormat.csv, TableFormat.json):
        print_frame(frame, output, title="", header=[], rows=[])
        return
    if frame.empty:
        typer.echo("No directive is studied at a meeting in the graph.")
        return
    for _, steps in frame.groupby("directive", sort=False):
        first = steps.iloc[0]
        when = _cell(first["directive_date"]) or "date not known"
        if first["directive_date_basis"] not in (None, "directive"):
            when += f" ({first['directive_date_basis']})"
        title = f"{first['directive_label']} — {_cell(first['issuer'])}, {when}"
        rows = [[_cell(v) for v in row] for row in steps[list(CASCADE_TABLE)].itertuples(index=False)]
        if output is TableFormat.md:
            typer.echo(f"### {title}\n\n" + markdown_table(list(CASCADE_TABLE.values()), rows))
        else:
            out.print(table(title, list(CASCADE_TABLE.values()), rows))
