"""The outbox: every outgoing message is a row before it is a network call; a worker sends rows."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tchat_tui.domain.post import Network, Post
from tchat_tui.publish.base import LookupFailed, OutboxRow, Publisher, PublishResult

if TYPE_CHECKING:
    from tchat_tui.pipeline import Pipeline
    from tchat_tui.store.store import Store

KINDS = ("post", "reply", "repost")


class Outbox:
    """Writes outbox rows and publishes them, one row at a time, never twice.

    A row goes pending -> sending -> sent (remote id) | failed (reason, retryable or not).
    A row found `sending` at start-up (the process died mid-call) is first looked up on the network.
    """

    def __init__(
        self,
        store: Store,
        chat_id: int,
        publishers: Mapping[Network, Publisher],
        pipeline: Pipeline,
        *,
        host_handle: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.chat_id = chat_id
        self.publishers = dict(publishers)
        self.pipeline = pipeline
        self.host_handle = host_handle.lstrip("@")
        self.clock = clock
        self.finished: deque[OutboxRow] = deque()
        """Rows that ended sent or failed, waiting for the screen."""
        self.on_sent: Callable[[OutboxRow], None] | None = None
        """Called after a row ends sent (the session estimates dry-run costs with it)."""
        self.error = ""
        """Why the worker stopped, if it did (shown on the screen)."""
        self.wake = threading.Event()
        self._lock = threading.Lock()

    def submit(
        self,
        text: str,
        networks: Sequence[Network],
        *,
        moderator: str,
        kind: str = "post",
        reply_to: dict[str, object] | None = None,
    ) -> list[OutboxRow]:
        """Write one pending row per network (grouped) and wake the worker; return the rows."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox kind {kind!r}")
        group: str | None = None
        rows: list[OutboxRow] = []
        for network in networks:
            publisher = self.publishers.get(network)
            if publisher is None:
                raise ValueError(f"no publisher for {network.value}")
            in_reply_to = target = None
            if reply_to is not None and reply_to.get("network") == network.value:
                in_reply_to = str(reply_to["native_id"])
                target = str(reply_to["key"])
            row = self.store.enqueue(
                self.chat_id,
                network=network,
                kind=kind if (kind == "post" or in_reply_to) else "post",
                text=text,
                moderator=moderator,
                in_reply_to=in_reply_to,
                target_key=target,
                group_key=group,
                dry_run=publisher.dry_run,
            )
            group = str(row["group_key"])
            rows.append(row)
        self.wake.set()
        return rows

    def retry(self, outbox_id: int) -> None:
        """Put a failed row back in the queue."""
        self.store.outbox_update(outbox_id, status="pending", error=None)
        self.wake.set()

    def recover(self) -> None:
        """At start-up: rows left `sending` by a crash are checked on the network before any resend."""
        for row in self.store.outbox(self.chat_id, ("sending",)):
            publisher = self.publishers.get(Network(row["network"]))
            if publisher is None:
                continue
            try:
                remote = publisher.find_existing(row)
            except LookupFailed as exc:
                self.store.outbox_update(
                    row["id"], status="failed", retryable=1, error=f"{exc}; retry to check again"
                )
                continue
            if remote:
                self.store.outbox_update(row["id"], status="sent", remote_id=remote)
            else:
                self.store.outbox_update(row["id"], status="pending")

    def process_pending(self) -> list[OutboxRow]:
        """Send every pending row once; return the rows as they ended."""
        done: list[OutboxRow] = []
        with self._lock:
            for row in self.store.outbox(self.chat_id, ("pending",)):
                done.append(self._send(row))
        return done

    def _send(self, row: OutboxRow) -> OutboxRow:
        network = Network(row["network"])
        publisher = self.publishers[network]
        attempts = int(row["attempts"] or 0) + 1
        self.store.outbox_update(row["id"], status="sending", attempts=attempts)
        if attempts > 1:
            try:
                remote = publisher.find_existing(row)
            except LookupFailed as exc:
                result = PublishResult(ok=False, error=f"{exc}; retry to check again")
                return self._failed(row, result)
            if remote:
                return self._sent(row, PublishResult(ok=True, remote_id=remote))
        try:
            result = publisher.publish(row)
        except Exception as exc:  # a publisher bug must not lose the row
            result = PublishResult(ok=False, error=f"{type(exc).__name__}: {exc}".splitlines()[0])
        if result.ok:
            return self._sent(row, result)
        return self._failed(row, result)

    def _failed(self, row: OutboxRow, result: PublishResult) -> OutboxRow:
        self.store.outbox_update(
            row["id"],
            status="failed",
            error=result.error or "failed",
            retryable=int(result.retryable),
        )
        failed = self.store.outbox_row(row["id"]) or row
        failed["reply_refused"] = result.reply_refused
        self.finished.append(failed)
        return failed

    def _sent(self, row: OutboxRow, result: PublishResult) -> OutboxRow:
        self.store.outbox_update(row["id"], status="sent", remote_id=result.remote_id, error=None)
        post = result.post
        if post is None and row["dry_run"]:
            post = self._dry_run_post(row, str(result.remote_id))
        if post is not None:
            self.pipeline.process(
                [post], outgoing={post.key: (int(row["id"]), bool(row["dry_run"]))}
            )
        if result.remote_id:
            # The stream may have delivered our post before the network answered the call.
            self.store.link_outgoing(
                Network(row["network"]), str(result.remote_id), int(row["id"]), bool(row["dry_run"])
            )
        sent = self.store.outbox_row(row["id"]) or row
        if self.on_sent is not None:
            self.on_sent(sent)
        self.finished.append(sent)
        return sent

    def _dry_run_post(self, row: OutboxRow, remote_id: str) -> Post:
        from tchat_tui.domain.text import extract_hashtags, extract_mentions

        text = str(row["text"])
        kind = row["kind"]
        return Post(
            network=Network(row["network"]),
            native_id=remote_id,
            author_id=self.host_handle,
            author_handle=self.host_handle,
            author_name=self.host_handle,
            text=text if kind != "repost" else f"RT {text}",
            created_at=self.clock(),
            reply_to_id=row["in_reply_to"] if kind == "reply" else None,
            hashtags=tuple(extract_hashtags(text)),
            mentions=tuple(extract_mentions(text)),
            is_repost=kind == "repost",
            repost_of_id=row["in_reply_to"] if kind == "repost" else None,
        )

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Worker loop: send pending rows whenever woken (or every `interval` seconds)."""
        try:
            self.recover()
            while not stop.is_set():
                self.process_pending()
                self.wake.wait(interval)
                self.wake.clear()
        except Exception as exc:  # the database closed under us at shutdown, or broke
            if not stop.is_set():
                self.error = f"outbox stopped: {type(exc).__name__}: {exc}".splitlines()[0]
