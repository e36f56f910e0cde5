"""The ``alignkg`` command line: each command is one library call plus formatting of its result."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import pandas as pd
import typer
from rdflib import Dataset
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table
from rich.text import Text

from alignkg.build import DEFAULT_BUILD_DIR, DEFAULT_DATA_DIR, DEFAULT_ONTOLOGY, build
from alignkg.chains import alignment_chains, alignment_metrics
from alignkg.documentation import DEFAULT_DOCS_FILE, write_docs
from alignkg.errors import AlignkgError
from alignkg.export import ExportFormat, export_graph
from alignkg.projection import to_networkx
from alignkg.query import run_query, shipped_queries
from alignkg.remote import push
from alignkg.report import DEFAULT_TITLE, format_metrics, markdown_table, write_report
from alignkg.server import EndpointConfig, check_config, parse_size, serve
from alignkg.store import DEFAULT_GRAPH_FILE, Store, default_store, open_graph, open_store
from alignkg.synth import write_synthetic
from alignkg.terms import compact_iri
from alignkg.validation import validate
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
    err.print(Text("error:", style="bold red"), Text(str(exc)), highlight=False)
    raise typer.Exit(1)


def _table(title: str, header: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for name in header:
        table.add_column(Text(name), overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # data is never read as console markup
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
    shapes: Annotated[
        Path | None,
        typer.Option(help="SHACL shapes to validate with (default: shapes.ttl beside the ontology)."),
    ] = None,
    infer: Annotated[
        bool, typer.Option("--infer", help="Add what the ontology implies, in the graph akg:inferred.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Write the graph even if it violates the shapes.")
    ] = False,
) -> None:
    """Check the curated tables and write the graph as TriG, Turtle, JSON-LD and N-Quads."""
    try:
        with err.status("building") as status:
            report = build(
                data,
                ontology,
                out_dir,
                shapes_path=shapes,
                infer=infer,
                force=force,
                progress=lambda step: status.update(step),
            )
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"Built {report.triples} triples into {out_dir}/")
    out.print(f"Validation: {report.validation.summary()}", highlight=False)
    for finding in report.validation.violations:
        out.print(Text(f"  violation: {finding}"), highlight=False)
    if infer:
        out.print(f"Inferred {report.inferred} triples into akg:inferred", highlight=False)
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


T = TypeVar("T")


def _on_graph(
    graph: list[Path] | None,
    store: str | None,
    graph_store: str | None,
    action: Callable[[Dataset | Store], T],
) -> T:
    """Run ``action`` on the store named, or else on the graph files (default
    build/alignkg.trig) read into rdflib, or into Oxigraph when they are large."""
    files = graph or []
    with open_graph(store or default_store(files), files, graph_store=graph_store) as opened:
        return action(opened)


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
        result = _on_graph(graph, store, graph_store, lambda data: run_query(data, query, params))
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
    title: Annotated[
        str | None, typer.Option(help="Page title and heading (default: what the page shows).")
    ] = None,
    focus: Annotated[
        str | None, typer.Option(help="Draw only the neighbourhood of this entity (id or label).")
    ] = None,
    depth: Annotated[int, typer.Option(min=0, help="How many steps around --focus to draw.")] = 1,
    source: Annotated[
        list[str] | None, typer.Option(help="Draw only this source's named graph (repeatable).")
    ] = None,
    class_: Annotated[
        list[str] | None,
        typer.Option("--class", help="Draw only entities of this class, by id or label (repeatable)."),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            help="Draw the answer to a query (name, .rq file or SPARQL): a CONSTRUCT, or a "
            "SELECT of ?subject ?predicate ?object."
        ),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in the default browser.")
    ] = False,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Write an interactive HTML view of the graph (or part of it) that works offline."""

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
            open_browser=open_browser,
        )

    try:
        path = _on_graph(graph, store, graph_store, draw)
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"wrote {path}", highlight=False)


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
    return "" if value is None or bool(pd.isna(value)) else str(value)  # type: ignore[call-overload]


def _print_frame(
    frame: pd.DataFrame, output: OutputFormat, *, title: str, header: list[str], rows: list[list[str]]
) -> None:
    if output is OutputFormat.csv:
        typer.echo(frame.to_csv(index=False, lineterminator="\n"), nl=False)
    elif output is OutputFormat.json:
        typer.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
    elif output is OutputFormat.md:
        typer.echo(markdown_table(header, rows), nl=False)
    else:
        out.print(_table(title, header, rows))


