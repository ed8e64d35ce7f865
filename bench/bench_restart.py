"""Restart of a chat with 100,000 stored posts: time to a usable console and to flags-ready.

Run: .venv/bin/python bench/bench_restart.py [--posts 100000] [--runs 3] [--code DIR]

Builds a chat database as a console run does (each batch scored and stored; the promo scorer's
state saved every SAVE_EVERY posts and at shutdown), then opens it in the real console
(headless), each time in a fresh process on a fresh copy of the file:

- baseline: the same database opened without the promo scorer (nothing to rebuild);
- full replay: the saved state removed, so every post is scored again (what every restart did
  before the state was saved);
- saved, shut down: the state saved at shutdown (nothing to score again);
- saved, killed: the last save 4,500 posts before the end (a console killed just before its
  next save: those posts are scored again).

Prints, per case, the median of `--runs` runs in seconds from the app's start: "usable" (the
screen ready: database open, recent posts shown, keys live) and "flags" (the scorer has the
chat's history: the next post is flagged as an uninterrupted run would). Target (issue 14):
usable < 2 s, flags exact. `--code DIR` runs it against another checkout of tchat-live (the code
before the change, say): the cases that code cannot make are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TAG = "BenchChat"
HOST, GUEST = "hostess", "guest1"
WORDS = (
    "care family sister respite nurse tired help thanks question guilt time rest merci aidant "
    "soutien fatigue temps famille répit infirmière aide courage ensemble parler écoute"
).split()
T0 = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)
KILLED_BEHIND = 4_500
"""Posts stored after the last save in the "killed" case."""
BATCH = 50
"""Posts per batch while building (a source's batch at 1,000 posts/s)."""


def make_posts(n: int, seed: int = 3) -> list[Any]:
    """`n` posts of an hour-long chat: 3,000 authors, answers, questions to the guest, a few
    promotional posts and replies, each with a payload of a live post's size."""
    from tchat_tui.domain.post import Link, Network, Post

    rng = random.Random(seed)
    posts = []
    step = timedelta(hours=1) / n
    for i in range(n):
        handle = f"user{rng.randrange(3000)}"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 28)))
        roll = rng.random()
        links: tuple[Link, ...] = ()
        reply_to = None
        if roll < 0.45:
            text = f"A{rng.randrange(1, 9)} {body} #{TAG}"
        elif roll < 0.5:
            text = f"@{GUEST} {body}? #{TAG}"
        elif roll < 0.52:
            url = "https://shop.example.com/?utm_source=x"
            text = f"Buy my course now, 50% off {url} #{TAG}"
            links = (Link(f"https://t.co/{i:010d}", url),)
        elif roll < 0.6 and i:
            reply_to = str(2_000_000_000 + rng.randrange(max(0, i - 3000), i))
            text = f"@someone {body} #{TAG}"
        else:
            text = f"{body} #{TAG}"
        native = str(2_000_000_000 + i)
        posts.append(
            Post(
                network=Network.X,
                native_id=native,
                author_id=f"id-{handle}",
                author_handle=handle,
                author_name=handle.title(),
                text=text,
                created_at=T0 + i * step,
                reply_to_id=reply_to,
                hashtags=(TAG,),
                links=links,
                raw=json.dumps({"data": {"id": native, "text": text, "pad": "x" * 400}}),
            )
        )
    return posts


