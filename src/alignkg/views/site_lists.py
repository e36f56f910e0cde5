"""The site's lists: enterprises, people, meetings by month, directives, sources and the entities of
every other class, each on a page of its own and previewed, with its count, on the index."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from alignkg.views.site_model import Cell
from alignkg.views.site_pages import Pages


@dataclass
class ListRow:
    """One row of a list; ``group`` starts a new group (a month) above it."""

    cells: list[Cell]
    group: str = ""


@dataclass
class Listing:
    """A list page: its path from the site's root, header, rows and which column names the entry."""

    name: str
    title: str
    header: list[str]
    rows: list[ListRow] = field(default_factory=list)
    name_column: int = 0

    @property
    def path(self) -> str:
        return f"list/{self.name}.html"


def _slug(cls: str) -> str:
    return "class-" + re.sub(r"[^A-Za-z0-9._-]+", "-", cls).strip("-")


def primary_class(pages: Pages, entity: str) -> str:
    """The class an entity is listed under: the first of its asserted classes by id."""
    types = sorted(pages.data.asserted_types.get(entity, ()))
    return types[0] if types else ""


def month_of(date: str) -> str:
    """The ``YYYY-MM`` of an ISO date, or "date unknown"."""
    return date[:7] if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date or "") else "date unknown"


def listings(pages: Pages, kinds: dict[str, str]) -> list[Listing]:
    """Every list, the five named ones first, then one per other class by label."""
    data, org = pages.data, pages.org
    by_kind: dict[str, list[str]] = {}
    for entity, kind in kinds.items():
        by_kind.setdefault(kind, []).append(entity)
    enterprises = Listing(
        "enterprises", "Enterprises", ["enterprise", "sectors", "meetings", "directives followed"]
    )
    for e in by_kind.get("enterprise", []):
        meetings = pages.meetings_of.get(e, [])
        directives = {d for m in meetings for d in data.objects(m, "ak:implements")}
        cells: list[Cell] = [[pages.ref(e)], pages.refs(data.objects(e, "ak:inSector"))]
        enterprises.rows.append(ListRow([*cells, [str(len(meetings))], [str(len(directives))]]))
    people = Listing("people", "People", ["person", "posts"])
    for p in by_kind.get("person", []):
        people.rows.append(ListRow([[pages.ref(p)], pages.refs(data.objects(p, "org:holds"))]))
    meeting_list = Listing("meetings", "Meetings", ["date", "meeting", "enterprise"], name_column=1)
    last = None
    for m in sorted(by_kind.get("meeting", []), key=lambda m: (month_of(data.date(m)), data.date(m), m)):
        month = month_of(data.date(m))
        home = org.meeting_home.get(m)
        row = ListRow([[data.date(m)], [pages.ref(m)], [pages.ref(home)] if home else []])
        row.group, last = (month if month != last else ""), month
        meeting_list.rows.append(row)
    directive_list = Listing(
        "directives", "Directives", ["date", "directive", "issued by", "meetings"], name_column=1
    )
    for d in sorted(by_kind.get("directive", []), key=lambda d: (data.date(d) or "~", d)):
        studied = [m for m in data.subjects("ak:implements", d) if kinds.get(m) == "meeting"]
        cells = [[data.date(d)], [pages.ref(d)], pages.refs(data.objects(d, "ak:issuedBy"))]
        directive_list.rows.append(ListRow([*cells, [str(len(studied))]]))
    sources = Listing("sources", "Sources", ["source", "kind", "facts"])
    for s, info in data.sources.items():
        kinds_of: Cell = sorted(data.term_label(v) for p, v, _ in info.metadata if p == "rdf:type")
        sources.rows.append(ListRow([[pages.ref(s)], kinds_of, [str(len(data.by_source.get(s, [])))]]))
    others: dict[str, Listing] = {}
    for entity in by_kind.get("other", []):
        cls = primary_class(pages, entity)
        if cls not in others:
            title = data.term_label(cls) if cls else "Entities without a class"
            others[cls] = Listing(_slug(cls) if cls else "unclassified", title, ["entity"])
        others[cls].rows.append(ListRow([[pages.ref(entity)]]))
    ordered = sorted(others.values(), key=lambda listing: (listing.title, listing.name))
    names = Counter(listing.name for listing in ordered)
    for i, listing in enumerate(ordered):
        if names[listing.name] > 1:
            listing.name = f"{listing.name}-{i}"
    return [enterprises, people, meeting_list, directive_list, sources, *ordered]


def months(pages: Pages, kinds: dict[str, str]) -> list[tuple[str, int]]:
    """How many meetings there were in each month, in order (undated ones last)."""
    counted = Counter(month_of(pages.data.date(e)) for e, kind in kinds.items() if kind == "meeting")
    return sorted(counted.items())
