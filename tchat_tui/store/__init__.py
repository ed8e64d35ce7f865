"""SQLite through sqlite-utils: schema, migrations and the Store; nothing else touches SQL.

The names load on first use, so `tchat_tui.store.precheck` and `tchat_tui.store.errors` can be
imported without sqlite-utils (the console opens the store after its first frame).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tchat_tui.store.store import NotAChatDatabase, Store, StoreError

__all__ = ["NotAChatDatabase", "Store", "StoreError"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tchat_tui.store import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
