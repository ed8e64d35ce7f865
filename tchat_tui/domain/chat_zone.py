"""The chat's time zone: the plan's, else the machine's local zone (one clock for every screen,
log and file of the chat)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ZONEINFO_DIR = "zoneinfo/"


def chat_zone(plan: Mapping[str, object] | None) -> tzinfo:
    """The time zone a chat's times are shown in: the plan's `timezone` (an IANA name), else
    its start's offset, else the machine's local zone (`machine_zone`).

    `plan` is the plan as the chat stores it (`Plan.to_dict()`, the `chats.plan_json` column
    read back), or None for a chat without a plan.
    """
    if plan:
        name = plan.get("timezone")
        if isinstance(name, str) and name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        start = plan.get("start")
        if isinstance(start, str):
            try:
                offset = datetime.fromisoformat(start).tzinfo
            except ValueError:
                offset = None
            if offset is not None:
                return offset
        elif isinstance(start, datetime) and start.tzinfo is not None:
            return start.tzinfo
    return machine_zone()


def machine_zone() -> tzinfo:
    """The machine's local zone, with its summer time: `TZ` when set, else /etc/localtime,
    else the offset the C library gives now (a server usually says UTC)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        zone = _named(name)
        if zone is not None:
            return zone
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        target = ""
    if _ZONEINFO_DIR in target:
        zone = _named(target.rsplit(_ZONEINFO_DIR, 1)[1])
        if zone is not None:
            return zone
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return UTC if not offset else timezone(offset)


def _named(name: str) -> tzinfo | None:
    if os.path.isabs(name):  # TZ=/usr/share/zoneinfo/Europe/Paris
        name = name.rsplit(_ZONEINFO_DIR, 1)[1] if _ZONEINFO_DIR in name else ""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_label(zone: tzinfo, at: datetime) -> str:
    """The zone as the header names it at `at`: 'CET', 'CEST', 'UTC', 'UTC+1', 'UTC-3:30'."""
    name = at.astimezone(zone).tzname() or ""
    if not name or name.removeprefix("UTC")[:1] in ("+", "-"):  # '-03', 'UTC+01:00'
        offset = at.astimezone(zone).utcoffset() or timedelta(0)
        return "UTC" if not offset else _utc_offset(offset)
    return name


def _utc_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    hours, minutes = divmod(abs(int(offset.total_seconds())) // 60, 60)
    return f"UTC{sign}{hours}:{minutes:02d}" if minutes else f"UTC{sign}{hours}"
