"""How well and how fast ingestion drafts facts: precision and recall per fact type on the tuned
and held-out fixture texts (tests/fixtures/ingest/), with the shipped data as gazetteer and with
an empty one, and articles per second on one core.

    .venv/bin/python bench/ingest_bench.py
    .venv/bin/python bench/ingest_bench.py --sets tuned      # while changing the rules

Each text's gold facts (NAME.gold.json) were written by hand with the text. A drafted fact counts
as right when it matches a gold fact: dates exactly, names after Traditional-to-Simplified
conversion, bodies by kind and host, directives by issuer, kind and occasion (one occasion
containing the other, or sharing half its words), priority candidates by containing a gold
anchor phrase. Posts are counted for the chair and participants only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignkg.ingest import Gazetteer, draft_document, read_document
from alignkg.ingest.extraction import Extraction
from alignkg.ingest.script import to_simplified

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
FACTS = ["meeting date", "body", "chair", "participant", "post", "directive", "priority candidate"]


def name_key(name: str) -> str:
    return re.sub(r"[\s\-]", "", to_simplified(name)).lower()


def host_key(name: str) -> str:
    key = name_key(name)
    return re.sub(r"(group|co\.|company|corporation|集团|公司|'s)$", "", key)


def words(text: str) -> set[str]:
    text = to_simplified(text).lower()
    if re.search(r"[\u4e00-\u9fff]", text):
        return {text[i : i + 2] for i in range(len(text) - 1)}
    return set(re.findall(r"[a-z0-9]+", text)) - {"the", "of", "on", "at", "a", "to", "his", "in", "and"}


def same_occasion(gold: str | None, found: str) -> bool:
    if not gold:
        return not found
    g, f = to_simplified(gold).lower(), to_simplified(found).lower()
    if f and (g in f or f in g):
        return True
    gw, fw = words(g), words(f)
    return bool(gw and fw) and len(gw & fw) / len(gw | fw) >= 0.5


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Score:
    counts: dict[str, Count] = field(default_factory=lambda: {f: Count() for f in FACTS})
    misses: list[str] = field(default_factory=list)

    def sets(self, fact: str, gold: set[Any], found: set[Any], text: str) -> None:
        count = self.counts[fact]
        count.tp += len(gold & found)
        count.fp += len(found - gold)
        count.fn += len(gold - found)
        for item in sorted(map(str, gold - found)):
            self.misses.append(f"{text}: {fact} missed {item}")
        for item in sorted(map(str, found - gold)):
            self.misses.append(f"{text}: {fact} wrong {item}")


def score_text(score: Score, name: str, gold: dict[str, Any], extraction: Extraction) -> None:
    meetings = extraction.meetings
    text = extraction.document.text
    score.sets(
        "meeting date",
        {m["date"] for m in gold["meetings"] if m["date"]},
        {m.date.value.isoformat() for m in meetings if m.date and m.date.value},
        name,
    )
    score.sets(
        "body",
        {(m["body"], host_key(m["host"])) for m in gold["meetings"]},
        {(m.body.kind, host_key(m.body.host)) for m in meetings},
        name,
    )
    score.sets(
        "chair",
        {name_key(m["chair"]) for m in gold["meetings"] if m["chair"]},
        {name_key(m.chair.key) for m in meetings if m.chair},
        name,
    )
    score.sets(
        "participant",
        {name_key(p) for m in gold["meetings"] for p in m["participants"]},
        {name_key(p.key) for m in meetings for p in m.participants},
        name,
    )
    people = [p for m in meetings for p in ([m.chair] if m.chair else []) + m.participants]
    score.sets(
        "post",
        {(name_key(p), code) for p, code in gold["posts"]},
        {(name_key(p.key), post.code) for p in people for post in p.posts},
        name,
    )
    found = [(name_key(d.issuer), d.what, d.occasion) for m in meetings for d in m.directives]
    wanted = [(name_key(d["issuer"]), d["what"], d["occasion"]) for d in gold["directives"]]
    count = score.counts["directive"]
    unmatched = list(found)
    for issuer, what, occasion in wanted:
        match = next(
            (f for f in unmatched if f[0] == issuer and f[1] == what and same_occasion(occasion, f[2])), None
        )
        if match:
            count.tp += 1
            unmatched.remove(match)
        else:
            count.fn += 1
            score.misses.append(f"{name}: directive missed {(issuer, what, occasion)}")
    count.fp += len(unmatched)
    score.misses += [f"{name}: directive wrong {u}" for u in unmatched]
    spans = [to_simplified(text[p.span.start : p.span.end]) for m in meetings for p in m.points]
    anchors = [to_simplified(a) for a in gold["priorities"]]
    count = score.counts["priority candidate"]
    covered = [a for a in anchors if any(a in s for s in spans)]
    count.tp += len(covered)
    count.fn += len(anchors) - len(covered)
    count.fp += sum(1 for s in spans if not any(a in s for a in anchors))
    score.misses += [f"{name}: priority missed {a!r}" for a in anchors if a not in covered]
    score.misses += [f"{name}: priority wrong {s[:40]!r}" for s in spans if not any(a in s for a in anchors)]


def inputs(which: str) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted((FIXTURES / which).iterdir()):
        if path.name.endswith(".gold.json"):
            continue
        gold = json.loads(
            path.with_name(path.name.rsplit(".", 1)[0] + ".gold.json").read_text(encoding="utf-8")
        )
        found.append((path, gold))
    return found


def evaluate(which: str, gazetteer: Gazetteer) -> Score:
    score = Score()
    for path, gold in inputs(which):
        document = read_document(path, **gold.get("options", {}))
        _, extraction = draft_document(document, gazetteer)
        score_text(score, path.name, gold, extraction)
    return score


def speed(gazetteer: Gazetteer, paths: list[tuple[Path, dict[str, Any]]], seconds: float = 3.0) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for path, gold in paths:
            draft_document(read_document(path, **gold.get("options", {})), gazetteer)
            done += 1
    return done / (time.perf_counter() - start)


def fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="tuned,heldout", help="comma-separated: tuned, heldout")
    parser.add_argument("--misses", action="store_true", help="list every missed or wrong fact")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    gazetteers = {"shipped data": Gazetteer.from_data(ROOT / "data"), "empty": Gazetteer.empty()}
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    results: dict[tuple[str, str], Score] = {}
    for gname, gazetteer in gazetteers.items():
        for which in sets:
            results[(gname, which)] = evaluate(which, gazetteer)
    columns = [(g, s) for g in gazetteers for s in sets]
    counts = {s: len(inputs(s)) for s in sets}
    print("Texts: " + ", ".join(f"{s} {n}" for s, n in counts.items()))
    print()
    print("| fact | " + " | ".join(f"{s} P / R ({g})" for g, s in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for fact in FACTS:
        cells = []
        for key in columns:
            count = results[key].counts[fact]
            cells.append(f"{fmt(count.precision())} / {fmt(count.recall())} (n={count.tp + count.fn})")
        print(f"| {fact} | " + " | ".join(cells) + " |")
    print()
    every = [item for s in sets for item in inputs(s)]
    for gname, gazetteer in gazetteers.items():
        speed(gazetteer, every[:4], 0.5)  # warm up imports and caches
        rate = speed(gazetteer, every)
        print(
            f"Speed, one core, gazetteer {gname}: {rate:.0f} articles per second "
            f"({len(every)} texts, read + extract + draft rows)"
        )
    if args.misses:
        for key, score in results.items():
            print(f"\n{key[1]} texts, gazetteer {key[0]}:")
            for miss in score.misses:
                print("  " + miss)


if __name__ == "__main__":
    main()
