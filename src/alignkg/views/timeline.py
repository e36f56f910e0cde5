"""The report's timeline: directives and the meetings that implement them on one time axis, drawn
with matplotlib (imported only when a timeline is drawn)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any


def _day(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def draw_timeline(chains: Sequence[dict[str, Any]]) -> bytes | None:
    """Directives and the meetings that implement them (one chain row per directive and meeting)
    on one time axis, as a PNG; None when no chain has both dates."""
    pairs = [c for c in chains if c["directive_date"] and c["meeting_date"]]
    if not pairs:
        return None
    # a bare Figure renders with Agg without touching pyplot's global backend (notebooks keep theirs)
    from matplotlib.figure import Figure

    pairs.sort(key=lambda c: (c["directive_date"], c["directive_label"], c["meeting_date"]))
    directives = list(dict.fromkeys(c["directive_label"] for c in pairs))
    palette = ["#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d"]
    colours = {
        e: palette[i % len(palette)] for i, e in enumerate(sorted({c["enterprise_label"] for c in pairs}))
    }
    fig = Figure(figsize=(9, 1.4 + 0.7 * len(directives)), dpi=100)
    ax = fig.subplots()
    for y, label in enumerate(directives):
        rows = [c for c in pairs if c["directive_label"] == label]
        start = _day(rows[0]["directive_date"])
        ax.plot([start], [y], marker="o", color="#1f4e79", markersize=8, zorder=3)
        for c in rows:
            end = _day(c["meeting_date"])
            ax.annotate(
                "", xy=(end, y), xytext=(start, y), arrowprops={"arrowstyle": "->", "color": "#888888"}
            )
            ax.plot([end], [y], marker="s", color=colours[c["enterprise_label"]], markersize=8, zorder=3)
            ax.text(end, y - 0.18, f"{c['lag_days']} d", ha="center", va="bottom", fontsize=8)
    ax.set_yticks(range(len(directives)), [_wrap(d) for d in directives], fontsize=9)
    ax.set_ylim(-0.8, len(directives) - 0.4)
    ax.invert_yaxis()
    days = [_day(c[k]) for c in pairs for k in ("directive_date", "meeting_date")]
    first, last = min(days), max(days)
    step = max(1, (last - first + 1) // 8)
    ticks = list(range(first, last + 1, step))
    ax.set_xticks(ticks, [date.fromordinal(t).isoformat() for t in ticks])
    ax.set_xlim(first - 0.5 * step, last + 0.5 * step)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.grid(axis="x", color="#eeeeee")
    ax.plot([], [], marker="o", color="#1f4e79", linestyle="", label="directive")
    for enterprise, colour in colours.items():
        ax.plot([], [], marker="s", color=colour, linestyle="", label=f"meeting of {enterprise}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=3, fontsize=8, frameon=False)
    ax.set_title("Directives and the meetings that implement them (lag in days)", fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def _wrap(text: str, width: int = 38) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
