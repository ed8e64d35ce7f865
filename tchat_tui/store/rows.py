"""How rows are written and read back: stored times, JSON columns, a posts row as a Post."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import orjson

from tchat_tui.domain.post import Link, Network, Post

Row = dict[str, Any]
"""One row of a query, keyed by column name."""

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""One encoder for every row: json.dumps with options builds a new encoder per call."""


def json_text(value: Any) -> str:
    """Compact JSON text, as `_json` writes it, through orjson (about 10x cheaper per value)."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, TypeError):  # lone surrogates, integers past 64 bits
        return _json(value)


def iso(dt: datetime) -> str:
    """Datetimes are stored as ISO 8601 UTC strings, which sort as text."""
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    return dt.isoformat(timespec="milliseconds")


def parse_iso(value: str) -> datetime:
    """Read back a stored datetime."""
    return datetime.fromisoformat(value)


def now_iso() -> str:
    """The current time, as stored."""
    return iso(datetime.now(UTC))


def row_to_post(row: Row) -> Post:
    """Rebuild the normalized Post from a stored row."""
    network = Network(row["network"])
    instance = row.get("instance")

    def native(key: str | None) -> str | None:
        if not key:
            return None
        prefix = (
            f"{network.value}:{instance}:"
            if network is Network.MASTODON and instance
            else f"{network.value}:"
        )
        return key[len(prefix) :] if key.startswith(prefix) else key

    # The author's key carries the same prefix as the post's (an instance may hold a port's colon).
    author_id = native(row["author_key"]) or ""
    return Post(
        network=network,
        native_id=row["native_id"],
        author_id=author_id,
        author_handle=row["author_handle"],
        author_name=row["author_name"] or row["author_handle"],
        text=row["text"],
        created_at=parse_iso(row["created_at"]),
        reply_to_id=native(row.get("reply_to_key")),
        reply_to_author_id=row.get("reply_to_author"),
        conversation_id=native(row.get("root_key")),
        hashtags=tuple(json.loads(row["hashtags"] or "[]")),
        links=tuple(Link(u, e) for u, e in json.loads(row["links"] or "[]")),
        mentions=tuple(json.loads(row["mentions"] or "[]")),
        is_repost=bool(row["is_repost"]),
        repost_of_id=native(row.get("repost_of_key")),
        lang=row.get("lang"),
        instance=instance,
        raw=row.get("raw") or "",
        metrics=json.loads(row["metrics"]) if row.get("metrics") else {},
    )
