"""The command line's shared parts: the Typer app, consoles, output formats, the options every
graph-reading command takes, and error and progress display.

Command modules import their library code inside each command, so ``alignkg --help`` loads no
RDF, data-frame or server library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from alignkg.model.errors import AlignkgError
from alignkg.model.text import terminal_safe

if TYPE_CHECKING:
    from rdflib import Dataset

    from alignkg.stores.base import Store

app = typer.Typer(
    help="Build, query and view knowledge graphs of state-owned enterprises and national directives.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class TableFormat(StrEnum):
    """How the analysis commands print a table: for the terminal, as CSV, JSON or Markdown."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


class OutputFormat(StrEnum):
    """How ``alignkg query`` prints its answer: a table, CSV, JSON or Markdown for SELECT and ASK,
    RDF for CONSTRUCT and DESCRIBE (Turtle unless another RDF format is named)."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"
    turtle = "turtle"
    nt = "nt"
    nq = "nq"
    trig = "trig"
    jsonld = "jsonld"

    @property
    def is_rdf(self) -> bool:
        """True for the RDF formats, which only a graph answer can be written in."""
        return self in (
            OutputFormat.turtle,
            OutputFormat.nt,
            OutputFormat.nq,
            OutputFormat.trig,
            OutputFormat.jsonld,
        )


def fail(exc: AlignkgError) -> NoReturn:
    """Print the error in one line and exit with status 1."""
    err.print(Text("error:", style="bold red"), plain(str(exc)), highlight=False)
    raise typer.Exit(1)


def plain(text: str) -> Text:
    """Text shown as it is: never read as console markup, and without the control characters
    (escape sequences, bell...) that would let data drive the terminal."""
    return Text(terminal_safe(text))


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``--param NAME=ENTITY`` options as a mapping; a malformed one ends the command (status 2)."""
    params: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            err.print(plain(f"error: --param {item!r} is not NAME=ENTITY"))
            raise typer.Exit(2)
        params[key.strip()] = value.strip()
    return params


ParamOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Bind a query parameter, as NAME=ENTITY: an id (akid:li-xiao or li-xiao), "
        "a label or an alias in any language (repeatable)."
    ),
]


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A rich table whose cells are shown as plain text, never read as console markup."""
    table = Table(title=plain(title), title_justify="left", show_lines=False)
    for name in header:
        table.add_column(plain(name), overflow="fold")
    for row in rows:
        table.add_row(*(plain(cell) for cell in row))  # data is never read as console markup
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

AuthOption = Annotated[
    str | None,
    typer.Option(
        "--auth",
        help="How to authenticate to a sparql: store: auto (the server's challenge picks Digest or "
        "Basic), basic, digest or bearer. Credentials come from ALIGNKG_USER and ALIGNKG_PASSWORD, "
        "ALIGNKG_TOKEN or the URL's user:password@, never from the command line; default "
        "ALIGNKG_AUTH or auto.",
        show_default=False,
    ),
]


T = TypeVar("T")


def on_graph(
    graph: list[Path] | None,
    store: str | None,
    graph_store: str | None,
    action: Callable[[Dataset | Store], T],
    auth: str | None = None,
) -> T:
    """Run ``action`` on the store named, or else on the graph files (default
    build/alignkg.trig) read into Oxigraph in memory."""
    from alignkg.stores.spec import READ_STORE, open_graph

    files = graph or []
    with open_graph(store or READ_STORE, files, graph_store=graph_store, auth=auth) as opened:
        return action(opened)


class ProgressBar:
    """A rich progress bar for store loading, told (done, total) by the library."""

    def __init__(self, description: str) -> None:
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=err, transient=True
        )
        self.task = self.progress.add_task(description, total=None)

    def __call__(self, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()
