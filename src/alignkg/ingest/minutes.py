"""Draft rows for one meeting: the body that met, its date (with how it was reached), ordinal
and place, its chair and participants with their posts, the directives it studied and its
candidate priorities."""

from __future__ import annotations

from alignkg.ingest.dates import evidence as date_evidence
from alignkg.ingest.directives import WHAT_LABEL, Directive
from alignkg.ingest.meetings import Meeting
from alignkg.ingest.people import Person
from alignkg.ingest.rows import Rows, short_hash, slug
from alignkg.ingest.spans import is_chinese


def add_meeting(self: Rows, meeting: Meeting, host: str) -> None:
    """The meeting and everything said about it."""
    body = self.body(meeting.body.kind, host, meeting.body.span)
    date = meeting.date.value.isoformat() if meeting.date and meeting.date.value else ""
    existing = self.gazetteer.meeting(body, date) if date else None
    body_en = self.label_en(body)
    if existing:
        meeting_id = existing
    else:
        day = (
            f"{meeting.date.value.day} {meeting.date.value:%B %Y}"
            if meeting.date and meeting.date.value
            else ""
        )
        label = (
            f"{body_en} {meeting.kind} of {day}"
            if body_en and day
            else (f"{body_en} {meeting.kind}, date not stated" if body_en else "")
        )
        words = meeting.date.words if meeting.date and not meeting.date.value else ""
        description = f"The text gives the date only as {words!r}; the year is not stated." if words else ""
        meeting_id = self.entity(
            f"meeting-{host}-{date or self.source_id}",
            "ak:Meeting",
            label,
            "",
            meeting.trigger,
            f"meeting:{meeting.kind}",
            0.85 if label else 0.4,
            description,
        )
    self.statement(
        meeting_id,
        "ak:convenedBy",
        body,
        meeting.body.span,
        f"meeting:body:{meeting.body.kind}",
        0.9,
        f"The text names the {body_en or 'body'} as the body that met.",
    )
    published = self.extraction.document.published
    if meeting.date and meeting.date.value:
        confidence = {"stated": 0.95, "year-from-text": 0.9, "year-from-publication": 0.85}.get(
            meeting.date.how, 0.8
        )
        self.statement(
            meeting_id,
            "dcterms:date",
            "",
            meeting.date.span,
            f"date:{meeting.date.how}",
            confidence,
            date_evidence(meeting.date, published),
            value=date,
            datatype="xsd:date",
        )
    if meeting.ordinal:
        self.statement(
            meeting_id,
            "ak:ordinalInYear",
            "",
            meeting.ordinal_span,
            "meeting:ordinal",
            0.9,
            f"The text calls it meeting number {meeting.ordinal} of the year.",
            value=str(meeting.ordinal),
            datatype="xsd:positiveInteger",
        )
    if meeting.place and meeting.place_span:
        chinese = is_chinese(meeting.place)
        place = self.entity(
            f"place-{meeting_id}",
            "schema:Place",
            "" if chinese else meeting.place,
            meeting.place if chinese else "",
            meeting.place_span,
            "meeting:place",
            0.4 if chinese else 0.6,
        )
        self.statement(
            meeting_id,
            "schema:location",
            place,
            meeting.place_span,
            "meeting:place",
            0.6,
            "The text says where the meeting was held.",
        )
    people = ([meeting.chair] if meeting.chair else []) + meeting.participants
    for person in people:
        person_id = self.person(person)
        self.posts(person_id, person, host)
        name = self.label_en(person_id) or person.key
        if person is meeting.chair:
            self.statement(
                meeting_id,
                "ak:chairedBy",
                person_id,
                person.whole,
                "meeting:chair",
                0.9,
                f"The text names {name} as chair of the meeting.",
            )
        else:
            self.statement(
                meeting_id,
                "ak:attendedBy",
                person_id,
                person.whole,
                "meeting:participant",
                0.85,
                f"The text lists {name} among those taking part.",
            )
    for directive in meeting.directives:
        add_directive(self, meeting_id, directive)
    for number, point in enumerate(meeting.points, start=1):
        priority = self.entity(
            f"priority-{meeting_id}-{number}",
            "ak:Priority",
            "",
            "",
            point.span,
            f"point:{point.cue}; paraphrase as a priority or measure",
            0.5,
        )
        self.statement(
            meeting_id,
            "ak:setsPriority",
            priority,
            point.span,
            f"point:{point.cue}",
            0.5,
            "A point the meeting made, to be paraphrased by a reviewer.",
        )
        self.statement(
            priority,
            "ak:ordinal",
            "",
            point.span,
            "point:order",
            0.5,
            f"Point {number} in the order the text gives.",
            value=str(number),
            datatype="xsd:positiveInteger",
        )


def add_directive(self: Rows, meeting_id: str, directive: Directive) -> None:
    """A directive the meeting studied, attributed to its issuer."""
    issuer = self.person(Person(directive.issuer_span, directive.issuer_span, directive.issuer))
    issuer_en = self.label_en(issuer) or directive.issuer
    what = WHAT_LABEL[directive.what]
    chinese = is_chinese(directive.occasion + directive.title + directive.issuer)
    if chinese or not (directive.occasion or directive.title):
        label_en = f"{issuer_en}'s {what}"
        detail = directive.occasion or directive.title
    else:
        label_en = (
            f"{issuer_en}'s {what} {directive.prep} {directive.occasion}".replace("  ", " ").strip()
            if directive.occasion
            else f"{issuer_en}'s {what} {directive.title!r}"
        )
        detail = ""
    text = self.extraction.norm
    label_zh = text[directive.span.start : directive.span.end] if chinese and directive.span else ""
    key = (
        slug(directive.occasion or directive.title) if not chinese else short_hash(label_zh or directive.what)
    )
    directive_id = self.entity(
        f"directive-{issuer}-{directive.what}-{key}"[:80].rstrip("-"),
        "ak:NationalDirective",
        label_en,
        label_zh,
        directive.span,
        f"directive:{directive.what}" + ("; English label lacks the occasion" if detail else ""),
        0.6 if detail else 0.8,
    )
    self.statement(
        meeting_id,
        "ak:implements",
        directive_id,
        directive.span,
        f"directive:{directive.what}",
        0.6 if detail else 0.8,
        f"The meeting studied {label_en}.",
    )
    if directive.date and directive.date.value:
        self.statement(
            directive_id,
            "dcterms:date",
            "",
            directive.date.span,
            f"directive:date:{directive.date.how}",
            0.8,
            f"The text dates the directive {directive.date.words!r}.",
            value=directive.date.value.isoformat(),
            datatype="xsd:date",
        )
    self.statement(
        directive_id,
        "ak:issuedBy",
        issuer,
        directive.issuer_span,
        "directive:issuer",
        0.9,
        f"The directive is attributed to {issuer_en}.",
    )
