"""Candidate priorities and measures: the points a meeting made, under 会议指出/强调/要求 or
"stressed", "called for", "emphasised", and the items of a list of tasks. Each is a span for a
reviewer to paraphrase; nothing is worded for them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from alignkg.ingest.spans import Span, sentences, trim

_EN_CUE = re.compile(
    r"\b(?:stressed|stresses|emphasi[sz]ed|emphasi[sz]es|underlined|underscored|called\s+(?:for|on)|urged|demanded|"
    r"required|requires|pointed\s+out|insisted|asked|instructed|noted|set\s+out|highlighted|reiterated|"
    r"said\s+(?:that\s+)?(?:the|all|every|each|its|it|leaders|managers)\b[^.]*?\b(?:must|should|need\s+to))"
    r"(?:\s+(?:that|the\s+need\s+to|the\s+need\s+for))?\s*",
    re.I,
)
_EN_SPEAKER = re.compile(
    r"^(?:(?:The|This|That)\s+(?:meeting|committee|session|study\s+group|group|leadership|members|participants)|It|He|She|They|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b",
)
_EN_NOT_SPEAKER = re.compile(
    r"^(?:Analysts?|Observers?|Critics|Investors|Experts|The\s+article|This\s+(?:article|report|text))\b",
    re.I,
)
_EN_LIST_INTRO = re.compile(
    r"(?:tasks|priorities|requirements|measures|steps|points|following|demands|goals)[^.]*:\s*$", re.I
)
_EN_ITEM = re.compile(r"\s*(?:[-*•·]|\d{1,2}[.)])\s+")

_ZH_CUE = re.compile(
    r"(?:会议|会上|会议还|会议同时|会议一致|与会人员|学习|大家)?(?:指出|强调|要求|认为|提出|明确|部署|表示|号召)[，,：:]\s*"
)
_ZH_SPEAKER = re.compile(
    r"(?:会议|会上|会议还|会议同时|[\u4e00-\u9fff]{2,4})(?=(?:还|同时|进一步|并)?(?:指出|强调|要求|认为|提出|明确|部署|表示|号召))"
)
_ZH_LIST_INTRO = re.compile(r"(?:要求|意见|部署|任务|举措|措施)[:：]\s*$")
_ZH_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,2}是|[（(]?[一二三四五六七八九十]{1,2}[)）、]|\d{1,2}[.、．])"
)
_ZH_ITEM_INSIDE = re.compile(r"[一二三四五六七八九十]{1,2}是")


@dataclass(frozen=True)
class Point:
    """A candidate point: its span (the point itself, after the cue), the cue that introduced it
    and who made it (the meeting, or a person as written)."""

    span: Span
    cue: str
    speaker: str


def english_points(text: str, paragraphs: list[Span]) -> list[Point]:
    """Points in English paragraphs: sentences whose verb is a cue, and list items after an
    introduction ending in a colon."""
    points: list[Point] = []
    listing = False
    for para in paragraphs:
        if listing and _EN_ITEM.match(text, para.start):
            item = _EN_ITEM.match(text, para.start)
            start = item.end() if item else para.start
            points.append(Point(trim(text, start, para.end), "list item", "meeting"))
            continue
        listing = bool(_EN_LIST_INTRO.search(text[para.start : para.end]))
        if listing:
            continue
        for sentence in sentences(text, para):
            piece = text[sentence.start : sentence.end]
            if _EN_NOT_SPEAKER.match(piece):
                continue
            cue = _EN_CUE.search(piece)
            if not cue or not _EN_SPEAKER.match(piece) or "studied" in piece[: cue.start()]:
                continue
            head = piece[: cue.start()].strip()
            start = sentence.start + cue.end()
            if cue.group().lower().startswith("said"):
                start = sentence.start + cue.start() + len("said ")
            points.append(Point(trim(text, start, sentence.end), cue.group().strip(), head or "meeting"))
    return points


def chinese_points(text: str, paragraphs: list[Span]) -> list[Point]:
    """Points in Chinese paragraphs: each clause (ending in 。 or ；) after a cue such as 会议强调，
    and each item of 一是...二是... lists."""
    points: list[Point] = []
    listing = False
    for para in paragraphs:
        piece = text[para.start : para.end]
        if listing and _ZH_ITEM.match(piece):
            points += _items(text, para, "list item", "meeting")
            continue
        listing = bool(_ZH_LIST_INTRO.search(piece))
        cue = _ZH_CUE.search(piece)
        if not cue:
            continue
        speaker_match = _ZH_SPEAKER.search(piece[: cue.end()])
        speaker = speaker_match.group() if speaker_match else "会议"
        start = para.start + cue.end()
        inner = Span(start, para.end)
        if _ZH_ITEM_INSIDE.match(text, start):
            points += _items(text, inner, cue.group().strip("，,：: "), speaker)
            continue
        for clause in sentences(text, inner):
            points += _clause_points(text, clause, cue.group(), speaker)
    return points


def _clause_points(text: str, clause: Span, cue: str, speaker: str) -> list[Point]:
    """A clause that opens with another cue (会议强调，...) starts its point after that cue."""
    inner = _ZH_CUE.match(text, clause.start)
    head = re.match(
        r"(?:会议|会上|[\u4e00-\u9fff]{2,4})(?=(?:还|同时)?(?:指出|强调|要求|认为|提出))",
        text[clause.start : clause.end],
    )
    start = clause.start
    if head:
        again = _ZH_CUE.match(text, clause.start + head.end())
        if again:
            start = again.end()
            cue = again.group()
    elif inner:
        start = inner.end()
    span = trim(text, start, clause.end)
    if span.end - span.start < 4:
        return []
    return [Point(span, cue.strip("，,：: "), speaker)]


def _items(text: str, within: Span, cue: str, speaker: str) -> list[Point]:
    """The items of a 一是...二是... list, one point each."""
    starts = [m for m in _ZH_ITEM_INSIDE.finditer(text, within.start, within.end)]
    points = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else within.end
        span = trim(text, match.end(), end)
        if span.end > span.start:
            points.append(Point(span, cue or "list item", speaker))
    if not starts:
        item = _ZH_ITEM.match(text, within.start)
        span = trim(text, item.end() if item else within.start, within.end)
        points.append(Point(span, cue or "list item", speaker))
    return points
