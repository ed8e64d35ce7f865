"""An inline SVG bar chart of posts per minute, with a mark where each question was posted."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape

from tchat_tui.domain.summary import Summary
from tchat_tui.domain.text.untrusted import neutral
from tchat_tui.report.words import Words

MAX_BARS = 240
"""Beyond four hours of minutes, bars stand for several minutes each."""


def _floor_minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def span(s: Summary) -> tuple[datetime, datetime] | None:
    """The minutes the chart covers: the planned hour, else the minutes with posts."""
    if s.start is not None and s.end is not None and s.end > s.start:
        return _floor_minute(s.start), s.end
    if s.per_minute:
        minutes = [m.minute for m in s.per_minute]
        return min(minutes), max(minutes) + timedelta(minutes=1)
    return None


def posts_per_minute_svg(
    s: Summary,
    w: Words,
    width: int = 760,
    height: int = 220,
    *,
    font: int = 12,
    label_minutes: int = 10,
    css_class: str = "chart",
) -> str:
    """The chart as an `<svg>` element (no script, no external reference).

    Drawn for `width` CSS pixels: a narrow copy (360) keeps its labels `font` pixels high on a
    phone, where the wide one would shrink them to a few pixels.
    """
    counts = {m.minute: m.posts for m in s.per_minute}
    covered = span(s)
    if covered is None:
        return ""
    lo, hi = covered
    total_minutes = max(1, math.ceil((hi - lo).total_seconds() / 60))
    step = max(1, math.ceil(total_minutes / MAX_BARS))
    bars = [0] * math.ceil(total_minutes / step)
    for minute, n in counts.items():
        i = int((minute - lo).total_seconds() // 60) // step
        if 0 <= i < len(bars):
            bars[i] += n
    top = max(max(bars), 1)
    left, right, upper, lower = 8 + 3 * font, 10, 2 * font + 2, 2 * font + 4
    plot_w, plot_h = width - left - right, height - upper - lower
    bar_w = plot_w / len(bars)

    def x_of(dt: datetime) -> float:
        return left + (dt - lo).total_seconds() / 60 / step * bar_w

    parts = [
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        f' aria-label="{escape(w("chart_label"))}">',
        f'<line x1="{left}" y1="{upper + plot_h}" x2="{width - right}" y2="{upper + plot_h}"'
        ' stroke="#888" stroke-width="1"/>',
        f'<text x="{left - 6}" y="{upper + 4}" text-anchor="end" font-size="{font}" fill="#555">'
        f"{top}</text>",
        f'<text x="{left - 6}" y="{upper + plot_h}" text-anchor="end" font-size="{font}"'
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
    label_every = max(label_minutes, step * label_minutes)
    first_label = lo + timedelta(minutes=(-lo.minute) % label_minutes)
    t = first_label
    while t < hi:
        parts.append(
            f'<text x="{x_of(t):.1f}" y="{height - 8}" text-anchor="middle" font-size="{font}"'
            f' fill="#555">{s.local(t):%H:%M}</text>'
        )
        t += timedelta(minutes=label_every)
    for q in s.questions:
        if q.posted_at is None or not lo <= q.posted_at <= hi:
            continue
        x = x_of(q.posted_at)
        parts.append(
            f'<line x1="{x:.1f}" y1="{upper - 4}" x2="{x:.1f}" y2="{upper + plot_h}"'
            ' stroke="#c0392b" stroke-width="1" stroke-dasharray="3,2"/>'
            f'<text x="{x:.1f}" y="{upper - 6}" text-anchor="middle" font-size="{font}"'
            f' fill="#c0392b">Q{q.number}<title>Q{q.number} at {s.local(q.posted_at):%H:%M}:'
            f" {escape(neutral(q.text))}</title></text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def chart_table(s: Summary, w: Words) -> tuple[str, list[tuple[str, int, str]]]:
    """The chart in words: a sentence, then (from-to, posts, questions posted) per slice of
    5 minutes (more for a longer chat: 24 rows at most)."""
    covered = span(s)
    if covered is None:
        return "", []
    lo, hi = covered
    total = max(1, math.ceil((hi - lo).total_seconds() / 60))
    size = max(5, math.ceil(total / 24 / 5) * 5)
    rows: list[tuple[str, int, str]] = []
    t = lo
    while t < hi:
        upto = min(t + timedelta(minutes=size), hi)
        n = sum(m.posts for m in s.per_minute if t <= m.minute < upto)
        asked = " ".join(
            f"Q{q.number}" for q in s.questions if q.posted_at and t <= q.posted_at < upto
        )
        rows.append((f"{s.local(t):%H:%M}-{s.local(upto):%H:%M}", n, asked))
        t = upto
    st = s.stats
    peak = f"{s.local(st.peak_minute):%H:%M}" if st.peak_minute else "-"
    sentence = w(
        "chart_summary",
        st.peak_posts,
        posts=w.number(st.posts),
        start=f"{s.local(lo):%H:%M}",
        end=f"{s.local(hi):%H:%M}",
        peak=peak,
    )
    return sentence, rows
