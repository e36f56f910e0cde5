"""Cascades: how one directive travels through a group of enterprises. For each directive, every
meeting that studied it, in date order, with its enterprise, the lag from the directive and the lag
from the meeting on it held by the nearest enterprise above in the group, and the officers the two
enterprises share. The group comes from the data (``org:subOrganizationOf`` between enterprises,
``org:holds`` and ``org:postIn`` for officers), all of it read through SPARQL."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
from rdflib import Dataset

from alignkg.analysis.alignment import (
    AlignmentData,
    collect_alignment,
    iso_date,
    join_ids,
    nearest_enterprise,
    organisation_tree,
    select_rows,
)
from alignkg.model.errors import AlignkgError
from alignkg.queries.resolve import resolve_entity
from alignkg.stores.base import Store

CASCADE_COLUMNS = [
    "directive",
    "directive_label",
    "issuer",
    "directive_date",
    "directive_date_basis",
    "step",
    "enterprise",
    "enterprise_label",
    "meeting",
    "meeting_label",
    "meeting_date",
    "lag_days",
    "parent",
    "parent_label",
    "parent_meeting",
    "parent_meeting_date",
    "lag_from_parent_days",
    "shared_officers",
    "sources",
]
"""Columns of :func:`directive_cascade`: one row per directive and meeting that studied it."""

QUERY_COUNT = 14
"""How many SELECT queries :func:`directive_cascade` runs over the whole graph, whatever its size
(one more when a directive is named, to resolve it)."""

_HOLDINGS = """
SELECT DISTINCT ?person ?personLabel ?unit WHERE {
  ?person org:holds ?post .
  ?post org:postIn ?unit .
  OPTIONAL { ?person rdfs:label ?personLabel . FILTER(lang(?personLabel) = "en") }
}
"""


def _ancestors(enterprise: str, parents: dict[str, set[str]], enterprises: dict[str, str]) -> list[str]:
    """The enterprises above ``enterprise`` in the group, nearest first (ties by id)."""
    order: list[str] = []
    level, seen = {enterprise}, {enterprise}
    while level:
        level = {p for node in level for p in parents.get(node, set())} - seen
        seen |= level
        order.extend(sorted(level & enterprises.keys()))
    return order


def _officers(
    dataset: Dataset | Store, parents: dict[str, set[str]], enterprises: dict[str, str]
) -> dict[str, dict[str, str]]:
    """For each enterprise, the people holding a post in it (by id, with their English label)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for row in select_rows(dataset, _HOLDINGS):
        home = nearest_enterprise(row["unit"], parents, enterprises)
        if home is not None:
            found[home][row["person"]] = row["personLabel"] or row["person"]
    return found


def _pick_parent_meeting(meetings: list[dict[str, Any]], day: str | None) -> dict[str, Any]:
    """The parent's meeting to measure from: its latest dated meeting no later than ``day``, else
    its earliest dated meeting, else its first meeting."""
    dated = sorted((m for m in meetings if m["meetingDate"]), key=lambda m: (m["meetingDate"], m["meeting"]))
    before = [m for m in dated if day and m["meetingDate"] <= day]
    if before:
        return before[-1]
    return dated[0] if dated else sorted(meetings, key=lambda m: m["meeting"])[0]


def _days(start: str | None, end: str | None) -> int | None:
    first, last = iso_date(start), iso_date(end)
    return (last - first).days if first and last else None


