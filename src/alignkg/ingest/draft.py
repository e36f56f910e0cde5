"""A draft: the source, entities and statements drafted from one input, in the columns of data/
plus where each rests in the text (start, end, quote), the rule that found it and a confidence.
A draft is written as a folder (``source.csv``, ``entities.csv``, ``statements.csv``,
``draft.json``, ``text.txt``) that a reviewer edits and ``accept`` merges into data/."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkg.model.errors import AlignkgError, DataError, Location
from alignkg.model.tables import ENTITY_COLUMNS, SOURCE_COLUMNS, STATEMENT_COLUMNS

DRAFT_COLUMNS = ["start", "end", "quote", "rule", "confidence"]
"""Columns a draft adds to each table of data/."""
SOURCE_DRAFT_COLUMNS = [*SOURCE_COLUMNS, *DRAFT_COLUMNS]
ENTITY_DRAFT_COLUMNS = [*ENTITY_COLUMNS, *DRAFT_COLUMNS]
STATEMENT_DRAFT_COLUMNS = [*STATEMENT_COLUMNS, *DRAFT_COLUMNS]
FILES = {"source": "source.csv", "entities": "entities.csv", "statements": "statements.csv"}
COLUMNS = {
    "source": SOURCE_DRAFT_COLUMNS,
    "entities": ENTITY_DRAFT_COLUMNS,
    "statements": STATEMENT_DRAFT_COLUMNS,
}
JSON_FILE = "draft.json"
TEXT_FILE = "text.txt"

Row = dict[str, str]


@dataclass(frozen=True)
class DraftSummary:
    """What a draft reports, counted from its statements: meetings (new or already in data/),
    the people chairing or attending them, the directives they studied, the candidate priorities,
    and the draft's rows."""

    meetings: int
    people: int
    directives: int
    priorities: int
    entities: int
    statements: int


@dataclass
class Draft:
    """Everything drafted from one input. ``text`` is the text the spans index; ``choices``
    lists near matches a reviewer should decide on; ``notes`` says what needs attention."""

    source: Row
    entities: list[Row]
    statements: list[Row]
    text: str = ""
    choices: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    input: str = ""

    @property
    def source_id(self) -> str:
        """The id of the draft's source."""
        return self.source["id"]

    def summary(self) -> DraftSummary:
        """The counts a reviewer sees first."""

        def objects(*predicates: str) -> set[str]:
            return {s["object"] for s in self.statements if s["predicate"] in predicates and s["object"]}

        meetings = {s["subject"] for s in self.statements if s["predicate"] == "ak:convenedBy"}
        studied = {
            s["object"]
            for s in self.statements
            if s["predicate"] == "ak:implements" and s["subject"] in meetings
        }
        return DraftSummary(
            meetings=len(meetings),
            people=len(objects("ak:chairedBy", "ak:attendedBy")),
            directives=len(studied),
            priorities=len(objects("ak:setsPriority")),
            entities=len(self.entities),
            statements=len(self.statements),
        )

    def to_dict(self) -> dict[str, Any]:
        """The draft as JSON-ready data: ``source``, ``entities`` and ``statements`` with the
        tables' columns plus start, end (integers or null), quote, rule and confidence (a number)."""
        return {
            "source": _typed(self.source, SOURCE_DRAFT_COLUMNS),
            "entities": [_typed(r, ENTITY_DRAFT_COLUMNS) for r in self.entities],
            "statements": [_typed(r, STATEMENT_DRAFT_COLUMNS) for r in self.statements],
            "choices": self.choices,
            "notes": self.notes,
            "input": self.input,
        }

    def to_json(self) -> str:
        """The draft as one JSON object (stable key order, UTF-8 text, a final newline)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, text_of_source: str = "") -> Draft:
        """Read a draft back from ``to_json``'s output."""
        data = json.loads(text)
        return cls(
            source=_untyped(data["source"], SOURCE_DRAFT_COLUMNS),
            entities=[_untyped(r, ENTITY_DRAFT_COLUMNS) for r in data["entities"]],
            statements=[_untyped(r, STATEMENT_DRAFT_COLUMNS) for r in data["statements"]],
            text=text_of_source,
            choices=list(data.get("choices", [])),
            notes=list(data.get("notes", [])),
            input=str(data.get("input", "")),
        )


