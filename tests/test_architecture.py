"""The package's shape: no import cycles, short modules, and nothing heavy loaded by ``import
alignkg`` or ``alignkg --help``. (The layer order itself is an import-linter contract in
pyproject.toml, checked by ``make lint``.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "alignkg"

HEAVY_FOR_IMPORT = ("matplotlib", "igraph", "starlette", "uvicorn", "pyshacl", "owlrl")
HEAVY_FOR_HELP = (*HEAVY_FOR_IMPORT, "pandas", "rdflib", "networkx", "pyvis", "jinja2", "httpx", "pyoxigraph")


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("alignkg")
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_under_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400


def _loaded_after(code: str, candidates: tuple[str, ...]) -> list[str]:
    probe = (
        f"{code}\nimport sys\nprint(' '.join(m for m in {candidates!r} if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stderr.split()


def test_import_alignkg_loads_no_heavy_library() -> None:
    assert _loaded_after("import alignkg", HEAVY_FOR_IMPORT) == []


def test_public_names_resolve_on_first_use() -> None:
    loaded = _loaded_after("import alignkg\nassert callable(alignkg.build_graph)", ("rdflib",))
    assert loaded == ["rdflib"]


def test_help_loads_no_rdf_frame_or_server_library() -> None:
    code = (
        "import sys\nfrom alignkg.cli import main\nsys.argv = ['alignkg', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(code, HEAVY_FOR_HELP) == []
