"""The chat's clock as the screen shows it: every time in the chat's zone, the hour's clock, and
'ended' for a chat that is over (no Textual here)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from functools import lru_cache

from tchat_tui.domain.chat_zone import machine_zone, zone_label
from tchat_tui.ui.pacing import span

ENDED_AFTER = timedelta(hours=1)
"""Past its end by more than this, a chat is said to have ended (not 'over by 264:40:15')."""
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ShownZone:
    """The zone the console shows times in: the chat's (one console, one chat, one zone)."""

    zone: tzinfo | None = None

    @classmethod
    def get(cls) -> tzinfo:
        """The chat's zone, else (nothing open yet) the machine's."""
        if cls.zone is None:
            cls.zone = machine_zone()
        return cls.zone


def show_times_in(zone: tzinfo) -> None:
    """Show every time of the console in `zone` from now on (the chat's, `ChatSession.zone`)."""
    ShownZone.zone = zone


def clock_time(moment: datetime) -> str:
    """A moment as the chat's clock reads it: 'HH:MM:SS' in the chat's zone."""
    return _clock_time(int(moment.timestamp()), ShownZone.get())


@lru_cache(maxsize=4096)
def _clock_time(second: int, zone: tzinfo) -> str:
    # Every post's header is laid out when it arrives, and again when drawn: converting to the
    # zone each time costs a flood more than this cache (one entry per second shown).
    return datetime.fromtimestamp(second, zone).strftime("%H:%M:%S")


def day_and_time(moment: datetime) -> str:
    """A moment with its day, in the chat's zone: 'Tue 3 Nov 19:00' (English names, any locale)."""
    at = moment.astimezone(ShownZone.get())
    return f"{_DAYS[at.weekday()]} {at.day} {_MONTHS[at.month - 1]} {at:%H:%M}"


def chat_ended(started: datetime | None, duration: timedelta, now: datetime) -> bool:
    """The chat is long over (its figures would be hours, days): say when it ended instead."""
    return started is not None and now - (started + duration) > ENDED_AFTER


def hour_clock(started: datetime | None, duration: timedelta, now: datetime) -> str:
    """'19:12 CET · 12:34 elapsed · 47:26 left' (or 'not started', 'starts in', 'over by 3:10',
    'ended Tue 3 Nov 20:00'): the chat's time and zone first."""
    zone = ShownZone.get()
    said = f"{now.astimezone(zone):%H:%M} {zone_label(zone, now)} · "
    if started is None:
        return said + "not started"
    if now < started:
        return said + f"starts in {span(started - now)}"
    end = started + duration
    if chat_ended(started, duration, now):
        return said + f"ended {day_and_time(end)}"
    elapsed = now - started
    if now > end:
        return said + f"{span(elapsed)} elapsed · over by {span(now - end)}"
    return said + f"{span(elapsed)} elapsed · {span(end - now)} left"
