"""The chat's plan as the database keeps it."""

from __future__ import annotations

import json
from typing import Any

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
