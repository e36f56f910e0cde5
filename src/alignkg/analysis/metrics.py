"""Alignment metrics: per enterprise, how many directives its meetings follow, how fast, how many
of its priorities a source ties to a directive (kept apart from those merely set at a meeting that
studied one), and how much of the chain rests on articles rather than background knowledge."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from rdflib import Dataset

from alignkg.analysis.alignment import AlignmentData, Fact, collect_alignment, iso_date
from alignkg.stores.base import Store

METRIC_COLUMNS = [
    "enterprise",
    "enterprise_label",
    "meetings",
    "meetings_citing_directive",
    "meeting_directive_share",
    "directives_followed",
    "median_lag_days",
    "priorities",
    "priorities_stated",
    "priority_stated_share",
    "priorities_meeting_wide",
    "priorities_at_studying_meeting",
    "priority_at_studying_meeting_share",
    "links",
    "background_links",
    "background_link_share",
    "lags",
    "background_lags",
    "background_lag_share",
]
"""Columns of :func:`alignment_metrics`."""

SHARE_COLUMNS = [c for c in METRIC_COLUMNS if c.endswith("_share")] + ["median_lag_days"]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _ties_to_national(data: AlignmentData, priority: str) -> set[str]:
    """How the sources tie ``priority`` to national directives: a set of ``item`` / ``meeting``."""
    return {t for d in data.serves.get(priority, set()) & data.national if (t := data.tie(priority, d))}


def alignment_metrics(dataset: Dataset | Store) -> pd.DataFrame:
    """Summary metrics per enterprise that convened at least one meeting.

    - ``meeting_directive_share``: share of its meetings that cite at least one national directive;
    - ``directives_followed``: distinct directives its meetings implement;
    - ``median_lag_days``: median days from directive to meeting, over (directive, meeting) pairs
      with both dates (a directive without a date of its own is dated by its occasion);
    - ``priority_stated_share``: share of its priorities that a source ties to a national
      directive itself (``priorities_stated``);
    - ``priorities_meeting_wide``: priorities tied to national directives only through the meeting
      as a whole (the source says the meeting studied them, not that this priority serves one);
    - ``priority_at_studying_meeting_share``: share of its priorities set at a meeting that studied
      a national directive, however the source ties them;
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
        at_studying: set[str] = set()
        citing = 0
        for meeting_id in meetings:
            meeting = data.meetings[meeting_id]
            m_date = meeting["meetingDate"]
            studied = data.directives.get(meeting_id, [])
            national = any(d["directive"] in data.national for d in studied)
            citing += national
            for directive in studied:
                d_id, d_date = directive["directive"], directive["directiveDate"]
                directives.add(d_id)
                links.add((meeting_id, "ak:implements", d_id))
                start, end = iso_date(d_date), iso_date(m_date)
                if start and end:
                    lags.append((end - start).days)
                    dates = [directive["dateFact"], meeting["meetingDateFact"]]
                    background_lags += any(src.rests_on_background(f) for f in dates)
            for priority in data.priorities.get(meeting_id, []):
                p_id = priority["priority"]
                priorities.add(p_id)
                if national:
                    at_studying.add(p_id)
                links.add((meeting_id, "ak:setsPriority", p_id))
                links.update((p_id, "ak:implements", d) for d in data.serves.get(p_id, set()))
                links.update((p_id, "ak:hasMeasure", m) for m, _ in data.measures.get(p_id, []))
        ties = {p: _ties_to_national(data, p) for p in priorities}
        stated = sum(1 for p in priorities if "item" in ties[p])
        meeting_wide = sum(1 for p in priorities if ties[p] == {"meeting"})
        background_links = sum(1 for fact in links if src.rests_on_background(fact))
        rows.append(
            {
                "enterprise": ent,
                "enterprise_label": labels[ent],
                "meetings": len(meetings),
                "meetings_citing_directive": citing,
                "meeting_directive_share": _share(citing, len(meetings)),
                "directives_followed": len(directives),
                "median_lag_days": float(pd.Series(lags).median()) if lags else None,
                "priorities": len(priorities),
                "priorities_stated": stated,
                "priority_stated_share": _share(stated, len(priorities)),
                "priorities_meeting_wide": meeting_wide,
                "priorities_at_studying_meeting": len(at_studying),
                "priority_at_studying_meeting_share": _share(len(at_studying), len(priorities)),
                "links": len(links),
                "background_links": background_links,
                "background_link_share": _share(background_links, len(links)),
                "lags": len(lags),
                "background_lags": background_lags,
                "background_lag_share": _share(background_lags, len(lags)),
            }
        )
    frame = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    for column in SHARE_COLUMNS:
        frame[column] = frame[column].astype("float64")
    return frame
