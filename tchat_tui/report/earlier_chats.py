"""First-timers for the recap, and only when an earlier chat is known.

The rule is `domain.first_timers` (found by `store.first_timers`, shared with the people pane and
the stream's marker). Until a chat with the same tag is known before this one, there is no way
to tell a newcomer from a regular: the answer is then None, and the recap mentions no first-timer.
"""

from __future__ import annotations

from pathlib import Path

from tchat_tui.store.database import Store
from tchat_tui.store.first_timers import first_timers


def earlier_first_timers(
    store: Store, chat: int, *, look_in_folder: bool, data_dir: Path | None = None
) -> frozenset[str] | None:
    """The author keys of the chat's first-timers, by the one rule: against the earlier chats
    with its tag in this database and (with `look_in_folder`) the other `*.db` of its folder and
    of `data_dir`; None when no earlier chat with the tag is known."""
    found = first_timers(store, chat, data_dir, other_databases=look_in_folder)
    return found.authors if found.any_earlier else None
