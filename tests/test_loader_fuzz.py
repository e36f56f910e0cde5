"""Property-based test of the loader: whatever rows a spreadsheet holds, reading, checking and
validating them either works or raises alignkg's own error, never anything else."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alignkg

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "bad_input" / "base"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"
TABLES = ("sources.csv", "entities.csv", "statements.csv")

# Cells that reach deep into the checks: real ids, terms, literals, and the usual typing slips.
KNOWN = [
    "baogang-group",
    "meng-fanying",
    "meeting-baogang-2025-01-09",
    "baogang-directives-article",
    "ak:Meeting",
    "foaf:Person",
    "org:holds",
    "ak:chairedBy",
    "dcterms:date",
    "ak:ordinal",
    "xsd:date",
    "xsd:positiveInteger",
    "en",
    "zh-Hans",
    "2025-01-09",
    "9 Jan",
    "-1",
    '=HYPERLINK("http://example.com")',
    "",
]
cells = st.one_of(
    st.sampled_from(KNOWN),
    st.text(max_size=12),
    st.text(alphabet=',"\n\r\t\x00;\ufeff<>{}|^ ', max_size=6),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=13), max_size=5)


def _table(base: str, extra: list[list[str]], quote: bool, header: list[str] | None) -> bytes:
    records = list(csv.reader(io.StringIO(base)))
    if header is not None:
        records[0] = header
    buffer = io.StringIO()
    if quote:
        csv.writer(buffer, lineterminator="\n").writerows(records + extra)
    else:  # as a careless hand edit would write them: no quoting at all
        buffer.write("".join(",".join(r) + "\n" for r in records + extra))
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


@settings(
    max_examples=60,
    deadline=None,  # no timing in tests; bench/loader_bench.py measures the time per input
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    table=st.sampled_from(TABLES),
    extra=rows,
    quote=st.booleans(),
    header=st.one_of(st.none(), st.lists(cells, max_size=12)),
    validate=st.booleans(),
)
def test_random_rows_raise_only_alignkg_errors(
    table: str, extra: list[list[str]], quote: bool, header: list[str] | None, validate: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        for name in TABLES:
            text = (BASE / name).read_text(encoding="utf-8")
            payload = _table(text, extra, quote, header) if name == table else text.encode("utf-8")
            (data / name).write_bytes(payload)
        try:
            if validate:
                alignkg.validate(data, ONTOLOGY)
            else:
                alignkg.build_graph(data, ONTOLOGY)
        except alignkg.AlignkgError as exc:
            assert str(exc)
