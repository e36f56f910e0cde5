"""Reading the curated CSV tables (sources, entities, statements) into typed rows that remember
where they came from, so every later error can point at a file, row and column."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

import pandas as pd

from alignkg.errors import AlignkgError, Location

SOURCES_FILE = "sources.csv"
ENTITIES_FILE = "entities.csv"
STATEMENTS_FILE = "statements.csv"


@dataclass(frozen=True)
class Row:
    """Base of every table row: the file it came from and its spreadsheet row number."""

    file: Path
    row: int

    def at(self, column: str | None = None) -> Location:
        """The location of this row, or of one cell in it."""
        return Location(self.file, self.row, column)


@dataclass(frozen=True)
class SourceRow(Row):
    """A source: an article, or a body of background knowledge."""

    id: str
    kind: str
    title: str
    publisher: str
    issued: str
    description: str


@dataclass(frozen=True)
class EntityRow(Row):
    """An entity with its class, labels and description, introduced by one source."""

    id: str
    cls: str
    label_en: str
    label_zh: str
    description: str
    source: str


@dataclass(frozen=True)
class StatementRow(Row):
    """One fact with its provenance; ``object`` names an entity, ``value`` holds a literal."""

    subject: str
    predicate: str
    object: str
    value: str
    datatype: str
    lang: str
    source: str
    locator: str
    evidence: str
    valid_from: str
    valid_to: str


@dataclass(frozen=True)
class Tables:
    """The three curated tables of a data folder."""

    sources: list[SourceRow]
    entities: list[EntityRow]
    statements: list[StatementRow]


T = TypeVar("T", bound=Row)

# Column names as researchers see them in the spreadsheet, mapped to row fields where they differ.
_RENAMED = {"class": "cls"}


def _columns(row_type: type[Row]) -> list[str]:
    names = [f.name for f in fields(row_type) if f.name not in ("file", "row")]
    inverse = {v: k for k, v in _RENAMED.items()}
    return [inverse.get(n, n) for n in names]


SOURCE_COLUMNS = _columns(SourceRow)
ENTITY_COLUMNS = _columns(EntityRow)
STATEMENT_COLUMNS = _columns(StatementRow)


def _read_frame(path: Path) -> pd.DataFrame:
    """Read a CSV as text cells, turning every reading failure into an AlignkgError."""
    if not path.is_file():
        raise AlignkgError("file not found", Location(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AlignkgError(f"cannot read file: {exc.strerror}", Location(path)) from exc
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark, as spreadsheets write, is accepted
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AlignkgError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}); save the file as 'CSV UTF-8'",
            Location(path),
        ) from exc
    if not text.strip():
        raise AlignkgError("file is empty; expected a header row", Location(path))
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skip_blank_lines=True,
            engine="python",
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise AlignkgError(f"cannot parse CSV: {_first_line(exc)}", Location(path)) from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _rows(path: Path, row_type: type[T]) -> Iterator[T]:
    """Yield typed rows of one table after checking its header against the expected columns."""
    frame = _read_frame(path)
    expected = _columns(row_type)
    header = [str(c).strip() for c in frame.columns]
    missing = [c for c in expected if c not in header]
    if missing:
        raise AlignkgError(
            f"missing column(s) {', '.join(missing)}; expected columns: {', '.join(expected)}",
            Location(path, 1),
        )
    extra = [c for c in header if c not in expected]
    if extra:
        raise AlignkgError(
            f"unknown column(s) {', '.join(extra)}; expected columns: {', '.join(expected)}",
            Location(path, 1),
        )
    frame.columns = pd.Index(header)
    for index, record in enumerate(frame[expected].itertuples(index=False, name=None)):
        cells = {_RENAMED.get(c, c): str(v).strip() for c, v in zip(expected, record, strict=True)}
        yield row_type(file=path, row=index + 2, **cells)


def read_tables(data_dir: Path | str) -> Tables:
    """Read ``sources.csv``, ``entities.csv`` and ``statements.csv`` from a data folder.

    Only the shape of each file is checked here (encoding, CSV syntax, columns); what the cells
    mean is checked when the graph is built.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise AlignkgError("data folder not found", Location(folder))
    return Tables(
        sources=list(_rows(folder / SOURCES_FILE, SourceRow)),
        entities=list(_rows(folder / ENTITIES_FILE, EntityRow)),
        statements=list(_rows(folder / STATEMENTS_FILE, StatementRow)),
    )
