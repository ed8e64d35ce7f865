"""One sender per chat: rows are claimed with an owner and a lease, a row a live console holds
is never crash debris, and a second console (or an import) is refused at start."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.publish import outbox as outbox_module
from tchat_tui.publish.base import OutboxRow, PublishResult
from tchat_tui.publish.outbox import Outbox
from tchat_tui.store.consoles import ChatInUse, this_host
from tchat_tui.store.database import Store
from tests.crash.chat_files import write_stream
from tests.factories import T0


class Slow:
    """A live publisher whose POST answers when released (X answering after 4 s)."""

    dry_run = False
    network = Network.X

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.called = threading.Event()
        self.release = threading.Event()

    def publish(self, row: OutboxRow) -> PublishResult:
        self.calls.append(str(row["text"]))
        self.called.set()
        self.release.wait(10)
        return PublishResult(ok=True, remote_id=f"9{len(self.calls)}")

    def find_existing(self, row: OutboxRow) -> str | None:
        return None  # the network does not show it yet


def console(path: Path, publisher: object) -> Outbox:
    """One console's outbox on the chat database at `path` (its own connection)."""
    store = Store.open(path)
    chat = store.ensure_chat("T")
    pipe = Pipeline(store, chat, Classifier(Roster("hostess"), "T"))
    return Outbox(
        store, chat, {Network.X: publisher}, pipe, host_handle="hostess", clock=lambda: T0
    )  # type: ignore[dict-item]


@pytest.fixture
def other_process() -> Iterator[int]:
    """The pid of a live process that is not this one (another console)."""
    proc = subprocess.Popen(["sleep", "60"])
    yield proc.pid
    proc.kill()
    proc.wait()


def test_a_row_in_flight_in_another_console_is_not_crash_debris(tmp_path: Path) -> None:
    """While the first console waits for X, the second one's start-up repair and worker leave
    its `sending` row alone: X gets the post once."""
    first_pub, second_pub = Slow(), Slow()
    first = console(tmp_path / "c.db", first_pub)
    second = console(tmp_path / "c.db", second_pub)
    [row] = first.submit("hello #T", [Network.X], moderator="m")
    worker = threading.Thread(target=first.process_pending)
    worker.start()
    assert first_pub.called.wait(5)
    second.recover()
    assert second.process_pending() == []
    first_pub.release.set()
    worker.join(5)
    assert first_pub.calls == ["hello #T"] and second_pub.calls == []
    sent = first.store.outbox_row(row["id"])
    assert sent is not None and sent["status"] == "sent" and sent["owner"] == first.owner


def test_a_pending_row_is_claimed_by_one_sender_only(tmp_path: Path) -> None:
    """Two senders taking the same pending row: one UPDATE wins, the other gets nothing."""
    first = console(tmp_path / "c.db", Slow())
    second = console(tmp_path / "c.db", Slow())
    [row] = first.submit("hello #T", [Network.X], moderator="m")
    now = time.time()
    assert first.store.claim_outbox(row["id"], first.owner, now + 30, now)
    assert not second.store.claim_outbox(row["id"], second.owner, now + 30, now)
    taken = second.store.outbox_row(row["id"])
    assert taken is not None and (taken["status"], taken["attempts"]) == ("sending", 1)


def test_the_lease_is_renewed_while_the_call_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call longer than the lease keeps its row: the sender renews the lease meanwhile."""
    monkeypatch.setattr(outbox_module, "LEASE_SECONDS", 0.3)
    first_pub = Slow()
    first = console(tmp_path / "c.db", first_pub)
    second = console(tmp_path / "c.db", Slow())
    first.submit("hello #T", [Network.X], moderator="m")
    worker = threading.Thread(target=first.process_pending)
    worker.start()
    assert first_pub.called.wait(5)
    time.sleep(0.8)  # well past the first lease
    second.recover()
    assert second.process_pending() == []
    first_pub.release.set()
    worker.join(5)
    assert first_pub.calls == ["hello #T"]


def test_a_row_of_a_console_that_died_is_looked_up_at_once(tmp_path: Path) -> None:
    """A `sending` row whose console was killed (its heartbeat names a process that is gone)
    is taken over at once, its lease notwithstanding, and looked up before it is sent."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    pub = Slow()
    pub.release.set()
    box = console(tmp_path / "c.db", pub)
    [row] = box.submit("hello #T", [Network.X], moderator="m")
    box.store.register_console("gone", dead.pid, this_host(), time.time())
    box.store.outbox_update(
        row["id"], status="sending", owner="gone", lease_until=time.time() + 30, attempts=1
    )
    box.recover()
    assert box.store.outbox_row(row["id"])["status"] == "pending"  # type: ignore[index]
    [sent] = box.process_pending()
    assert sent["status"] == "sent" and pub.calls == ["hello #T"]


def settings_for(tmp_path: Path) -> Settings:
    return Settings(tag="T", db_path=tmp_path / "c.db", dry_run=True, start_sources=False)


def test_a_second_console_is_refused_before_it_opens(tmp_path: Path, other_process: int) -> None:
    """A console holds the chat (a fresh heartbeat, a live process): another one stops before
    any screen with one line naming it; a stale heartbeat or a dead process does not."""
    first = ChatSession(settings_for(tmp_path))
    first.shutdown()
    store = Store.open(tmp_path / "c.db")
    assert store.register_console("other", other_process, this_host(), time.time()) is None
    with pytest.raises(ChatInUse, match=rf"open in another console \(pid {other_process}, since"):
        ChatSession(settings_for(tmp_path), open_now=False)
    with pytest.raises(ChatInUse):
        ChatSession(settings_for(tmp_path))  # the check at open, for who skips the pre-check
    store.console_beat("other", time.time() - 60)
    ChatSession(settings_for(tmp_path), open_now=False).shutdown()
    store.close()


def test_an_import_into_a_chat_a_console_holds_is_refused(
    tmp_path: Path, other_process: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """`import` into a database a console holds open exits 2 with the same one line."""
    src = write_stream(tmp_path / "s.jsonl", 3)
    ChatSession(settings_for(tmp_path)).shutdown()
    store = Store.open(tmp_path / "c.db")
    store.register_console("other", other_process, this_host(), time.time())
    store.close()
    assert main(["import", str(src), "--db", str(tmp_path / "c.db"), "--tag", "T"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tchat-live import: this chat is open in another console (pid ")
    assert len(err.splitlines()) == 1
