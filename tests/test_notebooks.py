"""The notebooks run top to bottom in a fresh kernel, leave the project as they found it, and show
the answers they promise. They are committed without outputs."""

from __future__ import annotations

import functools
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import alignkg

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
EXPLORE = NOTEBOOKS / "01_explore.ipynb"

# Folders git ignores (or that hold git itself): a notebook may write there, nowhere else.
IGNORED_PARTS = {".git", ".venv", "build", ".pytest_cache", ".mypy_cache", ".ruff_cache", "__pycache__"}
IGNORED_PARTS |= {".ipynb_checkpoints"}
IGNORED_PREFIXES = (("bench", "results"),)

PRIORITY_LABELS = [
    "Translating national directives into corporate action",
    "Strengthening Party discipline and anti-corruption",
    "Enhancing safety and risk mitigation",
]


def project_files() -> dict[str, str]:
    """SHA-256 of every file in the project outside the ignored folders, by relative path."""
    digests: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        if any(p in IGNORED_PARTS or p.endswith(".egg-info") for p in parts):
            continue
        if any(parts[: len(prefix)] == prefix for prefix in IGNORED_PREFIXES):
            continue
        if path.is_file():
            digests["/".join(parts)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


@dataclass(frozen=True)
class Execution:
    """A notebook after running it, and the project files the run added, changed or removed."""

    notebook: nbformat.NotebookNode
    changed: list[str]


@functools.cache
def execute(path: Path) -> Execution:
    """Run ``path`` once per test session in a fresh python3 kernel started in the notebooks folder.

    The executed copy stays in memory; the file on disk is not rewritten.
    """
    notebook = nbformat.read(path, as_version=4)
    before = project_files()
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(NOTEBOOKS)}},  # the kernel's working directory
    )
    client.execute()
    after = project_files()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return Execution(notebook, changed)


