"""``ingest``: read each input, run the rules, link what they found to the data folder's
entities and write one draft folder per input. Every input is read and checked before any
draft is written, so bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from alignkg.ingest.draft import Draft, write_draft
from alignkg.ingest.extraction import Extraction, extract
from alignkg.ingest.gazetteer import Gazetteer, latin_key
from alignkg.ingest.minutes import add_meeting
from alignkg.ingest.reader import HTML_SUFFIXES, MARKDOWN_SUFFIXES, Document, read_document
from alignkg.ingest.rows import Rows, short_hash, slug
from alignkg.ingest.spans import is_chinese
from alignkg.model.errors import AlignkgError, DataError, Location

DEFAULT_DATA_DIR = Path("data")
DEFAULT_OUT_DIR = Path("drafts")
INPUT_SUFFIXES = (*HTML_SUFFIXES, *MARKDOWN_SUFFIXES, ".txt", ".text")
"""The files of a folder that ``ingest`` reads (others, such as ``*.gold.json``, are passed over)."""


def input_files(paths: Iterable[Path | str] | Path | str) -> list[Path]:
    """The input files named: each file as given, and for each folder the pages and texts
    directly in it (by suffix, hidden files left out), in name order."""
    named = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    files: list[Path] = []
    for path in named:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in INPUT_SUFFIXES
            )
            if not inside:
                raise AlignkgError(
                    f"folder holds no page or text to read ({', '.join(INPUT_SUFFIXES)})", Location(path)
                )
            files += inside
        else:
            files.append(path)
    return files


def source_id(extraction: Extraction) -> str:
    """A stable id for the input: its host, its date and a hash of its URL (or its text), so
    that drafting the same page again gives the same id."""
    document = extraction.document
    host = slug(extraction.host) if extraction.host else "source"
    first = extraction.meetings[0].date if extraction.meetings else None
    when = document.published or (first.value if first and first.value else None)
    key = document.url or document.text
    return f"{host}-{when.isoformat() if when else 'undated'}-{short_hash(key)}"


def draft_document(document: Document, gazetteer: Gazetteer) -> tuple[Draft, Extraction]:
    """The draft of one document, with the extraction it was made from."""
    extraction = extract(document, gazetteer.known_people(), gazetteer.organisation_names())
    sid = source_id(extraction)
    rows = Rows(extraction, gazetteer, sid)
    notes: list[str] = []
    host_name = extraction.host or (extraction.meetings[0].body.host if extraction.meetings else "")
    for meeting in extraction.meetings:
        name = meeting.body.host or host_name
        if not name:
            raise AlignkgError("a meeting is reported but no enterprise is named as its host", None)
        host = rows.organisation(name, meeting.body.host_span or extraction.host_span)
        add_meeting(rows, meeting, host)
        if meeting.date and meeting.date.value is None:
            notes.append(f"The meeting date is given only as {meeting.date.words!r}; it is left empty.")
        if meeting.points:
            notes.append(
                f"{len(meeting.points)} candidate priorities need a reviewer's paraphrase (label_en)."
            )
    publisher = ""
    if document.publisher:
        link = gazetteer.organisation(document.publisher)
        if link.id:
            publisher = link.id
        elif latin_key(document.publisher) == latin_key(
            rows.label_en(rows.entities[0]["id"]) if rows.entities else ""
        ):
            publisher = rows.entities[0]["id"]
        elif not is_chinese(document.publisher):
            publisher = rows.entity(
                slug(document.publisher),
                "org:Organization",
                document.publisher,
                "",
                None,
                "source:publisher",
                0.8,
            )
    if [e for e in rows.entities if not e["label_en"]]:
        notes.append("Rows with an empty label_en need an English label before they can be accepted.")
    if rows.choices:
        notes.append(
            "Some names are close to existing entities: see choices, "
            "and use an existing id where it is the same."
        )
    where = f"Saved copy of {document.url}" if document.url else f"Input file {document.path.name}"
    issued = document.published.isoformat() if document.published else ""
    source = {
        "id": sid,
        "kind": "article",
        "title": document.title or document.path.stem,
        "publisher": publisher,
        "issued": issued,
        "description": f"{where}; {'Chinese' if extraction.chinese else 'English'} text"
        + (f", published {issued}" if issued else ", publication date not stated")
        + ".",
        "start": "",
        "end": "",
        "quote": "",
        "rule": f"source:{document.format}",
        "confidence": "1.00",
    }
    draft = Draft(
        source, rows.entities, rows.statements, document.text, rows.choices, notes, str(document.path)
    )
    return draft, extraction


def ingest(
    paths: Iterable[Path | str] | Path | str,
    *,
    url: str | None = None,
    published: dt.date | str | None = None,
    lang: str | None = None,
    data_dir: Path | str | None = DEFAULT_DATA_DIR,
    out_dir: Path | str | None = DEFAULT_OUT_DIR,
    progress: Callable[[int, int, Path], None] | None = None,
) -> list[Draft]:
    """Draft sourced statements from saved articles or readouts, one draft per input.

    A folder stands for the pages and texts in it (see ``input_files``). ``url``, ``published``
    and ``lang`` override what the files say about themselves (give ``url`` only with a single
    input). Entities are linked against ``data_dir`` (None for no gazetteer). Drafts are written
    under ``out_dir`` (None to write nothing). ``progress(done, total, path)`` is told before each
    input is read (``done`` inputs read so far) and once when all are. Raises AlignkgError
    (DataError for several inputs) naming each bad file, and then writes nothing.
    """
    inputs = input_files(paths)
    if not inputs:
        raise AlignkgError("no input files given")
    if url is not None and len(inputs) > 1:
        raise AlignkgError("a URL can only be given for a single input")
    gazetteer = Gazetteer.from_data(data_dir) if data_dir is not None else Gazetteer.empty()
    drafts: list[Draft] = []
    problems: list[AlignkgError] = []
    for done, path in enumerate(inputs):
        if progress is not None:
            progress(done, len(inputs), path)
        try:
            document = read_document(path, url=url, published=published, lang=lang)
            drafts.append(draft_document(document, gazetteer)[0])
        except AlignkgError as exc:
            problems.append(exc if exc.location else AlignkgError(exc.message, Location(path)))
    if progress is not None:
        progress(len(inputs), len(inputs), inputs[-1])
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DataError(problems)
    if out_dir is not None:
        for draft in drafts:
            write_draft(draft, out_dir)
    return drafts
