"""The header's hour clock in the chat's zone, and 'ended' for a chat long over (no Textual)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tchat_tui.ui.chat_time import ShownZone, clock_time, day_and_time, hour_clock, show_times_in

T = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)
"""Tuesday 3 November 2026, 19:00 in Paris."""


def at(minutes: float) -> datetime:
    """T + minutes."""
    return T + timedelta(minutes=minutes)


@pytest.fixture(autouse=True)
def paris() -> Iterator[None]:
    """The chat's zone is Paris for these tests (whatever the machine's)."""
    before = ShownZone.zone
    show_times_in(ZoneInfo("Europe/Paris"))
    yield
    ShownZone.zone = before


@pytest.mark.parametrize(
    ("started", "now", "text"),
    [
        (None, at(1), "19:01 CET · not started"),
        (at(10), at(9), "19:09 CET · starts in 1:00"),
        (T, at(12.5), "19:12 CET · 12:30 elapsed · 47:30 left"),
        (T, at(63), "20:03 CET · 1:03:00 elapsed · over by 3:00"),
        (T, at(120), "21:00 CET · 2:00:00 elapsed · over by 1:00:00"),
        (T, at(121), "21:01 CET · ended Tue 3 Nov 20:00"),
        (T, at(264 * 60 + 40), "19:40 CET · ended Tue 3 Nov 20:00"),
    ],
)
def test_hour_clock(started: datetime | None, now: datetime, text: str) -> None:
    """The header's clock: the chat's time and zone, then elapsed and left of the hour; a chat
    long over says when it ended instead of hundreds of hours."""
    assert hour_clock(started, timedelta(hours=1), now) == text


def test_times_are_in_the_chat_zone() -> None:
    """Post times and dates read in the chat's zone, not the machine's."""
    assert clock_time(T) == "19:00:00"
    assert day_and_time(at(60 * 24 * 5)) == "Sun 8 Nov 19:00"
    show_times_in(ZoneInfo("America/New_York"))
    assert clock_time(T) == "13:00:00"
