"""A directive's cascade as the site shows it: the rows of :func:`alignkg.directive_cascade`, the
table ``alignkg cascade`` prints, computed once for the whole site and looked up by directive, so
a directive's page lists the same meetings in the same order with the same lags, parent meetings,
shared officers and sources, and the lags on meeting and enterprise pages agree with it."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from rdflib import Dataset

from alignkg.analysis.cascade import directive_cascade
from alignkg.analysis.chains import DATE_BASIS
from alignkg.model.words import count
from alignkg.stores.base import Store
from alignkg.views.sections import records_of, sources_of, text_of


@dataclass(frozen=True)
class CascadeStep:
    """One meeting that studied a directive: its enterprise and date, the lag from the directive,
    the parent enterprise's meeting on it and the lag from that, the officers the two enterprises
    share and the sources of the step's facts. Ids are compact (``akid:...``); unknown values are
    empty (or None for a lag)."""

    step: int
    enterprise: str
    meeting: str
    meeting_date: str
    lag_days: int | None
    parent: str
    parent_meeting: str
    parent_meeting_date: str
    lag_from_parent_days: int | None
    shared_officers: str
    sources: list[str]


@dataclass(frozen=True)
class Cascade:
    """A directive's cascade: the date its lags run from, what that date is (``directive``,
    ``occasion`` or ``occasion end``; empty when there is none) and its steps in cascade order."""

    directive: str
    date: str
    basis: str
    steps: list[CascadeStep]

    @property
    def when(self) -> str:
        """The date lags run from, with its basis when it is not the directive's own date."""
        if not self.date:
            return ""
        return self.date if self.basis in ("", "directive") else f"{self.date} ({self.basis})"

    def summary(self) -> str:
        """One paragraph: how many meetings and enterprises, what the lags run from, the first,
        median and last lag, or why none can be given."""
        if not self.steps:
            return "No meeting in the graph is recorded as studying this directive."
        enterprises = len({s.enterprise for s in self.steps})
        text = f"Studied at {count(len(self.steps), 'meeting')} of {count(enterprises, 'enterprise')}."
        lags = [s.lag_days for s in self.steps if s.lag_days is not None]
        if not self.date:
            return text + " No lag from the directive can be given: no source dates it or its occasion."
        if self.basis != "directive":
            basis = DATE_BASIS.get(self.basis, self.basis)
            text += f" The directive has no date of its own; lags run from {self.date}, {basis}."
        if not lags:
            return text + " No lag from the directive can be given: no source dates the meetings."
        median = statistics.median(lags)
        median_text = f"{median:g} day{'' if median == 1 else 's'}"
        return text + (
            f" First response after {count(min(lags), 'day')}; median lag {median_text}; "
            f"last after {count(max(lags), 'day')}."
        )


def _lag(value: Any) -> int | None:
    found = text_of(value)
    return int(found) if found else None


class Cascades:
    """Every directive's cascade, from one call of :func:`directive_cascade` over the site's data."""

    def __init__(self, data: Dataset | Store) -> None:
        self.by_directive: dict[str, Cascade] = {}
        self.by_meeting: dict[tuple[str, str], CascadeStep] = {}
        rows: dict[str, list[dict[str, Any]]] = {}
        for row in records_of(directive_cascade(data)):
            rows.setdefault(str(row["directive"]), []).append(row)
        for directive, found in rows.items():
            steps = [
                CascadeStep(
                    int(r["step"]),
                    text_of(r["enterprise"]),
                    text_of(r["meeting"]),
                    text_of(r["meeting_date"]),
                    _lag(r["lag_days"]),
                    text_of(r["parent"]),
                    text_of(r["parent_meeting"]),
                    text_of(r["parent_meeting_date"]),
                    _lag(r["lag_from_parent_days"]),
                    text_of(r["shared_officers"]),
                    sources_of(r["sources"]),
                )
                for r in found
            ]
            first = found[0]
            date, basis = text_of(first["directive_date"]), text_of(first["directive_date_basis"])
            self.by_directive[directive] = Cascade(directive, date, basis, steps)
            for step in steps:
                self.by_meeting[(directive, step.meeting)] = step

    def of(self, directive: str) -> Cascade:
        """The directive's cascade; one without steps when no meeting studied it."""
        return self.by_directive.get(directive) or Cascade(directive, "", "", [])

    def lag(self, directive: str, meeting: str) -> str:
        """The lag in days from the directive to one meeting on it, as text; empty when unknown."""
        step = self.by_meeting.get((directive, meeting))
        return "" if step is None or step.lag_days is None else str(step.lag_days)
