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

import jinja2
from rdflib import Dataset

from alignkg.analysis import cascade
from alignkg.model.errors import AlignkgError, Location
from alignkg.model.files import DEFAULT_SITE_DIR, DEFAULT_SITE_TITLE
from alignkg.stores.base import Store
from alignkg.views.site_cascade import Cascades
from alignkg.views.site_data import QUERY_COUNT as DATA_QUERY_COUNT
from alignkg.views.site_data import read_site_data
from alignkg.views.site_html import cell_html, fact_rows_html, ref_html, rows_html
from alignkg.views.site_lists import listings, months
from alignkg.views.site_network import Neighbourhoods
from alignkg.views.site_pages import Pages
from alignkg.views.site_search import SEARCH_INDEX, search_index_script
from alignkg.views.site_write import MARKER, Folder, check_target, swap, write_profiles
from alignkg.views.view import VIS_DIR

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'"
)
"""The pages' Content-Security-Policy: scripts, styles and images from the site's own files only,
so no request can leave a page, whatever the data holds."""

QUERY_COUNT = DATA_QUERY_COUNT + cascade.QUERY_COUNT
"""How many SELECT queries a site costs, whatever the size of the graph: those that read what the
pages show, and those of the cascade analysis that every directive's page shows."""

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


class SiteRenderer:
    """Everything the site's files are rendered from, read from the graph once: the fixed files
    (assets, index, lists, search) and a profile page for any entity or source."""

    def __init__(self, data: Dataset | Store, title: str) -> None:
        self.site = read_site_data(data)
        self.pages = Pages(self.site, Cascades(data))
        self.network = Neighbourhoods(self.site)
        self.kinds = {e: self.pages.kind(e) for e in self.site.entities}
        self.env = _environment()
        self.common = {"site_title": title, "csp": CSP}
        self.profile_page = self.env.get_template("site/page.html")

    @property
    def profiles(self) -> list[str]:
        """The entities and sources that get a page, in the order they are written."""
        return [*self.site.entities, *self.site.sources]

    def fixed_files(self) -> Iterator[tuple[str, bytes]]:
        site, pages, env, common = self.site, self.pages, self.env, self.common
        yield MARKER, b"alignkg static site\n"
        for name in _ASSETS:
            yield f"assets/{name}", _asset(name)
        yield "assets/vis-network.min.js", (VIS_DIR / "vis-network.min.js").read_bytes()
        yield "assets/vis-network.css", (VIS_DIR / "vis-network.css").read_bytes()
        lists = listings(pages, self.kinds)
        counts = {
            "entities": len(site.entities),
            "sources": len(site.sources),
            "asserted": sum(1 for f in site.facts if not f.inferred),
            "inferred": sum(1 for f in site.facts if f.inferred),
        }
        index = env.get_template("site/index.html").render(
            **common,
            root="",
            page_title="Index",
            listings=lists,
            months=months(pages, self.kinds),
            counts=counts,
            preview=PREVIEW,
        )
        yield "index.html", index.encode("utf-8")
        listing_page = env.get_template("site/list.html")
        for listing in lists:
            html = listing_page.render(**common, root="../", page_title=listing.title, listing=listing)
            yield listing.path, html.encode("utf-8")
        search = env.get_template("site/search.html").render(**common, root="", page_title="Search")
        yield "search.html", search.encode("utf-8")
        class_of = {e: self.network.class_label(e) for e in site.entities}
        yield SEARCH_INDEX, search_index_script(site, class_of).encode("utf-8")

    def profile(self, node: str) -> tuple[str, bytes]:
        """The page of an entity (``akid:...``) or a source (``aksrc:...``) and its path."""
        pages = self.pages
        if node in self.kinds:
            page = pages.page(node)
            payload, drawn, around = self.network.payload(node)
            heading, kind = (f"{page.title} {page.zh}" if page.zh else page.title), self.kinds[node]
        else:
            page = pages.source_page(node)
            payload, drawn, around, heading, kind = "", 0, 0, page.title, "source"
        html = self.profile_page.render(
            **self.common,
            root="../",
            page_title=heading,
            page=page,
            kind_label=kind,
            tables=pages.fact_tables(page),
            network=payload,
            network_drawn=drawn,
            network_total=around,
        )
        return page.path, html.encode("utf-8")


def write_site(
    data: Dataset | Store,
    out_dir: Path | str = DEFAULT_SITE_DIR,
    *,
    title: str = DEFAULT_SITE_TITLE,
    progress: SiteProgress | None = None,
    workers: int | None = None,
) -> SiteSummary:
    """Write the static site of ``data`` to ``out_dir``.

    The site is written to a folder beside ``out_dir`` and swapped in only when complete, so a
    failed build leaves the previous site as it was; a folder that alignkg did not write is
    never replaced. Profile pages are shared among ``workers`` processes (by default one per
    core, at most two, for large sites); the files are the same whatever the number.
    """
    tell = progress or (lambda _what, _done, _total: None)
    target = Path(out_dir)
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        tell("reading the graph", 0, 1)
        renderer = SiteRenderer(data, title)
        tell("reading the graph", 1, 1)
        folder = Folder(staging, target if target.is_dir() else None)
        for name, content in renderer.fixed_files():
            folder.put(name, content)
        profiles = renderer.profiles
        written = write_profiles(renderer.profile, profiles, folder, workers=workers, tell=tell)
        tell("writing pages", len(profiles), len(profiles))
        written.merge(folder.written)
        swap(staging, target)
    except OSError as exc:
        raise AlignkgError(
            f"cannot write the site: {exc.strerror}", Location(exc.filename or target)
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteSummary(
        target,
        written.entities,
        written.sources,
        written.files,
        written.bytes,
        written.sizes.get(SEARCH_INDEX, 0),
        written.largest_page,
    )
