"""Running the rules over one document: people, meetings (body, date, ordinal, place, chair,
participants), the directives each meeting studied and the points it made."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from alignkg.ingest.dates import find_date
from alignkg.ingest.directives import Directive, chinese_directives, english_directives, merge
from alignkg.ingest.meetings import (
    Body,
    Meeting,
    assign_roles,
    find_body,
    find_kind,
    find_ordinal,
    find_place,
    main_host,
)
from alignkg.ingest.people import Person, chinese_people, english_people
from alignkg.ingest.points import chinese_points, english_points
from alignkg.ingest.reader import Document
from alignkg.ingest.script import normalise
from alignkg.ingest.spans import Span, paragraphs, sentences
from alignkg.model.errors import AlignkgError, Location


@dataclass
class Extraction:
    """What the rules found in one document. ``norm`` is the normalised text (same length as
    ``document.text``); every span indexes both."""

    document: Document
    norm: str
    chinese: bool
    paragraphs: list[Span]
    host: str
    host_span: Span | None
    people: list[Person] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)


def _is_heading(text: str, para: Span, index: int, title: str) -> bool:
    piece = text[para.start : para.end].strip()
    if piece.startswith("#"):
        return True
    if index > 0 and not (title and piece == title.strip()):
        return False
    return not re.search(r"[。.!?！？]$", piece) and len(piece) < 140


def extract(
    document: Document, known_people: dict[str, str] | None = None, known_orgs: tuple[str, ...] = ()
) -> Extraction:
    """Apply every rule to a document. Raises AlignkgError naming the file when it reports no
    meeting, or when a meeting date contradicts the publication date."""
    chinese = document.lang.startswith("zh")
    norm = normalise(document.text, chinese=chinese)
    paras = [p for p in paragraphs(norm) if p.start >= document.body.start]
    headings = [p for i, p in enumerate(paras) if _is_heading(norm, p, i, document.title)]
    content = [p for p in paras if p not in headings]
    known = dict(known_people or {})
    host, host_span = _document_host(norm, headings, content, chinese, known_orgs)
    extraction = Extraction(document, norm, chinese, paras, host, host_span)

    find_people = chinese_people if chinese else english_people
    people = [person for para in content for person in find_people(norm, para, known)]
    if chinese:  # a second pass finds later mentions of names first seen with their titles
        known.update({p.key: p.key for p in people})
        people = [person for para in content for person in find_people(norm, para, known)]
    extraction.people = people

    triggers = _meeting_triggers(norm, content, chinese) or _meeting_triggers(norm, headings, chinese)
    if not triggers:
        raise AlignkgError(
            "no meeting found in the text (no body such as a Party committee is said to meet)",
            Location(document.path),
        )
    for number, (para, sentence, body) in enumerate(triggers):
        if not body.host:
            body = Body(body.kind, body.span, host, host_span)
        following = triggers[number + 1][0].start if number + 1 < len(triggers) else len(norm)
        region = [p for p in content if para.start <= p.start < following]
        extraction.meetings.append(
            _meeting(extraction, sentence, para, body, region, headings if number == 0 else [])
        )
    return extraction


def _document_host(
    norm: str, headings: list[Span], content: list[Span], chinese: bool, known_orgs: tuple[str, ...]
) -> tuple[str, Span | None]:
    for para in headings + content[:1]:
        for org in known_orgs:
            at = norm.find(org, para.start, para.end)
            if at >= 0:
                return org, Span(at, at + len(org))
        host, span = main_host(norm, para, chinese=chinese)
        if host:
            return host, span
    return "", None


def _meeting_triggers(norm: str, paras: list[Span], chinese: bool) -> list[tuple[Span, Span, Body]]:
    triggers: list[tuple[Span, Span, Body]] = []
    seen: set[tuple[str, str]] = set()
    for para in paras:
        for sentence in sentences(norm, para):
            body = find_body(norm, sentence, chinese=chinese)
            if body is None:
                continue
            key = (body.kind, body.host.lower())
            if key in seen or (triggers and not body.host and any(k == body.kind for k, _ in seen)):
                continue
            if triggers and body.kind != triggers[0][2].kind and not body.host:
                continue
            seen.add(key)
            triggers.append((para, sentence, body))
    return triggers


def _dated(extraction: Extraction, directive: Directive) -> Directive:
    """The directive with the date its own words state ("on January 6", "1月6日在..."), if any.
    A day that cannot be settled, or that falls after the publication date, is left out."""
    if directive.span is None:
        return directive
    document = extraction.document
    try:
        found = find_date(
            document.path, extraction.norm, directive.span, document.published, chinese=extraction.chinese
        )
    except AlignkgError:
        return directive
    return replace(directive, date=found) if found and found.value else directive


def _meeting(
    extraction: Extraction, sentence: Span, para: Span, body: Body, region: list[Span], headings: list[Span]
) -> Meeting:
    norm, chinese, document = extraction.norm, extraction.chinese, extraction.document
    meeting = Meeting(trigger=sentence, body=body)
    meeting.date = find_date(document.path, norm, sentence, document.published, chinese=chinese) or find_date(
        document.path, norm, para, document.published, chinese=chinese
    )
    for place in [sentence, para, *headings]:
        ordinal = find_ordinal(norm, place, chinese=chinese)
        if ordinal:
            meeting.ordinal, meeting.ordinal_span = ordinal
            break
    meeting.kind = find_kind(norm, Span(sentence.start, sentence.end), chinese=chinese)
    if meeting.kind == "meeting" and headings:
        meeting.kind = find_kind(norm, headings[0], chinese=chinese)
    located = find_place(norm, para, chinese=chinese)
    if located:
        meeting.place, meeting.place_span = located
    for part in region:
        chair, participants = assign_roles(norm, part, extraction.people, chinese=chinese)
        if chair and meeting.chair is None:
            meeting.chair = chair
        for person in participants:
            if person is not meeting.chair and all(p.key != person.key for p in meeting.participants):
                meeting.participants.append(person)
    if meeting.chair:
        meeting.participants = [p for p in meeting.participants if p.key != meeting.chair.key]
    directives = []
    for part in headings + region:
        directives += chinese_directives(norm, part) if chinese else english_directives(norm, part)
    meeting.directives = [_dated(extraction, d) for d in merge(directives)]
    meeting.points = chinese_points(norm, region) if chinese else english_points(norm, region)
    return meeting
