"""Ingestion: drafting sourced statements from a saved article or a Chinese meeting readout.

``ingest(paths)`` reads each input and writes a draft folder; a reviewer checks it, paraphrases
the candidate priorities, and ``accept(draft_dir)`` merges it into data/ through the same checks
as ``alignkg build``.
"""

from alignkg.ingest.accept import AcceptReport, accept
from alignkg.ingest.draft import Draft, read_draft, write_draft
from alignkg.ingest.extraction import Extraction, extract
from alignkg.ingest.gazetteer import Gazetteer
from alignkg.ingest.pipeline import draft_document, ingest
from alignkg.ingest.reader import Document, read_document

__all__ = [
    "AcceptReport",
    "Document",
    "Draft",
    "Extraction",
    "Gazetteer",
    "accept",
    "draft_document",
    "extract",
    "ingest",
    "read_document",
    "read_draft",
    "write_draft",
]
