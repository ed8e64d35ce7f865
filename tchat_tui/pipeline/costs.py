"""What the hour costs on X, kept with the chat: counted live by the sources and publishers,
estimated from a replay or a dry run (no live read or write happens there), saved in the store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.cost import PRICES_READ_ON, CostMeter
from tchat_tui.domain.post import Network

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

SAVE_EVERY = 5.0
"""Seconds between two saves of the totals while the chat runs (and once at the end)."""


class ChatCosts:
    """The chat's cost meter bound to its store: restored at open, estimated, saved."""

    def __init__(
        self,
        meter: CostMeter,
        store: Store,
        chat_id: int,
        clock: Callable[[], datetime],
        *,
        estimate: bool,
    ) -> None:
        self.meter = meter
        self.store = store
        self.chat_id = chat_id
        self.clock = clock
        self.estimate = estimate
        """No live reads or writes happen (replay, dry run): estimate what X would have billed."""
        self._saved_at = 0.0
        self._taken: dict[str, int] = {}
        """The saved totals this meter holds (a joined console takes up the reader's saves)."""
        self._taken_at = 0.0

    def restore(self) -> None:
        """Take back the totals a previous run saved.

        Charged at the chat's time (a replay's clock is the recording's), so the header's
        "last hour" counts them after a restart.
        """
        saved = {r["kind"]: int(r["count"]) for r in self.store.costs(self.chat_id)}
        self.meter.restore(saved, self.clock())
        self._taken = saved

    def take_up_saved(self, every: float = SAVE_EVERY) -> None:
        """A joined console (it reads and sends nothing): add what the reader saved since the
        last look, charged now (at most once every `every` seconds)."""
        now = time.monotonic()
        if now - self._taken_at < every:
            return
        self._taken_at = now
        saved = {r["kind"]: int(r["count"]) for r in self.store.costs(self.chat_id)}
        more = {k: n - self._taken.get(k, 0) for k, n in saved.items() if n > self._taken.get(k, 0)}
        self.meter.restore(more, self.clock())
        self._taken.update(saved)

    def posts_stored(self, fresh: list[ChatPost]) -> None:
        """After a stored batch: estimate what reading these posts on X would have cost."""
        if not self.estimate:
            return
        x_posts = [c.post for c in fresh if c.post.network is Network.X and not c.outgoing]
        if x_posts:
            # One read per batch, as a search page or a stream batch would be billed.
            at = max(p.created_at for p in x_posts)
            # The pipeline stored these posts for the first time: no ids to remember.
            self.meter.read_new_posts(len(x_posts), at)
            self.meter.read_users([p.author_id for p in x_posts], at)
        self.save(every=SAVE_EVERY)

    def sent(self, row: dict[str, Any]) -> None:
        """After a dry-run send: estimate what posting it on X would have cost."""
        if row["network"] != Network.X.value or not row["dry_run"]:
            return
        if row["kind"] == "repost":
            self.meter.retweeted(self.clock())
        else:
            self.meter.created_post(str(row["text"]), self.clock(), reply=row["kind"] == "reply")
        self.save(every=SAVE_EVERY)

    def save(self, every: float = 0.0) -> None:
        """Persist the meter's totals (at most once every `every` seconds)."""
        now = time.monotonic()
        if every and now - self._saved_at < every:
            return
        self._saved_at = now
        self.store.save_costs(self.chat_id, self.meter.totals(), PRICES_READ_ON)
