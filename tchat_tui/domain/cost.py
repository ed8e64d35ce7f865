"""What the hour costs on X at pay-per-use prices: a price table and a meter (no I/O).

X bills reads per resource returned (deduplicated per UTC day) and writes per request. The meter
counts what the sources and the publisher did and estimates the spend; it is an estimate, the
bill is on console.x.com.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta

PRICES_READ_ON = "2026-08"
"""When the prices below were read from X's pricing page (docs.x.com, pay-per-use)."""

PRICES: dict[str, float] = {
    "post_read": 0.005,
    "user_read": 0.010,
    "owned_read": 0.001,
    "post_created": 0.015,
    "post_with_url": 0.20,
    "summoned_reply": 0.010,
    "user_interaction": 0.015,
}
"""USD per resource read or per write request (pay-per-use, read on PRICES_READ_ON)."""

LABELS: dict[str, str] = {
    "post_read": "posts read",
    "user_read": "users read",
    "owned_read": "own data read",
    "post_created": "posts created",
    "post_with_url": "posts with a URL",
    "summoned_reply": "replies",
    "user_interaction": "retweets",
}
"""How each kind is named on the screen and in the summary."""

DAILY_DEDUP = frozenset({"post_read", "user_read"})
"""Kinds X deduplicates per UTC day: the same post read twice that day is billed once."""


class CostMeter:
    """Counts billable reads and writes and estimates the spend. Thread-safe.

    Charges are kept per minute and kind (memory grows with the chat's minutes, not its posts), so
    windows (`spend(since, until)`, `last_hour`) are resolved to the minute: a charge counts in a
    window when the start of its minute is inside it.
    """

    def __init__(self, prices: dict[str, float] | None = None) -> None:
        self.prices = dict(PRICES if prices is None else prices)
        self._minutes: dict[datetime, dict[str, int]] = {}
        """Start of a minute -> kind -> units billed in that minute."""
        self._totals: dict[str, int] = {}
        self._seen: dict[str, tuple[date, set[str]]] = {}
        self._lock = threading.Lock()

    # -- recording -----------------------------------------------------------------------------

    def read_posts(self, ids: Iterable[str], at: datetime) -> int:
        """Posts returned by a read; return how many are billable (new this UTC day)."""
        return self._read("post_read", ids, at)

    def read_new_posts(self, count: int, at: datetime) -> None:
        """Posts known to be read for the first time (already deduplicated by the caller's store):
        billed without remembering their ids."""
        self._add("post_read", count, at)

    def read_users(self, ids: Iterable[str], at: datetime) -> int:
        """Users returned (expansions, lookups); return how many are billable today."""
        return self._read("user_read", ids, at)

    def read_owned(self, count: int, at: datetime) -> None:
        """Reads of the host's own data (users/me, the host's own timeline)."""
        self._add("owned_read", count, at)

    def created_post(self, text: str, at: datetime, *, reply: bool = False) -> str:
        """A post or reply was created; return the price kind charged."""
        if _has_url(text):
            kind = "post_with_url"
        elif reply:
            kind = "summoned_reply"
        else:
            kind = "post_created"
        self._add(kind, 1, at)
        return kind

    def retweeted(self, at: datetime) -> None:
        """A retweet (a user interaction)."""
        self._add("user_interaction", 1, at)

    def _read(self, kind: str, ids: Iterable[str], at: datetime) -> int:
        day = at.date()
        with self._lock:
            seen_day, seen = self._seen.get(kind, (day, set()))
            if seen_day != day:
                seen = set()
            before = len(seen)
            seen.update(ids)
            self._seen[kind] = (day, seen)
            fresh = len(seen) - before
            if fresh:
                self._charge(kind, fresh, at)
        return fresh

    def _add(self, kind: str, count: int, at: datetime) -> None:
        if count <= 0:
            return
        if kind not in self.prices:
            raise ValueError(f"unknown price kind {kind!r}")
        with self._lock:
            self._charge(kind, count, at)

    def _charge(self, kind: str, count: int, at: datetime) -> None:
        """Add units to the minute of `at` (the caller holds the lock)."""
        minute = at.replace(second=0, microsecond=0)
        kinds = self._minutes.get(minute)
        if kinds is None:
            kinds = self._minutes[minute] = {}
        kinds[kind] = kinds.get(kind, 0) + count
        self._totals[kind] = self._totals.get(kind, 0) + count

    # -- reading -------------------------------------------------------------------------------

    def spend(self, since: datetime | None = None, until: datetime | None = None) -> float:
        """Estimated USD between two instants (everything by default)."""
        counts = self._window(since, until)
        return sum(self.prices[kind] * n for kind, n in counts.items())

    def _window(self, since: datetime | None, until: datetime | None) -> dict[str, int]:
        """Units per kind whose minute starts in [since, until]."""
        with self._lock:
            if since is None and until is None:
                return dict(self._totals)
            out: dict[str, int] = {}
            for minute, kinds in self._minutes.items():
                if (since is None or minute >= since) and (until is None or minute <= until):
                    for kind, n in kinds.items():
                        out[kind] = out.get(kind, 0) + n
            return out

    def last_hour(self, now: datetime) -> float:
        """Estimated USD over the hour ending at `now` (what the header shows)."""
        return self.spend(now - timedelta(hours=1), now)

    def counts(self, since: datetime | None = None) -> dict[str, int]:
        """How many billable units of each kind (for the summary)."""
        return self._window(since, None)

    def breakdown(self, since: datetime | None = None) -> list[tuple[str, int, float]]:
        """(label, count, USD) per kind, in PRICES order, for the summary."""
        counts = self.counts(since)
        return [
            (LABELS.get(kind, kind), counts[kind], counts[kind] * price)
            for kind, price in self.prices.items()
            if counts.get(kind)
        ]

    def totals(self) -> dict[str, tuple[int, float]]:
        """kind -> (billable units, estimated USD) since the meter started (what the store keeps)."""
        return {k: (n, n * self.prices[k]) for k, n in self.counts().items()}

    def restore(self, counts: dict[str, int], at: datetime) -> None:
        """Add totals saved by an earlier run of the same chat (charged at `at`)."""
        for kind, count in counts.items():
            if kind in self.prices:
                self._add(kind, count, at)

    def header_text(self, now: datetime) -> str:
        """One short line: '$0.42/h est.'."""
        return f"${self.last_hour(now):.2f}/h est."


def _has_url(text: str) -> bool:
    """Whether X will see a link in the post (the $0.20 price)."""
    from tchat_tui.domain.text.twitter.urls import extract_urls  # the URL rules load on first use

    return bool(extract_urls(text))
