"""The site's search index: every entity's and source's English and Chinese labels, aliases
(``skos:altLabel`` and labels in other languages) and the pinyin of its Chinese names, written as
a script file that pages load with a relative ``<script src>``, so search works from ``file://``
with no server and no request.

Pinyin is stored without tones or spaces ("孟凡英" → ``mengfanying``) and the page folds what is
typed the same way, so "Meng Fanying", "meng fanying" and "Mèng Fányīng" all find the entity.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from alignkg.views.page import json_for_script
from alignkg.views.site_data import SiteData

SEARCH_INDEX = "assets/search-index.js"
"""Where the index is written in the site, relative to its root."""

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_FOLD_DROP = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")


def fold(text: str) -> str:
    """Text as search compares it: no accents, lower case, letters, digits and Han characters only.

    >>> fold("Mèng Fán-yīng"), fold("孟 凡英")
    ('mengfanying', '孟凡英')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _FOLD_DROP.sub("", plain.lower())


def pinyin(text: str) -> str:
    """The folded pinyin of the Chinese characters in ``text`` (other characters kept), or empty
    when it has none.

    >>> pinyin("孟凡英"), pinyin("Meng")
    ('mengfanying', '')
    """
    if not _HAN.search(text):
        return ""
    from pypinyin import lazy_pinyin  # loads its dictionaries (~0.3 s) only when a site is written

    return fold("".join(lazy_pinyin(text)))


def search_entries(data: SiteData, class_of: dict[str, str]) -> dict[str, Any]:
    """The index as JSON-ready data: class labels, and one row per entity and source of
    ``[section, local id, English, Chinese, aliases, pinyin, class number]`` (section 0: entity,
    1: source; aliases and pinyin joined by ``|``)."""
    classes = sorted(set(class_of.values()) | {"Source"})
    number = {c: i for i, c in enumerate(classes)}
    rows: list[list[Any]] = []
    for entity in data.entities:
        labels = data.labels.get(entity, {})
        en, zh = data.label(entity), data.label_zh(entity)
        others = sorted({v for lang, v in labels.items() if lang not in ("en", "zh") and v != en})
        aliases = sorted({*data.aliases.get(entity, []), *others} - {en, zh})
        spoken = sorted({p for p in (pinyin(t) for t in (zh, *aliases, en)) if p})
        local = entity.partition(":")[2]
        rows.append([0, local, en, zh, "|".join(aliases), "|".join(spoken), number[class_of[entity]]])
    for source, info in data.sources.items():
        title = info.first("dcterms:title") or info.first("rdfs:label") or source
        rows.append([1, source.partition(":")[2], title, "", "", pinyin(title), number["Source"]])
    return {"classes": classes, "entries": rows}


def search_index_script(data: SiteData, class_of: dict[str, str]) -> str:
    """The index as a script that sets ``window.alignkgSearch``."""
    return "window.alignkgSearch = " + json_for_script(search_entries(data, class_of)) + ";\n"
