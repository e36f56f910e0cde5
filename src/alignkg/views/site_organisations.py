"""Which enterprise each body, post and meeting belongs to, and which enterprises sit under which,
worked out from the site's own data as the alignment analysis does (:func:`nearest_enterprise`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignkg.analysis.alignment import nearest_enterprise
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
