"""Matching Traditional and Simplified Chinese alike: the text is converted to Simplified with
OpenCC for matching only, character for character, so every offset found in the converted text
is an offset into the original.

OpenCC's Traditional-to-Simplified tables (``t2s``: phrases, characters, CJK compatibility
ideographs) map each entry to one of the same length, so whole-text conversion keeps positions.
Should a table ever map a phrase to one of another length, the line holding it is converted
character by character instead, and a character whose conversion is not one character is kept
as it is."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import opencc

Converter = Callable[[str], str]

# Typographic characters read as their plain forms, one for one.
_PLAIN = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u3000": " "}
)


@lru_cache(maxsize=1)
def _t2s() -> Converter:
    converter = opencc.OpenCC("t2s")
    return converter.convert


def _per_character(text: str, convert: Converter) -> str:
    """Convert one character at a time (a separator between characters keeps phrases apart)."""
    converted = convert("\n".join(text)).split("\n")
    if len(converted) != len(text):
        return text
    return "".join(new if len(new) == 1 else old for old, new in zip(text, converted, strict=True))


def to_simplified(text: str, convert: Converter | None = None) -> str:
    """``text`` in Simplified characters, with exactly the same length and positions.

    >>> to_simplified("包鋼集團黨委常委會")
    '包钢集团党委常委会'
    """
    convert = convert or _t2s()
    whole = convert(text)
    if len(whole) == len(text):
        return whole
    lines = text.split("\n")
    out = []
    for line in lines:
        converted = convert(line)
        out.append(converted if len(converted) == len(line) else _per_character(line, convert))
    return "\n".join(out)


def normalise(text: str, *, chinese: bool, convert: Converter | None = None) -> str:
    """The text as the rules read it: plain quotes and spaces, and for Chinese, Simplified
    characters. Always the same length as ``text``."""
    plain = text.translate(_PLAIN)
    return to_simplified(plain, convert) if chinese else plain


def traditional_share(text: str) -> float:
    """The share of Chinese characters that change when converted to Simplified."""
    simplified = to_simplified(text)
    han = [i for i, c in enumerate(text) if "\u3400" <= c <= "\u9fff"]
    if not han:
        return 0.0
    return sum(1 for i in han if simplified[i] != text[i]) / len(han)
