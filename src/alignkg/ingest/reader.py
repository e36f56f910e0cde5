"""Reading one input file (plain text, Markdown or a saved HTML page) into a Document: the text
that every span indexes, and what the file says about itself (title, publisher, date, URL,
language). Pages are parsed from the saved bytes only; nothing is ever fetched."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from alignkg.ingest.script import traditional_share
from alignkg.ingest.spans import Span, is_chinese
from alignkg.model.errors import AlignkgError, Location

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text", "")
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Document:
    """An input's text and metadata. ``text`` is what every span indexes: the decoded file for
    text and Markdown, the page's main text for HTML. ``body`` is where the content starts
    (after any Markdown front matter)."""

    path: Path
    text: str
    body: Span
    format: str
    lang: str
    title: str = ""
    publisher: str = ""
    published: dt.date | None = None
    url: str = ""


def _decode(path: Path, raw: bytes, declared: str | None = None) -> str:
    if not raw.strip():
        raise AlignkgError("file is empty; expected an article or a meeting readout", Location(path))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise AlignkgError("not valid UTF-16 text", Location(path)) from exc
    if b"\x00" in raw[:4096] or raw.startswith((b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xd0\xcf\x11\xe0")):
        raise AlignkgError("is a binary file, not text or HTML", Location(path))
    encodings = ["utf-8-sig"] + ([declared] if declared else [])
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\r\t\f")
        if controls > 8:
            raise AlignkgError("is a binary file, not text or HTML", Location(path))
        return text
    line = raw[: _first_bad_byte(raw)].count(b"\n") + 1
    raise AlignkgError(
        f"cannot decode line {line} as UTF-8{' or ' + declared if declared else ''}; save the file as UTF-8",
        Location(path),
    )


def _first_bad_byte(raw: bytes) -> int:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_HEADER_LINE = re.compile(
    r"^\s*(?:发布时间|發布時間|发布日期|發佈時間|时间|時間|Published|Date)\s*[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})",
    re.M | re.I,
)


def _parse_date(path: Path, text: str, what: str) -> dt.date:
    match = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not match:
        raise AlignkgError(f"{what} {text!r} is not a date as YYYY-MM-DD", Location(path))
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise AlignkgError(f"{what} {text!r} is not a real date", Location(path)) from exc


def _front_matter(path: Path, text: str) -> tuple[dict[str, str], int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, match.end()


def _text_document(path: Path, text: str, fmt: str) -> Document:
    fields, start = _front_matter(path, text) if fmt == "markdown" else ({}, 0)
    published = None
    if fields.get("date"):
        published = _parse_date(path, fields["date"], "front matter date")
    else:
        header = _HEADER_LINE.search(text, start)
        if header:
            published = _parse_date(path, f"{header[1]}-{header[2]}-{header[3]}", "publication date")
    title = fields.get("title", "")
    if not title:
        first = next((line for line in text[start:].splitlines() if line.strip()), "")
        title = first.strip().lstrip("#").strip()
    return Document(
        path=path,
        text=text,
        body=Span(start, len(text)),
        format=fmt,
        lang=fields.get("lang", "") or fields.get("language", ""),
        title=title,
        publisher=fields.get("site", "") or fields.get("publisher", ""),
        published=published,
        url=fields.get("url", ""),
    )


_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)
_HTML_LANG = re.compile(r"<html[^>]*\slang\s*=\s*[\"']?([A-Za-z-]+)", re.I)


def _html_document(path: Path, raw: bytes) -> Document:
    import trafilatura  # imported here: only pages need it, and it is slow to import
    from trafilatura.settings import Document as PageDocument
    from trafilatura.settings import use_config

    declared = _CHARSET.search(raw[:4096])
    html = _decode(path, raw, declared.group(1).decode("ascii") if declared else None)
    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal handlers: safe in any thread
    result = trafilatura.bare_extraction(
        html,
        fast=True,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
        config=config,
    )
    text = (result.text or "") if isinstance(result, PageDocument) else ""
    if not isinstance(result, PageDocument) or not _has_prose(text):
        raise AlignkgError("page has no main text to read (is it an index or a login page?)", Location(path))
    published = None
    if result.date:
        published = _parse_date(path, result.date, "page date")
    lang_match = _HTML_LANG.search(html[:2048])
    return Document(
        path=path,
        text=text,
        body=Span(0, len(text)),
        format="html",
        lang=(result.language or (lang_match.group(1) if lang_match else "")) or "",
        title=result.title or "",
        publisher=result.sitename or "",
        published=published,
        url=result.url or "",
    )


def _has_prose(text: str) -> bool:
    """True if some line reads as prose (eight words, or twelve Chinese characters), not only
    menu entries and link titles."""
    lines = text.splitlines()
    return any(len(line.split()) >= 8 or len(re.findall(r"[\u4e00-\u9fff]", line)) >= 12 for line in lines)


def detect_language(text: str) -> str:
    """``en`` for Latin-script text, ``zh-Hant`` or ``zh-Hans`` for Chinese."""
    if not is_chinese(text[:5000]):
        return "en"
    return "zh-Hant" if traditional_share(text[:5000]) > 0.02 else "zh-Hans"


def _language(path: Path, declared: str, text: str, override: str | None) -> str:
    detected = detect_language(text)
    wanted = (override or "").strip()
    if wanted:
        if wanted.lower().startswith("zh") != detected.startswith("zh"):
            raise AlignkgError(
                f"language {wanted!r} was given, but the text reads as {detected}", Location(path)
            )
        return detected if wanted.lower() == "zh" else wanted
    return detected


def read_document(
    path: Path | str,
    *,
    url: str | None = None,
    published: dt.date | str | None = None,
    lang: str | None = None,
) -> Document:
    """Read one input file; ``url``, ``published`` and ``lang`` override what the file says.

    Raises AlignkgError naming the file for an empty, binary or undecodable file, or a page
    without main text.
    """
    file = Path(path)
    if not file.is_file():
        raise AlignkgError("input file not found", Location(file))
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise AlignkgError(f"cannot read file: {exc.strerror}", Location(file)) from exc
    suffix = file.suffix.lower()
    if suffix in HTML_SUFFIXES or raw.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        doc = _html_document(file, raw)
    else:
        fmt = "markdown" if suffix in MARKDOWN_SUFFIXES else "text"
        doc = _text_document(file, _decode(file, raw), fmt)
    body = doc.text[doc.body.start : doc.body.end]
    if not body.strip():
        raise AlignkgError("file has no text after its front matter", Location(file))
    when = doc.published
    if published is not None:
        when = (
            published if isinstance(published, dt.date) else _parse_date(file, published, "publication date")
        )
    return Document(
        path=doc.path,
        text=doc.text,
        body=doc.body,
        format=doc.format,
        lang=_language(file, doc.lang, body, lang),
        title=doc.title,
        publisher=doc.publisher,
        published=when,
        url=url if url is not None else doc.url,
    )
