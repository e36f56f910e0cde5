"""Validation findings: what is wrong with which entity and property, where in the tables, and the
report that groups them as text, JSON or Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from rdflib.namespace import SH
from rdflib.term import Node

from alignkg.model.errors import AlignkgError, DataError, Location
from alignkg.model.text import markdown_escape


class Severity(StrEnum):
    """How serious a finding is: violations fail validation, warnings and notes do not."""

    violation = "violation"
    warning = "warning"
    info = "info"


SEVERITY_OF: dict[Node, Severity] = {
    SH.Violation: Severity.violation,
    SH.Warning: Severity.warning,
    SH.Info: Severity.info,
}


@dataclass(frozen=True)
class Finding:
    """One problem: what is wrong with which entity and property, and where in the tables it is.

    ``check`` is ``integrity`` for the build's own checks, else the SHACL shape (``aksh:...``).
    """

    severity: Severity
    message: str
    location: Location | None = None
    entity: str = ""
    entity_iri: str = ""
    property: str = ""
    expected: str = ""
    found: str = ""
    check: str = "integrity"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        if not self.entity:
            return f"{where}{self.message}"
        what = f"{self.entity} ({self.entity_iri})"
        if self.property:
            what += f", {self.property}"
        text = f"{where}{what}: expected {self.expected}; found {self.found}"
        return f"{text} ({self.message})" if self.message else text

    def as_dict(self) -> dict[str, object]:
        """The finding as JSON-ready data, with the location split into file, row and column."""
        data = asdict(self)
        location = data.pop("location")
        data["severity"] = self.severity.value
        data["file"] = str(self.location.file) if self.location else None
        data["row"] = location["row"] if location else None
        data["column"] = location["column"] if location else None
        return data


@dataclass
class ValidationReport:
    """Every finding of one validation run, violations first."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        """The findings that make the data invalid."""
        return [f for f in self.findings if f.severity is Severity.violation]

    @property
    def warnings(self) -> list[Finding]:
        """The findings worth a look that do not make the data invalid."""
        return [f for f in self.findings if f.severity is not Severity.violation]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings allowed)."""
        return not self.violations

    def summary(self) -> str:
        """One line: how many violations and warnings."""
        if not self.findings:
            return "valid: no violations, no warnings"
        v, w = len(self.violations), len(self.warnings)
        return f"{v} violation{'' if v == 1 else 's'}, {w} warning{'' if w == 1 else 's'}"

    def to_text(self) -> str:
        """The summary and one line per finding."""
        lines = [self.summary(), *(f"{f.severity.value}: {f}" for f in self.findings)]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The findings as a JSON document with a ``conforms`` flag."""
        document = {"conforms": self.conforms, "findings": [f.as_dict() for f in self.findings]}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self) -> str:
        """The summary and a Markdown table of the findings."""
        lines = [self.summary(), ""]
        if self.findings:
            header = ["severity", "file", "row", "column", "entity", "property", "expected", "found", "rule"]
            lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
            for f in self.findings:
                loc = f.location
                cells = [
                    f.severity.value,
                    str(loc.file) if loc else "",
                    str(loc.row) if loc and loc.row is not None else "",
                    loc.column or "" if loc else "",
                    f"{f.entity} ({f.entity_iri})" if f.entity else "",
                    f.property,
                    f.expected,
                    f.found,
                    f.message,
                ]
                lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return markdown_escape(text)


class ValidationError(DataError):
    """A built graph that fails its shapes; ``alignkg build`` refuses to write it."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        errors = [AlignkgError(_without_location(f), f.location) for f in report.violations]
        super().__init__(errors)
        noun = "violation" if len(errors) == 1 else "violations"
        self.args = (
            f"{len(errors)} {noun} of the shapes (build with --force to write the graph anyway):\n  "
            + "\n  ".join(str(e) for e in errors),
        )

    def __str__(self) -> str:
        return str(self.args[0])


def _without_location(finding: Finding) -> str:
    return str(Finding(**{**finding.__dict__, "location": None}))
