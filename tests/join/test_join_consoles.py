"""Consoles sharing one chat, as processes on one database (`--join`), against a fake X on
127.0.0.1 whose POST answers after seconds: every post in every console, every action in the
others, one network reader, every send sent once, and a joined console taking the reading over
when the first one is killed with SIGKILL, nothing lost or doubled."""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.join.consoles import ConsoleProcess, console_args
from tests.x.fake_x_server import FakeX
from tests.x.xfixtures import KEYS

TAG = "JoinChat"
PEOPLE = {"2001": "ada", "2002": "bob_dev", "2003": "chloe_fr", "2004": "dan"}


@pytest.fixture
def fake() -> Iterator[FakeX]:
    """A fake X with four participants; the host is `hostess`."""
    server = FakeX(keepalive=0.1, page_size=50).start()
    for uid, name in PEOPLE.items():
        server.add_user(uid, name)
    yield server
    server.stop()


@pytest.fixture
def env(fake: FakeX, tmp_path: Path) -> dict[str, str]:
    """The consoles' environment: X credentials pointing at the fake, nothing else."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("TCHAT_")}
    out["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    out["TCHAT_X_BEARER_TOKEN"] = fake.bearer
    out["TCHAT_X_API_BASE"] = fake.url
    for key, value in KEYS.items():
        out[f"TCHAT_X_{key.upper()}"] = value
    return out


def publish(fake: FakeX, uid: str, text: str) -> str:
    """A participant posts on X; the post's key in the chat."""
    return f"x:{fake.publish(uid, text)['id']}"


def stream_connections(fake: FakeX) -> int:
    """Connections to the filtered stream so far (only a reader opens one)."""
    return sum(1 for method, path, _ in fake.requests if path == "/2/tweets/search/stream")


def host_posts(fake: FakeX) -> Counter[str]:
    """The host's posts on X, by text (a send made twice counts 2)."""
    return Counter(t["text"] for t in fake.tweets.values() if t["author_id"] == fake.host["id"])