def cell(notebook: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    """The cell with id ``cell_id``."""
    for candidate in notebook.cells:
        if candidate.get("id") == cell_id:
            return candidate
    raise AssertionError(f"no cell with id {cell_id!r}")


def output_text(code_cell: nbformat.NotebookNode, mime: str = "text/plain") -> str:
    """Everything a code cell printed, plus its rich outputs of type ``mime``, as one string."""
    pieces: list[str] = []
    for output in code_cell.get("outputs", []):
        if output["output_type"] == "stream":
            pieces.append(output["text"])
        elif "data" in output:
            pieces.append(output["data"].get(mime, ""))
    return "\n".join(pieces)


def test_there_are_notebooks() -> None:
    assert EXPLORE in NOTEBOOK_FILES


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for code_cell in (c for c in notebook.cells if c.cell_type == "code"):
        assert code_cell.outputs == [], f"{path.name}: cell {code_cell.get('id')} has stored outputs"
        assert code_cell.execution_count is None, f"{path.name}: cell {code_cell.get('id')} has a count"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_runs_top_to_bottom_without_touching_the_project(path: Path) -> None:
    execution = execute(path)  # raises CellExecutionError, with the cell and traceback, on any error
    errors = [
        output
        for c in execution.notebook.cells
        for output in c.get("outputs", [])
        if output["output_type"] == "error"
    ]
    assert errors == []
    assert execution.changed == [], f"{path.name} changed project files: {execution.changed}"


@pytest.mark.notebook
def test_explore_finds_the_project_root_from_the_notebooks_folder() -> None:
    notebook = execute(EXPLORE).notebook
    assert f"project folder: {ROOT}" in output_text(cell(notebook, "setup"))


@pytest.mark.notebook
def test_explore_builds_into_a_temporary_folder_it_removes() -> None:
    notebook = execute(EXPLORE).notebook
    built = re.search(r"(\d+) triples written to (.+):\n", output_text(cell(notebook, "build")))
    assert built is not None
    out_dir = Path(built.group(2))
    assert ROOT not in out_dir.parents
    assert not out_dir.exists()
    summary = output_text(cell(notebook, "summary"))
    for graph in ("akg:baogang-directives-article", "akg:meta", "akg:ontology"):
        assert graph in summary
    reread = re.search(r"read (\d+) triples back .*reported (\d+)", output_text(cell(notebook, "reload")))
    assert reread is not None
    assert reread.group(1) == reread.group(2) == built.group(1)


@pytest.mark.notebook
def test_explore_lists_every_shipped_query() -> None:
    catalogue = output_text(cell(execute(EXPLORE).notebook, "catalogue"))
    for named in alignkg.shipped_queries():
        assert named.name in catalogue
        assert named.question in catalogue


@pytest.mark.notebook
def test_explore_shows_the_lags_of_the_dated_directives() -> None:
    lag = cell(execute(EXPLORE).notebook, "lag")
    text = output_text(lag)
    assert (
        "The meeting of 2025-01-09 came 1 day after Xi Jinping's address to the 20th CCDI "
        "(2025-01-08, the last day of its occasion)."
    ) in text
    assert (
        "The meeting of 2025-06-09 came 4 days after Xi Jinping's phone call with Donald Trump (2025-06-05)."
        in text
    )
    assert "Dingri" not in text  # no page held dates the earthquake or Xi's guidance on it
    table = output_text(lag, "text/html")
    assert "<th>lagDays</th>" in table and "<th>basis</th>" in table
    assert "<td>10</td>" in table


@pytest.mark.notebook
def test_explore_binds_the_entity_parameter() -> None:
    text = output_text(cell(execute(EXPLORE).notebook, "evidence"))
    assert "President of the People's Republic of China" in text
    assert "Meng Fanying" not in text  # the query's default entity


@pytest.mark.notebook
def test_explore_traces_xi_jinping_to_each_priority_with_sources() -> None:
    notebook = execute(EXPLORE).notebook
    assert "akid:baogang-group" in output_text(cell(notebook, "centrality"))
    paths = cell(notebook, "paths")
    text = output_text(paths)
    for label in PRIORITY_LABELS:
        assert re.search(rf"path \d: Xi Jinping → .+ → {re.escape(label)}\n", text), label
    assert "issued by" in text
    assert "aksrc:baogang-directives-article" in text
    assert "The address to the commission is Xi's." in text
    assert "NaN" not in text  # every step found its evidence


@pytest.mark.notebook
def test_explore_embeds_the_view_without_a_file_server() -> None:
    page = output_text(cell(execute(EXPLORE).notebook, "view"), "text/html")
    srcdoc = re.search(r'<iframe [^>]*srcdoc="([^"]*)"', page)
    assert srcdoc is not None
    inner = html.unescape(srcdoc.group(1))
    assert inner.startswith("<!DOCTYPE html>")
    assert "Baogang Group and the national directives it follows" in inner
    assert "Xi Jinping" in inner


ALIGNMENT = NOTEBOOKS / "02_alignment.ipynb"
EXTEND = NOTEBOOKS / "03_extend.ipynb"


def test_alignment_and_extend_notebooks_exist() -> None:
    assert ALIGNMENT in NOTEBOOK_FILES
    assert EXTEND in NOTEBOOK_FILES


@pytest.mark.notebook
def test_alignment_lists_the_dated_chains_and_how_their_priorities_are_tied() -> None:
    text = output_text(cell(execute(ALIGNMENT).notebook, "chains"))
    assert "over 21 meetings that studied a directive, of 2 enterprises" in text
    meeting = "Baogang Party Standing Committee meeting of 9 January 2025 (2025-01-09)"
    address = "Xi Jinping's address to the 20th CCDI (2025-01-08, the last day of its occasion)"
    assert f"{address} -> {meeting}: lag 1 days; priorities tied: meeting" in text
    cewc = "Xi Jinping's speech at the Central Economic Work Conference of December 2024"
    assert f"{cewc} (2024-12-12, the last day of its occasion) -> " in text
    assert "Dingri" not in text  # an undated directive has no lag to print


@pytest.mark.notebook
def test_alignment_prints_the_metrics_with_their_counts() -> None:
    text = output_text(cell(execute(ALIGNMENT).notebook, "metrics"))
    for line in (
        "meetings: 18, of which citing a central directive: 16",
        "directives followed: 25",
        "median lag: 6.0 days over 10 lags",
        "priorities stated to serve a directive: 9 of 47",
        "priorities at a meeting that studied a directive: 43 of 47",
        "links resting only on background knowledge: 0 of 135",
    ):
        assert line in text


@pytest.mark.notebook
def test_alignment_draws_its_plots_and_labels_the_comparison_fictional() -> None:
    notebook = execute(ALIGNMENT).notebook
    for cell_id in ("timeline", "centrality", "compare"):
        outputs = cell(notebook, cell_id).get("outputs", [])
        assert any("image/png" in o.get("data", {}) for o in outputs), cell_id
    assert "Northwind Steel Group (fictional)" in output_text(cell(notebook, "compare"))
    assert "runs from the last day of its occasion" in output_text(cell(notebook, "gaps"))
    cascade = output_text(cell(notebook, "cascade"))
    assert "2. China Northern Rare Earth Group: 2025-12-16, 264 days after Baogang Group" in cascade
    paths = output_text(cell(notebook, "paths"))
    assert "shortest paths of 3 steps each" in paths and "Xi Jinping" in paths
    assert "NaN" not in paths  # every step found its evidence


@pytest.mark.notebook
def test_extend_validates_rebuilds_and_shows_the_new_chain() -> None:
    notebook = execute(EXTEND).notebook
    assert "enterprises: ['Baogang Group', 'China Northern Rare Earth Group']" in output_text(
        cell(notebook, "before")
    )
    validate = output_text(cell(notebook, "validate"))
    assert "quotes from fictional-example-note: all found where stated" in validate
    assert "0 violations" in validate
    three = "['Baogang Group', 'China Northern Rare Earth Group', 'Example Steel Company (fictional)']"
    assert f"enterprises: {three}" in output_text(cell(notebook, "build"))
    new_chain = output_text(cell(notebook, "new-chain"))
    assert "new chain: Example directive on plant safety (fictional) (2025-01-13)" in new_chain
    assert "lag 7 days, priority 'Safer blast furnaces (fictional)' (item)" in new_chain
    assert "Example Steel Company (fictional)" in output_text(cell(notebook, "metrics"))
    assert "the report shows the new enterprise: True" in output_text(cell(notebook, "report"))
    removed = re.search(r"removed (\S+)", output_text(cell(notebook, "cleanup")))
    assert removed is not None and not Path(removed.group(1)).exists()
