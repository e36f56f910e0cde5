"""Reviewing a draft row by row: the reviewer accepts or rejects each proposed row, edits and
paraphrases it, or links a drafted entity to an existing one. Saving writes those decisions into
the draft and merges the accepted rows into data/ through ``accept``'s trial build, all files
replaced together or none."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from alignkg.ingest.accept import AcceptReport, plan_merge
from alignkg.ingest.draft import FILES, JSON_FILE, Draft, draft_files, read_draft
from alignkg.ingest.gazetteer import Gazetteer
from alignkg.ingest.script import to_simplified
from alignkg.ingest.spans import MAX_QUOTE_CHARS, MAX_QUOTE_WORDS, is_chinese
from alignkg.model.errors import AlignkgError, DataError, Location

REVIEW_FILE = "review.json"
"""The reviewer's decisions, kept in the draft folder beside the tables they changed."""
TABLES = ("source", "entities", "statements")
EDITABLE = {
    "source": ("title", "issued", "description"),
    "entities": ("label_en", "label_zh", "description"),
    "statements": ("value", "evidence", "locator", "valid_from", "valid_to"),
}
"""The columns a reviewer may change; ids, classes and predicates stay as the rules drafted them."""
PARAPHRASED = ("label_en", "label_zh", "description", "evidence")
"""Edited columns that must be the reviewer's own words, not a long stretch of the text."""
DECISIONS = ("accept", "reject", "link")
ACCEPTED, REJECTED = "1.00", "0.00"
"""The confidence a decided row is saved with, so that ``alignkg accept`` reads the same choice."""

Row = dict[str, str]


def _review_file(folder: Path) -> dict[str, Any]:
    path = folder / REVIEW_FILE
    empty: dict[str, Any] = {"decisions": {}, "links": {}, "proposed": {}, "relinked": {}}
    if not path.is_file():
        return empty
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AlignkgError(f"cannot read the review: {exc}", Location(path)) from exc
    if not isinstance(data, dict):
        raise AlignkgError("expected a JSON object", Location(path))
    return {key: dict(data.get(key) or {}) for key in empty}


def _snapshot(folder: Path) -> dict[str, Any]:
    path = folder / JSON_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AlignkgError(f"cannot read the draft snapshot: {exc}", Location(path)) from exc
    return data if isinstance(data, dict) else {}


def fingerprint(folder: Path | str) -> str:
    """A hash of what a review changes (the three tables and the review), so that a save made
    from a page opened before the draft changed on disk is refused."""
    digest = hashlib.sha256()
    for name in (FILES["source"], FILES["entities"], FILES["statements"], REVIEW_FILE):
        path = Path(folder) / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return digest.hexdigest()[:16]


def _tables(draft: Draft) -> dict[str, list[Row]]:
    tables = {"source": [dict(draft.source)], "entities": draft.entities, "statements": draft.statements}
    for table, rows in tables.items():
        for index, row in enumerate(rows):
            row["_key"] = f"{table}:{index}"
    return tables


def _choices(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        str(c["entity"]): {"surface": str(c.get("surface", "")), "candidates": list(c.get("candidates", []))}
        for c in snapshot.get("choices", [])
        if isinstance(c, dict) and "entity" in c
    }


def load_review(draft_dir: Path | str, *, data_dir: Path | str | None = Path("data")) -> dict[str, Any]:
    """Everything the review page shows, as JSON-ready data: the text the spans index, every
    row of the draft as it is now (with its key, ``table:index``), the link choices, the
    decisions of an earlier review, the labels of the ids statements name, and a fingerprint."""
    folder = Path(draft_dir)
    draft = read_draft(folder)
    snapshot, review = _snapshot(folder), _review_file(folder)
    tables = _tables(draft)
    labels: dict[str, str] = {}
    if data_dir is not None and (Path(data_dir) / "entities.csv").is_file():
        gazetteer = Gazetteer.from_data(data_dir)
        labels = {i: e.label_en or e.label_zh for i, e in gazetteer.entries.items()}
    labels |= {r["id"]: r["label_en"] or r["label_zh"] for r in draft.entities}
    named = {s[c] for s in draft.statements for c in ("subject", "object") if s[c]}
    return {
        "draft": folder.name,
        "source_id": draft.source_id,
        "text": draft.text,
        "fingerprint": fingerprint(folder),
        "rows": {
            table: [{k: v for k, v in row.items() if k != "_row"} for row in rows]
            for table, rows in tables.items()
        },
        "editable": {table: list(columns) for table, columns in EDITABLE.items()},
        "choices": _choices(snapshot),
        "labels": {i: labels[i] for i in sorted(named | set(labels)) if i in labels and i in named},
        "decisions": review["decisions"],
        "links": review["links"],
        "proposed": review["proposed"],
        "notes": [str(n) for n in snapshot.get("notes", [])],
        "limits": {"quote_words": MAX_QUOTE_WORDS, "quote_chars": MAX_QUOTE_CHARS},
    }


