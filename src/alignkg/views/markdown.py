"""Markdown for reports and command output: escaped tables and text, and metrics as rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from alignkg.model.text import markdown_escape


def number_text(value: Any, *, percent: bool = False) -> str:
    """A metric as text: ``n/a`` when missing, shares in percent with one decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "n/a"
    if percent:
        return f"{100 * float(value):.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


METRIC_LABELS = {
    "meetings": ("Meetings", False),
    "meetings_citing_directive": ("Meetings that cite a central directive", False),
    "meeting_directive_share": ("Share of meetings that cite a central directive", True),
    "directives_followed": ("Directives followed", False),
    "median_lag_days": ("Median lag, days", False),
    "priorities": ("Priorities set", False),
    "priorities_stated": ("Priorities stated to serve a directive", False),
    "priority_stated_share": ("Share of priorities stated to serve a directive", True),
    "priorities_meeting_wide": ("Priorities tied to directives only through the meeting as a whole", False),
    "priorities_at_studying_meeting": ("Priorities at a meeting that studied a directive", False),
    "priority_at_studying_meeting_share": ("Share of priorities at a meeting that studied a directive", True),
    "links": ("Chain links", False),
    "background_links": ("Links resting only on background knowledge", False),
    "background_link_share": ("Share of links resting on background knowledge", True),
    "lags": ("Lags computed", False),
    "background_lags": ("Lags using a background date", False),
    "background_lag_share": ("Share of lags using a background date", True),
}
"""How each metric column is named in the report and by ``alignkg metrics``, and whether it is a share."""


def format_metrics(metrics: pd.DataFrame) -> list[list[str]]:
    """The metrics as text rows, one per metric and a column per enterprise (shares in percent)."""
    return [
        [label, *(number_text(v, percent=percent) for v in metrics[column])]
        for column, (label, percent) in METRIC_LABELS.items()
    ]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table whose cells render no HTML, link or image (see :func:`markdown_escape`)."""
    lines = ["| " + " | ".join(markdown_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(markdown_escape(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown_text(text: str) -> str:
    """Text for a Markdown paragraph, on one line, rendering no HTML, link or image."""
    return markdown_escape(text)
