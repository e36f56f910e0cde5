"""The report's sections that are worked out rather than queried: the cascade of each directive
through the group, and the notes on what the evidence does not establish."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import pandas as pd
from rdflib import Dataset

from alignkg.analysis.cascade import directive_cascade
from alignkg.model.words import count
from alignkg.stores.base import Store
from alignkg.views.markdown import markdown_table, markdown_text, number_text


def text_of(value: Any) -> str:
    """Text of a cell; missing values (None, NaN, NA) as the empty string."""
    missing = value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
    return "" if missing else str(value)


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a DataFrame as dictionaries, missing values as None."""
    return [
        {str(k): (None if text_of(v) == "" and not isinstance(v, str) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def sources_of(*cells: Any) -> list[str]:
    found: set[str] = set()
    for cell in cells:
        if isinstance(cell, str) and cell:
            found.update(part.strip() for part in cell.split(";") if part.strip())
    return sorted(found)


def gap_notes(chains: pd.DataFrame, metrics: pd.DataFrame, background: set[str]) -> list[str]:
    """What the sources do not establish, in plain words, so no gap is read as a fact."""
    notes: list[str] = []
    for m in records_of(metrics):
        if m["directives_followed"]:
            notes.append(
                f"The figures for {m['enterprise_label']} rest on {count(m['meetings'], 'meeting')}, "
                f"{count(m['directives_followed'], 'directive')} and {count(m['lags'], 'lag')}: they "
                "describe these events, not a general rate of response."
            )
        else:
            notes.append(
                f"The graph records {count(m['meetings'], 'meeting')} of {m['enterprise_label']} but no "
                f"directive that {'it implements' if m['meetings'] == 1 else 'they implement'}, so no chain "
                "or lag can be given for it."
            )
    for c in records_of(chains.drop_duplicates(["directive", "meeting"])):
        if c["lag_days"] is None:
            missing = "the directive" if not c["directive_date"] else "the meeting"
            notes.append(
                f"The lag between {c['directive_label']} and {c['meeting_label']} is unknown: "
                f"no source gives the date of {missing}."
            )
            continue
        if c["directive_date_basis"] == "occasion end":
            notes.append(
                f"{c['directive_label']} has no date of its own; its lag to {c['meeting_label']} "
                f"({c['lag_days']} day{'' if c['lag_days'] == 1 else 's'}) runs from the last day of its "
                "occasion, so it is the least it "
                "can be."
            )
        dates = sources_of(c["directive_date_sources"], c["meeting_date_sources"])
        used = [s for s in dates if s in background]
        if used:
            notes.append(
                f"The lag of {c['lag_days']} days between {c['directive_label']} and {c['meeting_label']} "
                f"uses dates from background knowledge ({', '.join(used)}), not from an article."
            )
    meeting_wide: dict[str, set[str]] = defaultdict(set)
    for c in records_of(chains):
        if c["serves_tie"] == "meeting":
            meeting_wide[str(c["meeting_label"])].add(str(c["priority_label"]))
        elif c["priority"] is not None and c["serves_tie"] is None:
            notes.append(
                f"No source states that the priority '{c['priority_label']}' serves {c['directive_label']}; "
                f"that chain runs only through {c['meeting_label']}."
            )
    for meeting, priorities in sorted(meeting_wide.items()):
        listed = "; ".join(f"'{p}'" for p in sorted(priorities))
        notes.append(
            f"At {meeting} the source ties {listed} to the directives only through the meeting as a whole, "
            "not one priority to one directive."
        )
    return notes


def metric_text(value: Any, *, percent: bool = False) -> str:
    return number_text(None if text_of(value) == "" else value, percent=percent)


def cascades(dataset: Dataset | Store) -> dict[str, Any]:
    """The cascade of each directive studied at two or more meetings, as a timeline of its own,
    and the directives studied at one meeting, in one table."""
    frame = directive_cascade(dataset)
    timelines: list[dict[str, Any]] = []
    single: list[dict[str, Any]] = []
    for _, steps in frame.groupby("directive", sort=False):
        first = records_of(steps)[0]
        when = text_of(first["directive_date"]) or "date not known"
        if first["directive_date_basis"] not in (None, "directive"):
            when += f" ({first['directive_date_basis']})"
        rows = [
            {
                "step": text_of(r["step"]),
                "enterprise": text_of(r["enterprise_label"]),
                "meeting": text_of(r["meeting_label"]),
                "date": text_of(r["meeting_date"]),
                "lag": text_of(r["lag_days"]),
                "parent": text_of(r["parent_label"]),
                "parent_date": text_of(r["parent_meeting_date"]),
                "parent_lag": text_of(r["lag_from_parent_days"]),
                "officers": text_of(r["shared_officers"]),
                "sources": sources_of(r["sources"]),
            }
            for r in records_of(steps)
        ]
        entry = {
            "directive": first["directive_label"],
            "issuer": text_of(first["issuer"]),
            "when": when,
            "steps": rows,
        }
        (timelines if len(rows) > 1 else single).append(entry)
    return {"timelines": timelines, "single": single}


CASCADE_HEADER = ["#", "enterprise", "meeting", "date", "lag (days)", "parent", "parent's meeting"]
CASCADE_HEADER += ["lag from parent (days)", "shared officers", "sources"]


def _cascade_cells(step: dict[str, Any]) -> list[str]:
    keys = ("step", "enterprise", "meeting", "date", "lag", "parent", "parent_date", "parent_lag", "officers")
    return [*(step[k] for k in keys), ", ".join(step["sources"])]


def markdown_cascades(ctx: dict[str, Any]) -> str:
    out = ["## Cascades\n"]
    out.append(
        markdown_table(
            [
                "enterprise",
                "meetings",
                "directives followed",
                "median lag (days)",
                "meetings citing a central directive",
            ],
            [
                [f["enterprise"], f["meetings"], f["directives"], f["median_lag"], f["citing"]]
                for f in ctx["followed"]
            ],
        )
    )
    for cascade in ctx["cascades"]["timelines"]:
        title = f"{cascade['directive']} ({cascade['issuer']}, {cascade['when']})"
        out.append(f"### {markdown_text(title)}\n")
        out.append(markdown_table(CASCADE_HEADER, [_cascade_cells(s) for s in cascade["steps"]]))
    single = ctx["cascades"]["single"]
    if single:
        out.append("### Directives studied at one meeting\n")
        rows = [
            [
                c["directive"],
                c["issuer"],
                c["when"],
                *_cascade_cells(c["steps"][0])[1:5],
                ", ".join(c["steps"][0]["sources"]),
            ]
            for c in single
        ]
        out.append(
            markdown_table(
                ["directive", "issuer", "date", "enterprise", "meeting", "date", "lag (days)", "sources"],
                rows,
            )
        )
    return "\n".join(out)
