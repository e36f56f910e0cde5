"""The content of each page of the static site, by class: a person's posts and meetings, an
enterprise's bodies, officers, meetings, directives and subsidiaries, a meeting's participants,
directives and priorities, a directive's cascade, a source's facts; every fact with its source.

Pages are plain data (text and links as :class:`Ref`), so the templates only lay them out and
escape every value.
"""

from __future__ import annotations

from alignkg.analysis.alignment import ordinal_key
from alignkg.views.site_cascade import Cascades
from alignkg.views.site_data import Fact, SiteData
from alignkg.views.site_model import Cell, Event, FactRow, FactTable, Page, Ref, Section, page_path
from alignkg.views.site_organisations import Organisations

KINDS = (
    ("enterprise", "ak:Enterprise"),
    ("person", "foaf:Person"),
    ("meeting", "ak:Meeting"),
    ("directive", "ak:NationalDirective"),
)

_DATED = {"dcterms:date": "dated", "schema:startDate": "starts", "schema:endDate": "ends"}


class Pages:
    """Builds pages from the site's data and every directive's cascade; one instance serves every
    page of a build."""

    def __init__(self, data: SiteData, cascades: Cascades) -> None:
        self.data = data
        self.cascades = cascades
        self.org = Organisations(data)
        self._refs: dict[str, Ref] = {}
        self.meetings_of: dict[str, list[str]] = {}
        for meeting, enterprise in sorted(self.org.meeting_home.items()):
            self.meetings_of.setdefault(enterprise, []).append(meeting)

    def kind(self, entity: str) -> str:
        for kind, cls in KINDS:
            if self.data.is_a(entity, cls):
                return kind
        return "other"

    def ref(self, node: str) -> Ref:
        """The link to an entity's or a source's page, with its labels; a class or other term
        as its label without a link."""
        found = self._refs.get(node)
        if found is not None:
            return found
        data = self.data
        if node.startswith("aksrc:"):
            info = data.sources.get(node)
            title = (info.first("dcterms:title") or info.first("rdfs:label")) if info else ""
            found = Ref(title or node, "", page_path(node), node)
        elif node.startswith("akid:"):
            found = Ref(data.label(node), data.label_zh(node), page_path(node), node)
        else:
            found = Ref(data.term_label(node), data.term_labels.get(node, {}).get("zh", ""), "", node)
        self._refs[node] = found
        return found

    def refs(self, nodes: list[str]) -> Cell:
        return [self.ref(n) for n in nodes]

    def sources_of(self, entity: str, predicate: str, value: str) -> Cell:
        return self.refs(sorted({f.source for f in self.data.facts_of(entity, predicate, value)}))

    def lag(self, directive: str, meeting: str) -> str:
        """Days from the directive to the meeting, as its cascade counts them (a directive without
        a date of its own is dated by its occasion)."""
        return self.cascades.lag(directive, meeting)

    # ------------------------------------------------------------------ the page of each class

    def page(self, entity: str) -> Page:
        data = self.data
        kind = self.kind(entity)
        page = Page(
            path=page_path(entity),
            id=entity,
            title=data.label(entity),
            zh=data.label_zh(entity),
            kind=kind,
            class_labels=[data.term_label(c) for c in sorted(data.asserted_types.get(entity, ()))],
            description=data.descriptions.get(entity, ""),
            aliases=self.aliases(entity),
        )
        builder = getattr(self, f"_{kind}", None)
        if builder is not None:
            builder(entity, page)
        page.timeline.extend(self._own_dates(entity))
        page.timeline.sort(key=lambda e: (e.date, e.what, e.ref.title))
        incoming = [f for f in data.incoming.get(entity, []) if f.subject != entity]
        for fact in [*data.outgoing.get(entity, []), *incoming]:
            (page.inferred if fact.inferred else page.asserted).append(fact)
        return page

    def aliases(self, entity: str) -> list[str]:
        """Other names: ``skos:altLabel`` values and labels in languages other than English and Chinese."""
        data = self.data
        names = {*data.aliases.get(entity, []), *data.labels.get(entity, {}).values()}
        return sorted(names - {data.label(entity), data.label_zh(entity)})

    def _own_dates(self, entity: str) -> list[Event]:
        """The entity's own dated facts (date, start and end dates...) as timeline events."""
        events = []
        for fact in self.data.outgoing.get(entity, []):
            if fact.datatype == "xsd:date" and not fact.inferred:
                what = _DATED.get(fact.predicate) or self.data.term_label(fact.predicate)
                events.append(Event(fact.value, what, self.ref(entity)))
        return events

    def _person(self, person: str, page: Page) -> None:
        data, rows = self.data, list[list[Cell]]()
        for post in data.objects(person, "org:holds"):
            units = data.objects(post, "org:postIn")
            homes = sorted({self.org.home[u] for u in units if u in self.org.home})
            records = data.facts_of(person, "org:holds", post)
            start = min((f.valid_from for f in records if f.valid_from), default="")
            end = max((f.valid_to for f in records if f.valid_to), default="")
            rows.append([[self.ref(post)], self.refs(units), self.refs(homes), [start], [end]])
            rows[-1].append(self.sources_of(person, "org:holds", post))
            if start:
                page.timeline.append(Event(start, "takes up post", self.ref(post)))
            if end:
                page.timeline.append(Event(end, "leaves post", self.ref(post)))
        page.sections.append(Section("Posts", ["post", "in", "enterprise", "from", "to", "source"], rows))
        for title, predicate, what in (
            ("Meetings chaired", "ak:chairedBy", "chairs meeting"),
            ("Meetings attended", "ak:attendedBy", "attends meeting"),
        ):
            meetings = data.subjects(predicate, person)
            header = ["date", "meeting", "body", "enterprise"]
            page.sections.append(Section(title, header, self._meetings(meetings)))
            page.timeline += [Event(data.date(m), what, self.ref(m)) for m in meetings if data.date(m)]
        issued = data.subjects("ak:issuedBy", person)
        if issued:
            rows = [
                [[data.date(d)], [self.ref(d)], self.refs(data.objects(d, "ak:occasion"))] for d in issued
            ]
            page.sections.append(Section("Directives issued", ["date", "directive", "occasion"], rows))
            page.timeline += [
                Event(data.date(d), "issues directive", self.ref(d)) for d in issued if data.date(d)
            ]

    def _meetings(self, meetings: list[str], *, with_enterprise: bool = True) -> list[list[Cell]]:
        """Rows of date, meeting, convening body (and enterprise), by date."""
        data, rows = self.data, list[list[Cell]]()
        for m in sorted(meetings, key=lambda m: (data.date(m) or "~", m)):
            row: list[Cell] = [[data.date(m)], [self.ref(m)], self.refs(data.objects(m, "ak:convenedBy"))]
            if with_enterprise:
                row.append(self.refs([self.org.meeting_home[m]] if m in self.org.meeting_home else []))
            rows.append(row)
        return rows

    def _enterprise(self, enterprise: str, page: Page) -> None:
        data, org = self.data, self.org
        page.summary.append(("Sectors", self.refs(data.objects(enterprise, "ak:inSector"))))
        parent = org.parent_enterprise(enterprise)
        if parent:
            page.summary.append(("Part of", [self.ref(parent)]))
        bodies = sorted(org.members.get(enterprise, []))
        rows: list[list[Cell]] = [
            [
                [self.ref(b)],
                [data.term_label(c) for c in sorted(data.asserted_types.get(b, ()))],
                self.refs(sorted(org.parents.get(b, ()))),
            ]
            for b in bodies
            if b not in org.enterprises and not data.is_a(b, "org:Post")
        ]
        page.sections.append(Section("Bodies", ["body", "class", "part of"], rows))
        units = {enterprise, *bodies}
        rows = []
        for unit in sorted(units):
            for post in data.subjects("org:postIn", unit):
                holders = data.subjects("org:holds", post)
                rows.append([[self.ref(post)], [self.ref(unit)], self.refs(holders)])
        page.sections.append(Section("Officers", ["post", "in", "held by"], rows))
        meetings = self.meetings_of.get(enterprise, [])
        rows = self._meetings(meetings, with_enterprise=False)
        page.sections.append(Section("Meetings", ["date", "meeting", "convened by"], rows))
        followed: list[tuple[tuple[str, str, str, str], list[Cell]]] = []
        for meeting in meetings:
            m_date = data.date(meeting)
            if m_date:
                page.timeline.append(Event(m_date, "meeting", self.ref(meeting)))
            for directive in data.objects(meeting, "ak:implements"):
                d_date, dated = data.date(directive), self.cascades.of(directive)
                key = (dated.date or "~", directive, m_date or "~", meeting)
                followed.append(
                    (
                        key,
                        [
                            [self.ref(directive)],
                            self.refs(data.objects(directive, "ak:issuedBy")),
                            [dated.when],
                            [self.ref(meeting)],
                            [m_date],
                            [self.lag(directive, meeting)],
                        ],
                    )
                )
                if d_date:
                    page.timeline.append(Event(d_date, "directive issued", self.ref(directive)))
        followed.sort(key=lambda pair: pair[0])
        header = ["directive", "issued by", "dated", "studied at", "meeting date", "lag (days)"]
        page.sections.append(Section("Directives followed", header, [row for _, row in followed]))
        subsidiaries = org.subsidiaries.get(enterprise, [])
        page.sections.append(Section("Subsidiaries", ["enterprise"], [[[self.ref(s)]] for s in subsidiaries]))

    def _meeting(self, meeting: str, page: Page) -> None:
        data = self.data
        home = self.org.meeting_home.get(meeting)
        page.summary += [
            ("Date", [data.date(meeting)] if data.date(meeting) else []),
            ("Ordinal in year", list(data.values(meeting, "ak:ordinalInYear"))),
            ("Convened by", self.refs(data.objects(meeting, "ak:convenedBy"))),
            ("Enterprise", [self.ref(home)] if home else []),
            ("Chaired by", self.refs(data.objects(meeting, "ak:chairedBy"))),
            ("Attended by", self.refs(data.objects(meeting, "ak:attendedBy"))),
            ("Reported by", self.refs(data.objects(meeting, "ak:reportedBy"))),
            (
                "Similar to",
                self.refs(
                    sorted({*data.objects(meeting, "ak:similarTo"), *data.subjects("ak:similarTo", meeting)})
                ),
            ),
        ]
        rows: list[list[Cell]] = []
        for directive in data.objects(meeting, "ak:implements"):
            rows.append(
                [
                    [self.ref(directive)],
                    self.refs(data.objects(directive, "ak:issuedBy")),
                    [self.cascades.of(directive).when],
                    [self.lag(directive, meeting)],
                    self.sources_of(meeting, "ak:implements", directive),
                ]
            )
            if data.date(directive):
                page.timeline.append(Event(data.date(directive), "directive issued", self.ref(directive)))
        header = ["directive", "issued by", "dated", "lag (days)", "source"]
        page.sections.append(Section("Directives studied", header, rows))
        priorities = sorted(
            data.objects(meeting, "ak:setsPriority"),
            key=lambda p: (ordinal_key(min(data.values(p, "ak:ordinal"), default=None)), p),
        )
        rows = [
            [
                list(data.values(p, "ak:ordinal")),
                [self.ref(p)],
                self.refs(data.objects(p, "ak:implements")),
                self.refs(data.objects(p, "ak:theme")),
                self.refs(data.objects(p, "ak:hasMeasure")),
            ]
            for p in priorities
        ]
        header = ["#", "priority", "serves directive", "themes", "measures"]
        page.sections.append(Section("Priorities and measures", header, rows))

    def _dated(self, nodes: list[str]) -> Cell:
        """Links to ``nodes``, each followed by its date where known."""
        cell: Cell = []
        for node in nodes:
            cell.append(self.ref(node))
            if self.data.date(node):
                cell.append(self.data.date(node))
        return cell

    def _directive(self, directive: str, page: Page) -> None:
        data = self.data
        occasions = data.objects(directive, "ak:occasion")
        page.summary += [
            ("Issued by", self.refs(data.objects(directive, "ak:issuedBy"))),
            ("Date", [data.date(directive)] if data.date(directive) else []),
            ("Occasion", self._dated(occasions)),
            ("Delivered to", self.refs(data.objects(directive, "ak:deliveredTo"))),
        ]
        for occasion in occasions:
            page.timeline += [e for e in self._own_dates(occasion)]
        cascade = self.cascades.of(directive)
        rows: list[list[Cell]] = [
            [
                [str(step.step)],
                [step.meeting_date],
                self.refs([step.enterprise] if step.enterprise else []),
                [self.ref(step.meeting)],
                ["" if step.lag_days is None else str(step.lag_days)],
                self.refs([step.parent] if step.parent else []),
                [self.ref(step.parent_meeting), step.parent_meeting_date] if step.parent_meeting else [],
                ["" if step.lag_from_parent_days is None else str(step.lag_from_parent_days)],
                [step.shared_officers],
                self.refs(step.sources),
            ]
            for step in cascade.steps
        ]
        header = ["#", "date", "enterprise", "meeting", "lag (days)", "parent", "parent's meeting"]
        header += ["lag from parent (days)", "shared officers", "sources"]
        page.sections.append(Section("Cascade", header, rows, cascade.summary()))
        page.timeline += [
            Event(s.meeting_date, "studied", self.ref(s.meeting)) for s in cascade.steps if s.meeting_date
        ]
        priorities = [p for p in data.subjects("ak:implements", directive) if data.is_a(p, "ak:Priority")]
        rows = [[[self.ref(p)], self.refs(data.subjects("ak:setsPriority", p))] for p in priorities]
        page.sections.append(Section("Priorities that serve it", ["priority", "set by meeting"], rows))

    # ------------------------------------------------------------------ sources and facts

    def source_page(self, source: str) -> Page:
        """A source's metadata and every fact resting on it."""
        info = self.data.sources[source]
        page = Page(
            path=page_path(source),
            id=source,
            title=info.first("dcterms:title") or info.first("rdfs:label") or source,
            zh="",
            kind="source",
            class_labels=sorted({self.data.term_label(v) for p, v, _ in info.metadata if p == "rdf:type"}),
            description=info.first("dcterms:description"),
        )
        shown = {"rdf:type", "dcterms:title", "rdfs:label", "dcterms:description"}
        for predicate, value, is_iri in info.metadata:
            if predicate not in shown:
                cell: Cell = [self.ref(value) if is_iri else value]
                page.summary.append((self.data.term_label(predicate), cell))
        page.asserted = list(self.data.by_source.get(source, []))
        return page

    def fact_row(self, fact: Fact) -> FactRow:
        """A fact as a table row: subject, relation, value, source and the record's details."""
        if fact.is_entity:
            value: Cell = [self.ref(fact.value)]
        else:
            value = [fact.value]
        valid = (
            " to ".join((fact.valid_from or "…", fact.valid_to or "…"))
            if fact.valid_from or fact.valid_to
            else ""
        )
        return FactRow(
            fact.anchor,
            self.ref(fact.subject),
            self.data.term_label(fact.predicate),
            value,
            fact.lang,
            self.ref(fact.source) if fact.source else None,
            fact.locator,
            fact.evidence,
            fact.quote,
            valid,
        )

    def fact_tables(self, page: Page) -> list[FactTable]:
        """An entity's facts about it, facts naming it and inferred facts; a source's facts."""
        if page.kind == "source":
            rows = [self.fact_row(f) for f in page.asserted]
            return [FactTable("Facts resting on this source", "facts", rows, source=False)]
        about = [self.fact_row(f) for f in page.asserted if f.subject == page.id]
        naming = [self.fact_row(f) for f in page.asserted if f.subject != page.id]
        tables = [
            FactTable(f"Facts about {page.title}", "facts", about, subject=False),
            FactTable(f"Facts that name {page.title}", "named-in", naming, value=False),
        ]
        if page.inferred:
            note = (
                "These follow from the ontology and the asserted facts (graph akg:inferred); "
                "no source states them."
            )
            rows = [self.fact_row(f) for f in page.inferred]
            tables.append(
                FactTable("Inferred by reasoning", "inferred", rows, source=False, inferred=True, note=note)
            )
        return tables
