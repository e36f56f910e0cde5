"""``alignkg site``: a static website of the graph for readers without Python, one profile page per
entity and per source in the manner of LittleSis or OpenSanctions, with an index, lists, a
search over both scripts and pinyin, a small network and a timeline on each profile.

The site works from ``file://`` and sends no request: a Content-Security-Policy allows only its
own files, every value from the data is escaped, and pages read without JavaScript (only search
and the network need it). Page paths come from ids (``akid:meng-fanying`` →
``entity/meng-fanying.html``), so links survive rebuilds, and the same graph gives the same bytes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from rdflib import Dataset

from alignkg.model.errors import AlignkgError, Location
from alignkg.model.files import DEFAULT_SITE_DIR, DEFAULT_SITE_TITLE
from alignkg.stores.base import Store
from alignkg.views.site_data import read_site_data
from alignkg.views.site_html import cell_html, fact_rows_html, ref_html, rows_html
from alignkg.views.site_lists import listings, months
from alignkg.views.site_network import Neighbourhoods
from alignkg.views.site_pages import Pages
from alignkg.views.site_search import SEARCH_INDEX, search_index_script
from alignkg.views.view import VIS_DIR

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'"
)
"""The pages' Content-Security-Policy: scripts, styles and images from the site's own files only,
so no request can leave a page, whatever the data holds."""

MARKER = ".alignkg-site"
"""A file in every written site, so rebuilding replaces only a folder that alignkg wrote."""

SiteProgress = Callable[[str, int, int], None]
"""Told what is being done, how much of it is done and how much there is."""

PREVIEW = 25
"""How many entries of each list the index shows."""

_ASSETS = ("site.css", "site.js", "search.js")


@dataclass(frozen=True)
class SiteSummary:
    """What :func:`write_site` wrote."""

    out_dir: Path
    entities: int
    sources: int
    files: int
    bytes: int
    search_index_bytes: int
    largest_page_bytes: int


def _environment() -> jinja2.Environment:
    folder = resources.files("alignkg") / "templates"

    def load(name: str) -> str:
        return (folder / name).read_text(encoding="utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ref"] = ref_html
    env.filters["cell"] = cell_html
    env.filters["rows"] = rows_html
    env.filters["fact_rows"] = fact_rows_html
    return env


def _asset(name: str) -> bytes:
    return (resources.files("alignkg") / "templates" / "site" / "assets" / name).read_bytes()


def render_site(
    data: Dataset | Store, *, title: str = DEFAULT_SITE_TITLE, progress: SiteProgress | None = None
) -> Iterator[tuple[str, bytes]]:
    """Every file of the site as (path from the site's root, bytes), in a fixed order."""
    tell = progress or (lambda _what, _done, _total: None)
    tell("reading the graph", 0, 1)
    site = read_site_data(data)
    tell("reading the graph", 1, 1)
    pages = Pages(site)
    network = Neighbourhoods(site)
    entities = site.entities
    kinds = {e: pages.kind(e) for e in entities}
    env = _environment()
    common = {"site_title": title, "csp": CSP}
    yield MARKER, b"alignkg static site\n"
    for name in _ASSETS:
        yield f"assets/{name}", _asset(name)
    yield "assets/vis-network.min.js", (VIS_DIR / "vis-network.min.js").read_bytes()
    yield "assets/vis-network.css", (VIS_DIR / "vis-network.css").read_bytes()
    lists = listings(pages, kinds)
    counts = {
        "entities": len(entities),
        "sources": len(site.sources),
        "asserted": sum(1 for f in site.facts if not f.inferred),
        "inferred": sum(1 for f in site.facts if f.inferred),
    }
    index = env.get_template("site/index.html")
    yield (
        "index.html",
        _encode(
            index.render(
                **common,
                root="",
                page_title="Index",
                listings=lists,
                months=months(pages, kinds),
                counts=counts,
                preview=PREVIEW,
            )
        ),
    )
    listing_page = env.get_template("site/list.html")
    for listing in lists:
        yield (
            listing.path,
            _encode(listing_page.render(**common, root="../", page_title=listing.title, listing=listing)),
        )
    yield (
        "search.html",
        _encode(env.get_template("site/search.html").render(**common, root="", page_title="Search")),
    )
    class_of = {e: network.class_label(e) for e in entities}
    yield SEARCH_INDEX, search_index_script(site, class_of).encode("utf-8")
    profile = env.get_template("site/page.html")
    total = len(entities) + len(site.sources)
    done = 0
    for entity in entities:
        page = pages.page(entity)
        payload, drawn, around = network.payload(entity)
        yield (
            page.path,
            _encode(
                profile.render(
                    **common,
                    root="../",
                    page_title=_heading(page.title, page.zh),
                    page=page,
                    kind_label=kinds[entity],
                    tables=pages.fact_tables(page),
                    network=payload,
                    network_drawn=drawn,
                    network_total=around,
                )
            ),
        )
        done += 1
        if done % 250 == 0:
            tell("writing pages", done, total)
    for source in site.sources:
        page = pages.source_page(source)
        yield (
            page.path,
            _encode(
                profile.render(
                    **common,
                    root="../",
                    page_title=page.title,
                    page=page,
                    kind_label="source",
                    tables=pages.fact_tables(page),
                    network="",
                    network_drawn=0,
                    network_total=0,
                )
            ),
        )
        done += 1
        if done % 250 == 0:
            tell("writing pages", done, total)
    tell("writing pages", total, total)


def _heading(title: str, zh: str) -> str:
    return f"{title} {zh}" if zh else title


def _encode(text: str) -> bytes:
    return text.encode("utf-8")


def _check_target(target: Path) -> None:
    """Refuse to replace a folder that holds anything but a site alignkg wrote."""
    if target.exists() and not target.is_dir():
        raise AlignkgError("the site's output is a file, not a folder", Location(target))
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise AlignkgError(
            "this folder holds files that are not a site written by alignkg; "
            "choose another --out or empty it first",
            Location(target),
        )


def write_site(
    data: Dataset | Store,
    out_dir: Path | str = DEFAULT_SITE_DIR,
    *,
    title: str = DEFAULT_SITE_TITLE,
    progress: SiteProgress | None = None,
) -> SiteSummary:
    """Write the static site of ``data`` to ``out_dir``.

    The site is written to a folder beside ``out_dir`` and swapped in only when complete, so a
    failed build leaves the previous site as it was. A folder that alignkg did not write is
    never replaced.
    """
    target = Path(out_dir)
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    stats: dict[str, Any] = {"files": 0, "bytes": 0, "index": 0, "largest": 0, "entities": 0, "sources": 0}
    made: set[Path] = set()
    try:
        for name, content in render_site(data, title=title, progress=progress):
            path = staging / name
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(content)
            stats["files"] += 1
            stats["bytes"] += len(content)
            if name == SEARCH_INDEX:
                stats["index"] = len(content)
            elif name.startswith(("entity/", "source/")):
                stats["entities" if name.startswith("entity/") else "sources"] += 1
                stats["largest"] = max(stats["largest"], len(content))
        _swap(staging, target)
    except OSError as exc:
        raise AlignkgError(
            f"cannot write the site: {exc.strerror}", Location(exc.filename or target)
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteSummary(
        target,
        stats["entities"],
        stats["sources"],
        stats["files"],
        stats["bytes"],
        stats["index"],
        stats["largest"],
    )


def _swap(staging: Path, target: Path) -> None:
    """Put the new site in place of the old one with two renames, then delete the old one."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
