"""The synthetic generator: deterministic, linear in size, and every shipped query answers on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal
from typer.testing import CliRunner

import alignkg
from alignkg.builder import synth
from alignkg.cli import app

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"
NAMES = [q.name for q in alignkg.shipped_queries()]


@pytest.fixture(scope="module")
def small() -> Dataset:
    return synth.generate(enterprises=4, seed=1, ontology=ONTOLOGY)


def test_same_seed_gives_the_same_file_and_other_seeds_differ(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.nq", tmp_path / "b.nq", tmp_path / "c.nq"
    synth.write_synthetic(a, enterprises=3, seed=7, ontology=ONTOLOGY)
    synth.write_synthetic(b, enterprises=3, seed=7, ontology=ONTOLOGY)
    synth.write_synthetic(c, enterprises=3, seed=8, ontology=ONTOLOGY)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_size_grows_linearly(tmp_path: Path) -> None:
    small = synth.write_synthetic(tmp_path / "s.nq", enterprises=10, ontology=ONTOLOGY)
    large = synth.write_synthetic(tmp_path / "l.nq", enterprises=30, ontology=ONTOLOGY)
    per_enterprise = (large - small) / 20
    assert abs(per_enterprise - synth.QUADS_PER_ENTERPRISE) < 0.05 * synth.QUADS_PER_ENTERPRISE


def test_file_parses_as_nquads_with_named_graphs(tmp_path: Path) -> None:
    path = tmp_path / "g.nq"
    count = synth.write_synthetic(path, enterprises=2, ontology=ONTOLOGY)
    dataset = alignkg.load_dataset(path)
    assert len(dataset) == count
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/alignkg/graph/synth-article-1" in names
    assert "https://w3id.org/alignkg/graph/synth-background-1" in names
    assert "https://w3id.org/alignkg/graph/meta" in names


def test_labels_say_synthetic_in_english_and_chinese(small: Dataset) -> None:
    frame = alignkg.query(small, "SELECT ?l WHERE { akid:synth-enterprise-2 rdfs:label ?l }")
    labels = set(frame["l"])
    assert any(label.startswith("Synthetic ") for label in labels)
    assert any(label.startswith("合成") for label in labels)
    english = alignkg.query(
        small,
        'SELECT ?l WHERE { ?e rdfs:label ?l FILTER(lang(?l) = "en") FILTER(STRSTARTS(STR(?e), STR(akid:))) }',
    )
    assert all("Synthetic" in label or "synthetic" in label for label in english["l"])


@pytest.mark.parametrize("name", NAMES)
def test_every_shipped_query_answers(small: Dataset, name: str) -> None:
    params = synth.sample_parameters(4).get(name)
    result = alignkg.run_query(small, name, params)
    assert result.rows, name
    assert all(any(term is not None for term in row) for row in result.rows)


def test_directive_lags_are_positive(small: Dataset) -> None:
    frame = alignkg.query(small, "directive-lag")
    assert len(frame) == 7  # one directive for the first meeting, two for each later one
    assert all(2 <= lag <= 7 for lag in frame["lagDays"])


def test_enterprises_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(alignkg.AlignkgError, match="1 or more"):
        synth.write_synthetic(tmp_path / "x.nq", enterprises=0, ontology=ONTOLOGY)
    assert not list(tmp_path.iterdir())


def test_only_nquads_files(tmp_path: Path) -> None:
    with pytest.raises(alignkg.AlignkgError, match=r"\*\.nq"):
        synth.write_synthetic(tmp_path / "x.trig", enterprises=1, ontology=ONTOLOGY)


def test_cli_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "synthetic.nq"
    result = CliRunner().invoke(
        app, ["synth", "--enterprises", "2", "--seed", "3", "--out", str(out), "--ontology", str(ONTOLOGY)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert f"wrote {len(lines)} quads" in result.stdout
    assert Literal("Synthetic Meeting 1", lang="en").n3() in "\n".join(lines)


def test_cli_refuses_zero(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--enterprises", "0", "--out", str(tmp_path / "x.nq")])
    assert result.exit_code != 0
