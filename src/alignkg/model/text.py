"""Text made safe for where it is shown: Markdown that renders no HTML and loads no image, and
terminal text that carries no control sequence. Spreadsheet cells are
:func:`alignkg.model.terms.formula_safe`."""

from __future__ import annotations

import re
import unicodedata

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]!|~])")
_BLOCK_START = re.compile(r"^(\s*(?:\d{1,9})?)((?<=\d)[.)](?=\s|$)|(?<!\d)([#+-])(?=\s|$|\3))")
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def markdown_escape(text: str) -> str:
    """``text`` for a Markdown paragraph or table cell, on one line: ``<`` and ``>`` as entities
    (so no HTML renders), and the characters that make links, images, emphasis, code
    and table cells behind a backslash (so ``![x](http://...)`` shows as text and loads nothing),
    as is what would start a heading or a list. Control characters are dropped, as on a terminal.

    >>> print(markdown_escape("![x](http://a.example/p.png) <b>|"))
    \\!\\[x\\](http://a.example/p.png) &lt;b&gt;\\|
    """
    text = terminal_safe(text).replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))
    return _BLOCK_START.sub(r"\1\\\2", text)  # no heading, list or rule at the start


def terminal_safe(text: str) -> str:
    """``text`` without control characters (escape sequences, bell, backspace...) nor the
    bidirectional overrides that reorder what a terminal shows; line breaks and tabs stay.

    >>> terminal_safe("\\x1b[31mred\\x07 text")
    '[31mred text'
    """
    return "".join(c for c in text if c in "\n\t" or (unicodedata.category(c) != "Cc" and c not in _BIDI))
