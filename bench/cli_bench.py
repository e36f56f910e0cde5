"""How long the command line makes a researcher wait: each command run as a whole process several
times on the shipped data, medians beside a six-line pyoxigraph script that loads the same TriG
file and runs the same query.

    .venv/bin/python bench/cli_bench.py              # 7 runs of each
    .venv/bin/python bench/cli_bench.py --runs 5 --out docs/benchmarks/cli.md --note "..."

With ``--store SPEC`` it times only ``alignkg query NAME --store SPEC --format csv`` for every shipped
query (or every ``.rq`` file of ``--queries DIR``, e.g. an older version's), each with its default
parameters or, with ``--synthetic N``, bound to the ids of a synthetic graph of N enterprises; each
query has one warm-up run (its first after other work reads the store from disk) before the timed ones:

    .venv/bin/alignkg synth --enterprises 7000 --out big.nq
    .venv/bin/alignkg load big.nq --store oxigraph:big
    .venv/bin/python bench/cli_bench.py --store oxigraph:big --runs 3 --synthetic 7000

Goals: ``import alignkg`` and ``alignkg --help`` <= 0.3 s; ``alignkg query NAME`` <= 0.4 s and
within 15x of the raw script; ``alignkg build`` (with validation) <= 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ALIGNKG = str(BIN / "alignkg")

RAW_SCRIPT = """
import sys, pyoxigraph as ox
store = ox.Store()
store.load(path=sys.argv[1], format=ox.RdfFormat.TRIG)
text = open(sys.argv[2], encoding="utf-8").read()
rows = list(store.query(text, use_default_graph_as_union=True))
print(len(rows))
"""

STORE_GOAL, STORE_CAP = 5.0, 300.0
"""Seconds a shipped query may take on a large store, and after which a run is stopped."""
GOALS = {"import alignkg": 0.3, "alignkg --help": 0.3, "alignkg build": 1.5}
QUERY_GOAL, RATIO_GOAL = 0.4, 15.0


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    """The median wall-clock time of running ``command`` to completion (after one warm-up run)."""
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def full_query_text(name: str) -> str:
    """A shipped query with its parameters bound and alignkg's prefixes written out, for the raw script."""
    from alignkg.model.terms import with_prefixes
    from alignkg.queries.named import bind_parameters, get_query

    return with_prefixes(bind_parameters(get_query(name)))[0]


def timed_run(command: list[str], cap: float) -> tuple[float | None, str]:
    """Wall-clock seconds of one run (None past ``cap``) and what it printed."""
    start = time.perf_counter()
    try:
        done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return None, ""
    return time.perf_counter() - start, done.stdout


