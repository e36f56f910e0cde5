"""Time per input for random rows fed to the loader (the inputs of tests/test_loader_fuzz.py, drawn
here with ``random`` so the figure does not depend on hypothesis' search).

    .venv/bin/python bench/loader_bench.py            # 200 random inputs
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import alignkg

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "bad_input" / "base"
ONTOLOGY = ROOT / "ontology" / "alignkg.ttl"
TABLES = ("sources.csv", "entities.csv", "statements.csv")
PIECES = [
    "baogang-group",
    "meng-fanying",
    "ak:Meeting",
    "org:holds",
    "xsd:date",
    "2025-01-09",
    "9 Jan",
    "en",
    '"',
    ",",
    "\n",
    "\x00",
    "\ufeff",
    "<",
    "{",
    " ",
    '=HYPERLINK("x")',
    "",
    "é",
    "包钢",
]


def random_table(rng: random.Random, base: str) -> str:
    lines = base.splitlines()
    if rng.random() < 0.2:
        lines[0] = ",".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
    for _ in range(rng.randint(0, 6)):
        lines.append(
            ",".join(
                "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3)))
                for _ in range(rng.randint(0, 13))
            )
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    times: list[float] = []
    outcomes = {"built": 0, "AlignkgError": 0}
    alignkg.validate(BASE, ONTOLOGY)  # warm up: imports and the parsed shapes are cached
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        for _ in range(args.inputs):
            broken = rng.choice(TABLES)
            for name in TABLES:
                text = (BASE / name).read_text(encoding="utf-8")
                (data / name).write_text(
                    random_table(rng, text) if name == broken else text, encoding="utf-8"
                )
            start = time.perf_counter()
            try:
                alignkg.validate(data, ONTOLOGY)
                outcomes["built"] += 1
            except alignkg.AlignkgError:
                outcomes["AlignkgError"] += 1
            times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"{args.inputs} random inputs through read + check + SHACL: "
        f"median {times[len(times) // 2] * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.0f} ms; outcomes {outcomes}"
    )


if __name__ == "__main__":
    main()
