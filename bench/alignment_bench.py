"""What the alignment analytics cost: chains, metrics and the report on the shipped data and on
synthetic graphs shaped like it, on rdflib's in-memory store and on Oxigraph, timed once each.

    .venv/bin/python bench/alignment_bench.py                   # 140 synthetic enterprises (~100k quads)
    .venv/bin/python bench/alignment_bench.py --enterprises 14

Everything is read through SPARQL, so the store decides most of the time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import alignkg
from alignkg.builder.synth import write_synthetic

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = call()
    print(f"  {label:<28} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def run(name: str, path: Path) -> None:
    for spec in ("memory", "oxigraph"):
        with alignkg.open_store(spec) as store:
            store.load(path)
            print(f"{name} on {spec} ({len(store):,} quads):")
            chains = timed("alignment_chains", lambda s=store: alignkg.alignment_chains(s))
            metrics = timed("alignment_metrics", lambda s=store: alignkg.alignment_metrics(s))
            timed("render_report", lambda s=store: alignkg.render_report(s))
            print(f"  -> {len(chains):,} chain rows, {len(metrics):,} enterprises")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=140)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alignkg-bench-") as folder:
        built = Path(folder) / "shipped"
        alignkg.build(ROOT / "data", ROOT / "ontology" / "alignkg.ttl", built)
        run("shipped data", built / "alignkg.trig")
        synthetic = Path(folder) / "synthetic.nq"
        write_synthetic(synthetic, enterprises=args.enterprises, seed=0)
        run(f"{args.enterprises} synthetic enterprises", synthetic)


if __name__ == "__main__":
    main()
