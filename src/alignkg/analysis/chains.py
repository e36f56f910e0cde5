"""Alignment chains: how an enterprise carries national directives into its own priorities and
measures (directive → meeting → priority → measure), with the lag between directive and meeting and
the sources of every link."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rdflib import Dataset

from alignkg.analysis.alignment import AlignmentData, collect_alignment, iso_date, join_ids, ordinal_key
from alignkg.model.errors import AlignkgError
from alignkg.queries.resolve import resolve_entity
from alignkg.stores.base import Store

CHAIN_COLUMNS = [
    "enterprise",
    "enterprise_label",
    "issuer",
    "directive",
    "directive_label",
    "directive_date",
    "directive_date_basis",
    "meeting",
    "meeting_label",
    "meeting_date",
    "lag_days",
    "priority",
    "priority_label",
    "serves_directive",
    "serves_tie",
    "measures",
    "implements_sources",
    "issuer_sources",
    "directive_date_sources",
    "meeting_date_sources",
    "priority_sources",
    "serves_sources",
    "measure_sources",
]
"""Columns of :func:`alignment_chains`; ``*_sources`` hold source ids (``aksrc:...``) joined by ``; ``."""

DATE_BASIS = {
    "directive": "the directive's own date",
    "occasion": "the day of its occasion",
    "occasion end": "the last day of its occasion",
}
"""What ``directive_date_basis`` says the directive's date is."""


def _chain_rows(data: AlignmentData) -> list[dict[str, Any]]:
    src = data.sources
    rows: list[dict[str, Any]] = []
    for meeting_id, meeting in data.meetings.items():
        m_date = meeting["meetingDate"]
        for directive in data.directives.get(meeting_id, []):
            d_id, d_date = directive["directive"], directive["directiveDate"]
            start, end = iso_date(d_date), iso_date(m_date)
            issuers = sorted(data.issuers.get(d_id, []))
            base = {
                "enterprise": meeting["enterprise"],
                "enterprise_label": meeting["enterpriseLabel"] or meeting["enterprise"],
                "issuer": "; ".join(label for _, label in issuers) or None,
                "directive": d_id,
                "directive_label": directive["directiveLabel"] or d_id,
                "directive_date": d_date,
                "directive_date_basis": directive["dateBasis"],
                "meeting": meeting_id,
                "meeting_label": meeting["meetingLabel"] or meeting_id,
                "meeting_date": m_date,
                "lag_days": (end - start).days if start and end else None,
                "implements_sources": join_ids(src.of((meeting_id, "ak:implements", d_id))),
                "issuer_sources": join_ids(
                    [s for issuer, _ in issuers for s in src.of((d_id, "ak:issuedBy", issuer))]
                ),
                "directive_date_sources": join_ids(src.of(directive["dateFact"])) if d_date else "",
                "meeting_date_sources": join_ids(src.of(meeting["meetingDateFact"])) if m_date else "",
            }
            priorities = sorted(
                data.priorities.get(meeting_id, []), key=lambda p: (ordinal_key(p["ordinal"]), p["priority"])
            )
            options: list[dict[str, Any] | None] = [*priorities] or [None]
            for priority in options:
                row = dict(base)
                if priority is None:
                    row.update(
                        priority=None,
                        priority_label=None,
                        serves_directive=None,
                        serves_tie=None,
                        measures="",
                        priority_sources="",
                        serves_sources="",
                        measure_sources="",
                    )
                else:
                    p_id = priority["priority"]
                    measures = sorted(data.measures.get(p_id, []), key=lambda m: (m[1], m[0]))
                    tie = data.tie(p_id, d_id)
                    row.update(
                        priority=p_id,
                        priority_label=priority["priorityLabel"] or p_id,
                        serves_directive=tie == "item",
                        serves_tie=tie,
                        measures="; ".join(label for _, label in measures),
                        priority_sources=join_ids(src.of((meeting_id, "ak:setsPriority", p_id))),
                        serves_sources=join_ids(src.of((p_id, "ak:implements", d_id))),
                        measure_sources=join_ids(
                            [s for m_id, _ in measures for s in src.of((p_id, "ak:hasMeasure", m_id))]
                        ),
                    )
                rows.append(row)
    return rows


def alignment_chains(dataset: Dataset | Store, *, enterprise: str | None = None) -> pd.DataFrame:
    """Every chain directive → meeting → priority (with its measures), one row per directive,
    meeting and priority, with the issuer, both dates, the lag in days and the sources of each link.

    ``serves_directive`` tells whether a source ties the priority to that directive itself;
    ``serves_tie`` says how: ``item`` (the source ties this priority to this directive),
    ``meeting`` (the source only says the meeting as a whole studied the directives) or None (no
    link: the chain runs only through the meeting). A directive without a date of its own is dated
    by its occasion, as ``directive_date_basis`` says. ``enterprise`` (an id such as
    ``baogang-group`` or ``akid:baogang-group``, a label or an alias such as "Baogang Group")
    keeps one enterprise's chains.
    """
    data = collect_alignment(dataset)
    frame = pd.DataFrame(_chain_rows(data), columns=CHAIN_COLUMNS)
    if enterprise is not None:
        wanted = resolve_entity(dataset, enterprise, within="ak:Enterprise", what="enterprise")
        known = sorted({m["enterprise"] for m in data.meetings.values()})
        if wanted not in known:
            raise AlignkgError(
                f"no meeting of an enterprise {enterprise!r} in the graph; "
                f"enterprises with meetings: {', '.join(known) or 'none'}"
            )
        frame = frame[frame["enterprise"] == wanted]
    for column in CHAIN_COLUMNS:
        if column != "lag_days":  # missing text and flags stay None, never NaN
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    frame["lag_days"] = frame["lag_days"].astype("Int64")
    frame["_ordinal"] = range(len(frame))
    frame = frame.sort_values(
        ["enterprise", "directive_date", "directive", "meeting_date", "meeting", "_ordinal"],
        na_position="last",
        kind="stable",
    )
    return frame.drop(columns="_ordinal").reset_index(drop=True)
