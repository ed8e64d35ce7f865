"""Summary speed: the after-chat summary of a 100,000-post chat beside one full scan of its posts.

Run: .venv/bin/python bench/bench_summary.py [--posts N] [--keep DB [--reuse]] [--runs N]
Target (issue 6): the summary of a 100,000-post chat in under a second.

The database is built through `Store.add_posts` with generated, classified posts: 10 questions by
the host, labelled answers (guests among them), replies, reposts, engagement metrics, a few
starred, hidden and flagged posts, 3,000 authors. The baseline is one pass over every row of the
chat (`count(*)` and `sum(length(text))`), measured on the same database in the same run. Times
are medians of `--runs` runs (the machine is shared, so one run says little); the summary runs in
this process (imports done), and once more in a fresh process for the whole command's cost.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tchat_tui.cli.main import main as cli_main  # noqa: E402
from tchat_tui.domain.chat_post import ChatPost  # noqa: E402
from tchat_tui.domain.classify import Classification  # noqa: E402
from tchat_tui.domain.post import Network, Post, Role  # noqa: E402
from tchat_tui.report.build import build_summary  # noqa: E402
from tchat_tui.report.transcript import export_rows, to_csv  # noqa: E402
from tchat_tui.store.database import Store  # noqa: E402

WORDS = (
    "care family sister respite nurse tired help thanks question guilt time rest merci aidant "
    "soutien fatigue temps famille répit infirmière aide courage ensemble parler écoute"
).split()
GUESTS = ("guest_a", "guest_b", "guest_c")
RAW = (
    '{"data":{"id":"%d","text":%r,"author_id":"1234567890","created_at":"2026-11-26T18:00:00.000Z",'
    '"conversation_id":"1900000000000000000","edit_history_tweet_ids":["1900000000000000000"],'
    '"lang":"en","entities":{"hashtags":[{"start":0,"end":10,"tag":"BenchChat"}]},'
    '"public_metrics":{"retweet_count":1,"reply_count":0,"like_count":4,"quote_count":0}},'
    '"includes":{"users":[{"id":"1234567890","name":"Someone","username":"someone"}]},'
    '"matching_rules":[{"id":"1866000000000000001","tag":"benchchat"}]}'
)
"""About the size of a real X filtered-stream payload, which the database keeps."""


def build_db(path: Path, n: int, seed: int = 6) -> tuple[Store, int]:
    """A 60-minute chat of `n` posts stored in batches of 1,000, as the pipeline stores them."""
    rng = random.Random(seed)
    store = Store.open(path)
    chat = store.ensure_chat("BenchChat", topic="Benchmarks", started_at=T0, duration_minutes=60)
    batch: list[ChatPost] = []
    per_question = max(1, n // 10)
    for i in range(n):
        at = T0 + timedelta(milliseconds=i * 3_600_000 // n)
        number = min(10, i // per_question + 1)
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 30)))
        handle, role, answers, qnum, repost = (
            f"user{rng.randrange(3000)}",
            Role.PARTICIPANT,
            None,
            None,
            False,
        )
        if i % per_question == 0:
            handle, role, qnum, text = (
                "hostess",
                Role.HOST,
                number,
                f"Q{number}: {body}? #BenchChat",
            )
        elif rng.random() < 0.03:
            handle, role = rng.choice(GUESTS), Role.GUEST
            answers, text = number, f"A{number} {body} #BenchChat"
        elif rng.random() < 0.55:
            answers, text = number, f"A{number} {body} #BenchChat"
        elif rng.random() < 0.1:
            repost, text = True, f"RT @hostess: {body}"
        else:
            text = f"@hostess {body} #BenchChat"
        post = Post(
            network=Network.X,
            native_id=str(1_900_000_000_000_000_000 + i),
            author_id=f"id-{handle}",
            author_handle=handle,
            author_name=handle.title(),
            text=text,
            created_at=at,
            hashtags=("BenchChat",),
            is_repost=repost,
            repost_of_id="1" if repost else None,
            lang="en",
            raw=RAW % (i, text),
            metrics={"like_count": rng.randrange(0, 30), "retweet_count": rng.randrange(0, 5)},
        )
        level = "red" if rng.random() < 0.002 else "amber" if rng.random() < 0.01 else "none"
        batch.append(
            ChatPost(
                post,
                Classification(role=role, question_number=qnum, answers=answers),
                promo_level=level,
            )
        )
        if len(batch) == 1000:
            store.add_posts(chat, batch, checked=True)
            batch = []
    store.add_posts(chat, batch, checked=True)
    conn = store.db.conn
    with store.db.atomic():
        conn.execute("UPDATE posts SET starred = 1 WHERE rowid % 997 = 0")
        conn.execute("UPDATE posts SET hidden = 1 WHERE rowid % 1499 = 0")
    return store, chat


T0 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def median_of(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    """The median of `runs` runs of fn(): (wall seconds, CPU seconds of this process).

    CPU time is shown beside wall time because a shared machine stretches wall time.
    """
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def fresh_process(argv: list[str]) -> tuple[float, float]:
    """One run of `python -m tchat_tui ARGV` in a new interpreter: (wall, CPU of the child)."""
    before = os.times()
    w = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tchat_tui", *argv], cwd=ROOT, check=True, capture_output=True
    )
    wall = time.perf_counter() - w
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main() -> int:
    """Build, then time the baseline, the summary model and each format end to end."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--reuse", action="store_true", help="use the --keep database if it exists")
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (median)")
    args = parser.parse_args()
    runs = max(1, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if args.reuse and args.keep and path.exists():
            print(f"reusing {path}")
        else:
            for old in (
                path,
                path.with_name(path.name + "-wal"),
                path.with_name(path.name + "-shm"),
            ):
                old.unlink(missing_ok=True)
            t = time.perf_counter()
            store, _ = build_db(path, args.posts)
            store.close()
            print(f"built {args.posts:,} posts in {time.perf_counter() - t:.1f} s ({path.name})")
        store = Store.open(path)
        chat = int(store.db.execute("SELECT max(id) FROM chats").fetchone()[0])

        def scan() -> None:
            store.db.execute(
                "SELECT count(*), sum(length(text)) FROM posts WHERE chat_id = ?", [chat]
            ).fetchone()

        base_wall, base_cpu = median_of(runs, scan)
        print(
            f"{'baseline: one scan of the chat posts':<44} wall {base_wall * 1000:7.1f} ms"
            f"   cpu {base_cpu * 1000:7.1f} ms"
        )

        def show(label: str, wall: float, cpu: float, extra: str = "") -> None:
            print(
                f"{label:<44} wall {wall * 1000:7.1f} ms   cpu {cpu * 1000:7.1f} ms"
                f"   {cpu / base_cpu:5.1f}x the scan (cpu){extra}"
            )

        print(f"(medians of {runs} runs)")
        show("summary model (build_summary)", *median_of(runs, lambda: build_summary(store, chat)))
        summary = build_summary(store, chat)
        store.close()
        worst = 0.0
        out = Path(tmp) / "summary.out"
        for options in (
            ["--format", "md"],
            ["--format", "html"],
            ["--format", "json"],
            ["--format", "html", "--private"],
            ["--thanks"],
        ):
            argv = ["summary", "--db", str(path), *options, "--out", str(out), "--force"]
            with contextlib.redirect_stderr(io.StringIO()):
                wall, cpu = median_of(runs, lambda a=argv: cli_main(a))  # type: ignore[misc]
            worst = max(worst, wall)
            size = out.stat().st_size
            label = f"tchat-live summary {' '.join(options)}"
            show(label, wall, cpu, f", {size / 1024:,.0f} KiB")
        argv = ["summary", "--db", str(path), "--format", "json", "--out", str(out), "--force"]
        fresh = [fresh_process(argv) for _ in range(min(runs, 3))]
        fresh_wall = statistics.median(w for w, _ in fresh)
        show(
            "  the same, json, in a fresh process",
            fresh_wall,
            statistics.median(c for _, c in fresh),
            " (Python start and imports included)",
        )
        store = Store.open(path)
        wall, cpu = median_of(1, lambda: sum(len(c) for c in to_csv(export_rows(store, chat))))
        show("export --format csv (for scale)", wall, cpu)
        store.close()
        verdict = "OK" if worst < 1.0 else "OVER (wall; see the CPU column on a busy machine)"
        print(
            f"target: the summary of {args.posts:,} posts under 1 s (wall, median, in process):"
            f" {verdict}, worst format {worst:.2f} s (a fresh process: {fresh_wall:.2f} s)"
        )
        print(
            f"figures: {summary.stats.posts:,} posts, {summary.stats.participants:,} participants,"
            f" {summary.stats.answers:,} answers, {summary.stats.hidden} hidden"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
