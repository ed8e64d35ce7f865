"""The outbox is one transaction with the record: a row is accepted when committed, sent with its
post, repaired at start when its state and the stored posts disagree, and a send found on the
network by a retry is stored at once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.publish.base import DryRunPublisher, OutboxRow, PublishResult
from tchat_tui.publish.outbox import Outbox
from tchat_tui.store.consoles import this_host
from tchat_tui.store.database import Store
from tests.factories import T0


class Found:
    """A live publisher whose first call times out; the post went out as `existing`."""

    dry_run = False

    def __init__(self, network: Network, existing: str | None) -> None:
        self.network = network
        self.existing = existing
        self.calls = 0

    def publish(self, row: OutboxRow) -> PublishResult:
        self.calls += 1
        return PublishResult(ok=False, error="timeout")

    def find_existing(self, row: OutboxRow) -> str | None:
        return self.existing


def make(path: Path, publisher: object | None = None, network: Network = Network.X) -> Outbox:
    store = Store.open(path)
    chat = store.ensure_chat("T")
    store.set_planned_questions(chat, [(1, "What helps?", None), (2, "And then?", None)])
    pipe = Pipeline(store, chat, Classifier(Roster("hostess"), "T"))
    pipe.restore()
    pub = publisher or DryRunPublisher(network)
    return Outbox(store, chat, {network: pub}, pipe, host_handle="hostess", clock=lambda: T0)  # type: ignore[dict-item]


def linked(box: Outbox, outbox_id: int) -> list[dict[str, object]]:
    """The stored posts linked to an outbox row."""
    return box.store._rows("SELECT * FROM posts WHERE outbox_id = ?", [outbox_id])


def posted(box: Outbox, number: int) -> object:
    return next(q["posted_at"] for q in box.store.questions(box.chat_id) if q["number"] == number)


def test_a_dry_run_row_is_sent_in_the_same_transaction_as_its_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If storing the post fails (the process dies there), the row is not `sent` and the question
    not posted; the next start sends it once, with its post, and marks the question."""
    box = make(tmp_path / "c.db")
    dead = subprocess.Popen(["true"])
    dead.wait()
    box.owner = f"{this_host()}:{dead.pid}:0"  # the killed console's process
    [row] = box.submit("Q1: What helps? #T", [Network.X], moderator="m")

    def dies(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(box.store, "add_posts", dies)
    with pytest.raises(KeyboardInterrupt):
        box.process_pending()
    monkeypatch.undo()
    assert box.store.outbox_row(row["id"])["status"] == "sending"  # type: ignore[index]
    assert linked(box, row["id"]) == [] and posted(box, 1) is None
    box.store.close()

    again = make(tmp_path / "c.db")
    again.recover()
    again.process_pending()
    assert again.store.outbox_row(row["id"])["status"] == "dry-run"  # type: ignore[index]
    assert len(linked(again, row["id"])) == 1
    assert posted(again, 1) is not None


def test_a_sent_row_without_its_post_is_stored_at_start(tmp_path: Path) -> None:
    """A dry-run row `sent` whose post was never stored (what a kill left before this fix) gets
    its post at start, with the row's remote id; its question is marked posted."""
    box = make(tmp_path / "c.db")
    [row] = box.submit("Q1: What helps? #T", [Network.X], moderator="m")
    box.store.outbox_update(row["id"], status="sent", remote_id=f"dry-{row['id']}")
    box.recover()
    [post] = linked(box, row["id"])
    assert post["key"] == f"x:dry-{row['id']}" and post["role"] == "host"
    assert posted(box, 1) is not None
    box.recover()  # repaired once: nothing left to do
    assert len(linked(box, row["id"])) == 1


def test_a_live_sent_row_without_its_post_is_looked_up_at_start(tmp_path: Path) -> None:
    """A live `sent` row with no post and no id (a retweet X answered without one) is looked up
    and stored; one the network does not show is marked failed with why (a retry looks first)."""
    pub = Found(Network.X, "777")
    box = make(tmp_path / "c.db", pub)
    [row] = box.submit("hello #T", [Network.X], moderator="m")
    box.store.outbox_update(row["id"], status="sent")
    box.recover()
    [post] = linked(box, row["id"])
    assert post["key"] == "x:777" and post["outgoing"] == 1 and post["dry_run"] == 0
    assert pub.calls == 0

    [lost] = box.submit("gone #T", [Network.X], moderator="m")
    box.store.outbox_update(lost["id"], status="sent")
    pub.existing = None
    box.recover()
    failed = box.store.outbox_row(lost["id"])
    assert failed is not None and failed["status"] == "failed" and failed["retryable"] == 1
    assert "not found on x after a restart" in failed["error"]
    assert pub.calls == 0


def test_a_send_found_by_a_retry_is_stored_at_once(tmp_path: Path) -> None:
    """Bluesky answered 500 but created the post: the retry finds it and stores it as the host's
    own at once (not at the next search poll), with the author the record's address names."""
    uri = "at://did:plc:host123/app.bsky.feed.post/3kabc"
    pub = Found(Network.BLUESKY, uri)
    box = make(tmp_path / "c.db", pub, Network.BLUESKY)
    [row] = box.submit("hello #T", [Network.BLUESKY], moderator="m")
    [failed] = box.process_pending()
    assert failed["status"] == "failed"
    box.retry(row["id"])
    [sent] = box.process_pending()
    assert sent["status"] == "sent" and sent["remote_id"] == uri
    [post] = linked(box, row["id"])
    assert post["key"] == f"bluesky:{uri}" and post["author_key"] == "bluesky:did:plc:host123"
    assert post["outgoing"] == 1 and post["role"] == "host"
    assert pub.calls == 1  # found, not sent again


def test_a_submit_is_accepted_only_with_its_log_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of a submit and its moderator action commit together: nothing half-written."""
    box = make(tmp_path / "c.db")

    def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(box.store, "record_action", fails)
    with pytest.raises(RuntimeError):
        box.submit("hello #T", [Network.X], moderator="m")
    assert box.store.outbox(box.chat_id) == []
