"""The pieces a page of the static site is made of: links, table sections, timeline events and
fact rows, as plain data the templates only lay out (and escape), and the stable path of each
entity's and source's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from alignkg.views.site_data import Fact


class Ref(NamedTuple):
    """A link to a page (``href`` relative to the site's root; empty when there is no page)."""

    text: str
    zh: str = ""
    href: str = ""
    title: str = ""


Cell = list[Ref | str]
"""A table cell: text and links, shown separated by commas."""


@dataclass
class Section:
    """A titled table on a page."""

    title: str
    header: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass
class Event:
    """A dated event on a page's timeline."""

    date: str
    what: str
    ref: Ref


@dataclass
class Page:
    """One entity's or source's page."""

    path: str
    id: str
    title: str
    zh: str
    kind: str
    class_labels: list[str]
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    summary: list[tuple[str, Cell]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)
    asserted: list[Fact] = field(default_factory=list)
    inferred: list[Fact] = field(default_factory=list)


def page_path(node: str) -> str:
    """The page of an entity (``akid:x`` → ``entity/x.html``) or a source (``source/x.html``);
    empty for anything else."""
    prefix, _, local = node.partition(":")
    if prefix == "akid" and local:
        return f"entity/{local}.html"
    if prefix == "aksrc" and local:
        return f"source/{local}.html"
    return ""


class FactRow(NamedTuple):
    """What a fact's row shows; ``anchor`` is the row's id on every page that lists it."""

    anchor: str
    subject: Ref
    relation: str
    value: Cell
    lang: str
    source: Ref | None
    locator: str
    evidence: str
    quote: str
    valid: str


@dataclass
class FactTable:
    """A table of facts and which of its columns show (a source's page needs no source column)."""

    title: str
    id: str
    rows: list[FactRow]
    subject: bool = True
    value: bool = True
    source: bool = True
    inferred: bool = False
    note: str = ""
