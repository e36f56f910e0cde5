"""Commands that write shareable files: the HTML view, network exports, the alignment report and the
static site."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alignkg.cli.app import (
    GraphStoreOption,
    ParamOption,
    StoreOption,
    app,
    err,
    fail,
    on_graph,
    out,
    parse_params,
)
from alignkg.model.errors import AlignkgError
from alignkg.model.words import count

if TYPE_CHECKING:
    from rdflib import Dataset

    from alignkg.stores.base import Store
from alignkg.model.files import (
    DEFAULT_BUILD_DIR,
    DEFAULT_REPORT_TITLE,
    DEFAULT_SITE_DIR,
    DEFAULT_SITE_TITLE,
    DEFAULT_VIEW_FILE,
)
from alignkg.views.export import ExportFormat
from alignkg.views.layout import Layout


@app.command("view")
def view_command(
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to draw (repeatable).")] = None,
    out_file: Annotated[
        Path, typer.Option("--out", help="Where to write the HTML page.")
    ] = DEFAULT_VIEW_FILE,
    title: Annotated[
        str | None, typer.Option(help="Page title and heading (default: what the page shows).")
    ] = None,
    focus: Annotated[
        str | None,
        typer.Option(help="Draw only the neighbourhood of this entity (id, label or alias, any language)."),
    ] = None,
    depth: Annotated[int, typer.Option(min=0, help="How many steps around --focus to draw.")] = 1,
    source: Annotated[
        list[str] | None, typer.Option(help="Draw only this source's named graph (repeatable).")
    ] = None,
    class_: Annotated[
        list[str] | None,
        typer.Option(
            "--class",
            help="Draw only entities of this class or its subclasses, by id or label (repeatable).",
        ),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            help="Draw the answer to a query (name, .rq file or SPARQL): a CONSTRUCT, a SELECT "
            "of ?subject ?predicate ?object, or any SELECT whose columns hold or name entities."
        ),
    ] = None,
    param: ParamOption = None,
    layout: Annotated[
        Layout,
        typer.Option(
            help="auto: a timeline for alignment chains, else physics (small) or precomputed "
            "(large); timeline: directives, meetings, priorities and measures left to right in time."
        ),
    ] = Layout.auto,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in the default browser.")
    ] = False,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Write an interactive HTML view of the graph (or part of it) that works offline."""
    from alignkg.views.view import write_view

    params = parse_params(param)

    def draw(data: Dataset | Store) -> Path:
        return write_view(
            data,
            out_file,
            title=title,
            focus=focus,
            depth=depth,
            sources=source,
            classes=class_,
            query=query,
            params=params,
            layout=layout,
            open_browser=open_browser,
        )

    try:
        path = on_graph(graph, store, graph_store, draw)
    except AlignkgError as exc:
        fail(exc)
    out.print(f"wrote {path}", highlight=False)


@app.command("export")
def export_command(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="File format to write.")],
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write, or folder for csv "
            "(default: build/alignkg.graphml, .gexf, .cyjs or build/alignkg-csv/).",
        ),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option(help="Only facts from this source id (repeatable).")
    ] = None,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Export the entity network as GraphML, GEXF, Cytoscape JSON or node and edge CSV tables."""
    from alignkg.views.export import export_graph
    from alignkg.views.projection import to_networkx

    try:
        network = on_graph(graph, store, graph_store, lambda g: to_networkx(g, sources=source))
        files = export_graph(network, out_path or DEFAULT_BUILD_DIR / fmt.default_name, fmt=fmt)
    except AlignkgError as exc:
        fail(exc)
    out.print(f"{count(network.number_of_nodes(), 'entity')}, {count(network.number_of_edges(), 'relation')}")
    for path in files:
        out.print(f"wrote {path}", highlight=False)


@app.command("report")
def report_command(
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for report.html, report.md and the timeline image.")
    ] = DEFAULT_BUILD_DIR,
    title: Annotated[str, typer.Option(help="Report title.")] = DEFAULT_REPORT_TITLE,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Write the alignment report (profile, chains, timeline, metrics, gaps, recommendations)."""
    from alignkg.views.report import write_report

    try:
        files = on_graph(graph, store, graph_store, lambda g: write_report(g, out_dir, title=title))
    except AlignkgError as exc:
        fail(exc)
    for path in files:
        out.print(f"wrote {path}", highlight=False)


@app.command("site")
def site_command(
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the site to (replaced when it is a site).")
    ] = DEFAULT_SITE_DIR,
    title: Annotated[str, typer.Option(help="The site's title.")] = DEFAULT_SITE_TITLE,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Write a static website of the graph: a page per entity and source, lists, search, offline."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from alignkg.views.site import write_site

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task("loading the graph", total=None)

        def tell(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        try:
            summary = on_graph(
                graph, store, graph_store, lambda g: write_site(g, out_dir, title=title, progress=tell)
            )
        except AlignkgError as exc:
            bar.stop()
            fail(exc)
    out.print(
        f"{summary.entities:,} entity pages and {summary.sources:,} source pages, {summary.files:,} files, "
        f"{summary.bytes / 1e6:.1f} MB (search index {summary.search_index_bytes / 1e6:.2f} MB)",
        highlight=False,
    )
    out.print(f"wrote {summary.out_dir / 'index.html'}", highlight=False)
