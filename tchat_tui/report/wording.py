"""The words the Markdown and HTML summaries share: the date line, the figures, moderation."""

from __future__ import annotations

from datetime import datetime

from tchat_tui.domain.summary import CostSummary, Summary

_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
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


def when(s: Summary) -> str:
    """'Thursday 26 November 2026, 19:00-20:00 (UTC+01:00)'."""
    if s.start is None:
        return "no post yet"
    start = s.local(s.start)
    day = f"{_WEEKDAYS[start.weekday()]} {start.day} {_MONTHS[start.month - 1]} {start.year}"
    span = f"{start:%H:%M}"
    if s.end is not None:
        span += f"-{s.local(s.end):%H:%M}"
    return f"{day}, {span} ({zone_label(s, s.start)})"


def clock(s: Summary, dt: datetime | None) -> str:
    """'19:05' in the summary's time zone."""
    return f"{s.local(dt):%H:%M}" if dt else "-"


def people(s: Summary) -> list[tuple[str, str]]:
    """('Host', '@claire'), ('Guests', '@a, @b'), ('Co-moderators', ...) when known."""
    out = []
    if s.host:
        out.append(("Host", f"@{s.host}"))
    if s.guests:
        out.append(("Guests", ", ".join(f"@{g}" for g in s.guests)))
    if s.co_moderators:
        out.append(("Co-moderators", ", ".join(f"@{c}" for c in s.co_moderators)))
    return out


def figure_rows(s: Summary) -> list[tuple[str, str]]:
    """The figures as (label, value) lines."""
    st = s.stats
    rows = [
        ("Posts", f"{st.posts:,}" + (f" (and {st.reposts:,} reposts)" if st.reposts else "")),
        ("Participants", f"{st.participants:,}"),
        ("First-time participants", f"{st.first_time_participants:,}"),
        ("Answers", f"{st.answers:,}"),
        ("Audience questions", f"{st.audience_questions:,}"),
    ]
    if st.peak_minute is not None:
        rows.append(("Peak minute", f"{clock(s, st.peak_minute)}, {st.peak_posts:,} posts"))
    if st.per_network:
        rows.append(
            (
                "Per network",
                ", ".join(f"{NETWORK_NAMES.get(n, n)} {c:,}" for n, c in st.per_network.items()),
            )
        )
    return rows


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


def role_note(role: str) -> str:
    """' (guest)' for the chat's people, '' for participants."""
    return "" if role == "participant" else f" ({role})"


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
