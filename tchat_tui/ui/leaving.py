"""Quitting loses nothing the host accepted: the outbox gets a moment, what it still holds is said."""

from __future__ import annotations

import asyncio
import shlex
import time
from typing import Any

from tchat_tui.pipeline.session import ChatSession

WAIT = 2.0
"""How long quitting waits for the outbox worker to send what it holds (a dry-run post is stored
in milliseconds; a live one is usually answered within this)."""
_POLL = 0.02
WAITING = ("pending", "sending")
"""Outbox states of a post accepted but not yet sent."""


async def unsent_posts(session: ChatSession, wait: float = WAIT) -> list[dict[str, Any]]:
    """The outbox rows still waiting, after up to `wait` seconds for the outbox worker to send
    them (none when it does not run: the sources were held, or it stopped on an error)."""
    if not session.is_open:
        return []
    if not session.heartbeat.reading and session.store.reading_console(time.time()):
        return []  # a joined console: the console that reads sends them, it runs on
    rows = session.store.outbox(session.chat_id, WAITING)
    if rows and session.settings.start_sources and not session.outbox.error:
        session.outbox.wake.set()
        deadline = time.monotonic() + wait
        while rows and time.monotonic() < deadline:
            await asyncio.sleep(_POLL)  # the screen stays live while the worker sends
            rows = session.store.outbox(session.chat_id, WAITING)
    return rows


def farewell(rows: list[dict[str, Any]]) -> str:
    """One line for the host on the way out: the posts the outbox still holds ('' when none).

    A post to several networks is one post (its rows share a group)."""

    def posts(status: str) -> int:
        return len({r.get("group_key") or r["id"] for r in rows if r["status"] == status})

    said = []
    pending, sending = posts("pending"), posts("sending")
    if pending:
        it = "it" if pending == 1 else "they"
        said.append(f"{_count(pending)} waiting to be sent: {it} will go at the next start")
    if sending:
        it = "it" if sending == 1 else "them"
        said.append(
            f"{_count(sending)} on the way as the console closed: the next start looks for"
            f" {it} on the network before sending again"
        )
    return f"tchat-live: {'; '.join(said)}." if said else ""


def _count(n: int) -> str:
    return f"{n} post" if n == 1 else f"{n} posts"


def where_kept(session: ChatSession) -> str:
    """What the host is told once the terminal is back: where the chat is stored and the
    command that makes its summary ('' for a chat that never opened)."""
    if not session.is_open:
        return ""
    db = shlex.quote(str(session.db_path))
    chat = ""
    if session.chat_id != max(session.store.chat_ids(), default=session.chat_id):
        chat = f" --chat {session.chat_id}"  # an older chat of this database was resumed
    return (
        f"tchat-live: the chat is stored in {db}\n"
        f"  its summary: tchat-live summary --db {db}{chat} --out summary.md"
    )
