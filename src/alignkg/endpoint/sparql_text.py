"""One reading of SPARQL query text, shared by the guard and the engine that runs the query.

SPARQL 1.1 (section 19.2) decodes ``\\uXXXX`` and ``\\UXXXXXXXX`` over the whole text before
parsing; rdflib does so, Oxigraph decodes them inside strings and IRIs only, and the two disagree
where a comment ends (rdflib's runs past a lone carriage return). A text read differently by the
guard and the engine could hide a SERVICE call from the guard. So the text is decoded here once,
its comments are dropped, and the guard and every engine are handed this same result; texts that
would still read two ways (an escape that spells another escape, a lone carriage return) are
refused, as are queries nested deeper than any parser here can follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NESTING = 32
"""Deepest nesting of ``{`` ``(`` ``[`` a query may have; rdflib's parser recurses per level."""

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LONE_CR = re.compile(r"\r(?!\n)")
# Lexical units, tried in this order at each position: long strings, short strings, IRIs,
# comments, a backslash pair (PN_LOCAL_ESC in prefixed names), brackets, a run of other text,
# and any single character the others do not take (an unclosed quote, a "<" that is an operator).
_UNIT = re.compile(
    r'(?P<string>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
    r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<comment>#[^\r\n]*)"
    r"|(?P<pair>\\.)"
    r"|(?P<open>[{(\[])"
    r"|(?P<close>[})\]])"
    r"|(?P<code>[^\"'<#\\{}()\[\]]+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$.\-])service(?![\w:\-])", re.IGNORECASE)


class QueryTextError(ValueError):
    """Query text that cannot be given one reading; ``code`` is the endpoint's error code."""

    def __init__(self, message: str, *, code: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.line = line


@dataclass(frozen=True)
class ReadQuery:
    """The one reading of a query: the text every parser is given, and what its lexing found."""

    text: str
    nesting: int
    names_service: bool


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def decode_escapes(text: str) -> str:
    """Decode SPARQL 1.1 codepoint escapes once, refusing code points that cannot exist.

    >>> decode_escapes(r'"a\\u0022 ?x')
    '"a" ?x'
    >>> decode_escapes(r"# \\uFFFFFFFF") == "# \\uffffFFFF"
    True
    """

    def decode(match: re.Match[str]) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise QueryTextError(
                f"{match.group(0)} at line {_line(text, match.start())} is not a Unicode code point",
                code="malformed-query",
                line=_line(text, match.start()),
            )
        return chr(value)

    return _ESCAPE.sub(decode, text)


def read_query(text: str, *, max_nesting: int = MAX_NESTING) -> ReadQuery:
    """The text to hand the guard and the engine alike, with what its lexing found.

    >>> read_query('ASK { ?s ?p "#" } # done').text
    'ASK { ?s ?p "#" } '
    >>> read_query(r'ASK { BIND("a\\u0022 AS ?x) SERVICE <http://h/> {} BIND(\\u0022" AS ?y) }').names_service
    True
    """
    decoded = decode_escapes(text)
    leftover = _ESCAPE.search(decoded)
    if leftover is not None:
        raise QueryTextError(
            f"the escape {leftover.group(0)} at line {_line(decoded, leftover.start())} is written "
            "with an escaped backslash, so it would be read twice; write the character itself",
            code="malformed-query",
            line=_line(decoded, leftover.start()),
        )
    lone = _LONE_CR.search(decoded)
    if lone is not None:
        raise QueryTextError(
            f"a carriage return without a line feed at line {_line(decoded, lone.start())}; end lines "
            "with LF or CRLF (and write \\r inside strings)",
            code="malformed-query",
            line=_line(decoded, lone.start()),
        )
    kept: list[str] = []
    depth = deepest = 0
    service = False
    for unit in _UNIT.finditer(decoded):
        kind = unit.lastgroup
        if kind == "comment":
            continue
        piece = unit.group(0)
        kept.append(piece)
        if kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > max_nesting:
                    raise QueryTextError(
                        f"the query nests groups, brackets or parentheses more than {max_nesting} deep "
                        f"(line {_line(decoded, unit.start())}); flatten it",
                        code="query-too-complex",
                        line=_line(decoded, unit.start()),
                    )
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "code" and not service:
            service = _SERVICE.search(piece) is not None
    return ReadQuery("".join(kept), deepest, service)
