"""The outbox never loses and never doubles: rows before calls, sent or failed, safe retries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.publish.base import DryRunPublisher, OutboxRow, PublishResult
from tchat_tui.publish.outbox import Outbox
from tchat_tui.store.database import Store
from tests.factories import T0


class FlakyPublisher:
    """Fails as told, records every call, and can pretend a post already went out."""

    dry_run = False
    network = Network.X

    def __init__(self, results: list[PublishResult], existing: str | None = None) -> None:
        self.results = results
        self.calls: list[str] = []
        self.existing = existing

    def publish(self, row: OutboxRow) -> PublishResult:
        self.calls.append(str(row["text"]))
        return self.results.pop(0)

    def find_existing(self, row: OutboxRow) -> str | None:
        return self.existing


def make(tmp_path: Path, publisher: object) -> Outbox:
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("T")
    pipe = Pipeline(store, chat, Classifier(Roster("hostess"), "T"))
    return Outbox(
        store, chat, {Network.X: publisher}, pipe, host_handle="hostess", clock=lambda: T0
    )  # type: ignore[dict-item]


def test_dry_run_posts_are_stored_and_shown_as_the_hosts(tmp_path: Path) -> None:
    """Without credentials a post is recorded, marked dry-run, and enters the stream as ours."""
    box = make(tmp_path, DryRunPublisher())
    [row] = box.submit("Q1: What helps? #T", [Network.X], moderator="alice")
    assert row["status"] == "pending"
    [done] = box.process_pending()
    assert done["status"] == "dry-run" and done["remote_id"] == f"dry-{row['id']}"
    post = box.store.post(f"x:dry-{row['id']}")
    assert post is not None
    assert post["dry_run"] == 1 and post["outgoing"] == 1 and post["role"] == "host"
    assert post["question_number"] == 1
    assert list(box.finished)[0]["id"] == row["id"]


def test_failure_then_retry_checks_before_sending_again(tmp_path: Path) -> None:
    """After a failure (maybe a timeout that did post), a retry first looks for the post."""
    pub = FlakyPublisher([PublishResult(ok=False, error="timeout")], existing="555")
    box = make(tmp_path, pub)
    [row] = box.submit("hello #T", [Network.X], moderator="bob")
    [failed] = box.process_pending()
    assert failed["status"] == "failed" and failed["error"] == "timeout"
    box.retry(row["id"])
    [sent] = box.process_pending()
    assert sent["status"] == "sent" and sent["remote_id"] == "555"
    assert pub.calls == ["hello #T"]  # sent once, found the second time


def test_non_retryable_refusal_is_kept_with_its_reason(tmp_path: Path) -> None:
    """X's reply refusal ends the row failed, not retryable, flagged for a mention post."""
    refusal = PublishResult(
        ok=False, error="reply not allowed", retryable=False, reply_refused=True
    )
    box = make(tmp_path, FlakyPublisher([refusal]))
    reply_to = {"network": "x", "native_id": "42", "key": "x:42"}
    [row] = box.submit(
        "@ada thanks #T", [Network.X], moderator="m", kind="reply", reply_to=reply_to
    )
    assert row["kind"] == "reply" and row["in_reply_to"] == "42"
    [failed] = box.process_pending()
    assert failed["status"] == "failed" and failed["retryable"] == 0 and failed["reply_refused"]


def test_rows_in_flight_at_a_crash_are_looked_up_not_resent(tmp_path: Path) -> None:
    """A row left 'sending' by a crash is found on the network and ends sent, with no new call."""
    pub = FlakyPublisher([], existing="900")
    box = make(tmp_path, pub)
    [row] = box.submit("in flight #T", [Network.X], moderator="m")
    box.store.outbox_update(row["id"], status="sending", attempts=1)
    box.recover()
    assert box.store.outbox_row(row["id"])["status"] == "sent"  # type: ignore[index]
    assert pub.calls == []


def test_a_publisher_exception_fails_the_row_instead_of_losing_it(tmp_path: Path) -> None:
    """A bug in a publisher leaves a failed row with the error, and the worker goes on."""

    class Broken(FlakyPublisher):
        def publish(self, row: OutboxRow) -> PublishResult:
            raise RuntimeError("boom\nsecond line")

    box = make(tmp_path, Broken([]))
    box.submit("x #T", [Network.X], moderator="m")
    [failed] = box.process_pending()
    assert failed["status"] == "failed" and failed["error"] == "RuntimeError: boom"


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    """Only post, reply and repost exist."""
    box = make(tmp_path, DryRunPublisher())
    with pytest.raises(ValueError):
        box.submit("x", [Network.X], moderator="m", kind="quote")


def test_when_the_network_cannot_be_asked_the_row_is_not_resent(tmp_path: Path) -> None:
    """A retry whose lookup fails keeps the row failed (retryable) instead of posting blindly."""
    from tchat_tui.publish.base import LookupFailed

    class Unreachable(FlakyPublisher):
        def find_existing(self, row: OutboxRow) -> str | None:
            raise LookupFailed("could not look for the post on X (ConnectionError)")

    pub = Unreachable([PublishResult(ok=False, error="timeout")])
    box = make(tmp_path, pub)
    [row] = box.submit("maybe sent #T", [Network.X], moderator="m")
    box.process_pending()
    box.retry(row["id"])
    [again] = box.process_pending()
    assert again["status"] == "failed" and "could not look" in again["error"]
    assert pub.calls == ["maybe sent #T"]
    box.store.outbox_update(row["id"], status="sending")
    box.recover()
    assert box.store.outbox_row(row["id"])["status"] == "failed"  # type: ignore[index]
