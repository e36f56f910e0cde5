"""Turning what the rules found into draft rows in the columns of data/: entities (host, bodies,
people, posts, meeting, directives, candidate priorities) and sourced statements, each with the
span it rests on, a short quote, the rule that found it and a confidence."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

from alignkg.ingest.extraction import Extraction
from alignkg.ingest.gazetteer import Gazetteer, Link, latin_key
from alignkg.ingest.names import pinyin_of_name
from alignkg.ingest.people import Person, PostMention
from alignkg.ingest.posts import POST_KINDS
from alignkg.ingest.spans import Span, is_chinese, paragraph_number, quote

Row = dict[str, str]

BODY_CLASSES = {
    "party-committee": ("ak:PartyCommittee", "party-committee", "Party Committee", "党委"),
    "standing-committee": (
        "ak:PartyStandingCommittee",
        "party-standing-committee",
        "Party Standing Committee",
        "党委常委会",
    ),
    "study-group": (
        "org:OrganizationalUnit",
        "party-committee-study-group",
        "Party Committee theoretical study centre group",
        "党委理论学习中心组",
    ),
}
_GENERIC_ORGS = {
    "",
    "集团",
    "公司",
    "集团公司",
    "the group",
    "the company",
    "the board",
    "the party committee",
}


def slug(text: str) -> str:
    """An id-safe form of a name: pinyin for Chinese, lower case words joined by hyphens.

    >>> slug("Baogang Group"), slug("蓝水合金集团")
    ('baogang-group', 'lanshuihejinjituan')
    """
    if is_chinese(text):
        text = "".join(lazy_pinyin(re.sub(r"\W", "", text)))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


def short_hash(text: str) -> str:
    """Six hex digits that tell sources apart."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


