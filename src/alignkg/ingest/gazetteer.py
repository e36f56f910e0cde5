"""Entity linking against the entities already in a data folder: every label in English and
Chinese, an optional ``aliases`` column and ``skos:altLabel`` statements, and the pinyin of
Chinese names, so that 孟繁英 and "Meng Fanying" are one person. Near matches are offered as
choices, never merged."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from alignkg.ingest.names import pinyin_of_name
from alignkg.ingest.script import to_simplified
from alignkg.model.cells import split_aliases
from alignkg.model.errors import AlignkgError, Location
from alignkg.model.tables import ENTITIES_FILE, STATEMENTS_FILE

PERSON_CLASSES = {"foaf:Person"}
ORGANISATION_CLASSES = {
    "ak:Enterprise",
    "ak:StateOwnedEnterprise",
    "org:Organization",
    "org:FormalOrganization",
    "ak:GovernmentBody",
    "ak:PartyOrgan",
}
NEAR_MATCH = 85.0
"""The least rapidfuzz ratio (0-100) for a label to be offered as a choice."""


@dataclass(frozen=True)
class Entry:
    """One entity of the data folder as the gazetteer knows it."""

    id: str
    cls: str
    label_en: str
    label_zh: str
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Choice:
    """An entity a mention may mean, with how closely its label matches (0-100)."""

    id: str
    label: str
    score: float


@dataclass(frozen=True)
class Link:
    """The entity a mention resolves to (None when none does), how, and near matches."""

    id: str | None
    method: str = ""
    choices: tuple[Choice, ...] = ()


def latin_key(text: str) -> str:
    """A label reduced for matching: no accents, case, spaces or punctuation.

    >>> latin_key("Meng  Fanying"), latin_key("Baogang Group's")
    ('mengfanying', 'baoganggroups')
    """
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", plain.lower())


def cjk_key(text: str) -> str:
    """A Chinese label reduced for matching: Simplified characters, no spaces or punctuation."""
    return re.sub(r"[\s\W_]", "", to_simplified(text))


_SUFFIX = re.compile(
    r"(?:groupcoltd|group|coltd|co|company|corporation|holdings|集团有限公司|集团公司|集团|有限公司|公司)$"
)


@dataclass
class Gazetteer:
    """The labels of a data folder's entities, and the few relations linking needs (which
    organisation a post or body belongs to, which body convened a meeting and when)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    objects: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    values: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    _keys: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Gazetteer:
        """A gazetteer that knows no entity."""
        return cls()

    @classmethod
    def from_data(cls, data_dir: Path | str) -> Gazetteer:
        """Read ``entities.csv`` (with an ``aliases`` column if present: names separated by ``|``,
        each perhaps ending in ``@tag``, as the loader reads them) and ``statements.csv`` of a data
        folder, whose ``skos:altLabel`` statements are aliases too."""
        folder = Path(data_dir)
        gazetteer = cls()
        for row in _rows(folder / ENTITIES_FILE):
            aliases = tuple(label for label, _ in split_aliases(row.get("aliases", "")))
            entry = Entry(row["id"], row["class"], row["label_en"], row["label_zh"], aliases, row["source"])
            gazetteer.entries[entry.id] = entry
        statements = folder / STATEMENTS_FILE
        if statements.is_file():
            for row in _rows(statements):
                if row.get("object"):
                    gazetteer.objects[(row["subject"], row["predicate"])].append(row["object"])
                elif row.get("value"):
                    gazetteer.values[(row["subject"], row["predicate"])].append(row["value"])
                    known = gazetteer.entries.get(row["subject"])
                    if row["predicate"] == "skos:altLabel" and known and row["value"] not in known.aliases:
                        gazetteer.entries[known.id] = replace(known, aliases=(*known.aliases, row["value"]))
        gazetteer._index()
        return gazetteer

    def _index(self) -> None:
        self._keys = {"latin": defaultdict(set), "cjk": defaultdict(set), "stem": defaultdict(set)}
        for entry in self.entries.values():
            for label in (entry.label_en, *entry.aliases):
                if label and latin_key(label):
                    self._keys["latin"][latin_key(label)].add(entry.id)
                    self._keys["stem"][_SUFFIX.sub("", latin_key(label))].add(entry.id)
            for label in (entry.label_zh, *entry.aliases):
                if label and cjk_key(label) and not latin_key(label):
                    self._keys["cjk"][cjk_key(label)].add(entry.id)
                    self._keys["stem"][_SUFFIX.sub("", cjk_key(label))].add(entry.id)
                    if entry.cls in PERSON_CLASSES:
                        self._keys["latin"][latin_key(pinyin_of_name(cjk_key(label)))].add(entry.id)

    def ids(self) -> set[str]:
        """Every entity id in the data folder."""
        return set(self.entries)

    def _of(self, ids: set[str], classes: set[str]) -> list[str]:
        return sorted(i for i in ids if self.entries[i].cls in classes)

    def _near(self, key: str, classes: set[str], exclude: set[str]) -> tuple[Choice, ...]:
        pool = {
            k: ids
            for k, ids in self._keys.get("latin", {}).items()
            if any(self.entries[i].cls in classes for i in ids)
        }
        found: dict[str, Choice] = {}
        for match, score, _ in process.extract(
            key, list(pool), scorer=fuzz.ratio, limit=5, score_cutoff=NEAR_MATCH
        ):
            for entity in self._of(pool[match], classes):
                if entity not in exclude and entity not in found:
                    found[entity] = Choice(
                        entity,
                        self.entries[entity].label_en or self.entries[entity].label_zh,
                        round(score, 1),
                    )
        return tuple(sorted(found.values(), key=lambda c: (-c.score, c.id)))

    def person(self, name: str) -> Link:
        """The person a name means: by label (either script), alias or pinyin."""
        chinese = not latin_key(name)
        key = cjk_key(name) if chinese else latin_key(name)
        exact = self._of(self._keys.get("cjk" if chinese else "latin", {}).get(key, set()), PERSON_CLASSES)
        if len(exact) == 1:
            return Link(exact[0], "label")
        pinyin = latin_key(pinyin_of_name(key)) if chinese else key
        by_pinyin = [
            i
            for i in self._of(self._keys.get("latin", {}).get(pinyin, set()), PERSON_CLASSES)
            if not (chinese and self.entries[i].label_zh and cjk_key(self.entries[i].label_zh) != key)
        ]
        if len(by_pinyin) == 1 and not exact:
            return Link(by_pinyin[0], "pinyin")
        taken = set(exact) | set(by_pinyin)
        choices = tuple(Choice(i, self.entries[i].label_en, 100.0) for i in sorted(taken))
        return Link(None, "", choices + self._near(pinyin, PERSON_CLASSES, taken))

    def organisation(self, name: str) -> Link:
        """The organisation a name means: by label or alias, or by label without "Group"/集团."""
        chinese = not latin_key(name)
        key = cjk_key(name) if chinese else latin_key(name)
        exact = self._of(
            self._keys.get("cjk" if chinese else "latin", {}).get(key, set()), ORGANISATION_CLASSES
        )
        if len(exact) == 1:
            return Link(exact[0], "label")
        stem = self._of(self._keys.get("stem", {}).get(_SUFFIX.sub("", key), set()), ORGANISATION_CLASSES)
        if len(stem) == 1:
            return Link(stem[0], "label-without-suffix")
        return Link(None, "", () if chinese else self._near(key, ORGANISATION_CLASSES, set()))

    def part(self, cls: str, predicate: str, parent: str) -> str | None:
        """An entity of class ``cls`` whose ``predicate`` names ``parent`` (a post in an
        organisation, a Party committee of an enterprise, ...)."""
        for entry in sorted(self.entries.values(), key=lambda e: e.id):
            if entry.cls == cls and parent in self.objects.get((entry.id, predicate), []):
                return entry.id
        return None

    def meeting(self, body: str, date: str) -> str | None:
        """A meeting already recorded as convened by ``body`` on ``date``."""
        for entry in sorted(self.entries.values(), key=lambda e: e.id):
            if (
                entry.cls == "ak:Meeting"
                and body in self.objects.get((entry.id, "ak:convenedBy"), [])
                and date in self.values.get((entry.id, "dcterms:date"), [])
            ):
                return entry.id
        return None

    def known_people(self) -> dict[str, str]:
        """Names of known people, normalised as the name rules compare them, for recognition."""
        known: dict[str, str] = {}
        for entry in self.entries.values():
            if entry.cls in PERSON_CLASSES:
                if entry.label_en:
                    known[entry.label_en.lower()] = entry.label_en
                if entry.label_zh:
                    known[cjk_key(entry.label_zh)] = entry.label_zh
                for alias in entry.aliases:
                    known[alias.lower() if latin_key(alias) else cjk_key(alias)] = alias
        return known

    def organisation_names(self) -> tuple[str, ...]:
        """Labels of known organisations, longest first, for finding a text's host enterprise."""
        names = {
            label
            for e in self.entries.values()
            if e.cls in ORGANISATION_CLASSES
            for label in (e.label_en, to_simplified(e.label_zh), *e.aliases)
            if label
        }
        return tuple(sorted(names, key=lambda n: (-len(n), n)))


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise AlignkgError("file not found", Location(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AlignkgError(f"cannot read file: {exc}", Location(path)) from exc
    return [
        {k.strip(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text))
    ]
