"""Near matches for a name nobody defined, so an error can say what was probably meant.

Names are compared after folding case, splitting camelCase and dropping punctuation, so
``ak:servesDirective``, ``serves directive`` and ``Serves-Directive`` read alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """A name folded for comparison: camelCase split, punctuation gone, lower case.

    >>> normalise("ak:servesDirective"), normalise("Li-Xiao"), normalise("孟凡英")
    ('ak serves directive', 'li xiao', '孟凡英')
    """
    return _NOT_WORD.sub(" ", _CAMEL.sub(" ", name)).casefold().strip()


def similarity(wanted: str, name: str) -> float:
    """How alike two names are, from 0 to 100, after :func:`normalise` (spaces ignored too)."""
    from rapidfuzz import fuzz  # imported on use: only failing look-ups need it

    a, b = normalise(wanted), normalise(name)
    if not a or not b:
        return 0.0
    # Whole names alike, or the words wanted all among the name's, or (for four letters or more)
    # the name wanted inside a longer one, a little less.
    inside = 0.9 * fuzz.partial_ratio(a, b) if len(a) >= 4 else 0.0
    return max(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")), fuzz.token_set_ratio(a, b), inside)


def scores(wanted: str, names: Mapping[str, Iterable[str]]) -> dict[str, float]:
    """For each key, the best :func:`similarity` of ``wanted`` to any of the key's names."""
    return {key: max((similarity(wanted, n) for n in options), default=0.0) for key, options in names.items()}


def closest(
    wanted: str, names: Mapping[str, Iterable[str]], *, limit: int = 3, cutoff: float = 80.0
) -> list[str]:
    """The keys whose names come nearest to ``wanted`` (best first, at most ``limit``).

    >>> closest("lixiao", {"akid:li-xiao": ["Li Xiao"], "akid:xi-jinping": ["Xi Jinping"]})
    ['akid:li-xiao']
    """
    from rapidfuzz import fuzz

    scored = scores(wanted, names)
    kept = [key for key, score in scored.items() if score >= cutoff]
    # Among equal scores, a name about as long as the one wanted is the likelier meaning.
    whole = {key: max(fuzz.ratio(normalise(wanted), normalise(name)) for name in names[key]) for key in kept}
    return sorted(kept, key=lambda k: (-scored[k], -whole[k], k))[:limit]
