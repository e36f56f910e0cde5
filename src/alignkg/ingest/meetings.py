"""Meetings a text reports: the body that met (Party committee, standing committee, theoretical
study centre group) and its host enterprise, the kind of meeting, its ordinal in the year and
its place, and who chaired it and who took part."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from alignkg.ingest.dates import DateMention
from alignkg.ingest.directives import Directive
from alignkg.ingest.people import Person
from alignkg.ingest.points import Point
from alignkg.ingest.spans import Span

BODY_KINDS = ("party-committee", "standing-committee", "study-group")


@dataclass(frozen=True)
class Body:
    """The body that met, and the enterprise it belongs to as the text names it."""

    kind: str
    span: Span
    host: str
    host_span: Span | None


@dataclass
class Meeting:
    """One meeting and what the text says about it."""

    trigger: Span
    body: Body
    kind: str = "meeting"
    date: DateMention | None = None
    ordinal: int | None = None
    ordinal_span: Span | None = None
    place: str = ""
    place_span: Span | None = None
    chair: Person | None = None
    participants: list[Person] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)


# --- bodies and hosts ------------------------------------------------------------------------

_EN_BODIES = [
    (
        "study-group",
        re.compile(
            r"\b(?:Party Committee(?:'s)?\s+)?(?:theoretical\s+)?(?:study|learning)\s+"
            r"(?:centre\s+|center\s+|central\s+)?group"
            r"|\bcentral\s+(?:study|learning)\s+group|\b(?:centre|center)\s+group",
            re.I,
        ),
    ),
    (
        "standing-committee",
        re.compile(
            r"(?<!members of the )(?<!member of the )\b(?:Party\s+)?Standing\s+Committee\b(?!\s+members?)",
            re.I,
        ),
    ),
    (
        "party-committee",
        re.compile(
            r"(?<!Secretary of the )(?<!members of the )(?<!member of the )\bParty\s+Committee\b"
            r"(?!\s+(?:members?|Secretary|secretary|theoretical|central|study|learning))",
        ),
    ),
]
_EN_MEETING = re.compile(
    r"\b(?:meeting|session|collective study|met|meets|convened|convenes|held|holds)\b", re.I
)
EN_ORG = re.compile(
    r"\b((?:[A-Z][\w'.&-]*\s+){0,5}(?:Group|Co\.|Company|Corporation|Holdings))(?:'s|’s)?(?=[\s,.;:]|$)"
)
_EN_LEADING = re.compile(r"^(?:(?:On|The|In|At|A|An|Yesterday|Last|This|When|After|Meanwhile|For)\s+)+")

_ZH_BODIES = [
    ("study-group", re.compile(r"理论学习中心组|理论中心组|中心组")),
    ("standing-committee", re.compile(r"党委常委会|常委会")),
    (
        "party-committee",
        re.compile(
            r"党委(?:（扩大）|\(扩大\)|扩大)?会议|党委会|党委(?:（扩大）|\(扩大\))?(?=召开|举行)|党委(?=召开)"
        ),
    ),
]
_ZH_MEETING = re.compile(r"召开|举行|开展|举办|召集|会议|集体学习")
_ZH_CUT = re.compile(
    r"[，。、；：:,\s（）()]|上午|下午|晚上|日|受|由|昨天|昨日|今天|近日|日前|\d|主持|召开|举行|委托|开展"
)
_ZH_VERB_TAIL = re.compile(r"(?:召开|举行|开展|举办|组织)$")
ZH_ORG = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:集团有限公司|集团公司|集团|有限公司|股份公司|公司)")

_GENERIC_HOSTS = {"集团", "公司", "集团公司", "the group", "the company", ""}


def _zh_host(text: str, sentence: Span, body_start: int) -> tuple[str, Span | None]:
    prefix_start = sentence.start
    prefix = _ZH_VERB_TAIL.sub("", text[prefix_start:body_start])
    cut = 0
    for match in _ZH_CUT.finditer(prefix):
        cut = match.end()
    host = re.sub(r"党委$", "", prefix[cut:])
    if len(host) < 2 or host in _GENERIC_HOSTS:
        return "", None
    start = prefix_start + cut
    return host, Span(start, start + len(host))


def _en_host(text: str, sentence: Span, body: Span) -> tuple[str, Span | None]:
    best: tuple[int, str, Span] | None = None
    for match in EN_ORG.finditer(text, sentence.start, sentence.end):
        name = match.group(1)
        lead = _EN_LEADING.match(name)
        start = match.start(1) + (lead.end() if lead else 0)
        name = text[start : match.end(1)].strip()
        if not name or name.split()[0] in ("Group", "Company"):
            continue
        distance = min(abs(body.start - match.end()), abs(start - body.end))
        if best is None or distance < best[0]:
            best = (distance, name, Span(start, start + len(name)))
    return (best[1], best[2]) if best else ("", None)


def find_body(text: str, sentence: Span, *, chinese: bool) -> Body | None:
    """The body named in a sentence that reports a meeting, or None."""
    meeting = (_ZH_MEETING if chinese else _EN_MEETING).search(text, sentence.start, sentence.end)
    if not meeting:
        return None
    for kind, pattern in _ZH_BODIES if chinese else _EN_BODIES:
        match = pattern.search(text, sentence.start, sentence.end)
        if match:
            span = Span(*match.span())
            host, host_span = (
                _zh_host(text, sentence, span.start) if chinese else _en_host(text, sentence, span)
            )
            return Body(kind, span, host, host_span)
    return None


def main_host(text: str, within: Span, *, chinese: bool) -> tuple[str, Span | None]:
    """The first enterprise named in a stretch of text (a title or the opening paragraph)."""
    if chinese:
        match = ZH_ORG.search(text, within.start, within.end)
        if not match:
            return "", None
        start = match.start()
        cut = start
        for cutter in _ZH_CUT.finditer(text, within.start, match.end()):
            if cutter.end() <= match.end() - 2:
                cut = max(cut, cutter.end())
        return text[cut : match.end()], Span(cut, match.end())
    host, span = _en_host(text, within, Span(within.start, within.start))
    return host, span


# --- kind, ordinal, place --------------------------------------------------------------------

_ORDINAL_NAMES = re.findall(
    r"\w+",
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth",
)
_ORDINAL_WORDS: dict[str, int] = {word: number for number, word in enumerate(_ORDINAL_NAMES, start=1)}
_TENS: dict[str, int] = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_TENS |= {"twentieth": 20, "thirtieth": 30, "fortieth": 40}
_ORD = (
    r"(\d{1,2}(?:st|nd|rd|th)|(?:twenty|thirty|forty|fifty)-?\w+|twentieth|thirtieth|fortieth|"
    + "|".join(_ORDINAL_WORDS)
    + r")"
)
_EN_ORDINALS = [
    re.compile(
        rf"\b(?:its|the)\s+{_ORD}\s+(?:such\s+|party\s+standing\s+committee\s+)?"
        r"(?:meeting|session|collective study|study session|study)\b",
        re.I,
    ),
    re.compile(rf"\bfor\s+the\s+{_ORD}\s+time\s+(?:this year|in 20\d\d|of the year)", re.I),
]
_ZH_ORDINAL = re.compile(r"第([0-9一二三四五六七八九十两〇零]{1,4})次")
_ZH_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "〇": 0,
    "零": 0,
}


def english_ordinal(word: str) -> int | None:
    """The number an English ordinal names ("third", "21st", "twenty-first").

    >>> english_ordinal("twenty-first"), english_ordinal("36th"), english_ordinal("fifth")
    (21, 36, 5)
    """
    word = word.lower()
    digits = re.match(r"(\d+)", word)
    if digits:
        return int(digits.group(1))
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    if word in _TENS:
        return _TENS[word]
    tens, _, unit = word.replace(" ", "-").partition("-")
    if not unit:
        for prefix in ("twenty", "thirty", "forty", "fifty"):
            if word.startswith(prefix):
                tens, unit = prefix, word[len(prefix) :]
    if tens in _TENS and unit in _ORDINAL_WORDS and _ORDINAL_WORDS[unit] < 10:
        return _TENS[tens] + _ORDINAL_WORDS[unit]
    return None


def chinese_number(text: str) -> int | None:
    """A number written in digits or Chinese numerals up to 99.

    >>> chinese_number("36"), chinese_number("十八"), chinese_number("二十一"), chinese_number("十")
    (36, 18, 21, 10)
    """
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        value = (_ZH_DIGITS.get(tens, 0) if tens else 1) * 10 + (_ZH_DIGITS.get(units, 0) if units else 0)
        return value if (not tens or tens in _ZH_DIGITS) and (not units or units in _ZH_DIGITS) else None
    if len(text) == 1 and text in _ZH_DIGITS:
        return _ZH_DIGITS[text]
    return None


def find_ordinal(text: str, within: Span, *, chinese: bool) -> tuple[int, Span] | None:
    """ "its 36th meeting of the year", "第36次": which meeting of the year this was."""
    if chinese:
        match = _ZH_ORDINAL.search(text, within.start, within.end)
        value = chinese_number(match.group(1)) if match else None
        return (value, Span(*match.span())) if match and value else None
    for pattern in _EN_ORDINALS:
        match = pattern.search(text, within.start, within.end)
        if match:
            value = english_ordinal(match.group(1))
            if value:
                return value, Span(*match.span())
    return None


def find_kind(text: str, within: Span, *, chinese: bool) -> str:
    """The kind of meeting: enlarged, special, study session, or plain meeting."""
    piece = text[within.start : within.end]
    if chinese:
        if "扩大" in piece:
            return "enlarged meeting"
        if "专题" in piece:
            return "special meeting"
        if "学习" in piece and ("集体学习" in piece or "中心组" in piece):
            return "study session"
        return "meeting"
    lowered = piece.lower()
    for word, kind in (
        ("enlarged", "enlarged meeting"),
        ("special meeting", "special meeting"),
        ("study session", "study session"),
        ("collective study", "study session"),
        ("study group", "study session"),
        ("study centre group", "study session"),
        ("study center group", "study session"),
    ):
        if word in lowered:
            return kind
    return "meeting"


_EN_PLACE = re.compile(
    r"\b(?:in|at)\s+((?:Meeting|Conference)\s+Room\s+[\w-]+"
    r"(?:\s+of\s+the\s+(?:group's\s+|company's\s+)?[\w' ]{2,40}?"
    r"(?:building|tower|headquarters|centre|center))?"
    r"|(?:a\s+)?meeting\s+room\s+of\s+the\s+[\w' ]{2,40}?(?:building|tower)"
    r"|the\s+(?:group|company)'s\s+"
    r"(?:headquarters|[\w ]{2,30}?(?:building|tower)))",
    re.I,
)
_ZH_PLACE = re.compile(
    r"[在于]([\u4e00-\u9fff\w]{2,20}?(?:会议室|总部|大楼|礼堂|报告厅|会议中心))(?=召开|举行|开展|进行)?"
)


def find_place(text: str, within: Span, *, chinese: bool) -> tuple[str, Span] | None:
    """Where the meeting was held, where the text says."""
    match = (_ZH_PLACE if chinese else _EN_PLACE).search(text, within.start, within.end)
    if not match:
        return None
    return match.group(1), Span(*match.span(1))


# --- chair and participants ------------------------------------------------------------------

_LIST = r"(?:⟨\d+⟩(?:\s*(?:,\s*(?:and\s+)?|and\s+|、|，|,|和|及)\s*⟨\d+⟩)*)"
_EN_CHAIR = [
    re.compile(r"(?:chaired|presided\s+over|led|hosted|convened)\s+by\s+(⟨\d+⟩)", re.I),
    re.compile(
        r"(⟨\d+⟩)\s*,?\s*(?:also\s+)?(?:chaired|presided|led|hosted|convened|was\s+in\s+the\s+chair)\b(?!\s+by)",
        re.I,
    ),
    re.compile(r"with\s+(⟨\d+⟩)\s+(?:presiding|in\s+the\s+chair)", re.I),
]
_EN_PARTICIPANTS = [
    re.compile(rf"(?:attended|joined)\s+by\s+({_LIST})", re.I),
    re.compile(
        rf"with\s+({_LIST})\s*,?\s+(?:also\s+)?(?:attending|in\s+attendance|present|taking\s+part|participating)",
        re.I,
    ),
    re.compile(
        rf"({_LIST})\s*,?\s+(?:also\s+|both\s+)?(?:attended|took\s+part|participated|joined|were\s+present|was\s+present|were\s+in\s+attendance|sat\s+in)",
        re.I,
    ),
    re.compile(
        rf"(?:attending|also\s+present|present|participating|also\s+attending)\s+(?:were|was)\s+({_LIST})",
        re.I,
    ),
    re.compile(rf"\bincluding\s+({_LIST})", re.I),
]
_ZH_CHAIR = [
    re.compile(r"受⟨\d+⟩(?:同志)?委托\s*[，,]?\s*(⟨\d+⟩)"),
    re.compile(r"由(⟨\d+⟩)(?:同志)?(?:主持|召集)"),
    re.compile(r"(⟨\d+⟩)(?:同志)?(?:主持|召集)"),
]
_ZH_PARTICIPANTS = [re.compile(rf"({_LIST})(?:等)?(?:同志)?(?:参加|出席|列席|参会|与会)")]


def assign_roles(
    text: str, within: Span, people: list[Person], *, chinese: bool
) -> tuple[Person | None, list[Person]]:
    """The chair and participants named in a stretch of text, read from the verbs around the
    names ("chaired by", "attended", "主持", "出席", "受...委托")."""
    inside = [p for p in people if within.start <= p.whole.start and p.whole.end <= within.end]
    if not inside:
        return None, []
    pieces: list[str] = []
    cursor = within.start
    for index, person in enumerate(inside):
        if person.whole.start < cursor:
            continue
        pieces.append(text[cursor : person.whole.start])
        pieces.append(f"⟨{index}⟩")
        cursor = person.whole.end
    pieces.append(text[cursor : within.end])
    marked = "".join(pieces)
    chair: Person | None = None
    for pattern in _ZH_CHAIR if chinese else _EN_CHAIR:
        match = pattern.search(marked)
        if match:
            chair = inside[int(match.group(1)[1:-1])]
            break
    participants: list[Person] = []
    for pattern in _ZH_PARTICIPANTS if chinese else _EN_PARTICIPANTS:
        for match in pattern.finditer(marked):
            for number in re.findall(r"⟨(\d+)⟩", match.group(1)):
                person = inside[int(number)]
                if person is not chair and all(p.key != person.key for p in participants):
                    participants.append(person)
    return chair, participants
