"""``accept``: merge a reviewed draft into data/. The rows at or above a confidence are merged
into a temporary copy of data/, which must pass the same checks as ``alignkg build``; only then
are the three tables replaced, each atomically. Accepting a source again replaces its rows."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from alignkg.ingest.draft import FILES, Draft, read_draft
from alignkg.model.errors import AlignkgError, DataError, Location
from alignkg.model.tables import (
    ENTITIES_FILE,
    ENTITY_COLUMNS,
    SOURCE_COLUMNS,
    SOURCES_FILE,
    STATEMENT_COLUMNS,
    STATEMENTS_FILE,
)
from alignkg.model.terms import is_valid_id

DEFAULT_MIN_CONFIDENCE = 0.7
"""Rows below this confidence stay in the draft unless a reviewer raises it."""

Row = dict[str, str]


@dataclass
class AcceptReport:
    """What an accept changed: rows added, rows of an earlier accept replaced, rows left out."""

    source_id: str
    entities_added: int = 0
    statements_added: int = 0
    entities_replaced: int = 0
    statements_replaced: int = 0
    skipped: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@dataclass
class _Table:
    """A table as read: its header line and rows, each row keeping its own text so that rows
    an accept does not touch are written back byte for byte."""

    header: list[str]
    rows: list[Row]
    header_text: str = ""


def _read(path: Path, required: list[str]) -> _Table:
    if not path.is_file():
        raise AlignkgError("file not found", Location(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AlignkgError(f"cannot read file as UTF-8: {exc}", Location(path)) from exc
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[list[str], str]] = []
    previous = 0
    try:
        for record in reader:
            raw = "".join(lines[previous : reader.line_num])
            previous = reader.line_num
            records.append((record, raw if raw.endswith("\n") else raw + "\n"))
    except csv.Error as exc:
        raise AlignkgError(f"cannot parse CSV: {exc}", Location(path, reader.line_num)) from exc
    if not records:
        raise AlignkgError("file is empty; expected a header row", Location(path))
    header = [c.strip() for c in records[0][0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise AlignkgError(f"missing column(s) {', '.join(missing)}", Location(path, 1))
    rows = [
        dict(zip(header, record, strict=False)) | {_RAW: raw}
        for record, raw in records[1:]
        if any(c.strip() for c in record)
    ]
    return _Table(header, rows, records[0][1])


_RAW = "\x00raw"  # where a row read from data/ keeps its own line(s)


def _bytes(table: _Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write(table.header_text)
    for row in table.rows:
        if _RAW in row:
            buffer.write(row[_RAW])
        else:
            writer.writerow([row.get(column, "") for column in table.header])
    return buffer.getvalue().encode("utf-8")


def _statement(row: Row, text: str, header: list[str]) -> Row:
    """A draft's statement as a row of data/: its columns, and where the table has them the
    words it rests on (the draft's quote, at most 12 words) with their offsets in the draft's text."""
    merged = {c: row.get(c, "") for c in STATEMENT_COLUMNS}
    quote, start, end = row.get("quote", ""), row.get("start", ""), row.get("end", "")
    if quote and "quote" in header and start.isdigit() and end.isdigit():
        merged["quote"] = quote
        found = text.find(quote, int(start), int(end))
        if found >= 0 and {"quote_start", "quote_end"} <= set(header):
            merged["quote_start"], merged["quote_end"] = str(found), str(found + len(quote))
    return merged


def _confident(row: Row, minimum: float) -> bool:
    return float(row.get("confidence") or 0) >= minimum


def accept(
    draft_dir: Path | str,
    *,
    data_dir: Path | str = Path("data"),
    ontology_path: Path | str = Path("ontology/alignkg.ttl"),
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> AcceptReport:
    """Merge the draft's rows with at least ``min_confidence`` into ``data_dir``.

    A statement whose subject or object is a draft entity left out is left out too. The merged
    tables are built (checks and SHACL shapes) in a temporary folder first; if that fails,
    AlignkgError explains why and ``data_dir`` is not touched. Rows an earlier accept of the same
    source added are replaced, not repeated.
    """
    from alignkg.model.files import write_atomically

    folder = Path(draft_dir)

    def confident(kind: str, row: Row) -> str | None:
        return None if _confident(row, min_confidence) else f"confidence {row.get('confidence')}"

    report, outputs = plan_merge(
        read_draft(folder), folder, data_dir=data_dir, ontology_path=ontology_path, keep=confident
    )
    write_atomically(outputs)
    report.files = sorted(outputs)
    return report


def plan_merge(
    draft: Draft,
    folder: Path,
    *,
    data_dir: Path | str,
    ontology_path: Path | str,
    keep: Callable[[str, Row], str | None],
    withdraw: bool = False,
) -> tuple[AcceptReport, dict[Path, bytes]]:
    """The three tables of ``data_dir`` with the draft's kept rows merged in, checked by a trial
    build, as bytes by path (nothing is written). ``keep(kind, row)`` gives None for a row to merge
    (kind is "entity" or "statement") or why it is left out. ``withdraw`` removes the source and
    every row of an earlier accept instead. Locations in errors name files in ``folder``."""
    from alignkg.builder.build import build  # the build's own checks

    data = Path(data_dir)
    sid = draft.source_id
    if not is_valid_id(sid):
        raise AlignkgError(
            f"source id {sid!r} is not a valid id", Location(folder / FILES["source"], 2, "id")
        )
    sources = _read(data / SOURCES_FILE, SOURCE_COLUMNS)
    entities = _read(data / ENTITIES_FILE, ENTITY_COLUMNS)
    statements = _read(data / STATEMENTS_FILE, STATEMENT_COLUMNS)
    report = AcceptReport(sid)

    kept_entities = [r for r in entities.rows if r.get("source") != sid]
    existing = {r["id"]: r for r in kept_entities}
    problems: list[AlignkgError] = []
    accepted: list[Row] = []
    entities_file = folder / FILES["entities"]
    for row in [] if withdraw else draft.entities:
        where = Location(entities_file, int(row["_row"]), None)
        if row.get("source") != sid:
            problems.append(
                AlignkgError(
                    f"source {row.get('source')!r} is not the draft's source {sid!r}",
                    Location(where.file, where.row, "source"),
                )
            )
            continue
        reason = keep("entity", row)
        if reason is not None:
            report.skipped.append(f"entity {row['id']} ({reason})")
            continue
        if not row.get("label_en"):
            problems.append(
                AlignkgError(
                    "needs an English label before it can be accepted",
                    Location(where.file, where.row, "label_en"),
                )
            )
            continue
        if row["id"] in existing:
            other = existing[row["id"]].get("source", "")
            problems.append(
                AlignkgError(
                    f"id {row['id']!r} is already used by source {other!r} in data; "
                    "rename it or use the existing entity",
                    Location(where.file, where.row, "id"),
                )
            )
            continue
        accepted.append(row)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DataError(problems)
    known = set(existing) | {r["id"] for r in accepted}
    accepted_statements: list[Row] = []
    for row in [] if withdraw else draft.statements:
        reason = keep("statement", row)
        if reason is not None:
            report.skipped.append(
                f"statement {row['subject']} {row['predicate']} {row['object'] or row['value']} ({reason})"
            )
        elif row["subject"] not in known or (row["object"] and row["object"] not in known):
            report.skipped.append(
                f"statement {row['subject']} {row['predicate']} {row['object']} (names an entity left out)"
            )
        elif row.get("source") != sid:
            raise AlignkgError(
                f"source {row.get('source')!r} is not the draft's source {sid!r}",
                Location(folder / FILES["statements"], int(row["_row"]), "source"),
            )
        else:
            accepted_statements.append(row)
    source = {c: draft.source.get(c, "") for c in SOURCE_COLUMNS}
    if source["publisher"] and source["publisher"] not in known:
        report.skipped.append(f"publisher {source['publisher']} (entity left out)")
        source["publisher"] = ""

    report.entities_replaced = len(entities.rows) - len(kept_entities)
    kept_statements = [r for r in statements.rows if r.get("source") != sid]
    report.statements_replaced = len(statements.rows) - len(kept_statements)
    report.entities_added, report.statements_added = len(accepted), len(accepted_statements)
    merged = {
        SOURCES_FILE: replace(
            sources, rows=[r for r in sources.rows if r.get("id") != sid] + ([] if withdraw else [source])
        ),
        ENTITIES_FILE: replace(
            entities, rows=kept_entities + [{c: r.get(c, "") for c in ENTITY_COLUMNS} for r in accepted]
        ),
        STATEMENTS_FILE: replace(
            statements,
            rows=kept_statements
            + [_statement(r, draft.text, statements.header) for r in accepted_statements],
        ),
    }
    outputs = {data / name: _bytes(table) for name, table in merged.items()}
    with tempfile.TemporaryDirectory(prefix="alignkg-accept-") as scratch:
        trial = Path(scratch) / "data"
        trial.mkdir()
        for path, content in outputs.items():
            (trial / path.name).write_bytes(content)
        try:
            build(trial, ontology_path, Path(scratch) / "build")
        except AlignkgError as exc:
            message = str(exc).replace(str(trial), str(data))
            raise AlignkgError(
                f"the merged data would not build, so {data} was left as it was:\n{message}", Location(folder)
            ) from exc
    return report, outputs
