"""Literals survive every output format exactly: line and paragraph separators, control
characters and newlines in a cell are escaped as the TriG, Turtle, N-Quads and JSON-LD grammars
say, so rdflib and pyoxigraph both read back the very string that was in the table."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS
from typer.testing import CliRunner

from alignkg.cli import app
from alignkg.model.serialize import Format, serialize

runner = CliRunner()
MENG = "https://w3id.org/alignkg/id/meng-fanying"
FORMATS = {
    Format.TRIG: ("trig", ox.RdfFormat.TRIG),
    Format.TURTLE: ("turtle", ox.RdfFormat.TURTLE),
    Format.NQUADS: ("nquads", ox.RdfFormat.N_QUADS),
    Format.JSONLD: ("json-ld", ox.RdfFormat.JSON_LD),
}
# Every character Python's str.splitlines() breaks on, besides the usual ones, and a newline.
AWKWARD = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\n", "\r\n", "\r", "\t"]


def _set_description(project: Path, entity: str, text: str) -> None:
    path = project / "data" / "entities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    for record in records:
        if record["id"] == entity:
            record["description"] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(records[0]), lineterminator="\n", quoting=csv.QUOTE_ALL
        )
        writer.writeheader()
        writer.writerows(records)


def _rdflib_values(data: bytes, fmt: str, subject: str, predicate: URIRef) -> set[str]:
    parsed = Dataset(default_union=True)
    parsed.parse(data=data.decode("utf-8"), format=fmt)
    return {str(o) for _s, _p, o, _g in parsed.quads((URIRef(subject), predicate, None, None))}


def _oxigraph_values(data: bytes, fmt: ox.RdfFormat, subject: str, predicate: URIRef) -> set[str]:
    return {
        q.object.value
        for q in ox.parse(data, format=fmt)
        if q.subject == ox.NamedNode(subject) and q.predicate == ox.NamedNode(str(predicate))
    }


IDS = [f"U+{ord(c[0]):04X}{'+' if len(c) > 1 else ''}" for c in AWKWARD]


@pytest.mark.parametrize("char", AWKWARD, ids=IDS)
def test_awkward_character_in_a_cell_reads_back_from_every_file(project: Path, char: str) -> None:
    text = f"First line{char}  second line{char}third"
    _set_description(project, "meng-fanying", text)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    for fmt, (rdflib_format, ox_format) in FORMATS.items():
        data = (project / "build" / f"alignkg{fmt.suffix}").read_bytes()
        assert _rdflib_values(data, rdflib_format, MENG, DCTERMS.description) == {text}, fmt
        assert _oxigraph_values(data, ox_format, MENG, DCTERMS.description) == {text}, fmt
    queried = runner.invoke(app, ["query", "SELECT ?l WHERE { akid:meng-fanying rdfs:label ?l }"])
    assert queried.exit_code == 0, queried.output
    for suffix in (".nq", ".jsonld", ".ttl"):
        again = runner.invoke(app, ["stats", "--graph", f"build/alignkg{suffix}"])
        assert again.exit_code == 0, again.output


def test_nquads_file_has_one_quad_per_line_whatever_the_cells_hold(project: Path) -> None:
    _set_description(project, "meng-fanying", "a\nb\rc\u2028d")
    assert runner.invoke(app, ["build"]).exit_code == 0
    lines = (project / "build" / "alignkg.nq").read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert all(line.endswith(b" .") for line in lines[:-1])


# Every character but the surrogates (which no UTF-8 file can hold), with the controls and
# separators drawn far more often than chance would draw them.
CONTROLS = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]] + ["\u2028", "\u2029", "\ufeff", "\ufffe"]
any_char = st.characters(codec="utf-8", exclude_categories=("Cs",))
texts = st.text(st.one_of(st.sampled_from(CONTROLS), any_char), max_size=24)
languages = st.sampled_from([None, "en", "zh-Hans"])


def _dataset(values: list[tuple[str, str | None]]) -> tuple[Dataset, dict[str, set[tuple[str, str | None]]]]:
    dataset = Dataset(default_union=True)
    expected: dict[str, set[tuple[str, str | None]]] = {}
    for index, (text, lang) in enumerate(values):
        graph = f"https://w3id.org/alignkg/graph/g{index % 2}"
        subject = URIRef(f"https://w3id.org/alignkg/id/e{index}")
        dataset.graph(URIRef(graph)).add((subject, RDFS.label, Literal(text, lang=lang)))
        expected.setdefault(str(subject), set()).add((text, lang and lang.lower()))  # tags are case-blind
    return dataset, expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.tuples(texts, languages), min_size=1, max_size=6))
def test_any_string_round_trips_exactly_in_every_format(values: list[tuple[str, str | None]]) -> None:
    dataset, expected = _dataset(values)
    for fmt, (rdflib_format, ox_format) in FORMATS.items():
        data = serialize(dataset, fmt)
        assert serialize(dataset, fmt) == data, f"{fmt} is not deterministic"
        parsed = Dataset(default_union=True)
        parsed.parse(data=data.decode("utf-8"), format=rdflib_format)
        by_rdflib: dict[str, set[tuple[str, str | None]]] = {}
        for s, _p, o, _g in parsed.quads((None, RDFS.label, None, None)):
            assert isinstance(o, Literal)
            by_rdflib.setdefault(str(s), set()).add((str(o), o.language and o.language.lower()))
        assert by_rdflib == expected, f"{fmt} read by rdflib"
        by_oxigraph: dict[str, set[tuple[str, str | None]]] = {}
        for quad in ox.parse(data, format=ox_format):
            literal = quad.object
            assert isinstance(literal, ox.Literal)
            by_oxigraph.setdefault(quad.subject.value, set()).add(
                (literal.value, literal.language and literal.language.lower())
            )
        assert by_oxigraph == expected, f"{fmt} read by pyoxigraph"