def list_drafts(drafts_dir: Path | str) -> list[dict[str, Any]]:
    """The draft folders under ``drafts_dir`` (name, title, row counts, reviewed or not), by name."""
    folder = Path(drafts_dir)
    found: list[dict[str, Any]] = []
    if not folder.is_dir():
        return found
    for path in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            draft = read_draft(path)
        except AlignkgError:
            continue
        found.append(
            {
                "name": path.name,
                "title": draft.source.get("title", ""),
                "issued": draft.source.get("issued", ""),
                "entities": len(draft.entities),
                "statements": len(draft.statements),
                "reviewed": (path / REVIEW_FILE).is_file(),
            }
        )
    return found


_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u9fff\uf900-\ufaff]+")


def copied_run(value: str, text: str) -> int:
    """The longest run of words (Chinese: characters) that ``value`` repeats from ``text``.

    >>> copied_run("They met to cut energy use in every smelter", "Smelters must cut energy use.")
    3
    """
    mine = _TOKEN.findall(to_simplified(value).lower())
    theirs = _TOKEN.findall(to_simplified(text).lower())
    best, previous = 0, [0] * (len(theirs) + 1)
    if not set(mine) & set(theirs):
        return 0
    for word in mine:
        current = [0] * (len(theirs) + 1)
        for j, other in enumerate(theirs, start=1):
            if other == word:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _check_paraphrase(value: str, text: str, where: Location) -> AlignkgError | None:
    limit = MAX_QUOTE_CHARS if is_chinese(value) else MAX_QUOTE_WORDS
    run = copied_run(value, text)
    if run <= limit:
        return None
    unit = "characters" if is_chinese(value) else "words"
    return AlignkgError(
        f"repeats {run} {unit} of the text word for word; paraphrase it in your own words "
        f"(a quote is at most {limit} {unit})",
        where,
    )


def _submitted(submission: dict[str, Any], name: str) -> dict[str, Any]:
    value = submission.get(name) or {}
    if not isinstance(value, dict):
        raise AlignkgError(f"the review's {name!r} must be an object")
    return value


def _row_at(tables: dict[str, list[Row]], key: object) -> tuple[str, Row]:
    table, _, index = str(key).partition(":")
    if table not in tables or not index.isdigit() or int(index) >= len(tables[table]):
        raise AlignkgError(f"no row {key!r} in the draft")
    return table, tables[table][int(index)]


def _index_of(tables: dict[str, list[Row]], entity: str) -> int:
    return next((i for i, r in enumerate(tables["entities"]) if r["id"] == entity), -1)


