"""Reading the curated CSV tables (sources, entities, statements) into typed rows that remember
where they came from, so every later error can point at a file, row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import TypeVar

from alignkg.model.errors import AlignkgError, DataError, Location

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
    url: str = ""


@dataclass(frozen=True)
class EntityRow(Row):
    """An entity with its class, labels and description, introduced by one source."""

    id: str
    cls: str
    label_en: str
    label_zh: str
    description: str
    source: str
    aliases: str = ""


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
    quote: str = ""
    quote_start: str = ""
    quote_end: str = ""
    tie: str = ""


@dataclass(frozen=True)
class Tables:
    """The three curated tables of a data folder."""

    sources: list[SourceRow]
    entities: list[EntityRow]
    statements: list[StatementRow]


T = TypeVar("T", bound=Row)

# Column names as researchers see them in the spreadsheet, mapped to row fields where they differ.
_RENAMED = {"class": "cls"}


def _columns(row_type: type[Row], *, optional: bool = False) -> list[str]:
    """The required columns of a table (fields without a default), or with ``optional`` the
    columns a table may have or leave out (fields with a default, read as empty when absent)."""
    names = [
        f.name
        for f in fields(row_type)
        if f.name not in ("file", "row") and (f.default is not MISSING) == optional
    ]
    inverse = {v: k for k, v in _RENAMED.items()}
    return [inverse.get(n, n) for n in names]


SOURCE_COLUMNS = _columns(SourceRow)
ENTITY_COLUMNS = _columns(EntityRow)
STATEMENT_COLUMNS = _columns(StatementRow)
OPTIONAL_SOURCE_COLUMNS = _columns(SourceRow, optional=True)
OPTIONAL_ENTITY_COLUMNS = _columns(EntityRow, optional=True)
OPTIONAL_STATEMENT_COLUMNS = _columns(StatementRow, optional=True)


def _read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8 (a byte order mark, as spreadsheets write, is accepted)."""
    if not path.is_file():
        raise AlignkgError("file not found", Location(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AlignkgError(f"cannot read file: {exc.strerror}", Location(path)) from exc
    if raw.startswith(_WORKBOOK_MAGIC):
        raise AlignkgError("is a spreadsheet workbook, not CSV; export it as 'CSV UTF-8'", Location(path))
    if raw.startswith(_UTF16_BOMS) or _looks_like_utf16(raw[:200]):
        raise AlignkgError("is UTF-16 text, not UTF-8; save the file as 'CSV UTF-8'", Location(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AlignkgError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as 'CSV UTF-8'",
            _undecodable_cell(path, raw),
        ) from exc
    if not text.strip():
        raise AlignkgError("file is empty; expected a header row", Location(path))
    return text


def _looks_like_utf16(head: bytes) -> bool:
    """UTF-16 without a byte order mark: most of the even or of the odd bytes are NUL (as
    ASCII letters give); a stray NUL in UTF-8 text is reported at its cell instead."""
    halves = (head[0::2], head[1::2])
    return len(head) >= 4 and any(half.count(0) * 10 >= len(half) * 8 for half in halves)


_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx / ods (zip) and legacy xls
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _undecodable_cell(path: Path, raw: bytes) -> Location:
    """The spreadsheet row and column of the first byte that is not UTF-8."""
    text = raw.decode("utf-8-sig", errors="replace")
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = records[0] if records else []
    for number, record in enumerate(records, start=1):
        for index, cell in enumerate(record):
            if "\ufffd" in cell:
                column = header[index].strip() if index < len(header) and number > 1 else None
                return Location(path, number, column)
    return Location(path)


def _open_quote_column(path: Path, text: str, row: int, header: list[str]) -> Location:
    """Where a quoting error starts: the row, and the column whose quoted cell is left open or
    has a stray quote inside (counted on the first line of that row)."""
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for _ in range(row - 1):
            next(reader)
            start = reader.line_num + 1
    except (StopIteration, csv.Error):
        return Location(path, row)
    line = lines[start - 1] if start - 1 < len(lines) else ""
    cell, quoted, i = 0, False, 0
    while i < len(line):
        char = line[i]
        if quoted and char == '"':
            if line[i + 1 : i + 2] == '"':
                i += 2
                continue
            quoted = False
            if line[i + 1 : i + 2] not in ("", ","):
                break  # a stray quote inside a quoted cell
        elif not quoted and char == '"':
            quoted = True
        elif not quoted and char == ",":
            cell += 1
        i += 1
    else:
        if not quoted:
            return Location(path, row)
    return Location(path, row, header[cell].strip() if cell < len(header) else None)


def _records(path: Path) -> list[tuple[int, list[str]]]:
    """Each record with its spreadsheet row number (the header is row 1).

    Python's csv reader is used rather than pandas' because it keeps one record per spreadsheet
    row (blank rows included) and reports short and long rows instead of padding or shifting them.
    Its own cell limit is lifted while reading (the text is in memory already), so that a long
    cell is reported by :data:`MAX_CELL_CHARS` with its row and column.
    """
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    header: list[str] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        for record in reader:
            header = header or record
            records.append((len(records) + 1, record))
    except csv.Error as exc:
        where = _open_quote_column(path, text, len(records) + 1, header)
        raise AlignkgError(f"cannot parse CSV: {exc} (check the quotes)", where) from exc
    finally:
        csv.field_size_limit(limit)
    return records


MAX_CELL_CHARS = 131_072
"""The longest cell the tables may hold, in characters (128 Ki): longer text belongs in a source."""

FORBIDDEN_CHARACTERS = {"\x00": "NUL (U+0000)", "\ufffe": "U+FFFE", "\uffff": "U+FFFF"}
"""Characters no cell may hold. NUL ends strings in the C libraries stores are built on and
marks a file saved in another encoding; U+FFFE and U+FFFF are not characters at all (U+FFFE is a
byte order mark read backwards). XML 1.0 can carry none of them. Every other character,
controls and separators included, is kept and written escaped where a format requires it."""


def _cell_problem(cell: str) -> str | None:
    """Why a cell cannot be read as it is, or None."""
    if len(cell) > MAX_CELL_CHARS:
        return f"cell has {len(cell):,} characters; the limit is {MAX_CELL_CHARS:,} characters per cell"
    for char, name in FORBIDDEN_CHARACTERS.items():
        if char in cell:
            return f"cell contains the character {name}, which no cell may hold; remove it"
    return None


def _check_cells(path: Path, records: list[tuple[int, list[str]]]) -> list[AlignkgError]:
    """A problem for every cell that is too long or holds a character no cell may hold."""
    header = [c.strip() for c in records[0][1]] if records else []
    problems = []
    for number, record in records:
        for index, cell in enumerate(record):
            problem = _cell_problem(cell)
            if problem is not None:
                column = header[index] if number > 1 and index < len(header) else None
                problems.append(AlignkgError(problem, Location(path, number, column)))
    return problems


def _duplicate_columns(path: Path, header: list[str]) -> list[AlignkgError]:
    """A problem for each column name the header gives twice (the csv reader keeps the first)."""
    problems = []
    for index, name in enumerate(header):
        first = header.index(name)
        if first != index and name:
            problems.append(
                AlignkgError(
                    f"column {name!r} appears twice (columns {first + 1} and {index + 1}); keep one of them",
                    Location(path, 1, name),
                )
            )
    return problems


def _rows(path: Path, row_type: type[T]) -> Iterator[T]:
    """Yield typed rows of one table after checking its header and the cell count of each row."""
    all_records = _records(path)
    checked = _check_cells(path, all_records)
    if checked:
        raise checked[0] if len(checked) == 1 else DataError(checked)
    records = iter(all_records)
    expected = _columns(row_type)
    optional = _columns(row_type, optional=True)
    known = f"expected columns: {', '.join(expected)}"
    if optional:
        known += f"; optional: {', '.join(optional)}"
    header = [c.strip() for c in next(records)[1]]
    duplicates = _duplicate_columns(path, header)
    if duplicates:
        raise duplicates[0] if len(duplicates) == 1 else DataError(duplicates)
    missing = [c for c in expected if c not in header]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise AlignkgError(f"missing {noun} {', '.join(missing)}; {known}", Location(path, 1))
    extra = [c for c in header if c not in expected and c not in optional]
    if extra:
        noun = "column" if len(extra) == 1 else "columns"
        raise AlignkgError(f"unknown {noun} {', '.join(extra)}; {known}", Location(path, 1))
    position = {name: header.index(name) for name in [*expected, *optional] if name in header}
    problems: list[AlignkgError] = []
    rows: list[T] = []
    for number, record in records:
        cells = [c.strip() for c in record]
        if not any(cells):
            continue  # a blank spreadsheet row
        if len(cells) > len(header) and any(cells[len(header) :]):
            problems.append(
                AlignkgError(
                    f"{len(cells)} cells but the header has {len(header)}; remove the extra cells",
                    Location(path, number),
                )
            )
            continue
        if len(cells) < len(header):
            absent = ", ".join(header[len(cells) :])
            problems.append(
                AlignkgError(
                    f"{len(cells)} cells but the header has {len(header)}; missing: {absent}",
                    Location(path, number),
                )
            )
            continue
        values = {_RENAMED.get(name, name): cells[i] for name, i in position.items()}
        rows.append(row_type(file=path, row=number, **values))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DataError(problems)
    yield from rows


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