@app.command("chains")
def chains_command(
    enterprise: Annotated[
        str | None, typer.Option(help="Only this enterprise's chains (an entity id).")
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.table,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Print every alignment chain directive → meeting → priority → measures, with lags and sources."""
    try:
        frame = _on_graph(graph, store, graph_store, lambda g: alignment_chains(g, enterprise=enterprise))
    except AlignkgError as exc:
        _fail(exc)
    shown = frame.assign(
        serves_directive=frame["serves_directive"].map({True: "stated", False: "not stated"}),
        sources=[
            ", ".join(sorted({s for c in row if c for s in str(c).split("; ")}))
            for row in frame.filter(like="_sources").itertuples(index=False)
        ],
    )
    rows = [[_cell(v) for v in row] for row in shown[list(CHAIN_TABLE)].itertuples(index=False)]
    _print_frame(frame, output, title=f"{len(frame)} chains", header=list(CHAIN_TABLE.values()), rows=rows)


@app.command("metrics")
def metrics_command(
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.table,
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Print the alignment metrics of every enterprise that convened a meeting."""
    try:
        frame = _on_graph(graph, store, graph_store, alignment_metrics)
    except AlignkgError as exc:
        _fail(exc)
    header = ["metric", *frame["enterprise_label"]]
    _print_frame(frame, output, title="Alignment metrics", header=header, rows=format_metrics(frame))


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
    try:
        network = _on_graph(graph, store, graph_store, lambda g: to_networkx(g, sources=source))
        files = export_graph(network, out_path or DEFAULT_BUILD_DIR / fmt.default_name, fmt=fmt)
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"{network.number_of_nodes()} entities, {network.number_of_edges()} relations")
    for path in files:
        out.print(f"wrote {path}", highlight=False)


@app.command("report")
def report_command(
    graph: Annotated[list[Path] | None, typer.Option(help="Graph file(s) to read (repeatable).")] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for report.html, report.md and the timeline image.")
    ] = DEFAULT_BUILD_DIR,
    title: Annotated[str, typer.Option(help="Report title.")] = DEFAULT_TITLE,
    store: StoreOption = None,
    graph_store: GraphStoreOption = None,
) -> None:
    """Write the alignment report (profile, chains, timeline, metrics, gaps, recommendations)."""
    try:
        files = _on_graph(graph, store, graph_store, lambda g: write_report(g, out_dir, title=title))
    except AlignkgError as exc:
        _fail(exc)
    for path in files:
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


class ReportFormat(StrEnum):
    """How ``alignkg validate`` prints its findings."""

    text = "text"
    json = "json"
    md = "md"


@app.command("validate")
def validate_command(
    data: Annotated[
        Path, typer.Option(help="Folder with sources.csv, entities.csv and statements.csv.")
    ] = DEFAULT_DATA_DIR,
    ontology: Annotated[Path, typer.Option(help="The ontology file (Turtle).")] = DEFAULT_ONTOLOGY,
    shapes: Annotated[
        Path | None, typer.Option(help="SHACL shapes (default: shapes.ttl beside the ontology).")
    ] = None,
    output: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.text,
) -> None:
    """Check the tables and the graph they give against the integrity rules and the SHACL shapes.

    Exit status: 0 valid (warnings allowed), 1 violations found, 2 input that cannot be read.
    """
    try:
        report = validate(data, ontology, shapes)
    except AlignkgError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if output is ReportFormat.json:
        typer.echo(report.to_json(), nl=False)
    elif output is ReportFormat.md:
        typer.echo(report.to_markdown(), nl=False)
    else:
        typer.echo(report.to_text(), nl=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("docs")
def docs_command(
    ontology: Annotated[Path, typer.Option(help="The ontology file (Turtle).")] = DEFAULT_ONTOLOGY,
    shapes: Annotated[
        Path | None, typer.Option(help="SHACL shapes whose rules to show (default: beside the ontology).")
    ] = None,
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the page.")] = DEFAULT_DOCS_FILE,
) -> None:
    """Write a readable HTML page of the ontology's classes and properties that works offline."""
    try:
        path = write_docs(ontology, out_file, shapes_path=shapes)
    except AlignkgError as exc:
        _fail(exc)
    out.print(f"wrote {path}", highlight=False)


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
    try:
        sizes = [parse_size(query_memory), parse_size(cache_bytes)]
        ceiling = parse_size(memory_ceiling) if memory_ceiling else None
    except AlignkgError as exc:
        _fail(exc)
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
        _fail(exc)
    base = f"http://{host}:{port}"
    err.print(f"SPARQL endpoint: {base}/sparql  query page: {base}/", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"note: listening on {host}, reachable from other machines; the endpoint has no "
            "authentication (see 'Behind a reverse proxy' in the README)",
            highlight=False,
        )
    serve(config)


def main() -> None:
    """Entry point of the ``alignkg`` console script."""
    app()
