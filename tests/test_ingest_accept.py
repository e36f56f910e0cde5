"""Accepting a draft into data/: only confident rows, through the build's checks in a trial copy,
files replaced atomically, nothing written when the result would not build, and a second accept
of the same source replacing its rows instead of repeating them."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from alignkg.builder.build import build
from alignkg.ingest import accept, ingest
from alignkg.model.errors import AlignkgError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest" / "tuned"
TABLES = ("sources.csv", "entities.csv", "statements.csv")


def snapshot(data: Path) -> dict[str, bytes]:
    return {name: (data / name).read_bytes() for name in TABLES}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def draft_of(project: Path, name: str) -> Path:
    (draft,) = ingest([FIXTURES / name], data_dir=project / "data", out_dir=project / "drafts")
    return project / "drafts" / draft.source_id


def test_accept_merges_confident_rows_and_the_result_builds(project: Path) -> None:
    folder = draft_of(project, "en_baogang_second.md")
    before = snapshot(project / "data")
    report = accept(folder, data_dir=project / "data")
    assert report.entities_added > 0 and report.statements_added > 0
    statements = rows(project / "data" / "statements.csv")
    mine = [s for s in statements if s["source"] == folder.name]
    assert {s["predicate"] for s in mine} >= {
        "ak:chairedBy",
        "ak:attendedBy",
        "dcterms:date",
        "ak:implements",
    }
    assert not any(s["predicate"] == "ak:setsPriority" for s in mine)  # candidates wait for a paraphrase
    assert all(set(s) == set(statements[0]) for s in mine)  # data columns only, no draft columns
    old_lines = before["statements.csv"].decode("utf-8")
    assert (project / "data" / "statements.csv").read_text(encoding="utf-8").startswith(old_lines)
    build(project / "data", project / "ontology" / "alignkg.ttl", project / "build")


def test_accepting_again_replaces_the_rows(project: Path) -> None:
    folder = draft_of(project, "en_baogang_second.md")
    accept(folder, data_dir=project / "data")
    once = snapshot(project / "data")
    report = accept(folder, data_dir=project / "data")
    assert snapshot(project / "data") == once
    assert report.statements_replaced == report.statements_added > 0


def test_a_reviewed_candidate_is_accepted_and_a_rerun_replaces_it(project: Path) -> None:
    folder = draft_of(project, "en_baogang_second.md")
    accept(folder, data_dir=project / "data")
    entities_file = folder / "entities.csv"
    entities = rows(entities_file)
    header = list(entities[0])
    for row in entities:
        if row["class"] == "ak:Priority" and row["id"].endswith("-1"):
            row["label_en"], row["confidence"] = "Fitting national policy to operations", "0.90"
    with entities_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(entities)
    statements_file = folder / "statements.csv"
    statements = rows(statements_file)
    for row in statements:
        if row["subject"].endswith("-1") or row["object"].endswith("-1"):
            row["confidence"] = "0.90"
    with statements_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(statements[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(statements)
    accept(folder, data_dir=project / "data")
    data = rows(project / "data" / "entities.csv")
    assert [e["label_en"] for e in data if e["class"] == "ak:Priority" and e["source"] == folder.name] == [
        "Fitting national policy to operations"
    ]
    assert len([s for s in rows(project / "data" / "sources.csv") if s["id"] == folder.name]) == 1


def test_nothing_is_written_when_the_result_would_not_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = draft_of(project, "en_baogang_second.md")
    statements_file = folder / "statements.csv"
    text = statements_file.read_text(encoding="utf-8").replace("xsd:date", "xsd:gYear", 1)
    statements_file.write_text(text, encoding="utf-8")
    before = snapshot(project / "data")
    replaced: list[object] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda *a: replaced.append(a) or real_replace(*a))
    with pytest.raises(AlignkgError, match="would not build") as caught:
        accept(folder, data_dir=project / "data")
    assert "data/statements.csv" in str(caught.value) and "gYear" in str(caught.value)
    assert snapshot(project / "data") == before
    assert replaced == []
    assert sorted(p.name for p in (project / "data").iterdir()) == sorted(TABLES)


def test_each_table_is_replaced_from_a_finished_temporary_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = draft_of(project, "en_baogang_second.md")
    replaced: list[tuple[Path, Path, bytes]] = []
    real_replace = os.replace

    def spy(source: object, target: object) -> None:
        if not Path(str(source)).is_symlink():  # the trial build swaps its files in by links
            replaced.append((Path(str(source)), Path(str(target)), Path(str(source)).read_bytes()))
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", spy)
    accept(folder, data_dir=project / "data")
    replaced = [r for r in replaced if r[1].parent == project / "data"]  # not the trial build's own files
    assert sorted(t.name for _, t, _ in replaced) == sorted(TABLES)
    for source, target, content in replaced:
        assert source.parent == target.parent and source.name.endswith(".tmp")
        assert target.read_bytes() == content


def test_low_confidence_rows_without_english_labels_are_left_out(project: Path) -> None:
    folder = draft_of(project, "zh_lanshui_trad.txt")
    report = accept(folder, data_dir=project / "data")
    assert report.entities_added >= 1  # the people, whose English labels are their pinyin
    assert any("names an entity left out" in s for s in report.skipped)
    with pytest.raises(
        AlignkgError, match=r"entities\.csv, row \d+, column 'label_en': needs an English label"
    ):
        accept(folder, data_dir=project / "data", min_confidence=0.0)


def test_an_id_taken_by_another_source_is_refused(project: Path) -> None:
    folder = draft_of(project, "en_baitao_place.txt")
    entities_file = folder / "entities.csv"
    entities = rows(entities_file)
    entities[0]["id"] = "baogang-group"
    with entities_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(entities[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(entities)
    before = snapshot(project / "data")
    with pytest.raises(
        AlignkgError, match="'baogang-group' is already used by source 'baogang-directives-article'"
    ):
        accept(folder, data_dir=project / "data")
    assert snapshot(project / "data") == before