def build(folder: Path, n: int) -> dict[str, Path]:
    """The databases of each case (see the module's docstring), built as a console run does."""
    from tchat_tui.domain.classify import Classifier
    from tchat_tui.domain.roster import Roster
    from tchat_tui.pipeline.ingest import Pipeline
    from tchat_tui.pipeline.scoring import make_scorer
    from tchat_tui.store.database import Store

    roster = Roster(HOST, (GUEST,))
    saved = folder / "saved.db"
    store = Store.open(saved)
    chat = store.ensure_chat(TAG)
    pipeline = Pipeline(store, chat, Classifier(roster, TAG), make_scorer(TAG, roster))
    saves = hasattr(pipeline, "save_history")  # the code before the change saved nothing
    posts = make_posts(n)
    killed = n - KILLED_BEHIND
    started = time.perf_counter()
    for i in range(0, n, BATCH):
        pipeline.process(posts[i : i + BATCH])
        if saves and i + BATCH == killed:
            pipeline.save_history()
    built = time.perf_counter() - started
    cases = {"baseline": saved, "full replay": folder / "replay.db"}
    if saves:
        cases["saved, killed"] = folder / "killed.db"
        _copy(saved, cases["saved, killed"])
        pipeline.save_history()  # at shutdown
        cases["saved, shut down"] = saved
    store.close()
    _copy(saved, cases["full replay"])
    if saves:
        db = sqlite3.connect(cases["full replay"])
        db.execute("DELETE FROM promo_state")
        db.commit()
        db.close()
    for path in set(cases.values()):
        _settle(path)
    print(f"built {n} posts in {built:.1f} s ({n / built:,.0f} posts/s, scored and stored)")
    return cases


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a database another connection may have open."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


def _settle(path: Path) -> None:
    """Everything in the main file (none in a WAL beside it), so copying the file copies all."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


async def console(db: Path, scorer: bool) -> dict[str, float]:
    """Open the console on `db`; seconds to usable and to flags-ready, posts shown."""
    import importlib

    importlib.import_module("tchat_tui.ui")  # the console's Textual settings, as the CLI
    from tchat_tui.pipeline import session as session_module
    from tchat_tui.pipeline.settings import Settings
    from tchat_tui.ui.app import build_app
    from tchat_tui.ui.screens.main import MainScreen

    if not scorer:
        session_module._make_scorer = lambda tag, roster: None  # type: ignore[assignment]
    started = time.perf_counter()
    app = build_app(Settings(tag=TAG, db_path=db, dry_run=True, moderators=("ana",)))
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 40)):
        screen = app.screen
        assert isinstance(screen, MainScreen)
        while not screen.ready:
            await asyncio.sleep(0.005)
        out["usable"] = time.perf_counter() - started
        out["shown"] = len(screen.stream.entries)
        session = app.session
        while not session._warmed:
            await asyncio.sleep(0.005)
        out["flags"] = time.perf_counter() - started
        out["stored"] = session.restored
    return out


def child(db: str, scorer: bool) -> None:
    """One console run in this process: print its figures as JSON."""
    print(json.dumps(asyncio.run(console(Path(db), scorer))), flush=True)


def measure(code: Path, db: Path, scorer: bool, folder: Path) -> dict[str, float]:
    """One console run in a fresh process, on a fresh copy of `db` (a run saves at exit)."""
    run_db = folder / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run_db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(db, run_db)
    args = [sys.executable, __file__, "--code", str(code), "--child", str(run_db)]
    if not scorer:
        args.append("--no-scorer")
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("{"))
    return dict(json.loads(line))


def main() -> int:
    """Build the chat, then open it in each case `--runs` times; print the medians."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--posts", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--code", type=Path, default=ROOT, help="the checkout of tchat-live to run")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--no-scorer", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    if args.child:
        child(args.child, not args.no_scorer)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="bench-restart-"))
    try:
        cases = build(folder, args.posts)
        results: dict[str, list[dict[str, float]]] = {case: [] for case in cases}
        for _ in range(args.runs):  # the cases alternate: a busy moment hits them all
            for case, db in cases.items():
                results[case].append(measure(args.code, db, case != "baseline", folder))
        print(f"restart of a chat with {args.posts:,} stored posts, code {args.code}")
        print(f"  median of {args.runs} runs, seconds from the app's start (target: usable < 2 s)")
        base = statistics.median(r["flags"] for r in results["baseline"])
        for case, runs in results.items():
            usable = statistics.median(r["usable"] for r in runs)
            flags = statistics.median(r["flags"] for r in runs)
            print(
                f"  {case:17} usable {usable:6.2f}  flags-ready {flags:6.2f}"
                f"  (+{flags - base:5.2f} over the baseline)  posts shown {runs[0]['shown']:.0f}"
                f" of {runs[0]['stored']:.0f}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