def _clean(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise AlignkgError(f"{where}: a value must be text")
    return re.sub(r"\s+", " ", value).strip()


def _apply_links(
    tables: dict[str, list[Row]], links: dict[str, str], old: dict[str, Any], choices: dict[str, Any]
) -> dict[str, dict[str, str]]:
    """Undo the links of an earlier save, then point every statement naming a linked draft
    entity at the existing one; returns what each statement named before, for a later undo."""
    old_links, relinked = old["links"], old["relinked"]
    for key, fields in relinked.items():
        _, row = _row_at(tables, key)
        for column, original in fields.items():
            if row.get(column) == old_links.get(original):
                row[column] = original
    drafted = {r["id"] for r in tables["entities"]}
    for entity, target in links.items():
        offered = {str(c.get("id")) for c in choices.get(entity, {}).get("candidates", [])}
        if entity not in drafted or target not in offered:
            raise AlignkgError(f"{target!r} is not one of the choices offered for {entity!r}")
    changed: dict[str, dict[str, str]] = {}
    for row in tables["statements"]:
        for column in ("subject", "object"):
            if row[column] in links:
                changed.setdefault(row["_key"], {})[column] = row[column]
                row[column] = links[row[column]]
    return changed


def save_review(
    draft_dir: Path | str,
    submission: dict[str, Any],
    *,
    data_dir: Path | str = Path("data"),
    ontology_path: Path | str = Path("ontology/alignkg.ttl"),
) -> AcceptReport:
    """Save a review into the draft and merge the rows it accepts into ``data_dir``.

    ``submission`` holds ``fingerprint`` (from ``load_review``), ``decisions`` (row key to
    accept, reject or link), ``values`` (row key to the changed columns) and ``links`` (drafted
    entity id to the existing id chosen for it). Rejecting the source withdraws it and its rows
    from data/. If anything is wrong, or the merged data would not build, AlignkgError says why
    and no file is written; otherwise the draft's tables, its review and data/ are replaced
    together. Saving the same source again replaces its rows.
    """
    from alignkg.model.files import write_atomically

    folder = Path(draft_dir)
    draft = read_draft(folder)
    if submission.get("fingerprint") != fingerprint(folder):
        raise AlignkgError("the draft changed on disk since the page was opened; reload it", Location(folder))
    old, tables = _review_file(folder), _tables(draft)
    decisions, values = _submitted(submission, "decisions"), _submitted(submission, "values")
    links = {str(k): _clean(v, f"link of {k}") for k, v in _submitted(submission, "links").items()}
    problems: list[AlignkgError] = []
    for key, changes in values.items():
        table, row = _row_at(tables, key)
        if not isinstance(changes, dict):
            raise AlignkgError(f"the values of {key!r} must be an object")
        for column, value in changes.items():
            if column not in EDITABLE[table]:
                raise AlignkgError(f"{key}: column {column!r} cannot be edited here")
            cleaned = _clean(value, f"{key}, {column}")
            if cleaned == row[column]:
                continue
            row[column] = cleaned
            where = Location(folder / FILES[table], int(key.partition(":")[2]) + 2, column)
            if column in PARAPHRASED and cleaned:
                problem = _check_paraphrase(row[column], draft.text, where)
                if problem:
                    problems.append(problem)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DataError(problems)
    chosen: dict[str, str] = {}
    for key, decision in decisions.items():
        table, row = _row_at(tables, key)
        if decision not in DECISIONS or (decision == "link") != (table == "entities" and row["id"] in links):
            raise AlignkgError(f"{key}: decision {decision!r} is not accept, reject or a chosen link")
        chosen[str(key)] = str(decision)
    unlinked = sorted(e for e in links if f"entities:{_index_of(tables, e)}" not in chosen)
    if unlinked:
        raise AlignkgError(f"a link was chosen for {', '.join(unlinked)} without the decision to link it")
    relinked = _apply_links(tables, links, old, draft_choices(folder))
    proposed: dict[str, str] = {}
    for rows in tables.values():
        for row in rows:
            before = old["proposed"].get(row["_key"], row["confidence"])
            decision = chosen.get(row["_key"])
            if decision is not None and row["_key"] != "source:0":
                proposed[row["_key"]] = before
                row["confidence"] = ACCEPTED if decision == "accept" else REJECTED
            else:
                row["confidence"] = before

    def keep(kind: str, row: Row) -> str | None:
        decision = chosen.get(row["_key"])
        if decision == "accept":
            return None
        if decision == "link":
            return f"linked to the existing {links[row['id']]}"
        return "rejected by the reviewer" if decision == "reject" else "not reviewed"

    reviewed = Draft(tables["source"][0], tables["entities"], tables["statements"], draft.text)
    withdraw = chosen.get("source:0") == "reject"
    report, outputs = plan_merge(
        reviewed, folder, data_dir=data_dir, ontology_path=ontology_path, keep=keep, withdraw=withdraw
    )
    record = {"decisions": chosen, "links": links, "proposed": proposed, "relinked": relinked}
    files = draft_files(reviewed)
    outputs |= {folder / name: files[name] for name in FILES.values()}
    outputs[folder / REVIEW_FILE] = (
        json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode()
    write_atomically(outputs)
    report.files = sorted(outputs)
    return report


def draft_choices(draft_dir: Path | str) -> dict[str, dict[str, Any]]:
    """The link choices ``ingest`` offered for the draft's entities, by drafted entity id."""
    return _choices(_snapshot(Path(draft_dir)))
