"""Which enterprise each body and meeting belongs to, and a directive's cascade: the meetings that
studied it, their enterprises, when and how many days after the directive.

A small stand-in computed from the site's data; a fuller cascade analysis can replace
:func:`directive_cascade` without changing the pages that show it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from alignkg.analysis.alignment import iso_date, nearest_enterprise
from alignkg.views.site_data import SiteData

_PARENT_LINKS = ("org:unitOf", "org:subOrganizationOf")


@dataclass
class Organisations:
    """The enterprise at or above each organisation, unit or body (as the alignment report finds it),
    and each meeting's enterprise: the nearest one above the bodies that convened it."""

    data: SiteData
    enterprises: dict[str, str] = field(default_factory=dict)
    parents: dict[str, set[str]] = field(default_factory=dict)
    home: dict[str, str] = field(default_factory=dict)
    meeting_home: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    subsidiaries: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = self.data
        entities = data.entities
        self.enterprises = {e: data.label(e) for e in entities if data.is_a(e, "ak:Enterprise")}
        for fact in data.facts:
            if fact.predicate in _PARENT_LINKS and fact.is_entity and not fact.inferred:
                self.parents.setdefault(fact.subject, set()).add(fact.value)
        nodes = {*self.parents, *(p for ps in self.parents.values() for p in ps), *self.enterprises}
        for fact in data.facts:
            if fact.predicate in ("ak:convenedBy", "org:postIn") and fact.is_entity:
                nodes.add(fact.value)
        for node in sorted(nodes):
            found = nearest_enterprise(node, self.parents, self.enterprises)
            if found is not None:
                self.home[node] = found
        for node, home in self.home.items():
            if node != home:
                self.members.setdefault(home, []).append(node)
        for enterprise in sorted(self.enterprises):
            parent = self.parent_enterprise(enterprise)
            if parent is not None:
                self.subsidiaries.setdefault(parent, []).append(enterprise)
        for meeting in entities:
            if data.is_a(meeting, "ak:Meeting"):
                homes = sorted(
                    {self.home[b] for b in data.objects(meeting, "ak:convenedBy") if b in self.home}
                )
                if homes:
                    self.meeting_home[meeting] = homes[0]  # two conveners: the first enterprise by id

    def parent_enterprise(self, enterprise: str) -> str | None:
        """The nearest enterprise above an enterprise (its parent group), not itself."""
        found = sorted(
            {self.home[p] for p in self.parents.get(enterprise, ()) if p in self.home} - {enterprise}
        )
        return found[0] if found else None


@dataclass(frozen=True)
class CascadeStep:
    """One meeting that studied a directive: when, by which enterprise, and the lag in days."""

    meeting: str
    enterprise: str | None
    date: str
    lag_days: int | None


@dataclass(frozen=True)
class Cascade:
    """A directive's cascade, meetings in the order they met (undated ones last)."""

    directive: str
    date: str
    steps: list[CascadeStep]

    @property
    def enterprises(self) -> list[str]:
        return sorted({s.enterprise for s in self.steps if s.enterprise})

    @property
    def lags(self) -> list[int]:
        return [s.lag_days for s in self.steps if s.lag_days is not None]

    def summary(self) -> str:
        """One line: how many meetings and enterprises, the first and the median lag."""
        meetings = len(self.steps)
        if not meetings:
            return "No meeting in the graph is recorded as studying this directive."
        text = (
            f"Studied at {meetings} meeting{'s' if meetings != 1 else ''} of "
            f"{len(self.enterprises)} enterprise{'s' if len(self.enterprises) != 1 else ''}."
        )
        lags = self.lags
        if lags:
            median = statistics.median(lags)
            shown = f"{median:g}"
            text += (
                f" First response after {min(lags)} days; median lag {shown} days; last after {max(lags)}."
            )
        else:
            text += " No lag can be given: a date of the directive or of the meetings is unknown."
        return text


def directive_cascade(data: SiteData, organisations: Organisations, directive: str) -> Cascade:
    """The meetings that implement ``directive``, with their enterprise, date and lag in days."""
    start = iso_date(data.date(directive))
    steps = []
    for meeting in data.subjects("ak:implements", directive):
        if not data.is_a(meeting, "ak:Meeting"):
            continue
        date = data.date(meeting)
        end = iso_date(date)
        lag = (end - start).days if start and end else None
        steps.append(CascadeStep(meeting, organisations.meeting_home.get(meeting), date, lag))
    steps.sort(key=lambda s: (s.date or "~", s.meeting))
    return Cascade(directive, data.date(directive), steps)
