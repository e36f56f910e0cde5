"""``alignkg verify``: every quote the tables keep is checked against the curator's own copy of its
source, a plain-text file named after the source id (``<id>.txt``), so a quote that drifted from
the page, or offsets that no longer point at it, are found before anyone relies on them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.tables import StatementRow, read_tables

TEXT_SUFFIX = ".txt"
"""The copy of source ``x`` is the file ``x.txt`` in the folder of texts."""
DRAFT_TEXT = "text.txt"
"""Or ``x/text.txt``: the text a draft of source ``x`` was made from, so a folder of drafts
(``alignkg ingest``'s ``drafts/``) serves as the folder of texts."""

_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


@dataclass
class QuoteReport:
    """What ``verify`` found: how many quotes it checked, against which copies, and each problem
    (a quote not in its copy, not at its offsets, or a copy that is missing or unreadable)."""

    checked: int = 0
    copies: list[Path] = field(default_factory=list)
    problems: list[AlignkgError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every quote was found where the tables say."""
        return not self.problems

    def summary(self) -> str:
        """One line: quotes checked, copies read, problems found."""
        problems = len(self.problems)
        return (
            f"{self.checked} quote{'s' if self.checked != 1 else ''} checked against "
            f"{len(self.copies)} cop{'ies' if len(self.copies) != 1 else 'y'}: "
            + (
                "all found where stated"
                if not problems
                else f"{problems} problem{'s' if problems != 1 else ''}"
            )
        )


def _loose(text: str) -> str:
    """Text with curly quotation marks made straight and runs of white space made one space."""
    return re.sub(r"\s+", " ", text.translate(_QUOTE_MARKS))


class _Copies:
    """The copies of sources in one folder, each read once; a copy that cannot be read is None."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.texts: dict[str, str | None] = {}
        self.problems: dict[str, str] = {}

    def path(self, source: str) -> Path:
        copy = self.folder / f"{source}{TEXT_SUFFIX}"
        drafted = self.folder / source / DRAFT_TEXT
        return drafted if not copy.is_file() and drafted.is_file() else copy

    def text(self, source: str) -> str | None:
        if source not in self.texts:
            self.texts[source] = self._read(source)
        return self.texts[source]

    def _read(self, source: str) -> str | None:
        path = self.path(source)
        inside = path.parent == self.folder or path.parent.parent == self.folder
        if "/" in source or "\\" in source or not inside or not path.is_file():
            self.problems[source] = (
                f"no copy of source {source!r}: expected the file {self.folder / source}{TEXT_SUFFIX}"
            )
            return None
        try:
            # line breaks are read as one character, whichever convention the file uses
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems[source] = f"cannot read {path} as UTF-8 text: {exc}"
            return None


def _check(row: StatementRow, text: str, path: Path) -> AlignkgError | None:
    """The problem with one row's quote in its copy, or None when it is where the row says."""
    quote = row.quote
    if row.quote_start.isdigit() and row.quote_end.isdigit():
        start, end = int(row.quote_start), int(row.quote_end)
        if text[start:end] == quote:
            return None
        found = text.find(quote)
        if found >= 0:
            return AlignkgError(
                f"the quote is at offsets {found}-{found + len(quote)} of {path}, not at {start}-{end}",
                row.at("quote_start"),
            )
    elif quote in text:
        return None
    hint = ""
    if _loose(quote) in _loose(text):
        hint = " (it is there with other quotation marks or spaces)"
    elif quote.casefold() in text.casefold():
        hint = " (it is there in other letter case)"
    return AlignkgError(f"the quote is not in {path}{hint}", row.at("quote"))


def verify_quotes(
    data_dir: Path | str, texts_dir: Path | str, *, sources: list[str] | None = None
) -> QuoteReport:
    """Check every quote in ``data_dir``'s statements (or those of ``sources``, by id) against
    the copies in ``texts_dir``.

    Each quote must occur in the copy of its source; when the row gives offsets, the copy's
    characters from ``quote_start`` to ``quote_end`` must be the quote itself. Nothing is fetched:
    only the files in ``texts_dir`` named after source ids are read.
    """
    folder = Path(texts_dir)
    if not folder.is_dir():
        raise AlignkgError("folder of source texts not found", Location(folder))
    tables = read_tables(data_dir)
    copies = _Copies(folder)
    report = QuoteReport()
    reported: set[str] = set()
    wanted = {name.removeprefix("aksrc:") for name in sources} if sources else None
    if wanted is not None and (unknown := sorted(wanted - {src.id for src in tables.sources})):
        raise AlignkgError(f"no source {', '.join(map(repr, unknown))} in {Path(data_dir) / 'sources.csv'}")
    for row in tables.statements:
        if not row.quote or (wanted is not None and row.source not in wanted):
            continue
        report.checked += 1
        text = copies.text(row.source)
        if text is None:
            if row.source not in reported:
                report.problems.append(AlignkgError(copies.problems[row.source], row.at("source")))
                reported.add(row.source)
            continue
        problem = _check(row, text, copies.path(row.source))
        if problem is not None:
            report.problems.append(problem)
    report.copies = sorted(copies.path(s) for s, t in copies.texts.items() if t is not None)
    return report
