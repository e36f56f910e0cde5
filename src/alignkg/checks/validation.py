"""Validation: the build's integrity checks plus the SHACL shapes of ``ontology/shapes.ttl``, each
problem reported in a researcher's words (entity, property, expected, found) with the CSV file,
row and column of the statement it came from."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.exceptions import ParserError
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from alignkg.checks.findings import SEVERITY_OF, Finding, Severity, ValidationReport
from alignkg.checks.shape_plan import plan_shapes
from alignkg.model.errors import AlignkgError, DataError, Location
from alignkg.model.graph import BuiltGraph, check_and_build
from alignkg.model.ontology import load_ontology
from alignkg.model.tables import Row, read_tables
from alignkg.model.terms import AK, INFERRED_GRAPH, OA, SCHEMA, compact_iri

SHAPES = "https://w3id.org/alignkg/shapes#"
"""Namespace of the shapes in ``ontology/shapes.ttl`` (prefix ``aksh:``)."""
SHAPES_FILE = "shapes.ttl"
"""The shapes file, looked for beside the ontology file unless given."""


# --------------------------------------------------------------------------- entry points


def shapes_path_for(ontology_path: Path | str) -> Path:
    """The shapes file that goes with an ontology file: ``shapes.ttl`` beside it."""
    return Path(ontology_path).parent / SHAPES_FILE


def validate(
    data_dir: Path | str = "data",
    ontology_path: Path | str = "ontology/alignkg.ttl",
    shapes_path: Path | str | None = None,
) -> ValidationReport:
    """Check the tables of ``data_dir`` with the build's integrity checks and the SHACL shapes.

    Problems in the data come back as findings; input that cannot be read at all (a missing or
    unparsable file, wrong columns) raises AlignkgError.
    """
    tables = read_tables(data_dir)
    ontology = load_ontology(ontology_path)
    shapes = load_shapes(shapes_path or shapes_path_for(ontology_path))
    try:
        built = check_and_build(tables, ontology)
    except DataError as exc:
        return ValidationReport([Finding(Severity.violation, e.message, e.location) for e in exc.errors])
    return validate_graph(built, shapes)


def load_shapes(path: Path | str) -> Graph:
    """Parse a SHACL shapes file (Turtle), once per file and modification time."""
    file = Path(path)
    if not file.is_file():
        raise AlignkgError("shapes file not found (give another with --shapes)", Location(file))
    return _parse_shapes(file.resolve(), file.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _parse_shapes(file: Path, _mtime: int) -> Graph:
    graph = Graph()
    try:
        graph.parse(file, format="turtle")
    except (ParserError, SyntaxError, ValueError) as exc:
        raise AlignkgError(f"cannot parse shapes: {exc}", Location(file)) from exc
    return graph


def validate_graph(built: BuiltGraph, shapes: Graph) -> ValidationReport:
    """Check a built dataset's asserted graphs (ontology included) against SHACL shapes."""
    data = Graph()
    for s, p, o, g in built.dataset.quads():
        if g != INFERRED_GRAPH:
            data.add((s, p, o))
    plan = plan_shapes(shapes)
    _conforms, results, _text = shacl_validate(
        data, shacl_graph=plan.graph, inference="none", advanced=plan.advanced, allow_warnings=True
    )
    assert isinstance(results, Graph)
    tracer = _Tracer(built, data, shapes, plan.copied_from)
    findings = [tracer.finding(results, r) for r in results.subjects(RDF.type, SH.ValidationResult)]
    order = list(Severity)
    findings.sort(
        key=lambda f: (
            order.index(f.severity),
            str(f.location.file) if f.location else "",
            f.location.row or 0 if f.location else 0,
            str(f),
        )
    )
    return ValidationReport(findings)


# --------------------------------------------------------------------------- tracing back to rows

_STATEMENT_COLUMNS: dict[Node, str] = {
    RDF.subject: "subject",
    RDF.predicate: "predicate",
    RDF.object: "object",
    PROV.wasDerivedFrom: "source",
    AK.assertedIn: "source",
    AK.locator: "locator",
    AK.evidence: "evidence",
    AK.validFrom: "valid_from",
    AK.validTo: "valid_to",
    AK.tie: "tie",
    OA.hasSelector: "quote",
    OA.exact: "quote",
    OA.start: "quote_start",
    OA.end: "quote_end",
}
_SOURCE_COLUMNS: dict[Node, str] = {
    RDFS.label: "title",
    DCTERMS.title: "title",
    DCTERMS.publisher: "publisher",
    DCTERMS.issued: "issued",
    DCTERMS.description: "description",
    SCHEMA.url: "url",
    RDF.type: "kind",
}
_ENTITY_COLUMNS: dict[Node, str] = {
    RDFS.label: "label_en",
    SKOS.altLabel: "aliases",
    DCTERMS.description: "description",
    RDF.type: "class",
}


