"""The layouts a view can use, named on the command line (``alignkg view --layout``) without
loading any drawing library."""

from __future__ import annotations

from enum import StrEnum


class Layout(StrEnum):
    """How node positions are found: ``auto`` (a timeline for alignment chains, else by size),
    the browser's ``physics``, a ``precomputed`` force layout, or the ``timeline`` of directives,
    meetings, priorities and measures left to right in time order."""

    auto = "auto"
    physics = "physics"
    precomputed = "precomputed"
    timeline = "timeline"
