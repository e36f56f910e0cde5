"""People named in a text, with the posts written around their names: "Party Secretary and
Chairman Meng Fanying", "Li Xiao, Vice Party Secretary and General Manager,", "集团党委书记、
董事长孟凡英", and lists that share one title ("党委常委、副总经理严松、韦青")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from alignkg.ingest.names import EN_NAME, is_chinese_name, looks_like_pinyin_name
from alignkg.ingest.posts import EN_TITLE, chinese_titles, english_titles
from alignkg.ingest.spans import Span


@dataclass(frozen=True)
class PostMention:
    """A post named beside a person: its code, where the title is, and the organisation the
    title names ("集团", "Baogang Group", or "" when it names none)."""

    code: str
    span: Span
    org: str = ""


@dataclass
class Person:
    """One mention of a person: the name, the whole phrase with its titles, and the posts."""

    name: Span
    whole: Span
    key: str
    posts: list[PostMention] = field(default_factory=list)


# --- English ---------------------------------------------------------------------------------

_TITLES = rf"{EN_TITLE}(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s+){EN_TITLE})*"
_ORG = (
    r"(?:the (?:group|company|Party Committee|board)"
    r"|(?:[A-Z][\w'.-]*\s){0,5}(?:Group|Co\.|Company|Corporation|Holdings))"
)
_LEFT = re.compile(rf"(?:(?:the |its |\b[A-Z][\w-]*'s )?)({_TITLES})\s+$", re.I)
_RIGHT = re.compile(
    rf"\s*,\s*(?:both |all |the |its |(?:[A-Z][\w-]*(?:'s|’s) ))?(?:group's |company's )?({_TITLES})"
    rf"(?:\s+(?:of|at)\s+({_ORG}))?(?=\s*(?:,|\.|;|\)|$))",
    re.I,
)
_LIST_BEFORE = re.compile(r"(?:\s*,\s*|\s+and\s+|\s*,\s+and\s+)$")


def _posts_in(phrase: str, offset: int, org: str) -> list[PostMention]:
    return [PostMention(code, Span(offset + s, offset + e), org) for s, e, code in english_titles(phrase)]


def english_people(text: str, within: Span, known: dict[str, str]) -> list[Person]:
    """People in an English stretch of text: pinyin-shaped names and names already known
    (``known`` maps a normalised name to its display form)."""
    found: list[Person] = []
    for match in EN_NAME.finditer(text, within.start, within.end):
        surname, given = match.group(1), match.group(2)
        key = f"{surname} {given.replace('-', '').lower().capitalize()}"
        if not (looks_like_pinyin_name(surname, given) or key.lower() in known):
            continue
        start, end = match.span()
        person = Person(name=Span(start, end), whole=Span(start, end), key=key)
        sentence_start = max(within.start, text.rfind(".", within.start, start) + 1)
        left = _LEFT.search(text[sentence_start:start])
        if left:
            title_start = sentence_start + left.start(1)
            person.posts += _posts_in(left.group(1), title_start, "")
            person.whole = Span(sentence_start + left.start(), end)
        right = _RIGHT.match(text, end, within.end)
        if right and right.group(1):
            org = right.group(2) or ""
            person.posts += _posts_in(right.group(1), right.start(1), org)
            person.whole = Span(person.whole.start, right.end())
            if right.group().lstrip(" ,").lower().startswith(("both ", "all ")):
                _share_backwards(found, text, person)
        found.append(person)
    _share_plural_titles(found, text)
    return found


def _share_backwards(found: list[Person], text: str, last: Person) -> None:
    """ "Kang Wei and Fan Ruoxi, both members of ...": the title belongs to every listed name."""
    cursor = last.name.start
    for earlier in reversed(found):
        if not _LIST_BEFORE.search(text[earlier.whole.end : cursor]) or text[
            earlier.whole.end : cursor
        ].strip(" ,and"):
            break
        earlier.posts += [PostMention(p.code, p.span, p.org) for p in last.posts]
        cursor = earlier.name.start


def _share_plural_titles(found: list[Person], text: str) -> None:
    """ "Party Committee members Luo Wenbin, Qiao Shan and Ding Keyu": a plural title before the
    first name of a list belongs to every name in it."""
    for index, person in enumerate(found):
        plural = [p for p in person.posts if p.span.end <= person.name.start and text[p.span.end - 1] == "s"]
        if not plural:
            continue
        cursor = person.whole.end
        for later in found[index + 1 :]:
            gap = text[cursor : later.name.start]
            if later.posts or not re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+)", gap):
                break
            later.posts += [PostMention(p.code, p.span, p.org) for p in plural]
            cursor = later.whole.end


# --- Chinese ---------------------------------------------------------------------------------

_NAME_STOP = re.compile(
    r"(?:主持|出席|参加|列席|同志|等|在|作|指出|强调|要求|表示|讲话|带领|传达|介绍|参会|与会|和|及|委托|率|就|对|"
    r"认为|提出|说|代表|书记|董事长|总经理|[、，,。；;：:（(\s]|$)"
)
_ORG_PREFIX = re.compile(r"([\u4e00-\u9fff]{0,12}?(?:集团公司|集团|公司|有限公司))$")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_NAME_MARKERS = re.compile(r"(?:领导|由|受|同志)$")


def _name_after(text: str, start: int, limit: int, known: dict[str, str]) -> int:
    """The end of a name starting at ``start`` (0 if none): the longest run that is a name and
    is followed by a word that ends names (主持, 、, ...)."""
    for length in (4, 3, 2):
        end = start + length
        if end > limit:
            continue
        candidate = text[start:end]
        if not all(_CHINESE.match(c) for c in candidate):
            continue
        if candidate in known or (is_chinese_name(candidate) and _NAME_STOP.match(text, end)):
            return end
    return 0


def chinese_people(text: str, within: Span, known: dict[str, str]) -> list[Person]:
    """People in a Chinese stretch of the normalised text: a name after a run of titles, names
    listed after it with 、, names after 领导/由/受, and names already known."""
    found: list[Person] = []
    taken: set[int] = set()
    titles = chinese_titles(text[within.start : within.end])
    index = 0
    while index < len(titles):
        first = index
        while index + 1 < len(titles) and _joined(
            text, within.start + titles[index][1], within.start + titles[index + 1][0]
        ):
            index += 1
        seq_start, seq_end = within.start + titles[first][0], within.start + titles[index][1]
        prefix = _ORG_PREFIX.search(text, max(within.start, seq_start - 14), seq_start)
        org = prefix.group(1) if prefix else ""
        org = _strip_leading_noise(org)
        posts = [
            PostMention(code, Span(within.start + s, within.start + e), org)
            for s, e, code in titles[first : index + 1]
            if code not in ("general-secretary",)
        ]
        index += 1
        end = _name_after(text, seq_end, within.end, known)
        if not end:
            continue
        whole_start = (
            seq_start - len(org) if org and text[seq_start - len(org) : seq_start] == org else seq_start
        )
        person = Person(Span(seq_end, end), Span(whole_start, end), text[seq_end:end], posts)
        found.append(person)
        taken.add(seq_end)
        cursor = end
        while text.startswith("、", cursor):
            nxt = _name_after(text, cursor + 1, within.end, known)
            if not nxt or any(
                s == cursor + 1 for s, _, _ in [(within.start + a, 0, 0) for a, _, _ in titles]
            ):
                break
            found.append(
                Person(Span(cursor + 1, nxt), Span(cursor + 1, nxt), text[cursor + 1 : nxt], list(posts))
            )
            taken.add(cursor + 1)
            cursor = nxt
    found += _marked_names(text, within, known, taken)
    found.sort(key=lambda p: p.name.start)
    return found


def _joined(text: str, left_end: int, right_start: int) -> bool:
    """True if two titles belong to one person: only 、 or an organisation's name between."""
    gap = text[left_end:right_start]
    return gap == "" or gap == "、" or (gap.startswith("、") and bool(_ORG_PREFIX.search(gap[1:])))


