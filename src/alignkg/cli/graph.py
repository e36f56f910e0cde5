"""Commands that build and check the graph: build, validate, verify, docs and synth."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from alignkg.cli.app import (
    app,
    err,
    fail,
    out,
    plain,
    table,
)
from alignkg.model import words
from alignkg.model.errors import AlignkgError
from alignkg.model.files import DEFAULT_BUILD_DIR, DEFAULT_DATA_DIR, DEFAULT_DOCS_FILE, DEFAULT_ONTOLOGY
from alignkg.model.text import terminal_safe


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
    from alignkg.builder.build import build

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
        fail(exc)
    out.print(f"Built {words.count(report.triples, 'triple')} into {out_dir}/")
    out.print(f"Validation: {report.validation.summary()}", highlight=False)
    for finding in report.validation.violations:
        out.print(plain(f"  violation: {finding}"), highlight=False)
    if infer:
        out.print(f"Inferred {words.count(report.inferred, 'triple')} into akg:inferred", highlight=False)
    out.print(
        table(
            "Triples per named graph",
            ["graph", "triples"],
            [[g, str(n)] for g, n in report.triples_per_graph.items()],
        )
    )
    out.print(
        table(
            "Entities per class",
            ["class", "entities"],
            [[c, str(n)] for c, n in report.entities_per_class.items()],
        )
    )
    out.print(
        table(
            "Statements per source",
            ["source", "statements"],
            [[s, str(n)] for s, n in report.statements_per_source.items()],
        )
    )
    for path in report.files:
        out.print(f"wrote {path}", highlight=False)


@app.command("synth")
def synth_command(
    enterprises: Annotated[
        int, typer.Option(min=1, help="How many synthetic enterprises (~734 quads each).")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="The N-Quads file to write (*.nq).")],
    seed: Annotated[int, typer.Option(help="Seed of the variations; the same seed gives the same file.")] = 0,
    ontology: Annotated[Path, typer.Option(help="The ontology file (Turtle).")] = DEFAULT_ONTOLOGY,
) -> None:
    """Write a synthetic graph shaped like the real data, for benchmarks and large views."""
    from alignkg.builder.synth import write_synthetic

    try:
        with err.status(f"writing {enterprises} synthetic enterprises"):
            count = write_synthetic(out_file, enterprises=enterprises, seed=seed, ontology=ontology)
    except AlignkgError as exc:
        fail(exc)
    out.print(f"wrote {words.count(count, 'quad')} to {out_file}", highlight=False)


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
    from alignkg.checks.validation import validate

    try:
        report = validate(data, ontology, shapes)
    except AlignkgError as exc:
        typer.echo(f"error: {terminal_safe(str(exc))}", err=True)
        raise typer.Exit(2) from exc
    if output is ReportFormat.json:
        typer.echo(report.to_json(), nl=False)
    elif output is ReportFormat.md:
        typer.echo(report.to_markdown(), nl=False)
    else:
        typer.echo(report.to_text(), nl=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("verify")
def verify_command(
    texts: Annotated[
        Path,
        typer.Option(
            help="Folder with a plain-text copy of each quoted source, named <source id>.txt "
            "(or a folder of drafts, <source id>/text.txt)."
        ),
    ],
    data: Annotated[
        Path, typer.Option(help="Folder with sources.csv, entities.csv and statements.csv.")
    ] = DEFAULT_DATA_DIR,
    source: Annotated[
        list[str] | None, typer.Option(help="Check only this source's quotes (repeatable).")
    ] = None,
) -> None:
    """Check that every stored quote is in the copy of its source, at the offsets given.

    Exit status: 0 every quote found, 1 problems found, 2 input that cannot be read.
    """
    from alignkg.checks.quotes import verify_quotes

    try:
        report = verify_quotes(data, texts, sources=source)
    except AlignkgError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(report.summary())
    for problem in report.problems:
        typer.echo(f"error: {problem}")
    if not report.ok:
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
    from alignkg.views.documentation import write_docs

    try:
        path = write_docs(ontology, out_file, shapes_path=shapes)
    except AlignkgError as exc:
        fail(exc)
    out.print(f"wrote {path}", highlight=False)
