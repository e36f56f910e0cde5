"""Positions in a text: paragraphs, sentences and short quotes, always as offsets into the text
the reader produced, so a reviewer can find every drafted fact where the text states it."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUOTE_WORDS = 12
"""A stored quote of Latin-script text is at most this many words."""
MAX_QUOTE_CHARS = 30
"""A stored quote of Chinese text is at most this many characters."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Span:
    """A stretch ``text[start:end]`` of the text being read."""

    start: int
    end: int

    def of(self, text: str) -> str:
        """The characters this span covers."""
        return text[self.start : self.end]


def is_chinese(text: str) -> bool:
    """True when at least a fifth of the letters in ``text`` are Chinese characters.

    >>> is_chinese("包钢集团党委常委会"), is_chinese("Baogang Group")
    (True, False)
    """
    letters = sum(1 for c in text if c.isalpha())
    return letters > 0 and len(_CJK.findall(text)) * 5 >= letters


def quote(text: str, span: Span) -> str:
    """The opening words of a span, short enough to store: at most 12 words, or 30 characters
    of Chinese. The quote is always the span's own first characters, cut at a word boundary.

    >>> quote("one two three four five six seven eight nine ten eleven twelve thirteen", Span(0, 70))
    'one two three four five six seven eight nine ten eleven twelve'
    """
    piece = span.of(text).strip()
    if is_chinese(piece):
        return piece[:MAX_QUOTE_CHARS].rstrip("，、；：,;: ")
    words = piece.split()
    if len(words) <= MAX_QUOTE_WORDS:
        return piece
    cut = 0
    for match in list(re.finditer(r"\S+", piece))[:MAX_QUOTE_WORDS]:
        cut = match.end()
    return piece[:cut].rstrip(",;:")


def trim(text: str, start: int, end: int) -> Span:
    """The span without surrounding white space and trailing sentence punctuation."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "。；;.，,：:"):
        end -= 1
    return Span(start, end)


_LIST_ITEM = re.compile(
    r"\s*(?:[-*•·]\s|\d{1,2}[.)、．]\s*|[（(]?[一二三四五六七八九十]{1,2}[)）、]|[一二三四五六七八九十]{1,2}是)"
)


def paragraphs(text: str) -> list[Span]:
    """The paragraphs of a text: blocks separated by blank lines, with each list item (a line
    starting with a bullet, a number or 一是/二是...) a paragraph of its own."""
    spans: list[Span] = []
    start: int | None = None
    end = 0
    for match in re.finditer(r"[^\n]*", text):
        line = match.group()
        if not line.strip():
            if start is not None:
                spans.append(Span(start, end))
                start = None
            continue
        if start is not None and _LIST_ITEM.match(line):
            spans.append(Span(start, end))
            start = None
        if start is None:
            start = match.start()
        end = match.end()
    if start is not None:
        spans.append(Span(start, end))
    return [s for s in (trim_space(text, span) for span in spans) if s.end > s.start]


def trim_space(text: str, span: Span) -> Span:
    """The span without white space at either end."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?=\s+[A-Z\"“(]|\s*$)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Co|Ltd|Mr|Ms|Dr|St)|\b[A-Z])$"
)


def sentences(text: str, within: Span) -> list[Span]:
    """The sentences of one paragraph (Chinese clauses end at 。 and ；, English ones at a full stop
    before a capital, not after an abbreviation such as "Jan." or "Co."), each trimmed."""
    spans: list[Span] = []
    start = within.start
    for match in _SENTENCE_END.finditer(text, within.start, within.end):
        if match.group() == "." and _ABBREVIATION.search(text, max(start, match.start() - 5), match.start()):
            continue
        piece = trim_space(text, Span(start, match.end()))
        if piece.end > piece.start:
            spans.append(piece)
        start = match.end()
    piece = trim_space(text, Span(start, within.end))
    if piece.end > piece.start:
        spans.append(piece)
    return spans


def paragraph_number(paras: list[Span], offset: int) -> int:
    """The 1-based number of the paragraph holding ``offset`` (0 if none does)."""
    for number, para in enumerate(paras, start=1):
        if para.start <= offset < max(para.end, para.start + 1):
            return number
    return 0
