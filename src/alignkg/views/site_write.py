"""Writing the static site's files: into a folder beside the target, swapped in only when complete,
with the profile pages shared among worker processes on machines with more than one core.

A rebuild hard-links every file whose bytes have not changed from the previous site instead of
writing it again, so replacing a large site costs little more than its changes.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkg.model.errors import AlignkgError, Location

MARKER = ".alignkg-site"
"""A file in every written site, so rebuilding replaces only a folder that alignkg wrote."""

PARALLEL_FROM = 2_000
"""Sites with fewer profile pages than this are written by one process."""

Progress = Callable[[str, int, int], None]
Render = Callable[[str], tuple[str, bytes]]


@dataclass
class Written:
    """What was written: files, bytes, and the pages among them."""

    files: int = 0
    bytes: int = 0
    entities: int = 0
    sources: int = 0
    largest_page: int = 0
    sizes: dict[str, int] = field(default_factory=dict)

    def merge(self, other: Written) -> None:
        self.files += other.files
        self.bytes += other.bytes
        self.entities += other.entities
        self.sources += other.sources
        self.largest_page = max(self.largest_page, other.largest_page)
        self.sizes.update(other.sizes)


class Folder:
    """A staging folder that files are put into, linked to the previous site's unchanged files."""

    def __init__(self, staging: Path, previous: Path | None) -> None:
        self.staging, self.previous = staging, previous
        self.made: set[Path] = set()
        self.written = Written()

    def fresh(self) -> Folder:
        """The same folder with nothing counted yet, for a share of the pages."""
        other = Folder(self.staging, self.previous)
        other.made = set(self.made)
        return other

    def put(self, name: str, content: bytes) -> None:
        path = self.staging / name
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        if not self._link_unchanged(name, content, path):
            path.write_bytes(content)
        written = self.written
        written.files += 1
        written.bytes += len(content)
        if name.startswith(("entity/", "source/")):
            if name.startswith("entity/"):
                written.entities += 1
            else:
                written.sources += 1
            written.largest_page = max(written.largest_page, len(content))
        else:
            written.sizes[name] = len(content)

    def _link_unchanged(self, name: str, content: bytes, path: Path) -> bool:
        if self.previous is None:
            return False
        old = self.previous / name
        try:
            if old.stat().st_size != len(content) or old.read_bytes() != content:
                return False
            os.link(old, path)
        except OSError:
            return False
        return True


def check_target(target: Path) -> None:
    """Refuse to replace a folder that holds anything but a site alignkg wrote."""
    if target.exists() and not target.is_dir():
        raise AlignkgError("the site's output is a file, not a folder", Location(target))
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise AlignkgError(
            "this folder holds files that are not a site written by alignkg; "
            "choose another --out or empty it first",
            Location(target),
        )


def _work(render: Render, names: list[str], folder: Folder, messages: Any) -> None:
    """A worker: render and put its share of the pages, telling the parent every 200 pages."""
    local = folder.fresh()
    try:
        for i, name in enumerate(names, start=1):
            local.put(*render(name))
            if i % 200 == 0:
                messages.put(("done", 200))
        messages.put(("finished", local.written))
    except BaseException as exc:
        messages.put(("failed", f"{type(exc).__name__}: {exc}"))


def _parallel(render: Render, names: list[str], folder: Folder, workers: int, tell: Progress) -> Written:
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    shares = [names[i::workers] for i in range(workers)]
    processes = [context.Process(target=_work, args=(render, share, folder, messages)) for share in shares]
    for process in processes:
        process.start()
    written, done, finished = Written(), 0, 0
    try:
        while finished < workers:
            try:
                kind, value = messages.get(timeout=1.0)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise AlignkgError("a worker writing the site's pages stopped unexpectedly") from None
                continue
            if kind == "failed":
                raise AlignkgError(f"cannot write the site's pages: {value}")
            if kind == "done":
                done += value
                tell("writing pages", done, len(names))
            else:
                written.merge(value)
                finished += 1
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
    return written


def write_profiles(
    render: Render, names: list[str], folder: Folder, *, workers: int | None, tell: Progress
) -> Written:
    """Render and put every profile page, in worker processes when there are many pages and cores;
    the files are the same whichever way they are written."""
    count = workers if workers is not None else min(2, os.cpu_count() or 1)
    forking = "fork" in multiprocessing.get_all_start_methods()
    if count > 1 and forking and (workers is not None or len(names) >= PARALLEL_FROM):
        return _parallel(render, names, folder, count, tell)
    local = folder.fresh()
    for i, name in enumerate(names, start=1):
        local.put(*render(name))
        if i % 250 == 0:
            tell("writing pages", i, len(names))
    return local.written


def swap(staging: Path, target: Path) -> None:
    """Put the new site in place of the old one with two renames, then delete the old one."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
