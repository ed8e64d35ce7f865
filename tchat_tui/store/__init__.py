"""SQLite through sqlite-utils: schema, migrations and the Store; nothing else touches SQL."""

from tchat_tui.store.store import NotAChatDatabase, Store, StoreError

__all__ = ["NotAChatDatabase", "Store", "StoreError"]
