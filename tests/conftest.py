"""Shared fixtures: the shipped data built once per session, and a scratch copy of the project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import alignkg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> alignkg.BuildReport:
    """The shipped data built once into a temporary folder."""
    return alignkg.build(DATA, ONTOLOGY, tmp_path_factory.mktemp("build"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ and ontology/ in a temporary folder that is also the working directory."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ONTOLOGY.parent, tmp_path / "ontology")
    monkeypatch.chdir(tmp_path)
    return tmp_path
