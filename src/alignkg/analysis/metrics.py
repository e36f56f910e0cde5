"""Alignment metrics: per enterprise, how many directives its meetings follow, how fast, and how
much of the chain rests on articles rather than background knowledge."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from rdflib import Dataset

from alignkg.analysis.alignment import Fact, collect_alignment, iso_date
from alignkg.stores.base import Store

METRIC_COLUMNS = [
    "enterprise",
    "enterprise_label",
    "meetings",
    "directives_followed",
    "median_lag_days",
    "priorities",
    "priorities_tracing",
    "priority_trace_share",
    "links",
    "background_links",
    "background_link_share",
    "lags",
    "background_lags",
    "background_lag_share",
]
"""Columns of :func:`alignment_metrics`."""


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def alignment_metrics(dataset: Dataset | Store) -> pd.DataFrame:
    """Summary metrics per enterprise that convened at least one meeting.

    - ``directives_followed``: distinct directives its meetings implement;
    - ``median_lag_days``: median days from directive to meeting, over (directive, meeting) pairs
      with both dates;
    - ``priority_trace_share``: share of the priorities its meetings set that a source states serve
      a national directive;
    - ``background_link_share``: share of the chain links (meeting implements directive, meeting
      sets priority, priority serves directive, priority has measure) stated only by background
      sources, none by an article;
    - ``background_lag_share``: share of the lags that use at least one date stated only by
      background sources.
    """
    data = collect_alignment(dataset)
    src = data.sources
    per_enterprise: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    for meeting_id, meeting in sorted(data.meetings.items()):
        per_enterprise[meeting["enterprise"]].append(meeting_id)
        labels[meeting["enterprise"]] = meeting["enterpriseLabel"] or meeting["enterprise"]
    rows = []
    for ent, meetings in sorted(per_enterprise.items()):
        directives: set[str] = set()
        lags: list[int] = []
        background_lags = 0
        links: set[Fact] = set()
        priorities: set[str] = set()
        for meeting_id in meetings:
            m_date = data.meetings[meeting_id]["meetingDate"]
            for directive in data.directives.get(meeting_id, []):
                d_id, d_date = directive["directive"], directive["directiveDate"]
                directives.add(d_id)
                links.add((meeting_id, "ak:implements", d_id))
                start, end = iso_date(d_date), iso_date(m_date)
                if start and end:
                    lags.append((end - start).days)
                    dates = [(d_id, "dcterms:date", d_date or ""), (meeting_id, "dcterms:date", m_date or "")]
                    background_lags += any(src.rests_on_background(f) for f in dates)
            for priority in data.priorities.get(meeting_id, []):
                p_id = priority["priority"]
                priorities.add(p_id)
                links.add((meeting_id, "ak:setsPriority", p_id))
                links.update((p_id, "ak:implements", d) for d in data.serves.get(p_id, set()))
                links.update((p_id, "ak:hasMeasure", m) for m, _ in data.measures.get(p_id, []))
        tracing = sum(1 for p in priorities if data.serves.get(p, set()) & data.national)
        background_links = sum(1 for fact in links if src.rests_on_background(fact))
        rows.append(
            {
                "enterprise": ent,
                "enterprise_label": labels[ent],
                "meetings": len(meetings),
                "directives_followed": len(directives),
                "median_lag_days": float(pd.Series(lags).median()) if lags else None,
                "priorities": len(priorities),
                "priorities_tracing": tracing,
                "priority_trace_share": _share(tracing, len(priorities)),
                "links": len(links),
                "background_links": background_links,
                "background_link_share": _share(background_links, len(links)),
                "lags": len(lags),
                "background_lags": background_lags,
                "background_lag_share": _share(background_lags, len(lags)),
            }
        )
    frame = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    for column in (
        "median_lag_days",
        "priority_trace_share",
        "background_link_share",
        "background_lag_share",
    ):
        frame[column] = frame[column].astype("float64")
    return frame
