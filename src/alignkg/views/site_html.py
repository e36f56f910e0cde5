"""The HTML fragments of the site that repeat thousands of times (links, table cells, table rows),
built in Python for speed. Every value from the data goes through :func:`html.escape` (quotes
included) before it joins the markup, so labels, ids, evidence and quotes always stay text; the
templates mark only these finished fragments as safe."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markupsafe import Markup

from alignkg.views.site_model import Cell, FactTable, Ref


@lru_cache(maxsize=1 << 16)
def _ref(part: Ref | str, root: str) -> str:
    if isinstance(part, str):
        return escape(part)
    zh = f' <span class="zh" lang="zh">{escape(part.zh)}</span>' if part.zh else ""
    if part.href:
        return f'<a href="{escape(root + part.href)}">{escape(part.text)}</a>{zh}'
    return f'<span title="{escape(part.title)}">{escape(part.text)}</span>{zh}'


def _cell(parts: Cell, root: str) -> str:
    return ", ".join([_ref(part, root) for part in parts])


def _safe(html: str) -> Markup:
    return Markup(html)  # noqa: S704  (built above from escaped values only)


def ref_html(part: Ref | str, root: str) -> Markup:
    """A link (or plain text) with its Chinese label beside it; a link to an entity is the same on
    every page, so it is built once."""
    return _safe(_ref(part, root))


def cell_html(parts: Cell, root: str) -> Markup:
    """A table cell's parts, separated by commas."""
    return _safe(_cell(parts, root))


def rows_html(rows: list[list[Cell]], root: str) -> Markup:
    """The body rows of a section's table."""
    return _safe(
        "".join(["<tr>" + "".join([f"<td>{_cell(c, root)}</td>" for c in row]) + "</tr>\n" for row in rows])
    )


def fact_rows_html(table: FactTable, root: str) -> Markup:
    """The body rows of a facts table; each row's id is the fact's anchor, and its source cell
    links to the same row on the source's page."""
    out: list[str] = []
    for f in table.rows:
        anchor = escape(f.anchor)
        out.append(f'<tr id="{anchor}">')
        if table.subject:
            out.append(f"<td>{_ref(f.subject, root)}</td>")
        out.append(f"<td>{escape(f.relation)}</td>")
        if table.value:
            lang = f' <span class="lang">@{escape(f.lang)}</span>' if f.lang else ""
            out.append(f"<td>{_cell(f.value, root)}{lang}</td>")
        if table.source:
            source = ""
            if f.source is not None and not f.source.href:
                source = escape(f.source.text)
            elif f.source is not None:
                href = escape(root + f.source.href)
                source = f'<a class="source" href="{href}#{anchor}">{escape(f.source.text)}</a>'
            out.append(f"<td>{source}</td>")
        if not table.inferred:
            quote = f"<q>{escape(f.quote)}</q>" if f.quote else ""
            out.append(
                f"<td>{escape(f.locator)}</td><td>{escape(f.evidence)}</td><td>{quote}</td>"
                f"<td>{escape(f.valid)}</td>"
            )
        out.append("</tr>\n")
    return _safe("".join(out))
