"""The bad-input catalogue: each folder of ``tests/bad_input/`` (but ``base``) holds the tables it
changes from ``base/``, a ``case.toml`` (what it shows, the exit codes of ``build`` and
``validate``, files to remove) and ``expected.txt``, the exact error ``alignkg build`` prints.
Each case is built over a previous good build, which must be left byte for byte as it was."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS
from typer.testing import CliRunner

from alignkg.cli import app

CATALOGUE = Path(__file__).resolve().parent / "bad_input"
BASE = CATALOGUE / "base"
CASES = sorted(p.name for p in CATALOGUE.iterdir() if p.is_dir() and p.name != "base")
TABLES = ("sources.csv", "entities.csv", "statements.csv")

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def prepare(case: str, project: Path, *, good_build: bool = True) -> dict[str, object]:
    """Lay out data/ as the case has it, after a good build of the base tables into build/."""
    shutil.copytree(BASE, project / "data", dirs_exist_ok=True)
    if good_build:
        good = runner.invoke(app, ["build"])
        assert good.exit_code == 0, good.output
    folder = CATALOGUE / case
    spec = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    for name in TABLES:
        if (folder / name).is_file():
            shutil.copyfile(folder / name, project / "data" / name)
    for name in spec.get("remove", []):
        (project / "data" / name).unlink()
    return spec


def test_the_catalogue_has_every_fault() -> None:
    assert len(CASES) == 30
    for case in CASES:
        spec = tomllib.loads((CATALOGUE / case / "case.toml").read_text(encoding="utf-8"))
        assert spec["description"] and spec["build_exit"] in (0, 1) and spec["validate_exit"] in (0, 1, 2)
        assert (CATALOGUE / case / "expected.txt").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_build_reports_the_exact_error_and_leaves_build_untouched(case: str, project: Path) -> None:
    spec = prepare(case, project)
    before = snapshot(project / "build")
    result = runner.invoke(app, ["build"])
    expected = (CATALOGUE / case / "expected.txt").read_text(encoding="utf-8")
    assert result.exit_code == spec["build_exit"], result.output
    if spec["build_exit"]:
        assert result.stderr == expected
        assert snapshot(project / "build") == before
    else:
        assert expected == ""
        assert "Validation: valid: no violations, no warnings" in result.stdout


@pytest.mark.parametrize("case", CASES)
def test_validate_gives_the_same_locations_and_its_exit_code(case: str, project: Path) -> None:
    spec = prepare(case, project, good_build=False)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == spec["validate_exit"], result.output
    expected = (CATALOGUE / case / "expected.txt").read_text(encoding="utf-8")
    if spec["validate_exit"] == 2:
        assert result.stderr == expected
    elif spec["validate_exit"] == 1:
        problems = [line.removeprefix("  ") for line in expected.splitlines()[1:]]
        assert [line.removeprefix("violation: ") for line in result.stdout.splitlines()[1:]] == problems


FORMULA = '=HYPERLINK("http://example.com/x","click")'


def test_formula_is_kept_as_text_in_every_export(project: Path) -> None:
    prepare("formula", project)
    assert runner.invoke(app, ["build"]).exit_code == 0
    meng = URIRef("https://w3id.org/alignkg/id/meng-fanying")
    formats = {".trig": "trig", ".ttl": "turtle", ".jsonld": "json-ld", ".nq": "nquads"}
    for suffix, fmt in formats.items():
        parsed = Dataset(default_union=True)
        parsed.parse(project / "build" / f"alignkg{suffix}", format=fmt)
        assert set(parsed.objects(meng, DCTERMS.description)) == {Literal(FORMULA, lang="en")}, suffix

    view = runner.invoke(app, ["view"])
    assert view.exit_code == 0, view.output
    page = (project / "build" / "alignkg.html").read_text(encoding="utf-8")
    assert 'href="http://example.com/x"' not in page
    assert "example.com" not in page or FORMULA not in page  # the quotes inside are escaped

    sparql = "SELECT ?d WHERE { akid:meng-fanying dcterms:description ?d }"
    as_csv = runner.invoke(app, ["query", sparql, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["d"], ["'" + FORMULA]]
    as_json = runner.invoke(app, ["query", sparql, "--format", "json"])
    assert json.loads(as_json.stdout)["results"]["bindings"][0]["d"]["value"] == FORMULA
