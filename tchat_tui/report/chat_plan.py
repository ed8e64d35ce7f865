"""The chat's plan as the database keeps it, and the time zone it gives."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tchat_tui.store import summary_queries as q
from tchat_tui.store.database import Store


def chat_plan(store: Store, chat: int) -> dict[str, Any]:
    """The chat's stored plan as a dict (empty when it has none or it does not parse)."""
    row = q.chat_row(store.db, chat) or {}
    try:
        plan = json.loads(row.get("plan_json") or "{}")
    except json.JSONDecodeError:
        plan = {}
    return plan if isinstance(plan, dict) else {}


def plan_zone(plan: dict[str, Any]) -> tzinfo | None:
    """The plan's time zone: its name, else its start's offset; None when it gives neither."""
    name = plan.get("timezone")
    if isinstance(name, str):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    start = plan.get("start")
    if isinstance(start, str):
        try:
            return datetime.fromisoformat(start).tzinfo
        except ValueError:
            return None
    return None
