"""The outbox: every outgoing message is a row before it is a network call; a worker sends rows."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from tchat_tui.domain.classify import Classifier, Roster, own_words
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network, Post
from tchat_tui.publish.base import LookupFailed, OutboxRow, Publisher, PublishResult

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

KINDS = ("post", "reply", "repost")
ACTIONS = {"post": "post", "reply": "reply", "repost": "retweet"}
"""The moderator action logged for each kind of submission (a `Qn:` post logs `question`)."""
_QUESTION = re.compile(r"^\s*[Qq]\s?\d{1,2}\s*[:.\-–—/)]")
"""A question's `Qn:` prefix, as the classifier reads it."""
_LIVE = ("pending", "sending", "sent")
"""Outbox statuses of a retweet that went or is going out (a failed one may be tried again)."""


class AlreadyReposted(TchatError, ValueError):
    """That post is already retweeted: by this chat's outbox (`row`: pending, on its way or
    sent, on that network) or by the host, as the chat stored it (`post`: her retweet from the
    stream or a dry run; `row` is then empty)."""

    def __init__(self, row: OutboxRow | None = None, *, post: Mapping[str, Any] | None = None):
        self.row: OutboxRow = dict(row or {})
        self.post: dict[str, Any] | None = dict(post) if post is not None else None
        if row is None and post is not None:
            super().__init__("already retweeted by the host")
        else:
            super().__init__(f"already retweeted (by {self.row.get('moderator') or 'a moderator'})")


class PostRecorder(Protocol):
    """Where the outbox records what it sent, as the stream would have (the chat's pipeline)."""

    classifier: Classifier
    """Who is who in the chat; the outbox reads the host from its roster and may set it."""

    def process(
        self, posts: Sequence[Post], *, outgoing: dict[str, tuple[int, bool]] | None = None
    ) -> object:
        """Classify, score and store a batch; `outgoing` marks our own posts by outbox row."""


@dataclass(frozen=True, slots=True)
class HostIdentity:
    """Who a dry-run post is written by: the host as the chat knows her on that network."""

    author_id: str
    handle: str
    name: str
    instance: str | None = None


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
        pipeline: PostRecorder,
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
        self._hosts: dict[Network, HostIdentity] = {}
        """Per network, the host author found among the stored posts (kept once found)."""

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
        if kind == "repost" and reply_to is not None:
            done = self.reposted(reply_to)
            if done is not None:
                raise AlreadyReposted(done)
            key = reply_to.get("key")
            stored = self.store.host_repost(self.chat_id, str(key)) if key else None
            if stored is not None:  # the host retweeted it in the stream (or an earlier run)
                raise AlreadyReposted(post=stored)
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
        if rows:
            self._log(rows, moderator)
        self.wake.set()
        return rows

    def reposted(self, target: Mapping[str, object]) -> OutboxRow | None:
        """This chat's retweet of `target` (a reply target) pending, on its way or sent, if any."""
        network, native = str(target.get("network")), str(target.get("native_id"))
        key = target.get("key")
        for row in self.store.outbox(self.chat_id, _LIVE):
            if row["kind"] != "repost" or row["network"] != network:
                continue
            if row["in_reply_to"] == native or (key and row["target_key"] == key):
                return row
        return None

    def _log(self, rows: Sequence[OutboxRow], moderator: str) -> None:
        """One moderator action per submission: what was sent, on what, where, by whom.

        The action log shows `target` as the post it names (a reply's or a retweet's) or as is
        (a post's text); `detail` is the reply's text or the networks, after `[dry-run]`.
        """
        first = rows[0]
        kind = str(first["kind"])
        text = str(first["text"])
        action = ACTIONS.get(kind, kind)
        if kind == "post" and _QUESTION.match(own_words(text)):
            action = "question"
        target = str(first["target_key"] or "") if kind in ("reply", "repost") else text
        detail = text if kind == "reply" else ", ".join(str(r["network"]) for r in rows)
        if any(r["dry_run"] for r in rows):
            detail = f"[dry-run] {detail}"
        self.store.record_action(self.chat_id, moderator, action, target, detail)

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

    def host(self, network: Network) -> HostIdentity:
        """The author of this network's dry-run posts: the chat's host as the chat knows her.

        The host author stored from the network (id, handle, display name), else the host's
        configured handle, else what the outbox was given (the moderator on duty).
        """
        found = self._hosts.get(network)
        if found is not None:
            return found
        roster = self.pipeline.classifier.roster
        row = self.store.chat_host(self.chat_id, network, roster.host or self.host_handle)
        if row is None:
            handle = (roster.host or self.host_handle).lstrip("@")
            return HostIdentity(handle, handle, handle)
        found = HostIdentity(
            str(row["author_id"]),
            str(row["handle"]),
            str(row["name"] or row["handle"]),
            row["instance"] if network is Network.MASTODON else None,
        )
        self._hosts[network] = found  # the stream's host: no need to ask again
        if roster.host is None:
            # A chat reopened without a plan: the host the classifier found then is the host.
            classifier = self.pipeline.classifier
            classifier.roster = Roster(found.handle, roster.guests, roster.co_moderators)
        return found

    def _dry_run_post(self, row: OutboxRow, remote_id: str) -> Post:
        from tchat_tui.domain.text.twitter.hashtags import extract_hashtags
        from tchat_tui.domain.text.twitter.mentions import extract_mentions

        network = Network(row["network"])
        host = self.host(network)
        kind = row["kind"]
        text = str(row["text"])
        if kind == "repost" and network is Network.X:
            # As X gives a retweet: `RT @author: ` and the original text.
            original = self.store.post(str(row["target_key"])) if row["target_key"] else None
            author = original["author_handle"] if original else None
            text = f"RT @{author}: {original['text']}" if original and author else f"RT {text}"
        return Post(
            network=network,
            native_id=remote_id,
            author_id=host.author_id,
            author_handle=host.handle,
            author_name=host.name,
            text=text,
            created_at=self.clock(),
            reply_to_id=row["in_reply_to"] if kind == "reply" else None,
            hashtags=tuple(extract_hashtags(text)),
            mentions=tuple(extract_mentions(text)),
            is_repost=kind == "repost",
            repost_of_id=row["in_reply_to"] if kind == "repost" else None,
            instance=host.instance,
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
