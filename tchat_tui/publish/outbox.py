"""The outbox: every outgoing message is a row before it is a network call; a worker sends rows."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.labels import question_label
from tchat_tui.domain.post import Network, Post
from tchat_tui.domain.text.own_words import own_words
from tchat_tui.publish.base import LookupFailed, OutboxRow, Publisher, PublishResult
from tchat_tui.publish.own_post import HostIdentity, OwnPosts
from tchat_tui.store.consoles import is_live, new_owner, owner_gone
from tchat_tui.store.outbox_status import DONE, DRY_RUN, PENDING, SENDING, SENT

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

KINDS = ("post", "reply", "repost")
ACTIONS = {"post": "post", "reply": "reply", "repost": "retweet"}
"""The moderator action logged for each kind of submission (a `Qn:` post logs `question`)."""
_LIVE = (PENDING, SENDING, *DONE)
"""Outbox statuses of a retweet that went or is going out (a failed one may be tried again)."""
LEASE_SECONDS = 30.0
"""How long a claimed row stays its sender's without a renewal (renewed while the call runs)."""


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

    def store_sent(
        self, post: Post | None, outbox_id: int, dry_run: bool, settle: Callable[[], None]
    ) -> object:
        """Store our sent post (if any) and run `settle` (the row's change) in one transaction."""