@dataclass
class Rows:
    """The draft's entity and statement rows, built up while walking the extraction."""

    extraction: Extraction
    gazetteer: Gazetteer
    source_id: str
    entities: list[Row] = field(default_factory=list)
    statements: list[Row] = field(default_factory=list)
    choices: list[dict[str, object]] = field(default_factory=list)
    _ids: dict[str, Row] = field(default_factory=dict)

    # --- helpers ---------------------------------------------------------------------------

    def _where(self, span: Span | None) -> dict[str, str]:
        if span is None:
            return {"start": "", "end": "", "quote": "", "locator": ""}
        text = self.extraction.document.text
        number = paragraph_number(self.extraction.paragraphs, span.start)
        return {
            "start": str(span.start),
            "end": str(span.end),
            "quote": quote(text, span),
            "locator": f"Paragraph {number}" if number else "",
        }

    def free_id(self, wanted: str) -> str:
        """``wanted``, or it with a number added, so as not to take another source's id."""
        candidate, number = wanted, 2
        while (
            candidate in self.gazetteer.entries and self.gazetteer.entries[candidate].source != self.source_id
        ):
            candidate = f"{wanted}-{number}"
            number += 1
        return candidate

    def entity(
        self,
        wanted: str,
        cls: str,
        label_en: str,
        label_zh: str,
        span: Span | None,
        rule: str,
        confidence: float,
        description: str = "",
    ) -> str:
        """Add a new entity (once per id) and return its id."""
        entity_id = self.free_id(wanted)
        if entity_id not in self._ids:
            where = self._where(span)
            row = {
                "id": entity_id,
                "class": cls,
                "label_en": label_en,
                "label_zh": label_zh,
                "description": description,
                "source": self.source_id,
                "start": where["start"],
                "end": where["end"],
                "quote": where["quote"],
                "rule": rule,
                "confidence": f"{confidence:.2f}",
            }
            self._ids[entity_id] = row
            self.entities.append(row)
        return entity_id

    def statement(
        self,
        subject: str,
        predicate: str,
        obj: str,
        span: Span | None,
        rule: str,
        confidence: float,
        evidence: str,
        *,
        value: str = "",
        datatype: str = "",
    ) -> None:
        """Add one statement row (a repeat of the same fact is left out)."""
        if any(
            s["subject"] == subject
            and s["predicate"] == predicate
            and s["object"] == obj
            and s["value"] == value
            for s in self.statements
        ):
            return
        where = self._where(span)
        self.statements.append(
            {
                "subject": subject,
                "predicate": predicate,
                "object": obj,
                "value": value,
                "datatype": datatype,
                "lang": "",
                "source": self.source_id,
                "locator": where["locator"],
                "evidence": evidence,
                "valid_from": "",
                "valid_to": "",
                "start": where["start"],
                "end": where["end"],
                "quote": where["quote"],
                "rule": rule,
                "confidence": f"{confidence:.2f}",
            }
        )

    def label_en(self, entity_id: str) -> str:
        if entity_id in self._ids:
            return self._ids[entity_id]["label_en"]
        entry = self.gazetteer.entries.get(entity_id)
        return entry.label_en if entry else ""

    def label_zh(self, entity_id: str) -> str:
        if entity_id in self._ids:
            return self._ids[entity_id]["label_zh"]
        entry = self.gazetteer.entries.get(entity_id)
        return entry.label_zh if entry else ""

    def _offer(self, draft_id: str, surface: str, link: Link) -> None:
        if link.choices:
            self.choices.append(
                {
                    "entity": draft_id,
                    "surface": surface,
                    "candidates": [{"id": c.id, "label": c.label, "score": c.score} for c in link.choices],
                }
            )

    # --- organisations ---------------------------------------------------------------------

    def organisation(self, name: str, span: Span | None) -> str:
        """The id of an enterprise named in the text, linked or new."""
        link = self.gazetteer.organisation(name)
        if link.id:
            return link.id
        chinese = is_chinese(name)
        label_en = "" if chinese else name
        entity_id = self.entity(
            slug(name),
            "ak:Enterprise",
            label_en,
            name if chinese else "",
            span,
            "organisation:new" + ("; needs an English label" if chinese else ""),
            0.8 if label_en else 0.4,
        )
        self._offer(entity_id, name, link)
        return entity_id

    def party_committee(self, host: str, span: Span | None) -> str:
        existing = self.gazetteer.part("ak:PartyCommittee", "org:unitOf", host)
        if existing:
            return existing
        return self._body("party-committee", host, span)

    def body(self, kind: str, host: str, span: Span | None) -> str:
        """The id of a body of the host enterprise, with the statements placing it in the host."""
        committee = self.party_committee(host, span)
        if kind == "party-committee":
            return committee
        cls = BODY_CLASSES[kind][0]
        existing = self.gazetteer.part(cls, "org:subOrganizationOf", committee)
        return existing or self._body(kind, host, span, committee)

    def _body(self, kind: str, host: str, span: Span | None, committee: str = "") -> str:
        cls, suffix, name_en, name_zh = BODY_CLASSES[kind]
        host_en, host_zh = self.label_en(host), self.label_zh(host)
        entity_id = self.entity(
            f"{host}-{suffix}",
            cls,
            f"{host_en} {name_en}" if host_en else "",
            f"{host_zh}{name_zh}" if host_zh else "",
            span,
            f"body:{kind}",
            0.85 if host_en else 0.4,
        )
        if kind == "party-committee":
            self.statement(
                entity_id,
                "org:unitOf",
                host,
                span,
                "body:unit-of-host",
                0.85,
                f"The text names the {name_en} of its host enterprise.",
            )
        else:
            self.statement(
                entity_id,
                "org:subOrganizationOf",
                committee,
                span,
                f"body:{kind}",
                0.85,
                f"The {name_en} belongs to the host's Party Committee.",
            )
        return entity_id

    # --- people and posts ------------------------------------------------------------------

    def person(self, person: Person) -> str:
        """The id of a person, linked by label, alias or pinyin, or new (with any near matches
        offered as choices and the confidence lowered until a reviewer chooses)."""
        link = self.gazetteer.person(person.key)
        if link.id:
            return link.id
        chinese = is_chinese(person.key)
        label_en = pinyin_of_name(person.key) if chinese else person.key
        confidence = 0.6 if link.choices else (0.8 if chinese else 0.9)
        rule = (
            "person:new"
            + ("; English label is the pinyin" if chinese else "")
            + ("; near matches offered" if link.choices else "")
        )
        entity_id = self.entity(
            slug(label_en),
            "foaf:Person",
            label_en,
            person.key if chinese else "",
            person.name,
            rule,
            confidence,
        )
        self._offer(entity_id, person.key, link)
        return entity_id

    def posts(self, person_id: str, person: Person, host: str) -> None:
        """Each post named beside the person, tied to its organisation."""
        for post in person.posts:
            kind = POST_KINDS.get(post.code)
            if kind is None or kind.held_in == "state":
                continue
            org = self._post_org(post, host)
            if kind.held_in == "enterprise":
                held_in = org
            elif kind.held_in == "standing-committee":
                held_in = self.body("standing-committee", org, post.span)
            else:
                held_in = self.party_committee(org, post.span)
            post_id = self.gazetteer.part(kind.cls, "org:postIn", held_in)
            if post_id and kind.cls in ("ak:PartyPost", "ak:CorporatePost", "org:Post"):
                # several kinds share these classes: the existing post must be of this kind
                entry = self.gazetteer.entries[post_id]
                post_id = post_id if latin_key(entry.label_en).startswith(latin_key(kind.en)) else None
            if not post_id:
                org_en, org_zh = self.label_en(org), self.label_zh(org)
                post_id = self.entity(
                    f"post-{org}-{kind.code}",
                    kind.cls,
                    f"{kind.en} of {org_en}" if org_en else "",
                    f"{org_zh}{kind.zh}" if org_zh else "",
                    post.span,
                    f"post:{kind.code}",
                    0.85 if org_en else 0.4,
                )
                self.statement(
                    post_id,
                    "org:postIn",
                    held_in,
                    post.span,
                    f"post:{kind.code}",
                    0.85,
                    f"A {kind.en} post exists in {self.label_en(held_in) or 'the organisation named'}.",
                )
            name = self.label_en(person_id) or person.key
            self.statement(
                person_id,
                "org:holds",
                post_id,
                Span(post.span.start, person.name.end)
                if post.span.start < person.name.start
                else Span(person.name.start, post.span.end),
                f"post:{kind.code}",
                0.85,
                f"The text gives {name} the title {kind.en}.",
            )

    def _post_org(self, post: PostMention, host: str) -> str:
        if post.org.strip().lower() in _GENERIC_ORGS:
            return host
        link = self.gazetteer.organisation(post.org)
        if link.id:
            return link.id
        host_label = latin_key(self.label_en(host)) or ""
        if latin_key(post.org) and latin_key(post.org) == host_label:
            return host
        if is_chinese(post.org) and post.org in (self.label_zh(host), self.extraction.host):
            return host
        return host
