"""An inline SVG bar chart of posts per minute, with a mark where each question was posted."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape

from tchat_tui.domain.summary import Summary
from tchat_tui.domain.text.untrusted import neutral

MAX_BARS = 240
"""Beyond four hours of minutes, bars stand for several minutes each."""


def _floor_minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def posts_per_minute_svg(s: Summary, width: int = 760, height: int = 220) -> str:
    """The chart as an `<svg>` element (no script, no external reference)."""
    counts = {m.minute: m.posts for m in s.per_minute}
    if s.start is not None and s.end is not None and s.end > s.start:
        lo, hi = _floor_minute(s.start), s.end
    elif counts:
        lo, hi = min(counts), max(counts) + timedelta(minutes=1)
    else:
        return '<p class="empty">No post to chart.</p>'
    total_minutes = max(1, math.ceil((hi - lo).total_seconds() / 60))
    step = max(1, math.ceil(total_minutes / MAX_BARS))
    bars = [0] * math.ceil(total_minutes / step)
    for minute, n in counts.items():
        i = int((minute - lo).total_seconds() // 60) // step
        if 0 <= i < len(bars):
            bars[i] += n
    top = max(max(bars), 1)
    left, right, upper, lower = 40, 10, 24, 28
    plot_w, plot_h = width - left - right, height - upper - lower
    bar_w = plot_w / len(bars)

    def x_of(dt: datetime) -> float:
        return left + (dt - lo).total_seconds() / 60 / step * bar_w

    unit = "minute" if step == 1 else f"{step} minutes"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        f' aria-label="Posts per {unit}, with the time each question was posted">',
        f'<line x1="{left}" y1="{upper + plot_h}" x2="{width - right}" y2="{upper + plot_h}"'
        ' stroke="#888" stroke-width="1"/>',
        f'<text x="{left - 6}" y="{upper + 4}" text-anchor="end" font-size="11" fill="#555">'
        f"{top}</text>",
        f'<text x="{left - 6}" y="{upper + plot_h}" text-anchor="end" font-size="11"'
        ' fill="#555">0</text>',
    ]
    for i, n in enumerate(bars):
        if not n:
            continue
        h = n / top * plot_h
        at = lo + timedelta(minutes=i * step)
        parts.append(
            f'<rect x="{left + i * bar_w:.1f}" y="{upper + plot_h - h:.1f}"'
            f' width="{max(bar_w - 1, 0.5):.1f}" height="{h:.1f}" fill="#4a7fb5">'
            f"<title>{s.local(at):%H:%M}: {n} post{'s' if n != 1 else ''}</title></rect>"
        )
    label_every = max(10, step * 10)
    first_label = lo + timedelta(minutes=(-lo.minute) % 10)
    t = first_label
    while t < hi:
        parts.append(
            f'<text x="{x_of(t):.1f}" y="{height - 8}" text-anchor="middle" font-size="11"'
            f' fill="#555">{s.local(t):%H:%M}</text>'
        )
        t += timedelta(minutes=label_every)
    for q in s.questions:
        if q.posted_at is None or not lo <= q.posted_at <= hi:
            continue
        x = x_of(q.posted_at)
        parts.append(
            f'<line x1="{x:.1f}" y1="{upper - 6}" x2="{x:.1f}" y2="{upper + plot_h}"'
            ' stroke="#c0392b" stroke-width="1" stroke-dasharray="3,2"/>'
            f'<text x="{x:.1f}" y="{upper - 9}" text-anchor="middle" font-size="11"'
            f' fill="#c0392b">Q{q.number}<title>Q{q.number} at {s.local(q.posted_at):%H:%M}:'
            f" {escape(neutral(q.text))}</title></text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