def _rows(
    data: AlignmentData,
    parents: dict[str, set[str]],
    enterprises: dict[str, str],
    officers: dict[str, dict[str, str]],
) -> list[dict[str, Any]]:
    studied: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for meeting_id, meeting in data.meetings.items():
        for directive in data.directives.get(meeting_id, []):
            studied[directive["directive"]].append((meeting, directive))
    src = data.sources
    rows: list[dict[str, Any]] = []
    for d_id, pairs in studied.items():
        pairs.sort(key=lambda p: (p[0]["meetingDate"] is None, p[0]["meetingDate"] or "", p[0]["meeting"]))
        by_enterprise: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for meeting, _ in pairs:
            by_enterprise[meeting["enterprise"]].append(meeting)
        issuers = sorted(data.issuers.get(d_id, []))
        for step, (meeting, directive) in enumerate(pairs, start=1):
            ent, m_id, m_date = meeting["enterprise"], meeting["meeting"], meeting["meetingDate"]
            parent = next((a for a in _ancestors(ent, parents, enterprises) if a in by_enterprise), None)
            upstream = _pick_parent_meeting(by_enterprise[parent], m_date) if parent else None
            shared = sorted(set(officers.get(ent, {})) & set(officers.get(parent, {}))) if parent else []
            facts = [(m_id, "ak:implements", d_id), meeting["meetingDateFact"], directive["dateFact"]]
            rows.append(
                {
                    "directive": d_id,
                    "directive_label": directive["directiveLabel"] or d_id,
                    "issuer": "; ".join(label for _, label in issuers) or None,
                    "directive_date": directive["directiveDate"],
                    "directive_date_basis": directive["dateBasis"],
                    "step": step,
                    "enterprise": ent,
                    "enterprise_label": meeting["enterpriseLabel"] or ent,
                    "meeting": m_id,
                    "meeting_label": meeting["meetingLabel"] or m_id,
                    "meeting_date": m_date,
                    "lag_days": _days(directive["directiveDate"], m_date),
                    "parent": parent,
                    "parent_label": enterprises.get(parent) or parent if parent else None,
                    "parent_meeting": upstream["meeting"] if upstream else None,
                    "parent_meeting_date": upstream["meetingDate"] if upstream else None,
                    "lag_from_parent_days": _days(upstream["meetingDate"], m_date) if upstream else None,
                    "shared_officers": "; ".join(officers[ent][p] for p in shared),
                    "sources": join_ids([s for f in facts if f for s in src.of(f)]),
                }
            )
    return rows


def resolve_directive(dataset: Dataset | Store, data: AlignmentData, wanted: str) -> str:
    """The id of the directive ``wanted`` names, as every entity argument is read (an id, a label
    or an alias in any case; an unknown name fails with the closest ones), if a meeting studied it."""
    found = resolve_entity(dataset, wanted, what="directive")
    studied = {str(d["directive"]) for ds in data.directives.values() for d in ds}
    if found not in studied:
        raise AlignkgError(f"{wanted!r} is {found}, not a directive that a meeting in the graph studied")
    return found


def directive_cascade(
    dataset: Dataset | Store, directive: str | None = None, *, min_enterprises: int = 1
) -> pd.DataFrame:
    """The cascade of each directive (or of one, by id or English label) through the enterprises
    that studied it: one row per meeting, in date order (undated meetings last), with the lag from
    the directive and from the meeting on it of the nearest enterprise above in the group.

    ``parent`` is the nearest enterprise above this one (through ``org:subOrganizationOf``) that
    studied the same directive; ``parent_meeting`` is its latest dated meeting on it no later than
    this one (else its earliest); ``shared_officers`` are the people holding posts in both.
    ``min_enterprises`` keeps the directives studied by at least that many enterprises.
    """
    data = collect_alignment(dataset)
    parents, enterprises = organisation_tree(dataset)
    officers = _officers(dataset, parents, enterprises)
    frame = pd.DataFrame(_rows(data, parents, enterprises, officers), columns=CASCADE_COLUMNS)
    if directive is not None:
        frame = frame[frame["directive"] == resolve_directive(dataset, data, directive)]
    if min_enterprises > 1:
        counts = frame.groupby("directive")["enterprise"].nunique()
        frame = frame[frame["directive"].isin(counts[counts >= min_enterprises].index)]
    for column in CASCADE_COLUMNS:
        if column not in ("step", "lag_days", "lag_from_parent_days"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    for column in ("step", "lag_days", "lag_from_parent_days"):
        frame[column] = frame[column].astype("Int64")
    frame = frame.sort_values(["directive_date", "directive", "step"], na_position="last", kind="stable")
    return frame.reset_index(drop=True)