def store_table(spec: str, runs: int, folder: Path | None, enterprises: int | None, cap: float) -> str:
    """Median seconds and rows of every query, each a whole ``alignkg query`` process on ``spec``."""
    import csv
    import io

    from alignkg.builder.synth import sample_parameters
    from alignkg.queries.named import resolve_query, shipped_queries

    queries = sorted(folder.glob("*.rq")) if folder else [q.name for q in shipped_queries()]
    params = sample_parameters(enterprises) if enterprises else {}
    load_before = os.getloadavg()
    lines = ["| query | rows | median s | runs s | goal |", "|---|---|---|---|---|"]
    for query in queries:
        name = query.stem if isinstance(query, Path) else query
        bound = [f"--param={key}={value}" for key, value in params.get(name, {}).items()]
        if enterprises and not resolve_query(str(query)).parameters:
            continue  # the same as without --synthetic
        command = [ALIGNKG, "query", str(query), *bound, "--store", spec, "--format", "csv"]
        warm, output = timed_run(command, cap)
        times: list[float | None] = []
        for _ in range(runs if warm is not None else 0):
            seconds, output = timed_run(command, cap)
            times.append(seconds)
            if seconds is None:
                break
        rows = len(list(csv.reader(io.StringIO(output)))) - 1 if output else None
        done = [t for t in times if t is not None]
        median = statistics.median(done) if done and len(done) == len(times) else None
        cell = f"{median:.2f}" if median is not None else f"> {cap:.0f}"
        goal = "holds" if median is not None and median < STORE_GOAL else "MISSED"
        runs_cell = ", ".join(f"{t:.2f}" if t is not None else "stopped" for t in [warm, *times])
        lines.append(f"| {name} | {rows if rows is not None else '—'} | {cell} | {runs_cell} | {goal} |")
        print(lines[-1], flush=True)
    load_after = os.getloadavg()
    which = f"ids of {enterprises} synthetic enterprises" if enterprises else "their default (golden) ids"
    head = [
        f"`alignkg query NAME --store {spec} --format csv`, whole processes, median of {runs} runs "
        f"after a warm-up run (stopped after {cap:.0f} s); parameters bound to {which}; goal < "
        f'{STORE_GOAL:g} s; "runs" lists the warm-up first.',
        f"{os.cpu_count()} CPUs shared with other work; load average (1 min) "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after.",
        "",
    ]
    return "\n".join(head + lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    parser.add_argument("--note", action="append", default=[], help="a paragraph to write above the table")
    parser.add_argument("--store", help="time only the queries, on this store (e.g. oxigraph:PATH)")
    parser.add_argument("--queries", type=Path, help="with --store: the .rq files of this folder")
    parser.add_argument("--synthetic", type=int, help="with --store: bind parameters for N enterprises")
    parser.add_argument(
        "--cap", type=float, default=STORE_CAP, help="with --store: seconds before a run stops"
    )
    args = parser.parse_args()
    if args.store:
        table = store_table(args.store, args.runs, args.queries, args.synthetic, args.cap)
        print()
        print(table, end="")
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(table, encoding="utf-8")
        return
    load_before = os.getloadavg()
    from alignkg.queries.named import shipped_queries

    rows: list[tuple[str, float, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="alignkg-cli-bench-") as folder:
        project = Path(folder)
        shutil.copytree(ROOT / "data", project / "data")
        shutil.copytree(ROOT / "ontology", project / "ontology")
        subprocess.run([ALIGNKG, "build"], cwd=project, check=True, capture_output=True)
        trig = project / "build" / "alignkg.trig"
        raw = project / "raw.py"
        raw.write_text(RAW_SCRIPT, encoding="utf-8")

        def measure(label: str, command: list[str], goal: str) -> float:
            seconds = median_seconds(command, project, args.runs)
            rows.append((label, seconds, "", goal))
            print(f"{label:<48} {seconds:7.3f} s", flush=True)
            return seconds

        def verdict(seconds: float, limit: float) -> str:
            return f"<= {limit} s: {'holds' if seconds <= limit else 'MISSED'}"

        for label, command in (
            ("import alignkg", [sys.executable, "-c", "import alignkg"]),
            ("alignkg --help", [ALIGNKG, "--help"]),
            ("alignkg build", [ALIGNKG, "build"]),
        ):
            seconds = measure(label, command, "")
            rows[-1] = (label, seconds, "", verdict(seconds, GOALS[label]))
        for label, command in (
            ("alignkg view", [ALIGNKG, "view"]),
            ("alignkg chains", [ALIGNKG, "chains", "--format", "csv"]),
            ("alignkg metrics", [ALIGNKG, "metrics", "--format", "csv"]),
            ("alignkg validate", [ALIGNKG, "validate"]),
        ):
            measure(label, command, "")
        for named in shipped_queries():
            text = project / f"{named.name}.rq"
            text.write_text(full_query_text(named.name), encoding="utf-8")
            ours = median_seconds([ALIGNKG, "query", named.name, "--format", "csv"], project, args.runs)
            baseline = median_seconds([sys.executable, str(raw), str(trig), str(text)], project, args.runs)
            ratio = ours / baseline
            held = ours <= QUERY_GOAL and ratio <= RATIO_GOAL
            goal = f"<= {QUERY_GOAL} s and <= {RATIO_GOAL:g}x: {'holds' if held else 'MISSED'}"
            rows.append((f"alignkg query {named.name}", ours, f"{baseline:.3f} s ({ratio:.1f}x)", goal))
            print(f"{'alignkg query ' + named.name:<48} {ours:7.3f} s  raw {baseline:.3f} s", flush=True)

    load_after = os.getloadavg()
    loads = " / ".join(f"{a:.2f}-{b:.2f}" for a, b in zip(load_before, load_after, strict=True))
    lines = [
        "# Command-line speed",
        "",
        "Measured with `bench/cli_bench.py` (not run by `make test`).",
        "",
        *(line for note in args.note for line in (note, "")),
        f"Median of {args.runs} runs, whole processes, shipped data, on {os.cpu_count()} cores; load average"
        f" (1, 5, 15 min) at the start and end of the run: {loads}.",
        "",
        "| command | median | raw pyoxigraph script | goal |",
        "|---|---|---|---|",
        *(f"| `{label}` | {seconds:.3f} s | {raw_s} | {goal} |" for label, seconds, raw_s, goal in rows),
    ]
    table = "\n".join(lines) + "\n"
    print()
    print(table, end="")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
