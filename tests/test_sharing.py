"""Consoles sharing one chat, in the store: the change log its triggers fill, the reading lease,
claims two moderators cannot both win, and the follower that reads only what is new."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.follow import DatabaseFollower
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.store.changes import ChangeFeed
from tchat_tui.store.consoles import ChatInUse, check_no_other_console, this_host
from tchat_tui.store.database import Store
from tests.factories import make_post

TAG = "ShareChat"
_IDS = itertools.count(500)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A chat database with one chat."""
    db = Store.open(tmp_path / "chat.db")
    db.ensure_chat(TAG)
    return db


def chat_with_posts(store: Store, texts: list[str]) -> tuple[int, list[str]]:
    """Store participants' posts through the pipeline; the chat and the posts' keys."""
    chat = store.ensure_chat(TAG)
    pipeline = Pipeline(store, chat, Classifier(Roster("hostess", ()), TAG))
    posts = [make_post(str(next(_IDS)), text, f"user{i}") for i, text in enumerate(texts)]
    pipeline.process(posts)
    return chat, [p.key for p in posts]


def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_every_shared_change_is_logged_and_a_stored_post_is_not(store: Store) -> None:
    """Star, hide, claim, answered, mute, note, a question, an outbox row and the actions are
    in `changes`, whoever wrote them; storing a post adds nothing (followed by rowid)."""
    chat, (a, b) = chat_with_posts(store, [f"@hostess why? #{TAG}", f"A1 yes #{TAG}"])
    feed = ChangeFeed(store.path)
    _, start = feed.marks()
    assert feed.changes_after(0) == [] or all(c.kind != "post" for c in feed.changes_after(0))
    store.set_starred(chat, a, "ana", True)
    store.set_hidden(chat, b, "tom", True)
    assert store.claim_question(chat, a, "tom") is None
    store.mark_answered(chat, a, "tom")
    author = str(store.post(b)["author_key"])  # type: ignore[index]
    store.set_muted(chat, author, "lea", True)
    store.set_note(chat, author, "lea", "asks a lot")
    store.set_planned_questions(chat, [(1, "What helps?", None)])
    store.enqueue(chat, network=Network.X, kind="post", text="hi", moderator="ana")
    kinds = [(c.kind, c.target) for c in feed.changes_after(start)]
    assert ("post", a) in kinds and ("post", b) in kinds
    assert kinds.count(("post", a)) == 3  # starred, claimed, answered
    assert kinds.count(("author", author)) == 2  # muted, note
    assert ("question", "1") in kinds
    assert sum(1 for k, _ in kinds if k == "outbox") == 1
    assert sum(1 for k, _ in kinds if k == "action") == 6
    chat_with_posts(store, [f"one more #{TAG}"])
    assert [c for c in feed.changes_after(start) if c.kind == "post"] == [
        c for c in feed.changes_after(start) if c.kind == "post" and c.target in (a, b)
    ]
    feed.close()


def test_the_second_claim_is_told_who_holds_the_question(store: Store) -> None:
    """A claimed question stays its moderator's; claiming it again yourself is fine."""
    chat, (q,) = chat_with_posts(store, [f"@hostess how? #{TAG}"])
    assert store.claim_question(chat, q, "ana") is None
    assert store.claim_question(chat, q, "tom") == "ana"
    assert store.claim_question(chat, q, "ana") is None
    assert store.post(q)["claimed_by"] == "ana"  # type: ignore[index]
    claims = [a for a in store.actions(chat) if a["action"] == "claim"]
    assert [a["moderator"] for a in claims] == ["ana", "ana"]