class _Tracer:
    """Turns a SHACL result into a Finding, tracing it to the table row it came from."""

    def __init__(self, built: BuiltGraph, data: Graph, shapes: Graph, copied_from: dict[Node, Node]) -> None:
        self.built = built
        self.data = data
        self.shapes = shapes
        self.copied_from = copied_from
        self.rows: dict[tuple[Node, Node], list[tuple[Node, Row]]] = defaultdict(list)
        meta_subject, meta_predicate, meta_object = RDF.subject, RDF.predicate, RDF.object
        for record, row in built.origins.items():
            s, p, o = (data.value(record, t) for t in (meta_subject, meta_predicate, meta_object))
            if s is not None and p is not None and o is not None:
                self.rows[(s, p)].append((o, row))
        for entries in self.rows.values():
            entries.sort(key=lambda e: e[1].row)

    def finding(self, results: Graph, result: Node) -> Finding:
        def res(prop: URIRef) -> Node | None:
            return results.value(result, prop)

        focus = res(SH.focusNode)
        path = res(SH.resultPath)
        value = res(SH.value)
        shape = res(SH.sourceShape)
        shape = self.copied_from.get(shape, shape) if shape is not None else None
        component = res(SH.sourceConstraintComponent)
        severity = SEVERITY_OF.get(res(SH.resultSeverity) or SH.Violation, Severity.violation)
        prop = path if isinstance(path, URIRef) else self._first_alternative(path)
        used = self.shapes.value(shape, SH.targetSubjectsOf) if path is None else None
        shown_property = self._path_text(path) if path is not None else self._term(used) if used else ""
        expected, found = self._expected_found(component, shape, focus, path, value)
        custom = self.shapes.value(shape, SH.message)
        if custom is None and component == SH.SPARQLConstraintComponent:
            custom = res(SH.resultMessage)
        return Finding(
            severity=severity,
            message=str(custom) if custom is not None else "",
            location=self._locate(focus, prop or used, value, component, path is None),
            entity=self._label(focus),
            entity_iri=self._term(focus),
            property=shown_property,
            expected=expected,
            found=found,
            check=self._term(shape) if isinstance(shape, URIRef) else self._term(self._owner(shape)),
        )

    def _first_alternative(self, path: Node | None) -> URIRef | None:
        """The first property of an alternative path (such as a date or a first day), which names
        the cell a finding about it points at."""
        alternatives = self.shapes.value(path, SH.alternativePath) if path is not None else None
        first = next(iter(Collection(self.shapes, alternatives)), None) if alternatives is not None else None
        return first if isinstance(first, URIRef) else None

    def _owner(self, shape: Node | None) -> Node | None:
        owner = self.shapes.value(None, SH.property, shape) if shape is not None else None
        return owner if owner is not None else shape

    # ----------------------------------------------------------------- words

    def _label(self, node: Node | None) -> str:
        if node is None:
            return ""
        record = self.built.origins.get(node) if isinstance(node, URIRef) else None
        if record is not None:
            return f"statement about {record.subject}"
        for label in self.data.objects(node, RDFS.label):
            if isinstance(label, Literal) and label.language == "en":
                return str(label)
        return self._term(node)

    def _term(self, node: Node | None) -> str:
        if node is None:
            return ""
        if isinstance(node, URIRef):
            text = str(node)
            return f"aksh:{text.removeprefix(SHAPES)}" if text.startswith(SHAPES) else compact_iri(text)
        if isinstance(node, Literal):
            return repr(str(node))
        return "(unnamed)"

    def _path_text(self, path: Node) -> str:
        inverse = self.shapes.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{self._term(inverse)}"
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(self._term(p) for p in Collection(self.shapes, alternatives))
        return self._term(path)

    def _classes(self, node: Node) -> str:
        classes = sorted(self._term(c) for c in self.data.objects(node, RDF.type))
        return ", ".join(classes) if classes else "no class"

    def _value_text(self, node: Node | None) -> str:
        if node is None:
            return "nothing"
        if isinstance(node, Literal):
            kind = f"@{node.language}" if node.language else self._term(node.datatype or URIRef(""))
            return f"{str(node)!r} ({kind or 'plain text'})"
        return f"{self._label(node)} ({self._term(node)}, {self._classes(node)})"

    def _count(self, focus: Node | None, path: Node | None) -> list[Node]:
        if focus is None or path is None:
            return []
        inverse = self.shapes.value(path, SH.inversePath)
        if inverse is not None:
            return list(self.data.subjects(inverse, focus))
        return list(self.data.objects(focus, path))

    def _expected_found(
        self,
        component: Node | None,
        shape: Node | None,
        focus: Node | None,
        path: Node | None,
        value: Node | None,
    ) -> tuple[str, str]:
        param = (lambda p: self.shapes.value(shape, p)) if shape is not None else (lambda _p: None)
        name = str(component).rpartition("#")[2].removesuffix("ConstraintComponent")
        subject = value if value is not None else focus
        values = self._count(focus, path)
        listed = "; ".join(sorted(self._value_text(v) for v in values)) or "none"
        if name == "Class":
            cls = param(SH["class"])
            what = f"an instance of {self._label(cls)} ({self._term(cls)})"
            if path is None:
                return f"a subject that is {what}", self._value_text(focus)
            return what, self._value_text(subject)
        if name == "Datatype":
            return f"a value of type {self._term(param(SH.datatype))}", self._value_text(value)
        if name == "NodeKind":
            return f"a {str(param(SH.nodeKind)).rpartition('#')[2]}", self._value_text(value)
        if name == "MinCount":
            n = int(param(SH.minCount) or 0)
            return f"at least {n} value{'s' if n != 1 else ''}", listed
        if name == "MaxCount":
            n = int(param(SH.maxCount) or 0)
            return (f"at most {n} value{'s' if n != 1 else ''}" if n else "no value"), listed
        if name == "QualifiedMinCount":
            inner = param(SH.qualifiedValueShape)
            langs = self.shapes.value(inner, SH.languageIn) if inner is not None else None
            if langs is not None:
                return "a label in English (@en)", listed
            cls = self.shapes.value(inner, SH["class"]) if inner is not None else None
            return f"a value that is an instance of {self._term(cls)}", listed
        if name == "UniqueLang":
            return "at most one value per language", listed
        if name == "LessThanOrEquals":
            other = param(SH.lessThanOrEquals)
            return f"no later than its {self._term(other)}", self._value_text(value)
        if name == "Not":
            inner = param(SH["not"])
            cls = self.shapes.value(inner, SH["class"]) if inner is not None else None
            return f"not an instance of {self._term(cls)}", self._classes(focus) if focus else ""
        if name in ("Or", "Xone"):
            return "one of the allowed classes", self._classes(focus) if focus else ""
        if name == "SPARQL":
            return "no loop back to itself", self._value_text(value)
        return name, self._value_text(value)

    # ----------------------------------------------------------------- places

    def _locate(
        self,
        focus: Node | None,
        prop: Node | None,
        value: Node | None,
        component: Node | None,
        node_level: bool,
    ) -> Location | None:
        if not isinstance(focus, URIRef):
            return None
        record = self.built.origins.get(focus)
        if record is not None:
            return record.at(_STATEMENT_COLUMNS.get(prop, "subject") if prop is not None else "subject")
        count_rule = component in (SH.MinCountConstraintComponent, SH.QualifiedMinCountConstraintComponent)
        if prop is not None and not count_rule:
            rows = self.rows.get((focus, prop), [])
            if rows:
                matching = [row for obj, row in rows if obj == value] or [rows[-1][1]]
                cell = "predicate" if node_level else "object" if isinstance(rows[0][0], URIRef) else "value"
                return matching[0].at(cell)
        entity = self.built.entities.get(focus)
        if entity is not None:
            column = _ENTITY_COLUMNS.get(prop, "class" if node_level else "id") if prop else "class"
            if prop == RDFS.label and isinstance(value, Literal) and value.language == "zh":
                column = "label_zh"
            return entity.at(column)
        source = self.built.sources.get(focus)
        if source is not None:
            return source.at(_SOURCE_COLUMNS.get(prop, "id") if prop else "kind")
        return None
