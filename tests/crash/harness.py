"""A console without a screen, for the crash suite (run in a subprocess, killed with SIGKILL).

    python tests/crash/harness.py run DB STREAM PLAN --sends N --seed S
    python tests/crash/harness.py drain DB STREAM PLAN

Both open a ChatSession as the console does (the checks before opening, then `open` and
`start`: replay in dry-run, outbox worker, heartbeat). `run` submits replies, questions (`Qn:`,
the next one as the console's `n` offers it) and retweets through the outbox as the composer
does, printing `ACCEPTED <row ids>` after each submit returned (the rows are committed), and
`STORING <row id>` when the outbox worker starts storing a sent row's post; then waits for the
outbox to empty. `drain` is the restart: it waits until every row has ended (sent
or failed). Each prints `READY <pid>` once the session runs and `DONE` at the end.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.publish.outbox import AlreadyReposted
from tchat_tui.store.outbox_status import DONE
from tchat_tui.ui.pacing import next_question, question_states

_QN = re.compile(r"^Q(\d+):")


def say(line: str) -> None:
    """One line to the test, at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def unsettled(session: ChatSession) -> int:
    """Rows not ended yet (pending or sending)."""
    return len(session.store.outbox(session.chat_id, ("pending", "sending")))


def wait_settled(session: ChatSession, timeout: float) -> bool:
    """Wait until every row has ended; False on timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not unsettled(session):
            return True
        session.outbox.wake.set()
        time.sleep(0.02)
    return False


def question(session: ChatSession) -> str | None:
    """The `Qn:` text the console's `n` would offer now (not one already in the outbox)."""
    store, chat = session.store, session.chat_id
    nxt = next_question(question_states(store.questions(chat)))
    if nxt is None:
        return None
    queued = [
        int(m.group(1))
        for r in store.outbox(chat, ("pending", "sending", *DONE))
        if (m := _QN.match(str(r["text"])))
    ]
    # The host does not press `n` twice for one question: the queued one is on its way.
    number = max([nxt[0], *(n + 1 for n in queued)])
    known = {q["number"]: q["text"] for q in store.questions(chat)}
    if number not in known:
        return None
    return f"Q{number}: {known[number]} #{session.tag}"


def submit_one(session: ChatSession, rng: random.Random) -> list[int] | None:
    """One submit as the composer makes it; the ids of its rows, or None if nothing fitted."""
    store, chat, outbox = session.store, session.chat_id, session.outbox
    kind = rng.choice(("reply", "reply", "question", "repost"))
    if kind == "question":
        text = question(session)
        if text is None:
            kind = "reply"
        else:
            rows = outbox.submit(text, [Network.X], moderator=session.on_duty, kind="post")
            return [int(r["id"]) for r in rows]
    posts = [p for p in store.recent_posts(chat, 300) if not p["outgoing"]]
    if not posts:
        return None
    target = rng.choice(posts)
    reply_to = {
        "key": target["key"],
        "network": target["network"],
        "native_id": target["native_id"],
    }
    if kind == "repost":
        try:
            rows = outbox.submit(
                str(target["text"]),
                [Network.X],
                moderator=session.on_duty,
                kind="repost",
                reply_to=reply_to,
            )
        except AlreadyReposted:
            return None
    else:
        text = f"@{target['author_handle']} thank you ({rng.randrange(10**9)}) #{session.tag}"
        rows = outbox.submit(
            text, [Network.X], moderator=session.on_duty, kind="reply", reply_to=reply_to
        )
    return [int(r["id"]) for r in rows]


def paint() -> None:
    """Pure-Python work for ever, like a screen repainting a busy stream."""
    lines: list[str] = []
    while True:
        lines = [f"{i:>6} {'x' * (i % 40)}" for i in range(2000)] or lines
        time.sleep(0.001)


def main(argv: list[str] | None = None) -> int:
    """Open the chat like the console, then `run` or `drain`."""
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("run", "drain"))
    ap.add_argument("db", type=Path)
    ap.add_argument("stream", type=Path)
    ap.add_argument("plan", type=Path)
    ap.add_argument("--sends", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--speed", type=float, default=40.0)
    ap.add_argument("--gap", type=float, default=0.03, help="most seconds between two submits")
    args = ap.parse_args(argv)
    settings = Settings(
        tag="",
        db_path=args.db,
        replay=args.stream,
        plan_path=args.plan,
        speed=args.speed,
        dry_run=True,
        moderators=("crash",),
    )
    try:
        session = ChatSession(settings, open_now=False)  # the console's checks, then open
        session.open()
    except TchatError as exc:
        print(f"tchat-live: {exc}", file=sys.stderr)
        return 2
    storing = session.pipeline.store_sent

    def announced(post: Any, outbox_id: int, dry_run: bool, settle: Callable[[], None]) -> Any:
        say(f"STORING {outbox_id}")  # the worst moment to die: the test may kill now
        return storing(post, outbox_id, dry_run, settle)

    session.pipeline.store_sent = announced  # type: ignore[method-assign]
    session.start()
    # The screen's thread: busy in Python, it takes the interpreter from the outbox worker every
    # few milliseconds, as painting the console does (a crash lands between two writes then).
    threading.Thread(target=paint, daemon=True).start()
    say(f"READY {__import__('os').getpid()}")
    rng = random.Random(args.seed)
    if args.mode == "run":
        end = time.monotonic() + 10
        while session.store.count_posts(session.chat_id) < 5 and time.monotonic() < end:
            time.sleep(0.02)
        sent = 0
        while sent < args.sends:
            ids = submit_one(session, rng)
            if ids:
                say("ACCEPTED " + " ".join(map(str, ids)))
                sent += 1
            time.sleep(rng.uniform(0, args.gap))
    ok = session.outbox.ready.wait(30.0) and wait_settled(session, 30.0)
    session.shutdown()
    say("DONE" if ok else "TIMEOUT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