def seen(console: ConsoleProcess, key: str, timeout: float = 20.0) -> str:
    """Wait until the post is in the console's stream; its state line."""
    console.send(f"watch {key}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [line for _, line in console.lines if line.startswith(f"STATE {key} ")]
        if states and not states[-1].endswith(" absent"):
            return states[-1]
        time.sleep(0.05)
    raise AssertionError(f"{console.name} never showed {key}: {console.lines[-5:]}")


def shows(
    console: ConsoleProcess, key: str, part: str, since: float, timeout: float = 10.0
) -> float:
    """Wait until the console shows `part` in the post's state; seconds after `since`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for at, line in list(console.lines):
            if line.startswith(f"STATE {key} ") and part in line.split() and at >= since:
                return at - since
        time.sleep(0.02)
    raise AssertionError(f"{console.name}: {key} never showed {part}: {console.lines[-6:]}")


def start(name: str, db: Path, env: dict[str, str], *, join: bool) -> ConsoleProcess:
    """A console (the reader unless `join`), once it runs."""
    console = ConsoleProcess(
        name, console_args(db, TAG, name, join=join, extra=("--host", "hostess")), env
    )
    ready = console.wait_line("READY", timeout=60)[1]
    assert ready.endswith("joined" if join else "reading"), ready
    return console


def test_three_consoles_share_posts_actions_claims_and_sends(
    fake: FakeX, env: dict[str, str], tmp_path: Path
) -> None:
    """Three consoles: each shows every post and the others' actions; a claim is one
    moderator's; one console reads X; each send goes out once, by the reader."""
    db = tmp_path / "chat.db"
    ana = start("ana", db, env, join=False)
    consoles = [ana]
    try:
        tom = start("tom", db, env, join=True)
        consoles.append(tom)
        lea = start("lea", db, env, join=True)
        consoles.append(lea)
        posts = [
            publish(fake, "2001", f"@hostess what helps you rest? #{TAG}"),
            publish(fake, "2002", f"@hostess A1 sleep matters #{TAG}"),
            publish(fake, "2003", f"@hostess A1 family time #{TAG}"),
            publish(fake, "2004", f"@hostess A1 a nurse helps #{TAG}"),
        ]
        for key in posts:
            for console in consoles:
                seen(console, key)
        question, first, second, third = posts

        delays: list[float] = []
        for actor, verb, key, part in (
            (tom, "star", first, "starred=1"),
            (lea, "hide", second, "hidden=1"),
            (ana, "mute", third, "muted=1"),
            (ana, "claim", question, "claimed_by=ana"),
            (lea, "answered", question, "answered=1"),
        ):
            pressed = time.time()
            actor.do(f"{verb} {key}")
            for other in consoles:
                if other is not actor:
                    delays.append(shows(other, key, part, pressed))
        print(f"action -> other console's screen, seconds: {sorted(delays)}")

        # Two moderators cannot hold one question: the second is told who has it.
        mark = len(tom.lines)
        tom.do(f"claim {question}")
        note = tom.wait_line("NOTE Already claimed by ana", since=mark)
        assert note
        for console in consoles:
            assert "claimed_by=ana" in seen(console, question)

        # Sends from every console, into the shared outbox, each answered by X after seconds.
        fake.slow_posts.extend([2.5, 2.5, 2.5])
        replies = {
            ana: (first, f"@bob_dev thanks from ana #{TAG}"),
            tom: (question, f"@ada rest is key, says tom #{TAG}"),
            lea: (first, f"@bob_dev thanks from lea #{TAG}"),  # `third`'s author is muted
        }
        for console, (key, text) in replies.items():
            console.do(f"reply {key} {text}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = (
                sqlite3.connect(db)
                .execute("SELECT count(*) FROM outbox WHERE status = 'sent'")
                .fetchone()[0]
            )
            if done == 3:
                break
            time.sleep(0.2)
        sent = host_posts(fake)
        assert sorted(sent) == sorted(text for _, text in replies.values())
        assert set(sent.values()) == {1}
        # ... and each console shows the three replies as the host's posts.
        ids = [f"x:{t['id']}" for t in fake.tweets.values() if t["author_id"] == fake.host["id"]]
        for key in ids:
            for console in consoles:
                seen(console, key)
        assert stream_connections(fake) == 1  # one network reader
    finally:
        for console in consoles:
            console.quit()
    rows = sqlite3.connect(db).execute("SELECT moderator, status FROM outbox").fetchall()
    assert sorted(rows) == [("ana", "sent"), ("lea", "sent"), ("tom", "sent")]


def test_a_joined_console_takes_over_when_the_first_is_killed(
    fake: FakeX, env: dict[str, str], tmp_path: Path
) -> None:
    """SIGKILL the reader while X is answering its POST: one joined console (only one) takes the
    reading and the sending over; the post in flight is not sent again, the posts published
    meanwhile are caught up once, and the other joined console sees everything. When that new
    reader quits, the last console takes over in turn."""
    db = tmp_path / "chat.db"
    ana = start("ana", db, env, join=False)
    consoles = [ana]
    try:
        tom = start("tom", db, env, join=True)
        lea = start("lea", db, env, join=True)
        consoles += [tom, lea]
        before = publish(fake, "2001", f"@hostess A1 before the crash #{TAG}")
        for console in consoles:
            seen(console, before)
        fake.slow_posts.append(4.0)
        in_flight = f"@ada sent as the console died #{TAG}"
        tom.do(f"reply {before} {in_flight}")
        deadline = time.monotonic() + 20
        while not host_posts(fake) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert host_posts(fake) == {in_flight: 1}  # X has it; its answer is seconds away
        ana.kill()
        meanwhile = [
            publish(fake, "2002", f"@hostess A1 while nobody reads {i} #{TAG}") for i in range(3)
        ]
        taken = []
        for console in (tom, lea):
            try:
                console.wait_line("ROLE reading", timeout=15)
                taken.append(console.name)
            except AssertionError:
                pass
        assert len(taken) == 1, taken
        after = publish(fake, "2003", f"@hostess A1 after the take-over #{TAG}")
        for key in [*meanwhile, after]:
            for console in (tom, lea):
                seen(console, key, timeout=40)
        later = f"@chloe_fr sent after the take-over #{TAG}"
        lea.do(f"reply {after} {later}")
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            statuses = sqlite3.connect(db).execute("SELECT status FROM outbox").fetchall()
            if sorted(statuses) == [("sent",), ("sent",)]:
                break
            time.sleep(0.2)
        assert host_posts(fake) == {in_flight: 1, later: 1}  # each sent exactly once
        assert stream_connections(fake) == 2  # the first reader, then the one that took over

        # The new reader quits (ctrl+q): the last console takes over in turn.
        reader, last = (tom, lea) if taken == ["tom"] else (lea, tom)
        assert reader.quit() == 0
        last.wait_line("ROLE reading", timeout=15)
        final = publish(fake, "2004", f"@hostess A1 after the reader quit #{TAG}")
        seen(last, final, timeout=40)
        assert stream_connections(fake) == 3
    finally:
        for console in consoles:
            console.quit()
    conn = sqlite3.connect(db)
    stored = Counter(r[0] for r in conn.execute("SELECT native_id FROM posts"))
    on_x = {t["id"] for t in fake.tweets.values()}
    assert set(stored) == on_x  # nothing lost
    assert set(stored.values()) == {1}  # nothing doubled
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
