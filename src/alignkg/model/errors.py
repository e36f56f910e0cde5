"""The one error type alignkg raises for bad input, carrying where the problem is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in an input file: the file, and optionally a 1-based row and a column name.

    Rows are counted as a spreadsheet shows them: the header is row 1, the first record row 2.
    """

    file: Path | str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        text = str(self.file)
        if self.row is not None:
            text += f", row {self.row}"
        if self.column is not None:
            text += f", column {self.column!r}"
        return text


class AlignkgError(Exception):
    """Bad input or a failed step, with an optional location (file, row, column).

    >>> str(AlignkgError("unknown class 'ak:Foo'", Location("data/entities.csv", 7, "class")))
    "data/entities.csv, row 7, column 'class': unknown class 'ak:Foo'"
    """

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class DataError(AlignkgError):
    """Several input problems found in one pass, so a researcher can fix them all at once."""

    def __init__(self, errors: list[AlignkgError]) -> None:
        self.errors = errors
        lines = [str(e) for e in errors]
        noun = "problem" if len(errors) == 1 else "problems"
        super().__init__(f"{len(errors)} {noun} in the data:\n  " + "\n  ".join(lines))