class Outbox:
    """Writes outbox rows and publishes them, one row at a time, never twice.

    A row goes pending -> sending (claimed: an owner and a lease) -> sent (remote id, and its
    post, in one transaction), or dry-run for a dry-run publisher's row (recorded, never sent)
    | failed (reason, retryable or not). A row found `sending` whose
    sender is gone is first looked up on the network (`recover`).
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
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.chat_id = chat_id
        self.publishers = dict(publishers)
        self.pipeline = pipeline
        self.host_handle = host_handle.lstrip("@")
        self.rehearsal = False
        """A rehearsal (`--demo`, `--replay --practice`): a dry run's post is the chat's own post
        (stored as posted, so the summary counts it); its row still says dry-run, never sent."""
        self.clock = clock
        self.owner = owner or new_owner()
        """Who claims rows (the console's heartbeat id)."""
        self.now: Callable[[], float] = time.time
        """Wall-clock seconds, for leases (the chat clock may be a replay's)."""
        self.own = OwnPosts(store, chat_id, lambda: pipeline.classifier, self.host_handle, clock)
        self.finished: deque[OutboxRow] = deque()
        """Rows that ended sent or failed, waiting for the screen."""
        self.on_sent: Callable[[OutboxRow], None] | None = None
        """Called after a row ends sent (the session estimates dry-run costs with it)."""
        self.error = ""
        """Why the worker stopped, if it did (shown on the screen)."""
        self.wake = threading.Event()
        self.ready = threading.Event()
        """Set once the worker's start-up repair (`recover`) is done."""
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
        if kind == "repost" and reply_to is not None:
            done = self.reposted(reply_to)
            if done is not None:
                raise AlreadyReposted(done)
            key = reply_to.get("key")
            stored = self.store.host_repost(self.chat_id, str(key)) if key else None
            if stored is not None:  # the host retweeted it in the stream (or an earlier run)
                raise AlreadyReposted(post=stored)
        for network in networks:
            if network not in self.publishers:
                raise ValueError(f"no publisher for {network.value}")
        with self.store.transaction():  # accepted when its rows and its log line are committed
            rows = self._enqueue(text, networks, moderator, kind, reply_to)
            if rows:
                self._log(rows, moderator)
        self.wake.set()
        return rows

    def _enqueue(
        self,
        text: str,
        networks: Sequence[Network],
        moderator: str,
        kind: str,
        reply_to: dict[str, object] | None,
    ) -> list[OutboxRow]:
        group: str | None = None
        rows: list[OutboxRow] = []
        for network in networks:
            publisher = self.publishers[network]
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
        if kind == "post" and question_label(own_words(text)) is not None:
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

    def host(self, network: Network) -> HostIdentity:
        """The author of this network's dry-run posts: the chat's host as the chat knows her."""
        return self.own.host(network)

    # -- start-up and crash debris -------------------------------------------------------------

    def recover(self) -> None:
        """Repair every row whose state and stored post disagree, never resending blindly.

        A row left `sending` by a sender that is gone (its lease ran out, or its console's
        heartbeat says it died) is looked up on the network first: found, it is stored as sent;
        not found, it is pending again; the network cannot be asked, it fails (retryable). A row
        held by a live console is left to it. A row `sent` whose post is not stored gets its
        post: rebuilt for a dry run, looked up on a live network (else it fails, with why).
        """
        with self._lock:
            self._take_over_debris()
            for row in self.store.unsettled_sent(self.chat_id):
                if row["dry_run"]:
                    self._sent(row, str(row["remote_id"] or f"dry-{row['id']}"), None)
                elif row["remote_id"]:
                    self._sent(row, str(row["remote_id"]), None)
                else:
                    self._look_up(row, not_found="failed")

    def _take_over_debris(self) -> None:
        """Look up the `sending` rows whose sender is gone (see `recover`)."""
        for row in self.store.outbox(self.chat_id, ("sending",)):
            if self._held_elsewhere(row) or not self.store.take_over_outbox(
                row, self.owner, self.now() + LEASE_SECONDS
            ):
                continue
            self._look_up(row, not_found="pending")

    def _held_elsewhere(self, row: OutboxRow) -> bool:
        """Whether another sender still holds a `sending` row: its lease runs and its console
        (if it keeps a heartbeat) is alive."""
        owner, lease = row.get("owner"), row.get("lease_until")
        if owner is None or owner == self.owner or lease is None or float(lease) < self.now():
            return False
        beats = [c for c in self.store.consoles() if c.owner == owner]
        if beats:
            return is_live(beats[0], self.now())
        return not owner_gone(str(owner))

    def _look_up(self, row: OutboxRow, *, not_found: str | None) -> OutboxRow | None:
        """Ask the network whether the row went out. Found: sent, its post stored at once.
        Not found: `pending` again, `failed` (with why), or None (left to the caller, who
        sends it). The network cannot be asked: failed, retryable. Returns the row if it ended."""
        publisher = self.publishers.get(Network(row["network"]))
        if publisher is None:
            return None
        try:
            remote = publisher.find_existing(row)
        except LookupFailed as exc:
            return self._failed(row, PublishResult(ok=False, error=f"{exc}; retry to check again"))
        if remote:
            return self._sent(row, remote, None)
        if not_found == "pending":
            self.store.outbox_update(row["id"], status="pending", owner=None, lease_until=None)
        elif not_found == "failed":
            why = f"not found on {row['network']} after a restart; retry to check again"
            return self._failed(row, PublishResult(ok=False, error=why))
        return None

    # -- sending -------------------------------------------------------------------------------

    def process_pending(self) -> list[OutboxRow]:
        """Send every pending row once (those this sender claims); return the rows as they ended."""
        done: list[OutboxRow] = []
        with self._lock:
            for row in self.store.outbox(self.chat_id, ("pending",)):
                if not self.store.claim_outbox(
                    row["id"], self.owner, self.now() + LEASE_SECONDS, self.now()
                ):
                    continue  # another console took it
                done.append(self._send(self.store.outbox_row(row["id"]) or row))
        return done

    def _send(self, row: OutboxRow) -> OutboxRow:
        publisher = self.publishers[Network(row["network"])]
        if int(row["attempts"] or 0) > 1:  # an earlier attempt may have gone out: look first
            with self._leased(row):
                ended = self._look_up(row, not_found=None)
            if ended is not None:
                return ended
        with self._leased(row):
            try:
                result = publisher.publish(row)
            except Exception as exc:  # a publisher bug must not lose the row
                error = f"{type(exc).__name__}: {exc}".splitlines()[0]
                result = PublishResult(ok=False, error=error)
        if result.ok:
            return self._sent(row, result.remote_id, result.post)
        return self._failed(row, result)

    @contextmanager
    def _leased(self, row: OutboxRow) -> Iterator[None]:
        """Renew the row's lease while a network call runs (a slow POST is not crash debris)."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(LEASE_SECONDS / 3):
                try:
                    self.store.renew_lease(row["id"], self.owner, self.now() + LEASE_SECONDS)
                except Exception:  # the database closed at shutdown: the call ends anyway
                    return

        renewer = threading.Thread(target=renew, name="outbox-lease", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            done.set()

    def _failed(self, row: OutboxRow, result: PublishResult) -> OutboxRow:
        self.store.outbox_update(
            row["id"],
            status="failed",
            error=result.error or "failed",
            retryable=int(result.retryable),
            lease_until=None,
        )
        failed = self.store.outbox_row(row["id"]) or row
        failed["reply_refused"] = result.reply_refused
        self.finished.append(failed)
        return failed

    def _sent(self, row: OutboxRow, remote_id: str | None, post: Post | None) -> OutboxRow:
        """The row is sent (`dry-run` for a dry run: recorded, never sent): its remote id, its
        status and its post, in one transaction.

        A post the network did not return (a dry run, a send found again by a lookup) is built
        from the row, so it is in the record at once, not at the next poll of the stream.
        """
        if post is None and remote_id:
            post = self.own.build(row, remote_id)
        outbox_id, dry_run = int(row["id"]), bool(row["dry_run"])
        network = Network(row["network"])
        stored_dry_run = dry_run and not self.rehearsal

        def settle() -> None:
            self.store.outbox_update(
                outbox_id,
                status=DRY_RUN if dry_run else SENT,
                remote_id=remote_id,
                error=None,
                lease_until=None,
            )
            if remote_id:
                # The stream may have delivered our post before the network answered the call.
                self.store.link_outgoing(network, remote_id, outbox_id, stored_dry_run)

        self.pipeline.store_sent(post, outbox_id, stored_dry_run, settle)
        sent = self.store.outbox_row(outbox_id) or row
        if self.on_sent is not None:
            self.on_sent(sent)
        self.finished.append(sent)
        return sent

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Worker loop: repair at start, then send pending rows whenever woken (or every
        `interval` seconds), taking over rows another sender left (its lease ran out)."""
        try:
            self.recover()
            self.ready.set()
            while not stop.is_set():
                self.process_pending()
                self.wake.wait(interval)
                self.wake.clear()
                if not stop.is_set() and self.store.outbox(self.chat_id, ("sending",)):
                    with self._lock:  # another console's rows, if it died
                        self._take_over_debris()
        except Exception as exc:  # the database closed under us at shutdown, or broke
            if not stop.is_set():
                self.error = f"outbox stopped: {type(exc).__name__}: {exc}".splitlines()[0]
