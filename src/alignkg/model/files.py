"""Where alignkg reads and writes by default, and writing a set of files so that either all of
them are replaced or none is."""

from __future__ import annotations

import os
import tempfile
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


def write_atomically(outputs: dict[Path, bytes]) -> None:
    """Write every file to a temporary name beside its target, then rename them all into place.

    If any write fails, the temporary files are removed and no target is touched.
    """
    staged: list[tuple[Path, Path]] = []
    tmp: str
    try:
        for path, data in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                staged.append((Path(tmp), path))
                handle.write(data)
    except OSError as exc:
        for staged_tmp, _ in staged:
            staged_tmp.unlink(missing_ok=True)
        raise AlignkgError(f"cannot write output: {exc.strerror}", Location(exc.filename or "")) from exc
    for staged_tmp, path in staged:
        staged_tmp.replace(path)