def _strip_leading_noise(org: str) -> str:
    for marker in ("受", "由", "，", "。", "、"):
        if marker in org:
            org = org.rsplit(marker, 1)[1]
    return org


def _marked_names(text: str, within: Span, known: dict[str, str], taken: set[int]) -> list[Person]:
    """Names without titles: after 领导/由/受, listed after them with 、, or already known."""
    found: list[Person] = []
    for marker in re.finditer(r"(?:集团|公司)?领导|由|受|，|、|^", text[within.start : within.end], re.M):
        start = within.start + marker.end()
        if start in taken:
            continue
        if marker.group() in ("，", "、", ""):
            end = _known_at(text, start, known)
        else:
            end = _name_after(text, start, within.end, known)
        while end:
            found.append(Person(Span(start, end), Span(start, end), text[start:end]))
            taken.add(start)
            if not text.startswith("、", end):
                break
            start = end + 1
            end = _name_after(text, start, within.end, known)
    for name in known:
        if not _CHINESE.match(name[:1]):
            continue
        for match in re.finditer(re.escape(name), text[within.start : within.end]):
            start = within.start + match.start()
            if start not in taken and _NAME_STOP.match(text, start + len(name)):
                found.append(Person(Span(start, start + len(name)), Span(start, start + len(name)), name))
                taken.add(start)
    return found


def _known_at(text: str, start: int, known: dict[str, str]) -> int:
    for length in (4, 3, 2):
        if text[start : start + length] in known and _NAME_STOP.match(text, start + length):
            return start + length
    return 0
