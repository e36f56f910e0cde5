"""``alignkg build``: read the tables, check them, build the dataset and write it to ``build/``
in four serialisations. Nothing in ``build/`` changes unless every step succeeds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from alignkg.checks.findings import ValidationError, ValidationReport
from alignkg.checks.inference import infer as materialise_entailments
from alignkg.checks.validation import load_shapes, shapes_path_for, validate_graph
from alignkg.model.files import DEFAULT_BUILD_DIR, DEFAULT_DATA_DIR, DEFAULT_ONTOLOGY, write_file_set
from alignkg.model.graph import BuiltGraph, check_and_build
from alignkg.model.ontology import load_ontology
from alignkg.model.serialize import Format, serialize_all
from alignkg.model.tables import read_tables
from alignkg.model.terms import compact_iri

GRAPH_BASENAME = "alignkg"
OUTPUT_FORMATS = (Format.TRIG, Format.TURTLE, Format.JSONLD, Format.NQUADS)

Progress = Callable[[str], None]
"""A callback told, in a few words, which step the build has reached."""


@dataclass
class BuildReport:
    """What a build produced: files written and the counts a researcher checks first."""

    files: list[Path]
    triples: int
    triples_per_graph: dict[str, int]
    entities_per_class: dict[str, int]
    statements_per_source: dict[str, int]
    built: BuiltGraph = field(repr=False)
    validation: ValidationReport = field(default_factory=ValidationReport)
    inferred: int = 0

    @property
    def dataset(self) -> Dataset:
        """The built dataset, in memory."""
        return self.built.dataset


def build_graph(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    ontology_path: Path | str = DEFAULT_ONTOLOGY,
) -> BuiltGraph:
    """Read and check the tables and return the dataset in memory, writing nothing."""
    ontology = load_ontology(ontology_path)
    return check_and_build(read_tables(data_dir), ontology)


def build(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    ontology_path: Path | str = DEFAULT_ONTOLOGY,
    out_dir: Path | str = DEFAULT_BUILD_DIR,
    *,
    shapes_path: Path | str | None = None,
    infer: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the graph from ``data_dir`` and write TriG, Turtle, JSON-LD and N-Quads to ``out_dir``.

    The graph is checked against the SHACL shapes (``shapes.ttl`` beside the ontology unless
    ``shapes_path`` is given) and not written if it violates them, unless ``force``. With
    ``infer``, what the ontology implies is added in the named graph ``akg:inferred``.

    Raises AlignkgError (or DataError, listing every problem with its file, row and column) and
    then leaves ``out_dir`` exactly as it was.
    """
    tell = progress or (lambda _step: None)
    tell("reading tables")
    tables = read_tables(data_dir)
    ontology = load_ontology(ontology_path)
    shapes = load_shapes(shapes_path or shapes_path_for(ontology_path))
    tell("checking and building RDF")
    built = check_and_build(tables, ontology)
    tell("validating against the shapes")
    validation = validate_graph(built, shapes)
    if not validation.conforms and not force:
        raise ValidationError(validation)
    inferred = 0
    if infer:
        tell("inferring")
        inferred = len(materialise_entailments(built.dataset))
    tell("serialising " + ", ".join(fmt.value for fmt in OUTPUT_FORMATS))
    written = serialize_all(built.dataset, OUTPUT_FORMATS)
    outputs = {f"{GRAPH_BASENAME}{fmt.suffix}": written[fmt] for fmt in OUTPUT_FORMATS}
    tell("writing files")
    files = write_file_set(out_dir, outputs, name=GRAPH_BASENAME)

    dataset = built.dataset
    per_graph = {
        compact_iri(str(c.identifier)): len(c)
        for c in sorted(dataset.graphs(), key=lambda c: str(c.identifier))
        if len(c)
    }
    classes = Counter(e.cls for e in tables.entities)
    statements = Counter(s.source for s in tables.statements)
    return BuildReport(
        files=files,
        triples=sum(per_graph.values()),
        triples_per_graph=per_graph,
        entities_per_class=dict(sorted(classes.items())),
        statements_per_source={
            src.id: statements.get(src.id, 0) for src in sorted(tables.sources, key=lambda r: r.id)
        },
        built=built,
        validation=validation,
        inferred=inferred,
    )
