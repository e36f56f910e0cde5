"""Table cells a spreadsheet shows as text: the one rule for every CSV and TSV alignkg writes."""

from __future__ import annotations

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
