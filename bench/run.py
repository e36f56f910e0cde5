"""Benchmarks of alignkg's stores on synthetic graphs: load time and rate, peak RSS, disk size and
reopen time of an on-disk store, the median time of every shipped query against raw pyoxigraph
on the same store, and the networkx projection.

Each measurement runs in a fresh Python process, so peak RSS belongs to one backend alone.

    python bench/run.py                      # 100k, 1M and 5M triples (rdflib memory up to 1M)
    python bench/run.py --sizes 100k --runs 3
    ALIGNKG_BENCH_SIZES=100k,1m make bench

Writes bench/results/bench.json and bench/results/bench.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
MEMORY_LIMIT = 1_000_000
"""rdflib's in-memory store is measured up to this many triples (it takes minutes beyond)."""
RDFLIB_QUERY_CAP = 60
"""Seconds after which an rdflib query is stopped and reported as over the cap."""


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_time(run: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class QueryTimeoutError(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise QueryTimeoutError


def capped(run: Any, seconds: int) -> float | None:
    """Time one run, or None if it takes longer than ``seconds``."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    start = time.perf_counter()
    try:
        run()
    except QueryTimeoutError:
        return None
    finally:
        signal.alarm(0)
    return time.perf_counter() - start


# --------------------------------------------------------------------------- workers


def worker_raw_load(task: dict[str, Any]) -> dict[str, Any]:
    """Raw pyoxigraph: the reference load of the same file."""
    import pyoxigraph as ox

    base = rss_mb()
    if task["disk"]:
        store = ox.Store(task["disk"])
        start = time.perf_counter()
        store.bulk_load(path=task["file"], format=ox.RdfFormat.N_QUADS)
        store.flush()
    else:
        store = ox.Store()
        start = time.perf_counter()
        store.load(path=task["file"], format=ox.RdfFormat.N_QUADS)
    seconds = time.perf_counter() - start
    return {"load_s": seconds, "quads": len(store), "rss_base_mb": base, "rss_peak_mb": rss_mb()}


def _queries(
    store: Any, enterprises: int, runs: int, raw: bool, cap: int | None
) -> dict[str, dict[str, Any]]:
    import alignkg
    from alignkg.builder.synth import sample_parameters
    from alignkg.queries.named import bind_parameters

    params = sample_parameters(enterprises)
    found: dict[str, dict[str, Any]] = {}
    for named in alignkg.shipped_queries():
        bound = params.get(named.name)
        entry: dict[str, Any] = {}
        if cap is not None:
            entry["alignkg_s"] = capped(lambda n=named.name, b=bound: alignkg.run_query(store, n, b), cap)
        else:
            entry["alignkg_s"] = median_time(
                lambda n=named.name, b=bound: alignkg.run_query(store, n, b), runs
            )
        entry["rows"] = len(alignkg.run_query(store, named.name, bound).rows) if cap is None else None
        if raw:
            text = bind_parameters(named, bound)
            entry["raw_s"] = median_time(lambda t=text: _raw(store.native, t), runs)
        found[named.name] = entry
    return found


def _raw(native: Any, text: str) -> list[tuple[Any, ...]]:
    """pyoxigraph's own query with the same prefixes and union default graph, solutions kept."""
    from alignkg.stores.oxigraph import PREFIX_MAP

    return [tuple(s) for s in native.query(text, prefixes=PREFIX_MAP, use_default_graph_as_union=True)]


def worker_alignkg(task: dict[str, Any]) -> dict[str, Any]:
    """Load through alignkg into one backend, then time the shipped queries and the projection."""
    import alignkg

    base = rss_mb()
    store = alignkg.open_store(task["spec"])
    start = time.perf_counter()
    store.load(task["file"])
    load_s = time.perf_counter() - start
    quads = len(store)
    rss_load = rss_mb()
    is_oxigraph = task["spec"].startswith("oxigraph")
    cap = None if is_oxigraph else RDFLIB_QUERY_CAP
    result: dict[str, Any] = {
        "load_s": load_s,
        "quads": quads,
        "rss_base_mb": base,
        "rss_peak_mb": rss_load,
    }
    if task["queries"]:
        result["queries"] = _queries(store, task["enterprises"], task["runs"], is_oxigraph, cap)
    if task["projection"]:
        start = time.perf_counter()
        graph = alignkg.to_networkx(store)
        result["projection_s"] = time.perf_counter() - start
        result["projection_edges"] = graph.number_of_edges()
        result["projection_nodes"] = graph.number_of_nodes()
        result["rss_after_projection_mb"] = rss_mb()
    store.close()
    return result


def worker_reopen(task: dict[str, Any]) -> dict[str, Any]:
    """Reopen an existing on-disk store (no reload) and time the shipped queries on it."""
    import alignkg

    start = time.perf_counter()
    store = alignkg.open_store(task["spec"])
    reopen_s = time.perf_counter() - start
    quads = len(store)
    result: dict[str, Any] = {"reopen_s": reopen_s, "quads": quads}
    result["queries"] = _queries(store, task["enterprises"], task["runs"], True, None)
    result["rss_peak_mb"] = rss_mb()
    store.close()
    return result


WORKERS = {"raw-load": worker_raw_load, "alignkg": worker_alignkg, "reopen": worker_reopen}


def run_worker(task: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and return what it reports."""
    print(f"  {task['kind']:9s} {task.get('spec', '')} ...", end=" ", flush=True)
    done = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(task)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        print("failed")
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print("done")
    return result


# --------------------------------------------------------------------------- orchestration


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def measure_size(label: str, target: int, runs: int, data: Path, backends: set[str]) -> dict[str, Any]:
    from alignkg.builder.synth import QUADS_PER_ENTERPRISE, write_synthetic

    enterprises = max(1, round((target - 1000) / QUADS_PER_ENTERPRISE))
    file = data / f"synthetic-{enterprises}.nq"
    if not file.is_file():
        print(f"writing {file.name}")
        write_synthetic(file, enterprises=enterprises, ontology=ROOT / "ontology" / "alignkg.ttl")
    common = {"file": str(file), "enterprises": enterprises, "runs": runs}
    disk = data / f"oxigraph-{enterprises}"
    raw_disk = data / f"oxigraph-raw-{enterprises}"
    for folder in (disk, raw_disk):
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{label}: {enterprises} synthetic enterprises")
    entry: dict[str, Any] = {"enterprises": enterprises, "file_mb": file.stat().st_size / 1e6}
    entry["raw"] = run_worker({"kind": "raw-load", "disk": None, **common})
    entry["oxigraph"] = run_worker(
        {"kind": "alignkg", "spec": "oxigraph", "queries": True, "projection": True, **common}
    )
    if "oxigraph:PATH" not in backends:
        return _memory(entry, target, common, backends)
    entry["raw_disk"] = run_worker({"kind": "raw-load", "disk": str(raw_disk), **common})
    if "error" not in entry["raw_disk"]:
        entry["raw_disk"]["disk_mb"] = disk_mb(raw_disk)
    shutil.rmtree(raw_disk, ignore_errors=True)
    entry["oxigraph_path"] = run_worker(
        {"kind": "alignkg", "spec": f"oxigraph:{disk}", "queries": False, "projection": False, **common}
    )
    if "error" not in entry["oxigraph_path"]:
        entry["oxigraph_path"]["disk_mb"] = disk_mb(disk)
        entry["oxigraph_path_reopen"] = run_worker({"kind": "reopen", "spec": f"oxigraph:{disk}", **common})
    shutil.rmtree(disk, ignore_errors=True)
    return _memory(entry, target, common, backends)


def _memory(entry: dict[str, Any], target: int, common: dict[str, Any], backends: set[str]) -> dict[str, Any]:
    if "memory" in backends and target <= MEMORY_LIMIT:
        entry["memory"] = run_worker(
            {"kind": "alignkg", "spec": "memory", "queries": True, "projection": True, **common}
        )
    return entry


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("alignkg", "pyoxigraph", "rdflib", "networkx")}


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _query_row(
    label: str, name: str, ox: dict[str, Any], disk: dict[str, Any], mem: dict[str, Any] | None
) -> str:
    ours = ox["alignkg_s"]
    if mem is None:
        rdflib_cell = speedup = "—"
    elif mem.get("alignkg_s") is None:
        rdflib_cell, speedup = f">{RDFLIB_QUERY_CAP}", f">{RDFLIB_QUERY_CAP / ours:.0f}"
    else:
        rdflib_cell, speedup = _f(mem["alignkg_s"]), _f(_ratio(mem["alignkg_s"], ours), 0)
    cells = [
        label,
        name,
        str(ox.get("rows")),
        _f(ours, 4),
        _f(ox.get("raw_s"), 4),
        _f(_ratio(ours, ox.get("raw_s")), 2),
        _f(disk.get("alignkg_s"), 4),
        _f(disk.get("raw_s"), 4),
        rdflib_cell,
        speedup,
    ]
    return "| " + " | ".join(cells) + " |"


def to_markdown(report: dict[str, Any]) -> str:
    lines = [
        "# alignkg store benchmarks",
        "",
        f"Machine: {report['machine']}; {report['cpus']} CPUs (shared with other work while measured).",
        f"Versions: {', '.join(f'{k} {v}' for k, v in report['versions'].items())}. Query times are",
        f"medians of {report['runs']} runs (rdflib: one run, capped at {RDFLIB_QUERY_CAP} s).",
        "",
        "## Loading",
        "",
        "| size | quads | backend | load s | quads/s | vs raw | peak RSS MB | MB per M quads | disk MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, entry in report["sizes"].items():
        raw = entry.get("raw", {})
        raw_disk = entry.get("raw_disk", {})
        rows = [
            ("raw pyoxigraph (memory)", raw, None),
            ("raw pyoxigraph (disk, bulk)", raw_disk, None),
            ("oxigraph", entry.get("oxigraph", {}), raw),
            ("oxigraph:PATH", entry.get("oxigraph_path", {}), raw_disk),
            ("memory (rdflib)", entry.get("memory"), raw),
        ]
        for name, data, reference in rows:
            if not data:
                continue
            if "error" in data:
                lines.append(f"| {label} | | {name} | error: {data['error']} | | | | | |")
                continue
            quads = data["quads"]
            rate = quads / data["load_s"]
            vs = (
                _ratio(rate, reference["quads"] / reference["load_s"])
                if reference and "load_s" in reference
                else None
            )
            per_m = (data["rss_peak_mb"] - data["rss_base_mb"]) / (quads / 1e6)
            vs_cell = f"{vs:.2f}x" if vs else "—"
            lines.append(
                f"| {label} | {quads:,} | {name} | {_f(data['load_s'], 2)} | {rate:,.0f} | {vs_cell} "
                f"| {data['rss_peak_mb']:.0f} | {per_m:.0f} | {_f(data.get('disk_mb'), 0)} |"
            )
    lines += ["", "## Reopening an on-disk store", "", "| size | quads | reopen s |", "|---|---|---|"]
    for label, entry in report["sizes"].items():
        data = entry.get("oxigraph_path_reopen", {})
        if "reopen_s" in data:
            lines.append(f"| {label} | {data['quads']:,} | {data['reopen_s']:.3f} |")
    lines += [
        "",
        "## Shipped queries (seconds)",
        "",
        "`alignkg` is `alignkg.run_query` (rdflib terms out); `raw` is pyoxigraph's own query on the",
        "same store with every solution materialised.",
        "",
        "| size | query | rows | oxigraph alignkg | raw | ratio | oxigraph:PATH alignkg | raw "
        "| rdflib memory | rdflib / oxigraph |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, entry in report["sizes"].items():
        ox_q = entry.get("oxigraph", {}).get("queries", {})
        disk_q = entry.get("oxigraph_path_reopen", {}).get("queries", {})
        mem_q = (entry.get("memory") or {}).get("queries", {})
        for name, data in ox_q.items():
            lines.append(_query_row(label, name, data, disk_q.get(name, {}), mem_q.get(name)))
    lines += ["", "## networkx projection (`alignkg.to_networkx`)", ""]
    lines += ["| size | backend | nodes | edges | seconds | peak RSS MB |", "|---|---|---|---|---|---|"]
    for label, entry in report["sizes"].items():
        for name, key in (("oxigraph", "oxigraph"), ("memory (rdflib)", "memory")):
            data = entry.get(key) or {}
            if "projection_s" in data:
                lines.append(
                    f"| {label} | {name} | {data['projection_nodes']:,} | {data['projection_edges']:,} "
                    f"| {data['projection_s']:.2f} | {data['rss_after_projection_mb']:.0f} |"
                )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default=os.environ.get("ALIGNKG_BENCH_SIZES", "100k,1m,5m"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("ALIGNKG_BENCH_RUNS", "5")))
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--backends",
        default=os.environ.get("ALIGNKG_BENCH_BACKENDS", "oxigraph,oxigraph:PATH,memory"),
        help="oxigraph (always measured, with raw pyoxigraph), oxigraph:PATH, memory",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        task = json.loads(args.worker)
        print(json.dumps(WORKERS[task["kind"]](task)))
        return
    labels = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; use {', '.join(SIZES)}")
    data = args.out / "data"
    data.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "cpus": os.cpu_count(),
        "versions": _versions(),
        "runs": args.runs,
        "sizes": {
            label: measure_size(label, SIZES[label], args.runs, data, set(args.backends.split(",")))
            for label in labels
        },
    }
    (args.out / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = to_markdown(report)
    (args.out / "bench.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"wrote {args.out / 'bench.md'} and {args.out / 'bench.json'}")


if __name__ == "__main__":
    main()
