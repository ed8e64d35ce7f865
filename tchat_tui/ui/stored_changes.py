"""Stored posts that changed after the stream showed them (an edit or a deletion from the
network, another console's star, hide, claim, answer or allow) and authors muted elsewhere:
the stream's entries take the stored state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tchat_tui.ui.inbox import Drained, Inbox
from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.widgets.stream import StreamPane

if TYPE_CHECKING:
    from tchat_tui.store.database import Store


def show_stored_changes(stream: StreamPane, feed: Inbox, store: Store, news: Drained) -> None:
    """Apply one tick's changed posts and mutes to the stream and the queue's entries."""
    if news.muted_changed:
        stream.muted = store.muted_authors()
        stream.refilter()
    if not news.edited:
        return
    audience = {e.key: e for e in feed.audience} if feed.audience else {}
    for key in dict.fromkeys(news.edited):
        row = store.post(key)
        if row is None:
            continue
        fresh = StreamEntry.from_row(row)
        if row.get("deleted"):
            fresh.text = "[deleted by its author] " + fresh.text
        for entry in {id(e): e for e in (stream.by_key.get(key), audience.get(key)) if e}.values():
            entry.text, entry.raw_text = fresh.text, fresh.raw_text
            entry.starred, entry.hidden = fresh.starred, fresh.hidden
            entry.claimed_by, entry.answered = fresh.claimed_by, fresh.answered
            entry.outgoing = fresh.outgoing
            entry.allowed = key in feed.allowed
            if entry is stream.by_key.get(key):
                stream.update_entry(entry)
            else:
                entry.changed()
