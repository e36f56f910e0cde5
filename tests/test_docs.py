"""The ontology documentation page: complete, offline, deterministic, escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path

from rdflib.namespace import RDFS
from typer.testing import CliRunner

import alignkg
from alignkg.checks.validation import load_shapes
from alignkg.cli import app
from alignkg.model.terms import compact_iri

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"

runner = CliRunner()


def test_docs_command_writes_the_page(project: Path) -> None:
    result = runner.invoke(app, ["docs"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {Path('build', 'ontology.html')}\n"
    page = (project / "build" / "ontology.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")


def test_every_class_and_property_is_documented_with_label_definition_domain_and_range() -> None:
    ontology = alignkg.load_ontology(ONTOLOGY)
    page = html.unescape(alignkg.render_docs(ontology))
    for term in sorted(ontology.classes | ontology.object_properties | ontology.datatype_properties):
        curie = compact_iri(str(term))
        anchor = curie.replace(":", "-")
        assert f'id="{anchor}"' in page, f"{curie} has no section"
        section = page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]
        assert f"<h3>{ontology.label(term)}</h3>" in section
        assert str(ontology.graph.value(term, RDFS.comment)) in section
        for prop, heading in ((RDFS.domain, "domain"), (RDFS.range, "range")):
            for value in ontology.graph.objects(term, prop):
                assert f"<code>{compact_iri(str(value))}</code>" in section.split(f"<dt>{heading}</dt>", 1)[1]


def test_connections_table_and_shape_rules() -> None:
    page = alignkg.render_docs(alignkg.load_ontology(ONTOLOGY), load_shapes(ONTOLOGY.parent / "shapes.ttl"))
    table = page.split('id="connections"', 1)[1].split("</table>", 1)[0]
    row = re.search(
        r"<tr><td>.*?ak:Meeting</code></td><td>.*?ak:chairedBy</code></td><td>.*?foaf:Person", table
    )
    assert row is not None
    assert "A post is held in exactly one organisation." in page


def test_page_needs_nothing_from_the_network() -> None:
    page = alignkg.render_docs(alignkg.load_ontology(ONTOLOGY))
    assert re.findall(r"""(?:src|href)\s*=\s*["'](?!#)""", page) == []
    assert "<script" not in page
    assert "<link" not in page
    assert "@import" not in page and "url(" not in page


def test_page_is_deterministic(tmp_path: Path) -> None:
    one = alignkg.write_docs(ONTOLOGY, tmp_path / "one.html").read_bytes()
    two = alignkg.write_docs(ONTOLOGY, tmp_path / "two.html").read_bytes()
    assert one == two