def test_claims_at_the_same_instant_from_two_connections_have_one_winner(
    store: Store, tmp_path: Path
) -> None:
    """Eight moderators, each on their own connection, claim one question at once: one wins,
    the seven others are told the winner's name."""
    chat, (q,) = chat_with_posts(store, [f"@hostess how? #{TAG}"])
    stores = [Store.open(tmp_path / "chat.db") for _ in range(8)]
    gate = threading.Barrier(8)
    results: dict[str, str | None] = {}

    def claim(i: int) -> None:
        gate.wait()
        results[f"m{i}"] = stores[i].claim_question(chat, q, f"m{i}")

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [m for m, holder in results.items() if holder is None]
    assert len(winners) == 1
    assert set(results.values()) == {None, winners[0]}
    assert store.post(q)["claimed_by"] == winners[0]  # type: ignore[index]
    for s in stores:
        s.close()


def test_a_joined_console_takes_the_reading_only_from_a_reader_that_is_gone(
    store: Store,
) -> None:
    """The reader's row is the lease: while its process lives nobody takes it; once it is gone
    the first joined console to try becomes the reader, and the next one is refused."""
    now = time.time()
    assert store.register_console("r:live", 1, "elsewhere", now) is None  # another machine
    me = os.getpid()
    assert store.join_console("j1", me, this_host(), now, "tom") is not None
    assert store.join_console("j2", me, this_host(), now, "lea") is not None
    assert not store.take_reading("j1", now)
    store.leave_console("r:live")
    assert store.register_console("r:dead", dead_pid(), this_host(), now) is None
    assert store.reading_console(now) is None  # its process has ended
    assert store.take_reading("j1", now)
    assert not store.take_reading("j2", now)
    assert [(c.owner, c.role) for c in store.consoles() if c.role == "reader"] == [("j1", "reader")]


def test_without_join_a_second_console_is_refused_and_told_about_join(
    store: Store, tmp_path: Path
) -> None:
    """The one-line refusal names --join."""
    assert store.register_console("r", 1, "elsewhere", time.time()) is None
    with pytest.raises(ChatInUse, match="quit it first, or open yours beside it: add --join"):
        check_no_other_console(tmp_path / "chat.db", joinable=True)


def test_the_follower_reads_only_what_is_new(store: Store) -> None:
    """Nothing changed: no read. Then the new posts, once each, and the changes."""
    chat, _ = chat_with_posts(store, [f"before #{TAG}"])
    follower = DatabaseFollower(store.path, chat, posts=True)
    assert not follower.poll()
    _, (k1, k2) = chat_with_posts(store, [f"one #{TAG}", f"two #{TAG}"])
    store.set_starred(chat, k1, "ana", True)
    assert follower.poll()
    assert [r["key"] for r in follower.posts] == [k1, k2]
    assert [c.target for c in follower.changes] == [k1]
    assert [a["action"] for a in follower.actions] == ["star"]
    assert not follower.poll()
    follower.stop_following_posts()
    chat_with_posts(store, [f"three #{TAG}"])
    follower.poll()
    assert len(follower.posts) == 2
    follower.stop()


def test_join_goes_with_the_running_chat_not_a_new_one(capsys: pytest.CaptureFixture[str]) -> None:
    """--join with --new-chat is refused in one line."""
    from tchat_tui.cli.main import main

    assert main(["tag", "--join", "--new-chat"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--join" in err and "--new-chat" in err


def test_a_joined_console_costs_follow_what_the_reader_saves(store: Store) -> None:
    """The cost line of a console that reads nothing takes up the reader's saved totals."""
    from datetime import UTC, datetime

    from tchat_tui.domain.cost import CostMeter
    from tchat_tui.pipeline.costs import ChatCosts

    chat = store.ensure_chat(TAG)
    store.save_costs(chat, {"post_read": (10, 0.05)}, "2026-08")
    meter = CostMeter()
    costs = ChatCosts(meter, store, chat, lambda: datetime.now(UTC), estimate=False)
    costs.restore()
    store.save_costs(chat, {"post_read": (25, 0.125), "post_created": (1, 0.01)}, "2026-08")
    costs.take_up_saved(every=0.0)
    assert meter.counts() == {"post_read": 25, "post_created": 1}
    costs.take_up_saved(every=0.0)
    assert meter.counts() == {"post_read": 25, "post_created": 1}
