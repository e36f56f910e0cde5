"""The tables' limits, named where they are crossed: a cell longer than the limit is reported
with its file, row and column, a cell at the limit is read, and reading leaves the csv module's
own setting as it was."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import alignkg
from alignkg.model.tables import MAX_CELL_CHARS


def _describe_first_entity(project: Path, text: str) -> None:
    path = project / "data" / "entities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    records[0]["description"] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def test_an_oversized_cell_names_the_limit_file_row_and_column(project: Path) -> None:
    _describe_first_entity(project, "x" * 140_000)
    with pytest.raises(alignkg.AlignkgError) as info:
        alignkg.read_tables("data")
    assert str(info.value) == (
        "data/entities.csv, row 2, column 'description': "
        "cell has 140,000 characters; the limit is 131,072 characters per cell"
    )


def test_a_cell_at_the_limit_is_read_and_the_csv_setting_is_restored(project: Path) -> None:
    before = csv.field_size_limit()
    _describe_first_entity(project, "x" * MAX_CELL_CHARS)
    tables = alignkg.read_tables("data")
    assert len(tables.entities[0].description) == MAX_CELL_CHARS == 131_072
    assert csv.field_size_limit() == before
