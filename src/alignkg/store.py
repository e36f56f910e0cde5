"""Opening a built graph: serialised files read into an rdflib Dataset whose default graph is the
union of all named graphs, so queries see every source unless they ask for one."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from alignkg.errors import AlignkgError, Location
from alignkg.serialize import Format

DEFAULT_GRAPH_FILE = Path("build/alignkg.trig")

_RDFLIB_FORMATS = {
    Format.TRIG: "trig",
    Format.TURTLE: "turtle",
    Format.JSONLD: "json-ld",
    Format.NQUADS: "nquads",
    Format.NTRIPLES: "nt",
}


def load_dataset(*paths: Path | str) -> Dataset:
    """Read one or more RDF files (TriG, N-Quads, Turtle, N-Triples, JSON-LD) into a Dataset.

    With no path, reads ``build/alignkg.trig``. Named graphs in the files are kept.
    """
    dataset = Dataset(default_union=True)
    for path in paths or (DEFAULT_GRAPH_FILE,):
        file = Path(path)
        if not file.is_file():
            hint = " (run 'alignkg build' first)" if file == DEFAULT_GRAPH_FILE else ""
            raise AlignkgError(f"graph file not found{hint}", Location(file))
        fmt = Format.from_suffix(file.suffix.lower())
        if fmt is None:
            raise AlignkgError(
                f"unknown RDF file type {file.suffix!r}; use .trig, .nq, .ttl, .nt or .jsonld",
                Location(file),
            )
        try:
            dataset.parse(file, format=_RDFLIB_FORMATS[fmt])
        except Exception as exc:  # rdflib's parsers raise many unrelated types
            raise AlignkgError(f"cannot parse {fmt.value}: {exc}", Location(file)) from exc
    return dataset
