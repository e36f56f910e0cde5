"""The README teaches what works: the tutorial's shell commands, run in order in a scratch copy of
the checkout after the steps of ``make demo``, all exit 0; the only ones left out start a server
or open a browser and say so with a ``# server:`` or ``# browser:`` comment; the first screen names
only Makefile targets that exist."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MAKEFILE = ROOT / "Makefile"
NOT_RUN = re.compile(r"#\s*(server|browser):")
"""The comment that marks a tutorial command the test leaves out."""
STARTS_SERVERS = ("alignkg serve", "alignkg review", "make lab")
"""The only commands that may be left out: each starts a server or opens a browser."""
TAUGHT = (
    "alignkg ingest ",
    "alignkg accept ",
    "alignkg query --list",
    "--param ",
    "alignkg chains",
    "alignkg metrics",
    "alignkg view --focus",
    "alignkg site",
    "alignkg report",
)
"""What the tutorial must show running: ingestion, questions, chains and metrics, and views."""
UNTRACKED = shutil.ignore_patterns(
    ".git", ".venv", "build", "drafts", "try-data", "try-build", "results", "node_modules",
    "__pycache__", ".*_cache", ".hypothesis", "*.egg-info", ".ipynb_checkpoints",
)  # fmt: skip
"""What a fresh checkout does not hold (bench/results is the only folder called results)."""


def section(text: str, heading: str) -> str:
    """The part of the README under ``## heading``, up to the next level-2 heading."""
    found = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found is not None, f"README.md has no '## {heading}' section"
    return found.group(1)


def shell_lines(text: str) -> list[str]:
    """The commands of the ```sh blocks in ``text``, one a line, without comment-only lines."""
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def tutorial() -> tuple[list[str], list[str]]:
    """The tutorial's commands to run, and those marked as starting a server or a browser."""
    lines = shell_lines(section(README.read_text(encoding="utf-8"), "Tutorial"))
    return [c for c in lines if not NOT_RUN.search(c)], [c for c in lines if NOT_RUN.search(c)]


def demo_steps() -> list[str]:
    """The alignkg commands of the Makefile's demo target, as a shell runs them on PATH."""
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", MAKEFILE.read_text(encoding="utf-8"), re.M)
    assert recipe is not None, "the Makefile has no demo target"
    steps = [line.strip() for line in recipe.group(1).splitlines()]
    return [s.replace("$(BIN)/", "") for s in steps if s.startswith("$(BIN)/alignkg ")]


def run(command: str, cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (
        f"README command failed with status {done.returncode}: {command}\n"
        f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    )


def test_the_first_screen_names_only_make_targets_that_exist() -> None:
    readme = README.read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", MAKEFILE.read_text(encoding="utf-8"), re.M))
    named = re.findall(
        r"^make ([\w-]+)", "\n".join(shell_lines(section(readme, "Install and see the graph"))), re.M
    )
    assert {"demo", "test", "lab"} <= set(named)
    assert set(named) <= targets, set(named) - targets


def test_only_servers_and_browsers_are_left_out() -> None:
    commands, left_out = tutorial()
    assert left_out, "the tutorial shows neither alignkg serve nor alignkg review"
    for command in left_out:
        assert command.startswith(STARTS_SERVERS), f"left out, yet it starts no server: {command}"
    for taught in TAUGHT:
        assert any(taught in c for c in commands), f"the tutorial runs no '{taught.strip()}'"


def test_every_tutorial_command_runs_after_make_demo(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=UNTRACKED, symlinks=True)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    if not (Path(sys.executable).parent / "alignkg").is_file() and shutil.which("alignkg") is None:
        pytest.fail("the alignkg console script is not installed beside this Python (pip install -e .)")
    commands, _ = tutorial()
    for command in [*demo_steps(), *commands]:
        run(command, checkout, env)
    assert (checkout / "build" / "alignkg.html").is_file()
    assert (checkout / "try-build" / "alignkg.trig").is_file()
    assert (checkout / "build" / "site" / "index.html").is_file()
    assert (checkout / "build" / "report.html").is_file()
    for table in sorted((ROOT / "data").glob("*.csv")):  # the tutorial works on a copy, as it says
        assert (checkout / "data" / table.name).read_bytes() == table.read_bytes(), table.name
