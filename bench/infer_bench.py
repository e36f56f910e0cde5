"""What reasoning (and SHACL validation) costs: the shipped data, and the same tables replicated
N times with renamed ids (100 by default), timed once each.

    .venv/bin/python bench/infer_bench.py            # shipped data and 100 copies
    .venv/bin/python bench/infer_bench.py --copies 10
    .venv/bin/python bench/infer_bench.py --synth 247   # also a synthetic graph (alignkg synth)

Each copy renames every entity id (``baogang-group`` -> ``baogang-group-c7``) and keeps the four
sources, so the copies are disjoint graphs of the same shape as the shipped one.
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from pathlib import Path

import alignkg
from alignkg.builder.synth import generate
from alignkg.checks.inference import asserted_graph, entailments
from alignkg.checks.validation import load_shapes, validate_graph

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], records: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def replicate(copies: int, target: Path) -> Path:
    """Write ``copies`` renamed copies of the shipped entities and statements into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    header, sources = _read(DATA / "sources.csv")
    _write(target / "sources.csv", header, sources)
    e_header, entities = _read(DATA / "entities.csv")
    s_header, statements = _read(DATA / "statements.csv")
    ids = {e["id"] for e in entities}

    def rename(value: str, k: int) -> str:
        return f"{value}-c{k}" if value in ids else value

    new_entities = [{**e, "id": rename(e["id"], k)} for k in range(copies) for e in entities]
    new_statements = [
        {**s, "subject": rename(s["subject"], k), "object": rename(s["object"], k)}
        for k in range(copies)
        for s in statements
    ]
    _write(target / "entities.csv", e_header, new_entities)
    _write(target / "statements.csv", s_header, new_statements)
    return target


def measure(data: Path, label: str) -> None:
    start = time.perf_counter()
    built = alignkg.build_graph(data, ONTOLOGY)
    built_s = time.perf_counter() - start
    asserted = asserted_graph(built.dataset)
    start, cpu = time.perf_counter(), time.process_time()
    report = validate_graph(built, load_shapes(ONTOLOGY.parent / "shapes.ttl"))
    shacl_s, shacl_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    inferred = entailments(asserted)
    infer_s, infer_cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label}: {len(asserted)} asserted triples; read+check+build {built_s:.2f} s; "
        f"SHACL {shacl_s:.2f} s wall, {shacl_cpu:.2f} s CPU ({report.summary()}); "
        f"OWL RL inference {infer_s:.2f} s wall, {infer_cpu:.2f} s CPU -> {len(inferred)} inferred triples; "
        f"peak RSS {peak_mb:.0f} MB",
        flush=True,
    )


def measure_synthetic(enterprises: int) -> None:
    """Inference alone on the synthetic generator's graph (no tables, so no SHACL tracing)."""
    asserted = asserted_graph(generate(enterprises=enterprises, ontology=ONTOLOGY))
    start, cpu = time.perf_counter(), time.process_time()
    inferred = entailments(asserted)
    infer_s, infer_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"synthetic, {enterprises} enterprises: {len(asserted)} asserted triples; "
        f"OWL RL inference {infer_s:.2f} s wall, {infer_cpu:.2f} s CPU -> {len(inferred)} inferred triples",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="how many renamed copies (default 100)")
    parser.add_argument("--synth", type=int, default=0, help="also time a synthetic graph of N enterprises")
    args = parser.parse_args()
    measure(DATA, "shipped data")
    with tempfile.TemporaryDirectory() as tmp:
        measure(replicate(args.copies, Path(tmp) / "data"), f"{args.copies} copies")
    if args.synth:
        measure_synthetic(args.synth)


if __name__ == "__main__":
    main()
