"""Meeting dates as texts give them ("On December 16", "12月16日上午", "yesterday"), resolved
against the publication date only where that settles the year; otherwise the words are kept and
the date left empty. A date that contradicts the publication date is an error."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from alignkg.ingest.spans import Span
from alignkg.model.errors import AlignkgError, Location

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY = r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:\(\s*)?)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
ENGLISH_DATES = [
    re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY}\b{_YEAR}"),
    re.compile(rf"\b{_WEEKDAY}{_DAY}\s+{_MONTH}{_YEAR}\b"),
    re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
]
ENGLISH_RELATIVE = re.compile(r"\b(?P<rel>yesterday|today|this (?:morning|afternoon))\b", re.I)

CHINESE_DATE = re.compile(
    r"(?:(?P<year>(?:19|20)\d\d)\s*年\s*)?(?P<month>[01]?\d)\s*月\s*(?P<day>[0-3]?\d)\s*[日号]"
    r"(?:\s*[(（]?\s*(?:星期|周)(?P<weekday>[一二三四五六日天])\s*[)）]?)?"
)
CHINESE_RELATIVE = re.compile(r"(?P<rel>昨天|昨日|今天|今日|前天)")
CHINESE_VAGUE = re.compile(r"(?P<vague>近日|日前|近期|不久前|前不久)")
ENGLISH_VAGUE = re.compile(r"\b(?P<vague>recently|earlier this (?:week|month)|last week)\b", re.I)

_CHINESE_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RELATIVE_DAYS = {"yesterday": 1, "today": 0, "this morning": 0, "this afternoon": 0}
_RELATIVE_DAYS_ZH = {"昨天": 1, "昨日": 1, "今天": 0, "今日": 0, "前天": 2}


@dataclass(frozen=True)
class DateMention:
    """A date as the text states it. ``value`` is the resolved day, or None where the text
    does not settle it; ``how`` says how it was reached, for the evidence."""

    span: Span
    words: str
    value: dt.date | None
    how: str  # "stated", "year-from-text", "year-from-publication", "relative-to-publication", "unresolved"


def _explicit(
    path: Path,
    words: str,
    year: int | None,
    month: int,
    day: int,
    weekday: int | None,
    published: dt.date | None,
) -> tuple[dt.date | None, str]:
    if year is not None:
        try:
            value = dt.date(year, month, day)
        except ValueError as exc:
            raise AlignkgError(f"{words!r} is not a real date", Location(path)) from exc
        if published is not None and value > published:
            raise AlignkgError(
                f"the meeting date {words!r} ({value.isoformat()}) is after the publication date "
                f"{published.isoformat()}",
                Location(path),
            )
        _check_weekday(path, words, value, weekday)
        return value, "stated"
    if published is None:
        return None, "unresolved"
    for candidate_year in (published.year, published.year - 1):
        try:
            value = dt.date(candidate_year, month, day)
        except ValueError:
            continue
        if value <= published:
            _check_weekday(path, words, value, weekday)
            return value, "year-from-publication"
    raise AlignkgError(f"{words!r} is not a real date", Location(path))


def _check_weekday(path: Path, words: str, value: dt.date, weekday: int | None) -> None:
    if weekday is not None and value.weekday() != weekday:
        raise AlignkgError(
            f"{words!r} names a {WEEKDAYS[weekday].title()}, but {value.isoformat()} is a "
            f"{WEEKDAYS[value.weekday()].title()}",
            Location(path),
        )


def _relative(words: str, days_before: int, published: dt.date | None) -> tuple[dt.date | None, str]:
    if published is None:
        return None, "unresolved"
    return published - dt.timedelta(days=days_before), "relative-to-publication"


_YEAR_HINT = re.compile(r"\b(?:of|in|for)\s+((?:19|20)\d\d)\b|((?:19|20)\d\d)\s*年\s*第")


def year_stated(text: str, within: Span) -> int | None:
    """A year the same sentence states for the meeting ("its 12th meeting of 2024", "2025年第6次")."""
    match = _YEAR_HINT.search(text, within.start, within.end)
    return int(match.group(1) or match.group(2)) if match else None


def find_date(
    path: Path, text: str, within: Span, published: dt.date | None, *, chinese: bool
) -> DateMention | None:
    """The first date phrase in ``within`` (a sentence or paragraph of the normalised text). A
    day without a year takes the year the sentence states, else the publication date's."""
    hint = year_stated(text, within)
    found_date = _find_date(path, text, within, published, chinese=chinese, hint=hint)
    return found_date


def _find_date(
    path: Path, text: str, within: Span, published: dt.date | None, *, chinese: bool, hint: int | None
) -> DateMention | None:
    found: list[tuple[int, DateMention]] = []
    if chinese:
        for match in CHINESE_DATE.finditer(text, within.start, within.end):
            weekday = _CHINESE_WEEKDAYS[match["weekday"]] if match["weekday"] else None
            year = int(match["year"]) if match["year"] else hint
            value, how = _explicit(
                path, match.group(), year, int(match["month"]), int(match["day"]), weekday, published
            )
            if year is not None and not match["year"]:
                how = "year-from-text"
            found.append((match.start(), DateMention(Span(*match.span()), match.group(), value, how)))
            break
        relative = CHINESE_RELATIVE.search(text, within.start, within.end)
        if relative:
            value, how = _relative(relative.group(), _RELATIVE_DAYS_ZH[relative["rel"]], published)
            found.append(
                (relative.start(), DateMention(Span(*relative.span()), relative.group(), value, how))
            )
        vague = CHINESE_VAGUE.search(text, within.start, within.end)
    else:
        for pattern in ENGLISH_DATES:
            hit = pattern.search(text, within.start, within.end)
            if not hit:
                continue
            if hit.groupdict().get("iso"):
                iso = dt.date.fromisoformat(hit["iso"])
                value, how = _explicit(path, hit.group(), iso.year, iso.month, iso.day, None, published)
            else:
                month = MONTHS[hit["month"].lower().rstrip(".")]
                weekday = WEEKDAYS.index(hit["weekday"].lower()) if hit["weekday"] else None
                year = int(hit["year"]) if hit["year"] else hint
                value, how = _explicit(path, hit.group(), year, month, int(hit["day"]), weekday, published)
                if year is not None and not hit["year"]:
                    how = "year-from-text"
            found.append((hit.start(), DateMention(Span(*hit.span()), hit.group(), value, how)))
        relative = ENGLISH_RELATIVE.search(text, within.start, within.end)
        if relative:
            value, how = _relative(relative.group(), _RELATIVE_DAYS[relative["rel"].lower()], published)
            found.append(
                (relative.start(), DateMention(Span(*relative.span()), relative.group(), value, how))
            )
        vague = ENGLISH_VAGUE.search(text, within.start, within.end)
    if vague:
        found.append((vague.start(), DateMention(Span(*vague.span()), vague.group(), None, "unresolved")))
    if not found:
        return None
    return min(found, key=lambda item: item[0])[1]


def evidence(mention: DateMention, published: dt.date | None) -> str:
    """Our own sentence saying how a meeting date was reached."""
    if mention.how == "stated":
        return f"The text dates the meeting {mention.words!r}."
    when = published.isoformat() if published else "unknown"
    if mention.how == "year-from-text" and mention.value:
        year = mention.value.year
        return f"The text dates the meeting {mention.words!r}, in a sentence that gives the year {year}."
    if mention.how == "year-from-publication":
        return (
            f"The text dates the meeting {mention.words!r} without a year; the year is taken from "
            f"the publication date, {when}."
        )
    return f"The text dates the meeting {mention.words!r}, counted from the publication date, {when}."
