"""Table cells: what an output cell needs so a spreadsheet shows it as text (the one rule for
every CSV and TSV alignkg writes), and what an input cell holds beyond plain text (an ``aliases``
cell holds several labels; a stored quote stays short: at most 12 words, or about 30 Chinese
characters)."""

from __future__ import annotations

import re

ALIAS_SEPARATOR = "|"
"""What separates the labels of an ``aliases`` cell."""

MAX_QUOTE_WORDS = 12
"""A stored quote of text in a script that separates words is at most this many words."""
MAX_QUOTE_CHARS = 30
"""A stored quote with Chinese (or Japanese, Korean) characters is at most this many characters."""

_SEPARATORS = re.compile(r"[|;]")
_LANG_SUFFIX = re.compile(r"@([^\s@|;]+)$")  # checked as a language tag when the graph is built
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def split_aliases(cell: str) -> list[tuple[str, str]]:
    """The aliases of an ``aliases`` cell as (label, language tag) pairs. Labels are separated by
    ``|`` (``;``, which earlier files used, is read the same way) and may end in ``@tag``; a label
    without a tag has the empty tag.

    >>> split_aliases("Baotou Steel@en | 包钢@zh|CNRE")
    [('Baotou Steel', 'en'), ('包钢', 'zh'), ('CNRE', '')]
    """
    found: list[tuple[str, str]] = []
    for part in _SEPARATORS.split(cell):
        label, lang = part.strip(), ""
        tagged = _LANG_SUFFIX.search(label)
        if tagged:
            label, lang = label[: tagged.start()].strip(), tagged.group(1)
        if label:
            found.append((label, lang))
    return found


def quote_length_problem(quote: str) -> str | None:
    """Why a quote is too long to store, or None when it is short enough: text with Chinese
    characters is counted in characters (spaces aside), other text in words.

    >>> quote_length_problem("one two three") is None
    True
    >>> quote_length_problem("包钢集团党委" * 6)
    'the quote has 36 characters; a stored quote has at most 30'
    """
    if _CJK.search(quote):
        count = len(re.sub(r"\s", "", quote))
        if count > MAX_QUOTE_CHARS:
            return f"the quote has {count} characters; a stored quote has at most {MAX_QUOTE_CHARS}"
        return None
    words = len(quote.split())
    if words > MAX_QUOTE_WORDS:
        return f"the quote has {words} words; a stored quote has at most {MAX_QUOTE_WORDS}"
    return None


def _offset(text: str, column: str, problems: list[tuple[str, str]]) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        problems.append((column, f"{text!r} is not a character offset (a whole number of 0 or more)"))
        return None
    return int(text)


def quote_problems(quote: str, start: str, end: str) -> list[tuple[str, str]]:
    """What is wrong with a statement's quote cells, as (column, message) pairs: a quote is
    short, and its offsets, when given, are both there and span exactly the quote.

    >>> quote_problems("two words", "4", "13")
    []
    >>> quote_problems("two words", "4", "12")
    [('quote_end', 'quote_end - quote_start is 8 but the quote has 9 characters')]
    """
    problems: list[tuple[str, str]] = []
    too_long = quote_length_problem(quote) if quote else None
    if too_long:
        problems.append(("quote", too_long))
    first, last = _offset(start, "quote_start", problems), _offset(end, "quote_end", problems)
    if (start or end) and not quote:
        problems.append(("quote", "offsets are given but the quote is empty; give the quoted words"))
    elif bool(start) != bool(end):
        problems.append(
            ("quote_end" if start else "quote_start", "give both quote_start and quote_end, or neither")
        )
    elif first is not None and last is not None and last - first != len(quote):
        problems.append(
            (
                "quote_end",
                f"quote_end - quote_start is {last - first} but the quote has {len(quote)} characters",
            )
        )
    return problems


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read a cell as a formula, with the full-width equals,
plus, minus and at signs (U+FF1D, U+FF0B, U+FF0D, U+FF20) that some spreadsheets also accept."""


def formula_safe(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula.

    Only for text values: numbers such as ``-5`` are written as they are by the callers.

    >>> formula_safe("=HYPERLINK(\\"http://example.org\\")")
    '\\'=HYPERLINK("http://example.org")'
    >>> formula_safe("\uff0b1") == "'\uff0b1", formula_safe("Meng Fanying")
    (True, 'Meng Fanying')
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
