"""Alignment chains: how an enterprise carries national directives into its own priorities and
measures (directive → meeting → priority → measure), with the lag between directive and meeting,
the sources of every link, and summary metrics per enterprise.

Everything is read through SPARQL, so the same code works on any store that answers queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from rdflib import Dataset

from alignkg.errors import AlignkgError
from alignkg.query import run_query
from alignkg.store import Store

CHAIN_COLUMNS = [
    "enterprise",
    "enterprise_label",
    "issuer",
    "directive",
    "directive_label",
    "directive_date",
    "meeting",
    "meeting_label",
    "meeting_date",
    "lag_days",
    "priority",
    "priority_label",
    "serves_directive",
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

_MEETINGS = """
SELECT DISTINCT ?meeting ?meetingLabel ?meetingDate ?body WHERE {
  ?meeting a/rdfs:subClassOf* ak:Meeting ; ak:convenedBy ?body .
  OPTIONAL { ?meeting rdfs:label ?meetingLabel . FILTER(lang(?meetingLabel) = "en") }
  OPTIONAL { ?meeting dcterms:date ?meetingDate }
}
"""

_ENTERPRISES = """
SELECT DISTINCT ?enterprise ?enterpriseLabel WHERE {
  ?enterprise a/rdfs:subClassOf* ak:Enterprise .
  OPTIONAL { ?enterprise rdfs:label ?enterpriseLabel . FILTER(lang(?enterpriseLabel) = "en") }
}
"""

_PARENTS = """
SELECT DISTINCT ?child ?parent WHERE { ?child org:unitOf|org:subOrganizationOf ?parent }
"""

_DIRECTIVES = """
SELECT DISTINCT ?meeting ?directive ?directiveLabel ?directiveDate ?national WHERE {
  ?meeting a/rdfs:subClassOf* ak:Meeting ; ak:implements ?directive .
  OPTIONAL { ?directive rdfs:label ?directiveLabel . FILTER(lang(?directiveLabel) = "en") }
  OPTIONAL { ?directive dcterms:date ?directiveDate }
  BIND(EXISTS { ?directive a/rdfs:subClassOf* ak:NationalDirective } AS ?national)
}
"""

_ISSUERS = """
SELECT DISTINCT ?directive ?issuer ?issuerLabel WHERE {
  ?directive ak:issuedBy ?issuer .
  OPTIONAL { ?issuer rdfs:label ?issuerLabel . FILTER(lang(?issuerLabel) = "en") }
}
"""

_PRIORITIES = """
SELECT DISTINCT ?meeting ?priority ?priorityLabel ?ordinal WHERE {
  ?meeting a/rdfs:subClassOf* ak:Meeting ; ak:setsPriority ?priority .
  OPTIONAL { ?priority rdfs:label ?priorityLabel . FILTER(lang(?priorityLabel) = "en") }
  OPTIONAL { ?priority ak:ordinal ?ordinal }
}
"""

_SERVES = """
SELECT DISTINCT ?priority ?directive ?national WHERE {
  ?priority a/rdfs:subClassOf* ak:Priority ; ak:implements ?directive .
  BIND(EXISTS { ?directive a/rdfs:subClassOf* ak:NationalDirective } AS ?national)
}
"""

_MEASURES = """
SELECT DISTINCT ?priority ?measure ?measureLabel WHERE {
  ?priority ak:hasMeasure ?measure .
  OPTIONAL { ?measure rdfs:label ?measureLabel . FILTER(lang(?measureLabel) = "en") }
}
"""

# Which source states each fact the chains rest on, and whether that source is background knowledge.
_RECORDS = """
SELECT DISTINCT ?s ?p ?o ?source WHERE {
  VALUES ?p { ak:implements ak:setsPriority ak:hasMeasure ak:issuedBy dcterms:date }
  ?st rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; prov:wasDerivedFrom ?source .
}
"""

_BACKGROUND = """
SELECT ?source WHERE { ?source a ak:BackgroundKnowledge }
"""

Fact = tuple[str, str, str]
"""A fact as (subject, predicate, object), IRIs compact, literals as text."""


@dataclass(frozen=True)
class _Sources:
    """The sources of each fact, and which sources are background knowledge."""

    by_fact: dict[Fact, list[str]]
    background: set[str]

    def of(self, fact: Fact) -> list[str]:
        return self.by_fact.get(fact, [])

    def rests_on_background(self, fact: Fact) -> bool:
        """True when the fact has sources and every one of them is background knowledge."""
        sources = self.of(fact)
        return bool(sources) and all(s in self.background for s in sources)


def _rows(dataset: Dataset | Store, text: str) -> list[dict[str, Any]]:
    """A query's answer as dictionaries of text values (IRIs compact), absent values as None."""
    result = run_query(dataset, text)
    texts = result.to_text_rows(compact=True)
    return [
        {
            var: (value if term is not None else None)
            for var, value, term in zip(result.variables, row, raw, strict=True)
        }
        for row, raw in zip(texts, result.rows, strict=True)
    ]


