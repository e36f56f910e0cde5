"""Directives a meeting studied: who issued them, what they are (speech, instructions, letter,
article, remarks), the occasion or subject, and a title where one is quoted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from alignkg.ingest.dates import DateMention
from alignkg.ingest.spans import Span

WHAT_EN = {
    "speech": "speech",
    "speeches": "speech",
    "address": "speech",
    "addresses": "speech",
    "report": "speech",
    "instructions": "instructions",
    "instruction": "instructions",
    "directives": "instructions",
    "directive": "instructions",
    "guidance": "instructions",
    "letter": "letter",
    "reply letter": "letter",
    "congratulatory letter": "letter",
    "article": "article",
    "articles": "article",
    "remarks": "remarks",
    "expositions": "remarks",
    "exposition": "remarks",
    "discourses": "remarks",
}
WHAT_ZH = {
    "重要讲话": "speech",
    "讲话": "speech",
    "重要指示批示": "instructions",
    "重要指示": "instructions",
    "指示批示": "instructions",
    "重要批示": "instructions",
    "重要论述": "remarks",
    "重要文章": "article",
    "回信": "letter",
    "贺信": "letter",
    "重要回信": "letter",
    "重要贺信": "letter",
}
WHAT_LABEL = {
    "speech": "speech",
    "instructions": "instructions",
    "letter": "letter",
    "article": "article",
    "remarks": "remarks",
}


@dataclass(frozen=True)
class Directive:
    """A directive named in the text."""

    issuer: str  # the issuer's name as the rules normalised it ("Xi Jinping", "习近平")
    issuer_span: Span
    what: str
    what_span: Span
    occasion: str = ""
    occasion_span: Span | None = None
    title: str = ""
    span: Span | None = None
    prep: str = ""  # the English preposition before the occasion ("at", "on", "to")
    date: DateMention | None = None  # the day the directive was given, where the text states it


# Leaders whose words readouts call directives; more are recognised from the gazetteer.
EN_LEADERS = {"Xi Jinping": "Xi Jinping", "Xi": "Xi Jinping", "Li Qiang": "Li Qiang"}
ZH_LEADERS = {"习近平": "习近平", "李强": "李强"}

_EN_ISSUER = (
    r"(?:(?:President|General\s+Secretary|Chairman|Premier|Comrade)\s+)?"
    r"(?P<issuer>Xi\s+Jinping|Xi|Li\s+Qiang)(?:'s|’s)"
)
_EN_HIS = r"(?P<his>\bhis)"
_MODIFIERS = r"(?:(?:important|recent|key|latest|series\s+of|a\s+series\s+of|major|significant|new)\s+)*"
_EN_WHAT = (
    r"(?P<what>reply\s+letter|congratulatory\s+letter|"
    + "|".join(sorted((w for w in WHAT_EN if " " not in w), key=len, reverse=True))
    + r")\b"
)
_EN_OCCASION = (
    r"(?:\s+(?P<prep>at|to|during|on|in\s+response\s+to|for|concerning|about|regarding)\s+(?P<occ>.+?))?"
    r"(?=\s*(?:,|\.|;|:|\)|$|\s+and\s+(?:his|the|Xi|President|General|other|on)\b|\s+as\s+well\s+as\b|\s+published\b|\s+carried\b|\s+followed\b))"
)
_EN_DIRECTIVE = re.compile(
    rf"(?:{_EN_ISSUER}|{_EN_HIS})\s+(?:(?P<named>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)\s+)?{_MODIFIERS}{_EN_WHAT}"
    rf"(?:\s+(?P<title>[\"“][^\"”]+[\"”]))?{_EN_OCCASION}"
)
_EN_BY = re.compile(
    rf"\b(?:the\s+)?{_MODIFIERS}{_EN_WHAT}\s+(?:delivered\s+|given\s+|made\s+)?by\s+"
    rf"(?:(?:President|General\s+Secretary|Premier)\s+)?(?P<issuer>Xi\s+Jinping|Xi|Li\s+Qiang){_EN_OCCASION}"
)

_ZH_WHAT = "|".join(sorted(WHAT_ZH, key=len, reverse=True))
_ZH_FRAME = (
    r"(?:在(?P<at>[^，。；、]{2,40}?)(?:上|时|期间|之际|中)的|对(?P<on>[^，。；、]{2,30}?)作出的|关于(?P<about>[^，。；、]{2,30}?)的"
    r"|[给致](?P<to>[^，。；、]{2,30}?)的|在《求是》杂志发表的)?"
)
_ZH_DIRECTIVE = re.compile(
    rf"(?P<issuer>习近平)(?:总书记|同志|主席)?(?:(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日)?{_ZH_FRAME}(?:近期|最新|系列|一系列)?(?P<what>{_ZH_WHAT})(?:《(?P<title>[^》]{{1,40}})》)?"
)
_ZH_MORE = re.compile(
    rf"(?:精神)?(?:和|、|以及|及|，)\s*{_ZH_FRAME}(?:近期|最新|系列)?(?P<what>{_ZH_WHAT})(?:《(?P<title>[^》]{{1,40}})》)?"
)


def _occasion(match: re.Match[str], *names: str) -> tuple[str, Span | None]:
    for name in names:
        value = match.groupdict().get(name)
        if value:
            return value.strip(), Span(match.start(name), match.end(name))
    return "", None


def _clean_en_occasion(occasion: str, span: Span | None) -> tuple[str, Span | None]:
    cut = re.search(r"\s+(?:published|carried|delivered|made)\b", occasion)
    if cut and span:
        occasion = occasion[: cut.start()]
        span = Span(span.start, span.start + len(occasion))
    return occasion, span


def english_directives(text: str, within: Span, last_issuer: str = "") -> list[Directive]:
    """Directives in an English stretch: "Xi Jinping's important speech at ...", "his
    instructions on ...", "the important speech by General Secretary Xi Jinping at ..."."""
    found: list[tuple[int, Directive]] = []
    issuer = last_issuer
    for match in _EN_DIRECTIVE.finditer(text, within.start, within.end):
        if match.group("issuer"):
            issuer = EN_LEADERS.get(re.sub(r"\s+", " ", match.group("issuer")), match.group("issuer"))
            issuer_span = Span(match.start("issuer"), match.end("issuer"))
        elif issuer:
            issuer_span = Span(match.start("his"), match.end("his"))
        else:
            continue
        what = WHAT_EN[re.sub(r"\s+", " ", match.group("what").lower())]
        occasion, occ_span = _occasion(match, "occ")
        occasion, occ_span = _clean_en_occasion(occasion, occ_span)
        named = match.group("named")
        if named and not occasion:
            occasion, occ_span = (
                f"{named} {match.group('what')}",
                Span(match.start("named"), match.end("what")),
            )
        title = (match.group("title") or "").strip('"“”')
        found.append(
            (
                match.start(),
                Directive(
                    issuer,
                    issuer_span,
                    what,
                    Span(match.start("what"), match.end("what")),
                    occasion,
                    occ_span,
                    title,
                    Span(match.start(), match.end()),
                    (match.group("prep") or "")
                    if not (named and occasion.endswith(match.group("what")))
                    else "",
                ),
            )
        )
    for match in _EN_BY.finditer(text, within.start, within.end):
        name = EN_LEADERS.get(re.sub(r"\s+", " ", match.group("issuer")), match.group("issuer"))
        what = WHAT_EN[re.sub(r"\s+", " ", match.group("what").lower())]
        occasion, occ_span = _clean_en_occasion(*_occasion(match, "occ"))
        found.append(
            (
                match.start(),
                Directive(
                    name,
                    Span(match.start("issuer"), match.end("issuer")),
                    what,
                    Span(match.start("what"), match.end("what")),
                    occasion,
                    occ_span,
                    "",
                    Span(match.start(), match.end()),
                    match.group("prep") or "",
                ),
            )
        )
    return [d for _, d in sorted(found, key=lambda item: item[0])]


