"""Commands that turn articles into data: ingest (draft statements from saved pages and texts),
review (decide on each drafted row in the browser) and accept (merge a draft without one)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from alignkg.cli.app import app, err, fail, out
from alignkg.model.errors import AlignkgError, DataError
from alignkg.model.files import DEFAULT_DATA_DIR, DEFAULT_ONTOLOGY

if TYPE_CHECKING:
    from rich.progress import Progress

    from alignkg.ingest.draft import Draft

DEFAULT_DRAFTS_DIR = Path("drafts")


class Language(StrEnum):
    """The language ``alignkg ingest --lang`` says a text is in."""

    en = "en"
    zh = "zh"


def _fail_each(exc: AlignkgError) -> None:
    """One line per bad input, then exit 1."""
    for problem in exc.errors if isinstance(exc, DataError) else [exc]:
        err.print(Text("error:", style="bold red"), Text(str(problem)), highlight=False)
    raise typer.Exit(1)


def _stop(bar: Progress) -> None:
    """Stop a progress bar that was started (stopping one that was not prints a blank line)."""
    if bar.live.is_started:
        bar.stop()


def _plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _summary(draft: Draft, folder: Path) -> list[str]:
    counts = draft.summary()
    found = ", ".join(
        [
            _plural(counts.meetings, "meeting"),
            _plural(counts.people, "person", "people") + " chairing or attending",
            _plural(counts.directives, "directive"),
            _plural(counts.priorities, "candidate priority", "candidate priorities"),
        ]
    )
    rows = f"{_plural(counts.entities, 'new entity', 'new entities')} and "
    return [
        f"Drafted {draft.source_id} from {draft.input}",
        f"  {found}: {rows}{_plural(counts.statements, 'statement')} to review",
        f"  draft: {folder}/",
        *(f"  note: {note}" for note in draft.notes),
    ]


@app.command("ingest")
def ingest_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Saved pages (.html), texts (.txt) or Markdown (.md), or folders of them."),
    ],
    url: Annotated[
        str | None, typer.Option(help="The page's address, when the saved file does not say (one file).")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date as YYYY-MM-DD, when the file does not say.")
    ] = None,
    lang: Annotated[Language | None, typer.Option(help="The text's language (default: detected).")] = None,
    data: Annotated[
        Path, typer.Option(help="Data folder whose entities the drafts link to.")
    ] = DEFAULT_DATA_DIR,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write drafts into.")] = DEFAULT_DRAFTS_DIR,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the draft as JSON on stdout: one object for one input, one object per line "
            "(JSON Lines) for several; the summary goes to stderr.",
        ),
    ] = False,
) -> None:
    """Draft sourced statements from saved articles and meeting readouts, one draft folder each.

    Nothing is fetched: pages are read from the saved file. If any input cannot be read, nothing
    is written and each bad file is named.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from alignkg.ingest.pipeline import ingest

    bar = Progress(
        TextColumn("drafting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=err, transient=True,
    )  # fmt: skip
    task = bar.add_task("", total=None)

    def progress(done: int, total: int, path: Path) -> None:
        if total > 1 and err.is_terminal and not bar.live.is_started:  # no bar in logs and pipes
            bar.start()
        bar.update(task, completed=done, total=total, description=path.name)

    try:
        drafts = ingest(
            files,
            url=url,
            published=published,
            lang=lang.value if lang else None,
            data_dir=data,
            out_dir=out_dir,
            progress=progress,
        )
    except AlignkgError as exc:
        _stop(bar)
        _fail_each(exc)
    _stop(bar)
    shown = err if as_json else out
    if as_json:
        if len(drafts) == 1:
            typer.echo(drafts[0].to_json(), nl=False)
        else:
            for draft in drafts:
                typer.echo(json.dumps(draft.to_dict(), ensure_ascii=False))
    for draft in drafts:
        for line in _summary(draft, out_dir / draft.source_id):
            shown.print(Text(line), highlight=False)
    first = out_dir / drafts[0].source_id
    target = first if len(drafts) == 1 else out_dir
    shown.print(
        Text(f"Next: alignkg review {target}   (or merge without a browser: alignkg accept {first})"),
        highlight=False,
    )


@app.command("accept")
def accept_command(
    draft: Annotated[Path, typer.Argument(help="The draft folder (drafts/<source id>).")],
    min_confidence: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Merge rows the rules or a reviewer rated at least this."),
    ] = 0.7,
    data: Annotated[Path, typer.Option(help="Data folder to merge into.")] = DEFAULT_DATA_DIR,
    ontology: Annotated[Path, typer.Option(help="The ontology the trial build checks with.")] = (
        DEFAULT_ONTOLOGY
    ),
) -> None:
    """Merge a draft's confident rows into the data folder, only if the result builds."""
    from alignkg.ingest.accept import accept

    try:
        report = accept(draft, data_dir=data, ontology_path=ontology, min_confidence=min_confidence)
    except AlignkgError as exc:
        fail(exc)
    replaced = (
        f" (replacing {report.entities_replaced} entities and {report.statements_replaced} statements "
        "of an earlier accept)"
        if report.entities_replaced or report.statements_replaced
        else ""
    )
    out.print(
        Text(
            f"Merged {_plural(report.entities_added, 'entity', 'entities')} and "
            f"{_plural(report.statements_added, 'statement')} of {report.source_id} into {data}/{replaced}"
        ),
        highlight=False,
    )
    if report.skipped:
        out.print(Text(f"Left out ({len(report.skipped)}):"), highlight=False)
        for line in report.skipped:
            out.print(Text(f"  {line}"), highlight=False)
    for path in report.files:
        out.print(Text(f"wrote {path}"), highlight=False)
    out.print(Text("Next: alignkg build"), highlight=False)


@app.command("review")
def review_command(
    draft: Annotated[
        Path | None, typer.Argument(help="The draft folder to review (default: choose from --drafts).")
    ] = None,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: a free one).")] = 0,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the page in the default browser.")
    ] = True,
    drafts: Annotated[
        Path, typer.Option(help="Folder of drafts to choose from when none is given.")
    ] = DEFAULT_DRAFTS_DIR,
    data: Annotated[Path, typer.Option(help="Data folder a save merges into.")] = DEFAULT_DATA_DIR,
    ontology: Annotated[Path, typer.Option(help="The ontology the trial build checks with.")] = (
        DEFAULT_ONTOLOGY
    ),
) -> None:
    """Review a draft in the browser: accept, edit or reject each row, then save into data/."""
    from alignkg.endpoint.review import ReviewConfig, serve_review

    folder = draft.parent if draft is not None else drafts
    config = ReviewConfig(drafts_dir=folder, data_dir=data, ontology_path=ontology)

    def ready(url: str) -> None:
        typer.echo(f"Review page: {url}  (Ctrl-C to stop)")
        sys.stdout.flush()

    try:
        serve_review(
            config,
            draft=draft.name if draft is not None else None,
            port=port,
            open_browser=open_browser,
            on_ready=ready,
        )
    except AlignkgError as exc:
        fail(exc)
