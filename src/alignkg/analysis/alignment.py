"""The alignment data every analysis reads: meetings with their enterprise, the directives they
implement, the priorities and measures they set, and the sources of each of those facts.

Everything is read through SPARQL, so the same code works on any store that answers queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import Dataset

from alignkg.queries.named import run_query
from alignkg.stores.base import Store

# A meeting held over several days is dated by its first day.
_MEETINGS = """
SELECT DISTINCT ?meeting ?meetingLabel ?meetingDay ?meetingStart ?body WHERE {
  ?meeting a/rdfs:subClassOf* ak:Meeting ; ak:convenedBy ?body .
  OPTIONAL { ?meeting rdfs:label ?meetingLabel . FILTER(lang(?meetingLabel) = "en") }
  OPTIONAL { ?meeting dcterms:date ?meetingDay }
  OPTIONAL { ?meeting schema:startDate ?meetingStart }
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

# A directive without a date of its own is dated by its occasion: the occasion's day, or else the
# last day of an occasion that spans several (the latest the directive can have been given).
_DIRECTIVES = """
SELECT DISTINCT ?meeting ?directive ?directiveLabel ?stated ?occasion ?occasionDay ?occasionEnd ?national
WHERE {
  ?meeting a/rdfs:subClassOf* ak:Meeting ; ak:implements ?directive .
  OPTIONAL { ?directive rdfs:label ?directiveLabel . FILTER(lang(?directiveLabel) = "en") }
  OPTIONAL { ?directive dcterms:date ?stated }
  OPTIONAL {
    ?directive ak:occasion ?occasion .
    OPTIONAL { ?occasion dcterms:date ?occasionDay }
    OPTIONAL { ?occasion schema:endDate ?occasionEnd }
  }
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

# How directly each source ties an item to a directive: an unmarked record counts as tied to the item.
_TIES = """
SELECT ?s ?o ?tie WHERE {
  ?st rdf:predicate ak:implements ; rdf:subject ?s ; rdf:object ?o .
  OPTIONAL { ?st ak:tie ?marked }
  BIND(COALESCE(?marked, ak:ItemTie) AS ?tie)
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
  VALUES ?p {
    ak:implements ak:setsPriority ak:hasMeasure ak:issuedBy dcterms:date schema:startDate schema:endDate
  }
  ?st rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; prov:wasDerivedFrom ?source .
}
"""

_BACKGROUND = """
SELECT ?source WHERE { ?source a ak:BackgroundKnowledge }
"""

Fact = tuple[str, str, str]
"""A fact as (subject, predicate, object), IRIs compact, literals as text."""


@dataclass(frozen=True)
class FactSources:
    """The sources of each fact, and which sources are background knowledge."""

    by_fact: dict[Fact, list[str]]
    background: set[str]

    def of(self, fact: Fact) -> list[str]:
        return self.by_fact.get(fact, [])

    def rests_on_background(self, fact: Fact) -> bool:
        """True when the fact has sources and every one of them is background knowledge."""
        sources = self.of(fact)
        return bool(sources) and all(s in self.background for s in sources)


def select_rows(dataset: Dataset | Store, text: str) -> list[dict[str, Any]]:
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


def iso_date(value: str | None) -> date | None:
    """An ISO date, or None where the value is missing or not a date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def ordinal_key(value: str | None) -> int:
    """A priority's ordinal for sorting; priorities without one go last."""
    try:
        return int(value) if value else 1_000_000
    except ValueError:
        return 1_000_000


def join_ids(values: list[str]) -> str:
    """Distinct ids in order, joined by ``; ``."""
    return "; ".join(sorted(set(values)))


@dataclass
class AlignmentData:
    """What the analyses read, collected once: meetings, directives, issuers, priorities, measures.

    Each meeting carries ``meetingDate`` (its day, or its first day) and ``meetingDateFact`` (the
    fact stating it); each directive of a meeting carries ``directiveDate``, ``dateBasis``
    (``directive``, ``occasion`` or ``occasion end``) and ``dateFact``. ``ties`` gives, for each
    link from an item to a directive, ``item`` when a source ties the item to that directive and
    ``meeting`` when the sources only say the meeting as a whole studied the directives.
    """

    meetings: dict[str, dict[str, Any]]
    directives: dict[str, list[dict[str, Any]]]
    issuers: dict[str, list[tuple[str, str]]]
    priorities: dict[str, list[dict[str, Any]]]
    serves: dict[str, set[str]]
    national: set[str]
    measures: dict[str, list[tuple[str, str]]]
    sources: FactSources
    ties: dict[tuple[str, str], str] = field(default_factory=dict)

    def tie(self, item: str, directive: str) -> str | None:
        """How directly ``item`` is tied to ``directive`` (``item`` or ``meeting``), None if it is not."""
        if directive not in self.serves.get(item, set()):
            return None
        return self.ties.get((item, directive), "item")


def organisation_tree(dataset: Dataset | Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """The parents of each organisation or unit (``org:unitOf``, ``org:subOrganizationOf``) and
    the enterprises with their English labels, all as compact ids."""
    enterprises = {row["enterprise"]: row["enterpriseLabel"] for row in select_rows(dataset, _ENTERPRISES)}
    parents: dict[str, set[str]] = defaultdict(set)
    for row in select_rows(dataset, _PARENTS):
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


def _dated_meeting(row: dict[str, Any]) -> dict[str, Any]:
    day, start = row.pop("meetingDay"), row.pop("meetingStart")
    meeting = row["meeting"]
    if day:
        return {**row, "meetingDate": day, "meetingDateFact": (meeting, "dcterms:date", day)}
    if start:
        return {**row, "meetingDate": start, "meetingDateFact": (meeting, "schema:startDate", start)}
    return {**row, "meetingDate": None, "meetingDateFact": None}


def _dated_directive(row: dict[str, Any]) -> dict[str, Any]:
    """A directive row with the date its lag is measured from, what that date is, and its fact."""
    directive, occasion = row["directive"], row["occasion"]
    options: list[tuple[str | None, str, Fact | None]] = [
        (row["stated"], "directive", (directive, "dcterms:date", row["stated"] or "")),
        (row["occasionDay"], "occasion", (occasion, "dcterms:date", row["occasionDay"] or "")),
        (row["occasionEnd"], "occasion end", (occasion, "schema:endDate", row["occasionEnd"] or "")),
    ]
    value, basis, fact = next(((v, b, f) for v, b, f in options if v), (None, None, None))
    kept = {k: row[k] for k in ("meeting", "directive", "directiveLabel", "national")}
    return {**kept, "directiveDate": value, "dateBasis": basis, "dateFact": fact}


_BASIS_RANK = {"directive": 0, "occasion": 1, "occasion end": 2, None: 3}


def collect_alignment(dataset: Dataset | Store) -> AlignmentData:
    """Read meetings, directives, priorities, measures and the sources of each from the graph."""
    parents, enterprises = organisation_tree(dataset)
    meetings: dict[str, dict[str, Any]] = {}
    for found in select_rows(dataset, _MEETINGS):
        enterprise = nearest_enterprise(found["body"], parents, enterprises)
        if enterprise is None:
            continue
        row = _dated_meeting({**found, "enterprise": enterprise, "enterpriseLabel": enterprises[enterprise]})
        known = meetings.get(row["meeting"])
        # a meeting convened by two bodies keeps the first enterprise by id; two dates, the earliest
        if known is None or (row["enterprise"], row["meetingDate"] or "") < (
            known["enterprise"],
            known["meetingDate"] or "",
        ):
            meetings[row["meeting"]] = row
    directives: dict[str, list[dict[str, Any]]] = defaultdict(list)
    national: set[str] = set()
    for found in select_rows(dataset, _DIRECTIVES):
        row = _dated_directive(found)
        if _truthy(row["national"]):
            national.add(row["directive"])
        same = [d for d in directives[row["meeting"]] if d["directive"] == row["directive"]]
        if not same:
            directives[row["meeting"]].append(row)
        elif (_BASIS_RANK[row["dateBasis"]], row["directiveDate"] or "~") < (
            _BASIS_RANK[same[0]["dateBasis"]],
            same[0]["directiveDate"] or "~",
        ):
            same[0].update(row)  # a stated date wins over the occasion's; then the earliest
    issuers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in select_rows(dataset, _ISSUERS):
        issuers[row["directive"]].append((row["issuer"], row["issuerLabel"] or row["issuer"]))
    priorities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in select_rows(dataset, _PRIORITIES):
        if all(p["priority"] != row["priority"] for p in priorities[row["meeting"]]):
            priorities[row["meeting"]].append(row)
    serves: dict[str, set[str]] = defaultdict(set)
    for row in select_rows(dataset, _SERVES):
        serves[row["priority"]].add(row["directive"])
        if _truthy(row["national"]):
            national.add(row["directive"])
    marked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in select_rows(dataset, _TIES):
        marked[(row["s"], row["o"])].add(row["tie"])
    ties = {link: "meeting" if found == {"ak:MeetingTie"} else "item" for link, found in marked.items()}
    measures: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in select_rows(dataset, _MEASURES):
        measures[row["priority"]].append((row["measure"], row["measureLabel"] or row["measure"]))
    by_fact: dict[Fact, list[str]] = defaultdict(list)
    for row in select_rows(dataset, _RECORDS):
        by_fact[(row["s"], row["p"], row["o"])].append(row["source"])
    background = {row["source"] for row in select_rows(dataset, _BACKGROUND)}
    return AlignmentData(
        meetings,
        directives,
        issuers,
        priorities,
        serves,
        national,
        measures,
        FactSources(by_fact, background),
        ties,
    )
