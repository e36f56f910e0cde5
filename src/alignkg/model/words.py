"""Words for counts and choices in messages: "1 row", "3 rows", "a, b or c", "did you mean ...?"."""

from __future__ import annotations

from collections.abc import Sequence

_IRREGULAR = {
    "entity": "entities",
    "query": "queries",
    "property": "properties",
    "priority": "priorities",
    "directive": "directives",
    "class": "classes",
    "match": "matches",
}


def plural(noun: str) -> str:
    """The plural of an English noun as alignkg's messages use it.

    >>> plural("row"), plural("entity"), plural("class")
    ('rows', 'entities', 'classes')
    """
    return _IRREGULAR.get(noun, noun + "s")


def count(number: int, noun: str, nouns: str | None = None) -> str:
    """``number`` followed by the noun in the form it takes with that number.

    >>> count(1, "row"), count(2, "row"), count(0, "entity"), count(1500, "triple")
    ('1 row', '2 rows', '0 entities', '1500 triples')
    """
    word = noun if number == 1 else (nouns or plural(noun))
    return f"{number} {word}"


def either(items: Sequence[str], conjunction: str = "or") -> str:
    """Items joined for a sentence: ``a``, ``a or b``, ``a, b or c``.

    >>> either(["a"]), either(["a", "b"]), either(["a", "b", "c"], "and")
    ('a', 'a or b', 'a, b and c')
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def did_you_mean(choices: Sequence[str]) -> str:
    """A hint such as ``; did you mean a or b?``, or nothing when there is no choice to offer."""
    return f"; did you mean {either(list(choices))}?" if choices else ""
