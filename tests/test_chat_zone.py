"""The chat's time zone: the plan's name, else its start's offset, else the machine's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from tchat_tui.domain.chat_zone import chat_zone, machine_zone, zone_label

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("plan", "zone"),
    [
        ({"timezone": "Europe/Paris", "start": "2026-11-26T19:00:00-05:00"}, PARIS),
        ({"timezone": None, "start": "2026-11-26T19:00:00+01:00"}, timezone(timedelta(hours=1))),
        ({"timezone": "Mars/Olympus", "start": "2026-11-26T19:00:00+05:30"}, None),
        ({"start": datetime(2026, 11, 26, 19, tzinfo=PARIS)}, PARIS),
        ({"timezone": None, "start": None}, ZoneInfo("America/New_York")),
        (None, ZoneInfo("America/New_York")),
    ],
)
def test_the_chat_zone(
    plan: dict[str, object] | None, zone: tzinfo | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's zone by name, else its start's offset, else the machine's (here TZ's)."""
    monkeypatch.setenv("TZ", "America/New_York")
    found = chat_zone(plan)
    if zone is None:  # an unknown name: the start's offset
        assert found.utcoffset(None) == timedelta(hours=5, minutes=30)
    else:
        assert found == zone


@pytest.mark.parametrize(
    ("tz", "offset_in_january"),
    [
        ("Europe/Paris", timedelta(hours=1)),
        (":Asia/Tokyo", timedelta(hours=9)),
        ("/usr/share/zoneinfo/America/Sao_Paulo", timedelta(hours=-3)),
        ("UTC", timedelta(0)),
    ],
)
def test_the_machine_zone_follows_tz(
    tz: str, offset_in_january: timedelta, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TZ names the machine's zone in its every form (name, ':name', a zoneinfo file)."""
    monkeypatch.setenv("TZ", tz)
    assert datetime(2027, 1, 10, tzinfo=UTC).astimezone(machine_zone()).utcoffset() == (
        offset_in_january
    )


def test_the_machine_zone_keeps_summer_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A zone, not a fixed offset: Paris is +1 in winter, +2 in summer."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    zone = machine_zone()
    assert datetime(2027, 7, 1, tzinfo=UTC).astimezone(zone).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("zone", "month", "label"),
    [
        (PARIS, 1, "CET"),
        (PARIS, 7, "CEST"),
        (UTC, 1, "UTC"),
        (timezone(timedelta(hours=1)), 1, "UTC+1"),
        (timezone(timedelta(hours=-3, minutes=-30)), 1, "UTC-3:30"),
        (ZoneInfo("America/Sao_Paulo"), 1, "UTC-3"),
    ],
)
def test_zone_label(zone: tzinfo, month: int, label: str) -> None:
    """The header names the zone by its abbreviation, else by its offset from UTC."""
    assert zone_label(zone, datetime(2027, month, 10, tzinfo=UTC)) == label