def chinese_directives(text: str, within: Span) -> list[Directive]:
    """Directives in a Chinese stretch of the normalised text, including those listed after the
    first with 和 or 、 ("在...上的重要讲话和对...作出的重要指示精神")."""
    found: list[Directive] = []
    for match in _ZH_DIRECTIVE.finditer(text, within.start, within.end):
        issuer = ZH_LEADERS.get(match.group("issuer"), match.group("issuer"))
        issuer_span = Span(match.start("issuer"), match.end("issuer"))
        current = match
        while True:
            occasion, occ_span = _occasion(current, "at", "on", "about", "to")
            what = WHAT_ZH[current.group("what")]
            found.append(
                Directive(
                    issuer,
                    issuer_span,
                    what,
                    Span(current.start("what"), current.end("what")),
                    occasion,
                    occ_span,
                    current.group("title") or "",
                    Span(current.start(), current.end()),
                )
            )
            following = _ZH_MORE.match(text, current.end(), within.end)
            if not following:
                break
            current = following
    return found


def merge(directives: list[Directive]) -> list[Directive]:
    """One directive per (issuer, kind, occasion); a mention without an occasion is dropped when
    the same issuer's directive of that kind is also named with one."""
    kept: list[Directive] = []
    seen: set[tuple[str, str, str]] = set()
    with_occasion = {(d.issuer, d.what) for d in directives if d.occasion or d.title}
    for directive in directives:
        key = (directive.issuer, directive.what, (directive.occasion or directive.title).lower())
        if key in seen:
            continue
        if (
            not directive.occasion
            and not directive.title
            and (directive.issuer, directive.what) in with_occasion
        ):
            continue
        seen.add(key)
        kept.append(directive)
    return kept
