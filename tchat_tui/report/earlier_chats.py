"""First-timers as the chat databases can tell them, and only when an earlier chat is known.

Until a chat with the same tag is stored before this one (in this database or another `*.db` of
its folder), there is no way to tell a newcomer from a regular: the answer is then None, and the
recap mentions no first-timer at all.
"""

from __future__ import annotations

from tchat_tui.store import summary_queries as q
from tchat_tui.store.database import Store


def earlier_first_timers(store: Store, chat: int, *, look_in_folder: bool) -> frozenset[str] | None:
    """The first-timers as the database can tell them: the authors whose first stored post is
    newer than this chat's first post, in this database and (with `look_in_folder`) the other
    `*.db` of its folder; None when no earlier chat with the same tag is stored there.
    """
    db = store.db
    first = q.first_post_at(db, chat)
    tag = str((q.chat_row(db, chat) or {}).get("tag") or "")
    if first is None or not tag:
        return None
    others = list(q.sibling_databases(store.path)) if look_in_folder else []
    earlier = q.earlier_chat(db, chat, tag, first) or any(
        q.earlier_chat_in(other, tag, first) for other in others
    )
    if not earlier:
        return None
    known = q.known_before(db, first)
    for other in others:
        known |= q.known_before_in(other, first)
    return frozenset(str(a["author_key"]) for a in q.author_figures(db, chat)) - known