def _truthy(value: str | None) -> bool:
    return value in ("true", "1")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _ordinal(value: str | None) -> int:
    try:
        return int(value) if value else 1_000_000
    except ValueError:
        return 1_000_000


def _join(values: list[str]) -> str:
    return "; ".join(sorted(set(values)))


@dataclass
class _Collected:
    meetings: dict[str, dict[str, Any]]
    directives: dict[str, list[dict[str, Any]]]
    issuers: dict[str, list[tuple[str, str]]]
    priorities: dict[str, list[dict[str, Any]]]
    serves: dict[str, set[str]]
    national: set[str]
    measures: dict[str, list[tuple[str, str]]]
    sources: _Sources


def organisation_tree(dataset: Dataset | Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """The parents of each organisation or unit (``org:unitOf``, ``org:subOrganizationOf``) and
    the enterprises with their English labels, all as compact ids."""
    enterprises = {row["enterprise"]: row["enterpriseLabel"] for row in _rows(dataset, _ENTERPRISES)}
    parents: dict[str, set[str]] = defaultdict(set)
    for row in _rows(dataset, _PARENTS):
        parents[row["child"]].add(row["parent"])
    return parents, enterprises


def nearest_enterprise(body: str, parents: dict[str, set[str]], enterprises: dict[str, str]) -> str | None:
    """The enterprise closest above ``body`` (itself included) through units and sub-organisations,
    so a subsidiary's meeting belongs to the subsidiary; ties go to the smallest id."""
    level, seen = {body}, {body}
    while level:
        found = sorted(level & enterprises.keys())
        if found:
            return found[0]
        level = {p for node in level for p in parents.get(node, set())} - seen
        seen |= level
    return None


def _collect(dataset: Dataset | Store) -> _Collected:
    parents, enterprises = organisation_tree(dataset)
    meetings: dict[str, dict[str, Any]] = {}
    for row in _rows(dataset, _MEETINGS):
        enterprise = nearest_enterprise(row["body"], parents, enterprises)
        if enterprise is None:
            continue
        row = {**row, "enterprise": enterprise, "enterpriseLabel": enterprises[enterprise]}
        known = meetings.get(row["meeting"])
        # a meeting convened by two bodies keeps the first enterprise by id; two dates, the earliest
        if known is None or (row["enterprise"], row["meetingDate"] or "") < (
            known["enterprise"],
            known["meetingDate"] or "",
        ):
            meetings[row["meeting"]] = row
    directives: dict[str, list[dict[str, Any]]] = defaultdict(list)
    national: set[str] = set()
    for row in _rows(dataset, _DIRECTIVES):
        if _truthy(row["national"]):
            national.add(row["directive"])
        same = [d for d in directives[row["meeting"]] if d["directive"] == row["directive"]]
        if same:
            if (row["directiveDate"] or "~") < (same[0]["directiveDate"] or "~"):
                same[0]["directiveDate"] = row["directiveDate"]
            continue
        directives[row["meeting"]].append(row)
    issuers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(dataset, _ISSUERS):
        issuers[row["directive"]].append((row["issuer"], row["issuerLabel"] or row["issuer"]))
    priorities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(dataset, _PRIORITIES):
        if all(p["priority"] != row["priority"] for p in priorities[row["meeting"]]):
            priorities[row["meeting"]].append(row)
    serves: dict[str, set[str]] = defaultdict(set)
    for row in _rows(dataset, _SERVES):
        serves[row["priority"]].add(row["directive"])
        if _truthy(row["national"]):
            national.add(row["directive"])
    measures: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(dataset, _MEASURES):
        measures[row["priority"]].append((row["measure"], row["measureLabel"] or row["measure"]))
    by_fact: dict[Fact, list[str]] = defaultdict(list)
    for row in _rows(dataset, _RECORDS):
        by_fact[(row["s"], row["p"], row["o"])].append(row["source"])
    background = {row["source"] for row in _rows(dataset, _BACKGROUND)}
    return _Collected(
        meetings, directives, issuers, priorities, serves, national, measures, _Sources(by_fact, background)
    )


def _chain_rows(data: _Collected) -> list[dict[str, Any]]:
    src = data.sources
    rows: list[dict[str, Any]] = []
    for meeting_id, meeting in data.meetings.items():
        m_date = meeting["meetingDate"]
        for directive in data.directives.get(meeting_id, []):
            d_id, d_date = directive["directive"], directive["directiveDate"]
            start, end = _date(d_date), _date(m_date)
            issuers = sorted(data.issuers.get(d_id, []))
            base = {
                "enterprise": meeting["enterprise"],
                "enterprise_label": meeting["enterpriseLabel"] or meeting["enterprise"],
                "issuer": "; ".join(label for _, label in issuers) or None,
                "directive": d_id,
                "directive_label": directive["directiveLabel"] or d_id,
                "directive_date": d_date,
                "meeting": meeting_id,
                "meeting_label": meeting["meetingLabel"] or meeting_id,
                "meeting_date": m_date,
                "lag_days": (end - start).days if start and end else None,
                "implements_sources": _join(src.of((meeting_id, "ak:implements", d_id))),
                "issuer_sources": _join(
                    [s for issuer, _ in issuers for s in src.of((d_id, "ak:issuedBy", issuer))]
                ),
                "directive_date_sources": _join(src.of((d_id, "dcterms:date", d_date or ""))),
                "meeting_date_sources": _join(src.of((meeting_id, "dcterms:date", m_date or ""))),
            }
            priorities = sorted(
                data.priorities.get(meeting_id, []), key=lambda p: (_ordinal(p["ordinal"]), p["priority"])
            )
            options: list[dict[str, Any] | None] = [*priorities] or [None]
            for priority in options:
                row = dict(base)
                if priority is None:
                    row.update(
                        priority=None,
                        priority_label=None,
                        serves_directive=None,
                        measures="",
                        priority_sources="",
                        serves_sources="",
                        measure_sources="",
                    )
                else:
                    p_id = priority["priority"]
                    measures = sorted(data.measures.get(p_id, []), key=lambda m: (m[1], m[0]))
                    row.update(
                        priority=p_id,
                        priority_label=priority["priorityLabel"] or p_id,
                        serves_directive=d_id in data.serves.get(p_id, set()),
                        measures="; ".join(label for _, label in measures),
                        priority_sources=_join(src.of((meeting_id, "ak:setsPriority", p_id))),
                        serves_sources=_join(src.of((p_id, "ak:implements", d_id))),
                        measure_sources=_join(
                            [s for m_id, _ in measures for s in src.of((p_id, "ak:hasMeasure", m_id))]
                        ),
                    )
                rows.append(row)
    return rows


def alignment_chains(dataset: Dataset | Store, *, enterprise: str | None = None) -> pd.DataFrame:
    """Every chain directive → meeting → priority (with its measures), one row per directive,
    meeting and priority, with the issuer, both dates, the lag in days and the sources of each link.

    ``serves_directive`` tells whether a source states that the priority serves that directive;
    when it is False the chain runs only through the meeting. ``enterprise`` (an id such as
    ``baogang-group`` or ``akid:baogang-group``) keeps one enterprise's chains.
    """
    data = _collect(dataset)
    frame = pd.DataFrame(_chain_rows(data), columns=CHAIN_COLUMNS)
    if enterprise is not None:
        wanted = enterprise if ":" in enterprise else f"akid:{enterprise}"
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
    data = _collect(dataset)
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
                start, end = _date(d_date), _date(m_date)
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
