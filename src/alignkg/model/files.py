"""Where alignkg reads and writes by default, and writing files so that a reader never sees one
half-written, nor (for the graph files of a build) a new file beside old ones.

Files are created with mode 0666 less the user's umask (0644 by default), like any other tool's,
written and flushed to disk (fsync) under a temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from alignkg.model.errors import AlignkgError, Location

DEFAULT_DATA_DIR = Path("data")
"""The folder of curated tables: sources.csv, entities.csv and statements.csv."""
DEFAULT_ONTOLOGY = Path("ontology/alignkg.ttl")
"""The ontology file; its SHACL shapes are ``shapes.ttl`` beside it."""
DEFAULT_BUILD_DIR = Path("build")
"""Where the graph files, views and reports are written."""
DEFAULT_GRAPH_FILE = DEFAULT_BUILD_DIR / "alignkg.trig"
"""The graph file commands read when given none."""
DEFAULT_VIEW_FILE = DEFAULT_BUILD_DIR / "alignkg.html"
"""The HTML view ``alignkg view`` writes."""
DEFAULT_DOCS_FILE = DEFAULT_BUILD_DIR / "ontology.html"
"""The ontology documentation page ``alignkg docs`` writes."""
DEFAULT_REPORT_TITLE = "Alignment report"
"""The alignment report's title unless one is given."""
DEFAULT_SITE_DIR = DEFAULT_BUILD_DIR / "site"
"""The folder ``alignkg site`` writes the static site to."""
DEFAULT_SITE_TITLE = "alignkg: enterprises, people and the directives they follow"
"""The static site's title unless one is given."""

_STAGING = "tmp-"
_LINK = "link-"
_GENERATION = re.compile(r"[0-9a-f]{16}")


def _failure(exc: OSError, path: Path) -> AlignkgError:
    """An error naming the file that could not be written (``os.write`` gives no file name)."""
    reason = exc.strerror or str(exc)
    return AlignkgError(f"cannot write output: {reason}; nothing was replaced", Location(path))


def _write_file(path: Path, data: bytes) -> None:
    """Create ``path`` (which must not exist) with the umask's mode, write it and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that two alignkg processes writing into it take
    turns, and a temporary file found while holding it is known to be a killed run's."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks on folders
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def _remove_stale_temporaries(folder: Path, names: list[str]) -> None:
    """Delete what killed runs left behind while writing ``names`` in ``folder``."""
    for name in names:
        for stale in folder.glob(f".{glob_escape(name)}.*.tmp"):
            _remove(stale)


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters taken literally."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def write_atomically(outputs: dict[Path, bytes]) -> None:
    """Write every file to a temporary name beside its target, then rename them all into place.

    If any write fails (a full disk, say), the temporary files are removed, no target is touched
    and the error names the file that could not be written. Temporary files left by a killed run
    are removed first.
    """
    folders = sorted({path.parent for path in outputs})
    try:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failure(exc, Path(exc.filename or folders[0])) from exc
    with contextlib.ExitStack() as locks:
        for folder in folders:
            locks.enter_context(_locked(folder))
            _remove_stale_temporaries(folder, [p.name for p in outputs if p.parent == folder])
        staged: list[tuple[Path, Path]] = []
        try:
            for path, data in outputs.items():
                tmp = _temporary(path)
                staged.append((tmp, path))
                _write_file(tmp, data)
        except OSError as exc:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise _failure(exc, staged[-1][1]) from exc
        for tmp, path in staged:
            tmp.replace(path)
        for folder in folders:
            _sync_folder(folder)


def write_file_set(folder: Path | str, files: dict[str, bytes], *, name: str) -> list[Path]:
    """Write ``files`` (file name to bytes) into ``folder`` as one set: a reader sees either the
    whole previous set or the whole new one, never a mix, even if the process is killed.

    The files are written into a new hidden folder ``.NAME.DIGEST`` and swapped in by renaming
    one symbolic link, ``.NAME``, to point at it; each ``folder/FILE`` is a link to
    ``.NAME/FILE``. The previous set and whatever a killed run left behind are removed. Where
    symbolic links cannot be made, each file is replaced atomically on its own.
    """
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _failure(exc, target) from exc
    paths = [target / file for file in sorted(files)]
    if not _links_supported(target):
        write_atomically({target / file: data for file, data in files.items()})
        return paths
    with _locked(target):
        _remove_stale_temporaries(target, sorted(files))
        current = target / f".{name}"
        if current.is_dir() and not current.is_symlink():  # a copy that followed the links
            current.rename(target / f".{name}.{_STAGING}copied-{secrets.token_hex(4)}")
        live = _readlink(current)
        generation = f".{name}.{_digest(files)}"
        for entry in target.glob(f".{glob_escape(name)}.*"):
            kind = entry.name[len(name) + 2 :]
            ours = kind.startswith((_STAGING, _LINK)) or _GENERATION.fullmatch(kind)
            if ours and entry.name != live:
                _remove(entry)  # a killed run's, or a set no link points at
        if live != generation:
            _stage(target, name, generation, files)
            _point(current, generation, name)
            if live and _GENERATION.fullmatch(live[len(name) + 2 :]):
                _remove(target / live)
        for file in sorted(files):
            link = target / file
            if _readlink(link) != f".{name}/{file}":
                if link.is_dir() and not link.is_symlink():
                    raise AlignkgError("is a folder; cannot write the graph file there", Location(link))
                _point(link, f".{name}/{file}", name)
        _sync_folder(target)
    return paths


def _digest(files: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for file in sorted(files):
        hasher.update(file.encode("utf-8") + b"\0" + hashlib.sha256(files[file]).digest())
    return hasher.hexdigest()[:16]


def _stage(target: Path, name: str, generation: str, files: dict[str, bytes]) -> None:
    """Write the set into a staging folder, flush it, and rename it to ``generation``."""
    staging = target / f".{name}.{_STAGING}{os.getpid()}-{secrets.token_hex(4)}"
    written = target
    try:
        staging.mkdir(0o777)  # the umask decides who may look inside, as for the files
        for file in sorted(files):
            written = target / file
            _write_file(staging / file, files[file])
        _sync_folder(staging)
        staging.rename(target / generation)
    except OSError as exc:
        _remove(staging)
        raise _failure(exc, written) from exc


def _point(link: Path, destination: str, name: str) -> None:
    """Make ``link`` a symbolic link to ``destination`` by renaming a new link over it."""
    tmp = link.with_name(f".{name}.{_LINK}{secrets.token_hex(6)}")
    try:
        tmp.symlink_to(destination)
        tmp.replace(link)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _failure(exc, link) from exc


def _readlink(path: Path) -> str | None:
    try:
        return str(path.readlink())
    except OSError:
        return None


def _links_supported(folder: Path) -> bool:
    """Whether symbolic links can be made in ``folder`` (not always so on Windows)."""
    if os.name != "nt":
        return True
    probe = folder / f".alignkg-probe-{secrets.token_hex(4)}"
    try:
        probe.symlink_to(".")
    except OSError:
        return False
    probe.unlink()
    return True
