"""The lines the Markdown and HTML recaps share: the date line, the figures; moderation and cost
(the private report only)."""

from __future__ import annotations

from datetime import datetime

from tchat_tui.domain.summary import CostSummary, QuestionSummary, Summary
from tchat_tui.report.words import Words

NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


def zone_label(s: Summary, dt: datetime) -> str:
    """'Europe/Paris' or 'UTC+01:00'."""
    key = getattr(s.zone, "key", None)
    if isinstance(key, str):
        return key
    offset = s.local(dt).strftime("%z")
    if offset in ("", "+0000"):
        return "UTC"
    return f"UTC{offset[:3]}:{offset[3:]}"


def when(s: Summary, w: Words) -> str:
    """'Thursday 26 November 2026, 19:00-20:00 (UTC+01:00)', in the chat's language."""
    if s.start is None:
        return w("no_post")
    start = s.local(s.start)
    day = w.date(start.weekday(), start.day, start.month, start.year)
    span = f"{start:%H:%M}"
    if s.end is not None:
        span += f"-{s.local(s.end):%H:%M}"
    return f"{day}, {span} ({zone_label(s, s.start)})"


def clock(s: Summary, dt: datetime | None) -> str:
    """'19:05' in the summary's time zone."""
    return f"{s.local(dt):%H:%M}" if dt else "-"


def figure_rows(s: Summary, w: Words) -> list[tuple[str, str]]:
    """The public figures as (label, value) lines; first-timers only when they are known."""
    st = s.stats
    posts = w.number(st.posts) + (f" {w('reposts', st.reposts)}" if st.reposts else "")
    rows = [(w("posts"), posts), (w("participants"), w.number(st.participants))]
    if st.first_time_participants is not None:
        rows.append((w("first_timers"), w.number(st.first_time_participants)))
    rows += [
        (w("answers"), w.number(st.answers)),
        (w("audience_questions"), w.number(st.audience_questions)),
    ]
    if st.peak_minute is not None:
        rows.append((w("peak"), w("peak_value", st.peak_posts, time=clock(s, st.peak_minute))))
    if len(st.per_network) > 1:
        rows.append(
            (
                w("per_network"),
                ", ".join(
                    f"{NETWORK_NAMES.get(n, n)} {w.number(c)}" for n, c in st.per_network.items()
                ),
            )
        )
    return rows


def drew(q: QuestionSummary, w: Words) -> str:
    """'34 answers from 32 participants'."""
    out = w("drew", q.answer_count)
    return f"{out} {w('from', q.answerers)}" if q.answer_count else out


def moderation_line(s: Summary) -> str:
    """Counts only, never the hidden texts."""
    st = s.stats
    parts = [
        f"{st.hidden:,} post{'s' if st.hidden != 1 else ''} hidden",
        f"{st.flagged:,} flagged as promotion ({st.flagged_red:,} red)",
        f"{st.deleted:,} deleted by their authors",
        f"{st.muted_authors:,} author{'s' if st.muted_authors != 1 else ''} muted",
    ]
    return "; ".join(parts) + ". Hidden and deleted posts are left out of this summary."


COST_HEADING = "Cost on X"


def usd(amount: float) -> str:
    """'$12.35'; a non-zero amount under a cent keeps its digits ('$0.005')."""
    if 0 < abs(amount) < 0.01:
        return "$" + f"{amount:.6f}".rstrip("0")
    return f"${amount:,.2f}"


def cost_line(c: CostSummary) -> str:
    """'Estimated at X's pay-per-use prices (read 2026-08), if run live: $1.23.'"""
    prices = "X's pay-per-use prices" + (f" (read {c.prices_read_on})" if c.prices_read_on else "")
    live = ", if run live" if c.if_run_live else ""
    return f"Estimated at {prices}{live}: {usd(c.total_usd)}."


def cost_rows(c: CostSummary) -> list[tuple[str, str, str]]:
    """(what, count, USD) per kind, then the total."""
    rows = [
        (line.label[:1].upper() + line.label[1:], f"{line.count:,}", usd(line.usd))
        for line in c.lines
    ]
    return [*rows, ("Total (estimated)", "", usd(c.total_usd))]