def _typed(row: Row, columns: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in columns:
        value = row.get(column, "")
        if column in ("start", "end"):
            out[column] = int(value) if value else None
        elif column == "confidence":
            out[column] = float(value) if value else None
        else:
            out[column] = value
    return out


def _untyped(row: dict[str, Any], columns: list[str]) -> Row:
    out: Row = {}
    for column in columns:
        value = row.get(column)
        if value is None:
            out[column] = ""
        elif column == "confidence":
            out[column] = f"{float(value):.2f}"
        else:
            out[column] = str(value)
    return out


def _csv(rows: list[Row], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue().encode("utf-8")


def draft_files(draft: Draft) -> dict[str, bytes]:
    """The files of a draft folder, by name."""
    return {
        FILES["source"]: _csv([draft.source], SOURCE_DRAFT_COLUMNS),
        FILES["entities"]: _csv(draft.entities, ENTITY_DRAFT_COLUMNS),
        FILES["statements"]: _csv(draft.statements, STATEMENT_DRAFT_COLUMNS),
        JSON_FILE: draft.to_json().encode("utf-8"),
        TEXT_FILE: draft.text.encode("utf-8"),
    }


def write_draft(draft: Draft, out_dir: Path | str) -> Path:
    """Write the draft to ``out_dir/<source id>/``, replacing an earlier draft of the same source
    only once the new folder is complete."""
    parent = Path(out_dir)
    target = parent / draft.source_id
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{draft.source_id}.", dir=parent))
        for name, data in draft_files(draft).items():
            (staging / name).write_bytes(data)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{draft.source_id}.old.", dir=parent))
            target.replace(old / "draft")
            staging.replace(target)
            shutil.rmtree(old)
        else:
            staging.replace(target)
    except OSError as exc:
        raise AlignkgError(
            f"cannot write the draft: {exc.strerror}", Location(exc.filename or target)
        ) from exc
    return target


def _read_table(path: Path, columns: list[str]) -> list[Row]:
    if not path.is_file():
        raise AlignkgError("file not found in the draft folder", Location(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AlignkgError(f"cannot read file as UTF-8: {exc}", Location(path)) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise AlignkgError(f"cannot parse CSV: {exc}", Location(path, reader.line_num)) from exc
    if not records:
        raise AlignkgError("file is empty; expected a header row", Location(path))
    header = [c.strip() for c in records[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise AlignkgError(f"missing column(s) {', '.join(missing)}", Location(path, 1))
    problems: list[AlignkgError] = []
    rows: list[Row] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                AlignkgError(f"{len(record)} cells but the header has {len(header)}", Location(path, number))
            )
            continue
        row = {name: cell.strip() for name, cell in zip(header, record, strict=True)}
        confidence = row.get("confidence", "")
        try:
            if confidence and not 0.0 <= float(confidence) <= 1.0:
                raise ValueError
        except ValueError:
            problems.append(
                AlignkgError(
                    f"confidence {confidence!r} is not a number from 0 to 1",
                    Location(path, number, "confidence"),
                )
            )
            continue
        rows.append(row | {"_row": str(number)})
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DataError(problems)
    return rows


def read_draft(folder: Path | str) -> Draft:
    """Read a draft folder as a reviewer left it (the CSV files are what counts; ``draft.json``
    is the snapshot ``ingest`` wrote)."""
    path = Path(folder)
    if not path.is_dir():
        raise AlignkgError("draft folder not found", Location(path))
    sources = _read_table(path / FILES["source"], SOURCE_DRAFT_COLUMNS)
    if len(sources) != 1:
        raise AlignkgError(
            f"expected exactly one source row, found {len(sources)}", Location(path / FILES["source"])
        )
    text_file = path / TEXT_FILE
    try:
        # read as bytes: newline translation would turn "\r\n" into "\n" and shift every span
        text = text_file.read_bytes().decode("utf-8") if text_file.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise AlignkgError(f"cannot read file as UTF-8: {exc}", Location(text_file)) from exc
    return Draft(
        source=sources[0],
        entities=_read_table(path / FILES["entities"], ENTITY_DRAFT_COLUMNS),
        statements=_read_table(path / FILES["statements"], STATEMENT_DRAFT_COLUMNS),
        text=text,
    )
