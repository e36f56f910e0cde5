"""How the build's files reach the disk: replaced as one set even when the process is killed,
leftovers of killed runs removed, a failed write named, and modes that follow the umask."""

from __future__ import annotations

import csv
import errno
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import alignkg
from alignkg.cli import app

OUTPUTS = ("alignkg.jsonld", "alignkg.nq", "alignkg.trig", "alignkg.ttl")
runner = CliRunner()


def graph_files(folder: Path) -> dict[str, bytes]:
    """The four graph files as a reader opening them by name sees them."""
    return {name: (folder / name).read_bytes() for name in OUTPUTS if (folder / name).exists()}


def change_data(project: Path) -> None:
    """Give one entity a new description, so the next build differs from the last."""
    path = project / "data" / "entities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    records[0]["description"] = "A description changed by a test."
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def leftovers(folder: Path) -> list[str]:
    """Hidden entries of the folder beyond the set's one link and its one folder."""
    hidden = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    link = folder / ".alignkg"
    live = str(link.readlink()) if link.is_symlink() else None
    return [name for name in hidden if name not in (".alignkg", live)]


# Kills the build with SIGKILL at the N-th rename, replace or symlink call it makes.
KILLER = """
import os, signal, sys
calls = 0
def deadly(function):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == int(sys.argv[1]):
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return call
for name in ("rename", "replace", "symlink"):
    setattr(os, name, deadly(getattr(os, name)))
import alignkg
alignkg.build("data", "ontology/alignkg.ttl", "build")
"""


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4, 5, 6])
def test_a_killed_build_leaves_the_old_set_or_the_new_one(project: Path, kill_at: int) -> None:
    alignkg.build("data", "ontology/alignkg.ttl", "build")
    old = graph_files(project / "build")
    change_data(project)
    alignkg.build("data", "ontology/alignkg.ttl", "expected")
    new = graph_files(project / "expected")
    assert old != new and len(old) == len(new) == 4

    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(kill_at)],
        cwd=project,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert killed.returncode in (0, -9), killed.stderr
    seen = graph_files(project / "build")
    assert seen in (old, new), f"killed at call {kill_at}: a mix of old and new files"

    alignkg.build("data", "ontology/alignkg.ttl", "build")
    assert graph_files(project / "build") == new
    assert leftovers(project / "build") == []
    assert not list((project / "build").glob("*.tmp"))


def test_leftovers_of_killed_runs_are_removed_by_the_next_build(project: Path) -> None:
    build = project / "build"
    alignkg.build("data", "ontology/alignkg.ttl", build)
    (build / ".alignkg.trig.k2j4x9.tmp").write_bytes(b"half a file")
    (build / ".alignkg.nq.0a1b2c3d4e5f.tmp").write_bytes(b"half a file")
    (build / ".alignkg.tmp-99999-abcd").mkdir()
    (build / ".alignkg.tmp-99999-abcd" / "alignkg.trig").write_bytes(b"half a file")
    (build / ".alignkg.0123456789abcdef").mkdir()
    (build / "notes.txt").write_text("the user's own file\n", encoding="utf-8")
    change_data(project)
    alignkg.build("data", "ontology/alignkg.ttl", build)
    assert leftovers(build) == []
    assert not list(build.glob("*.tmp"))
    assert (build / "notes.txt").read_text(encoding="utf-8") == "the user's own file\n"
    assert sorted(p.name for p in build.iterdir() if not p.name.startswith(".")) == sorted(
        [*OUTPUTS, "notes.txt"]
    )


@pytest.fixture
def full_disk(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every write of bytes into a file below the project fails as on a full disk."""
    real_write, real_fdopen = os.write, os.fdopen

    def in_project(fd: int) -> bool:
        try:
            return str(Path(f"/proc/self/fd/{fd}").readlink()).startswith(str(project))
        except OSError:
            return False

    def write(fd: int, data: bytes) -> int:
        if in_project(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    class Full:
        def __init__(self, handle: object) -> None:
            self._handle = handle

        def write(self, _data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> object:
            return getattr(self._handle, name)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self._handle.close()  # type: ignore[attr-defined]

    def fdopen(fd: int, *args: object, **kwargs: object) -> object:
        handle = real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]
        return Full(handle) if in_project(fd) else handle

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fdopen", fdopen)
    yield


def test_a_full_disk_names_the_file_and_changes_nothing(project: Path, full_disk: None) -> None:
    assert not (project / "build").exists()
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "No space left on device" in message, message
    assert any(f"{Path('build', name)}: cannot write" in message for name in OUTPUTS), message
    assert not (project / "build").exists() or list((project / "build").iterdir()) == []


def test_a_file_too_large_for_the_limit_is_named(project: Path) -> None:
    alignkg.build("data", "ontology/alignkg.ttl", "build")
    old = graph_files(project / "build")
    change_data(project)
    # a limit between the largest file (N-Quads) and the others, so only that file cannot be written
    sizes = sorted(len(content) for content in old.values())
    limit = (sizes[-2] + sizes[-1]) // 2
    assert max(old, key=lambda name: len(old[name])) == "alignkg.nq"
    limited = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from alignkg.cli import main\n"
        "sys.argv = ['alignkg', 'build']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", limited], cwd=project, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "build/alignkg.nq: cannot write output: File too large" in done.stderr, done.stderr
    assert graph_files(project / "build") == old
    assert leftovers(project / "build") == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_written_files_follow_the_umask(project: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        assert runner.invoke(app, ["build"]).exit_code == 0
        assert runner.invoke(app, ["view"]).exit_code == 0
        assert runner.invoke(app, ["docs"]).exit_code == 0
        assert runner.invoke(app, ["report"]).exit_code == 0
    finally:
        os.umask(previous)
    build = project / "build"
    for name in (*OUTPUTS, "alignkg.html", "ontology.html", "report.html", "report.md"):
        assert stat.S_IMODE((build / name).stat().st_mode) == mode, name
    folder_mode = mode | ((mode & 0o444) >> 2)  # read lets in, as for a folder made by mkdir
    assert stat.S_IMODE((build / "alignkg.trig").resolve().parent.stat().st_mode) == folder_mode


def test_a_build_over_a_copy_that_followed_the_links_replaces_it(project: Path) -> None:
    import shutil

    alignkg.build("data", "ontology/alignkg.ttl", "first")
    shutil.copytree(project / "first", project / "build", symlinks=False)  # links become files
    change_data(project)
    alignkg.build("data", "ontology/alignkg.ttl", "build")
    alignkg.build("data", "ontology/alignkg.ttl", "expected")
    assert graph_files(project / "build") == graph_files(project / "expected")
    assert leftovers(project / "build") == []
