"""The ``alignkg`` command line: each command is one library call plus formatting of its result."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from alignkg.build import DEFAULT_BUILD_DIR, DEFAULT_DATA_DIR, DEFAULT_ONTOLOGY, build
from alignkg.errors import AlignkgError
from alignkg.query import run_query, shipped_queries
from alignkg.remote import push
from alignkg.store import DEFAULT_GRAPH_FILE, default_store, load_dataset, open_graph, open_store
from alignkg.synth import write_synthetic
from alignkg.terms import compact_iri
from alignkg.view import DEFAULT_VIEW_FILE, write_view

app = typer.Typer(
    help="Build, query and view knowledge graphs of state-owned enterprises and national directives.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    """How ``alignkg query`` prints its answer."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


def _fail(exc: AlignkgError) -> NoReturn:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
    raise typer.Exit(1)


def _table(title: str, header: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for name in header:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Where the graph is: memory, oxigraph, oxigraph:PATH or sparql:URL "
        "(in-memory stores are filled from --graph).",
    ),
]
GraphStoreOption = Annotated[
    str | None,
    typer.Option(help="The endpoint's Graph Store Protocol URL (derived for Oxigraph servers)."),
]


@app.command("build")
def build_command(
    data: Annotated[
        Path, typer.Option(help="Folder with sources.csv, entities.csv and statements.csv.")
    ] = DEFAULT_DATA_DIR,
    ontology: Annotated[Path, typer.Option(help="The ontology file (Turtle).")] = DEFAULT_ONTOLOGY,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the graph files to.")
    ] = DEFAULT_BUILD_DIR,
) -> None:
    """Check the curated tables and write the graph as TriG, Turtle, JSON-LD and N-Quads."""
    try:
        with err.status("building") as status:
            report = build(data, ontology, out_dir, progress=lambda step: status.update(step))
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"Built {report.triples} triples into {out_dir}/")
    out.print(
        _table(
            "Triples per named graph",
            ["graph", "triples"],
            [[g, str(n)] for g, n in report.triples_per_graph.items()],
        )
    )
    out.print(
        _table(
            "Entities per class",
            ["class", "entities"],
            [[c, str(n)] for c, n in report.entities_per_class.items()],
        )
    )
    out.print(
        _table(
            "Statements per source",
            ["source", "statements"],
            [[s, str(n)] for s, n in report.statements_per_source.items()],
        )
    )
    for path in report.files:
        out.print(f"wrote {path}", highlight=False)


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
    if list_queries:
        rows = [
            [q.name, q.question, ", ".join(f"{k}={v}" for k, v in q.parameters.items())]
            for q in shipped_queries()
        ]
        out.print(_table("Shipped queries", ["name", "question", "parameters (default)"], rows))
        return
    if query is None:
        err.print("error: give a query name, a .rq file or SPARQL text (or --list)")
        raise typer.Exit(2)
    params: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            err.print(f"error: --param {item!r} is not NAME=ID")
            raise typer.Exit(2)
        params[key.strip()] = value.strip()
    try:
        if store is None and default_store(graph or []) == "memory":
            result = run_query(load_dataset(*(graph or [DEFAULT_GRAPH_FILE])), query, params)
        else:
            store = store or "oxigraph"
            with open_graph(store, graph or [], graph_store=graph_store) as opened:
                result = run_query(opened, query, params)
    except AlignkgError as exc:
        _fail(exc)
    if output is OutputFormat.csv:
        typer.echo(result.to_csv(), nl=False)
    elif output is OutputFormat.json:
        typer.echo(result.to_json())
    elif output is OutputFormat.md:
        typer.echo(result.to_markdown(), nl=False)
    elif result.boolean is not None:
        out.print("true" if result.boolean else "false")
    else:
        out.print(_table(f"{len(result.rows)} rows", result.variables, result.to_text_rows()))


@app.command("view")
def view_command(
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to draw (repeatable).")] = None,
    out_file: Annotated[
        Path, typer.Option("--out", help="Where to write the HTML page.")
    ] = DEFAULT_VIEW_FILE,
    title: Annotated[str, typer.Option(help="Page title and heading.")] = "alignkg graph",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in the default browser.")
    ] = False,
) -> None:
    """Write an interactive HTML view of the graph that works offline."""
    try:
        path = write_view(
            load_dataset(*(graph or [DEFAULT_GRAPH_FILE])),
            out_file,
            title=title,
            open_browser=open_browser,
        )
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"wrote {path}", highlight=False)


@app.command("synth")
def synth_command(
    enterprises: Annotated[
        int, typer.Option(min=1, help="How many synthetic enterprises (~713 quads each).")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="The N-Quads file to write (*.nq).")],
    seed: Annotated[int, typer.Option(help="Seed of the variations; the same seed gives the same file.")] = 0,
    ontology: Annotated[Path, typer.Option(help="The ontology file (Turtle).")] = DEFAULT_ONTOLOGY,
) -> None:
    """Write a synthetic graph shaped like the real data, for benchmarks and large views."""
    try:
        with err.status(f"writing {enterprises} synthetic enterprises"):
            count = write_synthetic(out_file, enterprises=enterprises, seed=seed, ontology=ontology)
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"wrote {count} quads to {out_file}", highlight=False)


class _Bar:
    """A rich progress bar for store loading, told (done, total) by the library."""

    def __init__(self, description: str) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=err, transient=True
        )
        self.task = self.progress.add_task(description, total=None)

    def __call__(self, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


@app.command("load")
def load_command(
    files: Annotated[
        list[Path], typer.Argument(help="RDF files: TriG, N-Quads, Turtle, N-Triples, JSON-LD.")
    ],
    store: Annotated[str, typer.Option(help="The store to load into: oxigraph:PATH or sparql:URL.")],
    graph_store: GraphStoreOption = None,
) -> None:
    """Load RDF files into a store, keeping their named graphs."""
    try:
        with open_store(store, graph_store=graph_store) as target, _Bar("loading") as bar:
            target.load(*files, progress=bar)
            size = len(target)
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"loaded {len(files)} file(s) into {store}; it now holds {size} quads", highlight=False)


@app.command("push")
def push_command(
    endpoint: Annotated[str, typer.Option(help="The SPARQL query URL of the endpoint.")],
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to upload (repeatable).")] = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Upload the built graph to a SPARQL endpoint graph by graph, replacing those graphs."""
    try:
        with _Bar("uploading graphs") as bar:
            sent = push(
                *(graph or [DEFAULT_GRAPH_FILE]), endpoint=endpoint, graph_store=graph_store, progress=bar
            )
    except AlignkgError as exc:
        _fail(exc)
    rows = [[compact_iri(g) if g else "(default graph)", str(n)] for g, n in sent.items()]
    out.print(_table(f"Replaced {len(sent)} graphs at {endpoint}", ["graph", "triples"], rows))


@app.command("stats")
def stats_command(
    store: StoreOption = None,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to count (repeatable).")] = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Count triples per named graph and entities per class in a store."""
    try:
        store = store or default_store(graph or [])
        with open_graph(store, graph or [], graph_store=graph_store) as opened:
            stats = opened.stats()
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"{stats.triples} quads in {store}", highlight=False)
    per_graph = [[g, str(n)] for g, n in stats.triples_per_graph.items()]
    out.print(_table("Triples per named graph", ["graph", "triples"], per_graph))
    per_class = [[c, str(n)] for c, n in stats.entities_per_class.items()]
    out.print(_table("Entities per class", ["class", "entities"], per_class))


def main() -> None:
    """Entry point of the ``alignkg`` console script."""
    app()
