"""People pane speed: one read of who is still waiting, and the first-timer rule, on a large chat
beside one full scan of its posts.

Run: .venv/bin/python bench/bench_people.py [--posts N] [--earlier N] [--runs N]

The chat is bench_summary's (`build_db`: 3,000 authors, answers, replies, reposts, stars), with
one reply from the host to every 50th post, and `--earlier` more databases in its folder each
holding an earlier chat on the tag of a quarter of its size (the first-timer rule reads them
all). The pane reads again every 2 seconds in a worker thread, on a connection of its own; the
rule runs once per console. Baseline: one pass over every row of the chat (`count(*)` and
`sum(length(text))`), the same database, the same run. Medians of `--runs` runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_summary import build_db, median_of  # noqa: E402
from tchat_tui.domain.chat_post import ChatPost  # noqa: E402
from tchat_tui.domain.classify import Classification  # noqa: E402
from tchat_tui.domain.post import Role  # noqa: E402
from tchat_tui.store.database import Store  # noqa: E402
from tchat_tui.store.first_timers import first_timers  # noqa: E402
from tchat_tui.store.people import people_reader  # noqa: E402
from tchat_tui.store.rows import row_to_post  # noqa: E402


def add_host_replies(store: Store, chat: int) -> int:
    """The host replies to every 50th participant post (what the pane looks for)."""
    targets = store.db.execute(
        "SELECT * FROM posts WHERE chat_id = ? AND role = 'participant' AND rowid % 50 = 0",
        [chat],
    ).fetchall()
    names = [d[0] for d in store.db.execute("SELECT * FROM posts LIMIT 0").description]
    replies = []
    for i, values in enumerate(targets):
        parent = row_to_post(dict(zip(names, values, strict=True)))
        reply = replace(
            parent,
            native_id=f"9{i:018d}",
            author_id="id-hostess",
            author_handle="hostess",
            author_name="Hostess",
            text="thank you! #BenchChat",
            created_at=parent.created_at + timedelta(seconds=30),
            reply_to_id=parent.native_id,
            is_repost=False,
            repost_of_id=None,
        )
        replies.append(ChatPost(reply, Classification(role=Role.HOST)))
    store.add_posts(chat, replies)
    return len(replies)


def main() -> int:
    """Build, then time the baseline, the pane's read and the first-timer rule."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--earlier", type=int, default=4, help="earlier chat databases")
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (median)")
    args = parser.parse_args()
    runs = max(1, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        for k in range(args.earlier):
            old, _ = build_db(folder / f"earlier-{k}.db", max(1, args.posts // 4), seed=k)
            old.db.execute(  # a week apart, before tonight's chat, posts of their own
                "UPDATE posts SET created_at = replace(created_at, '2026-11-26', ?),"
                " key = key || ?",
                [f"2026-11-{19 - 7 * k:02d}" if k < 3 else f"2026-10-{28 - k:02d}", f"-{k}"],
            )
            old.close()
        store, chat = build_db(folder / "benchchat.db", args.posts)
        replies = add_host_replies(store, chat)
        print(
            f"built {args.posts:,} posts (+{replies:,} host replies) and {args.earlier} earlier"
            f" chats in {time.perf_counter() - t:.1f} s"
        )

        def scan() -> None:
            store.db.execute(
                "SELECT count(*), sum(length(text)) FROM posts WHERE chat_id = ?", [chat]
            ).fetchone()

        base_wall, base_cpu = median_of(runs, scan)
        print(f"(medians of {runs} runs)")
        print(
            f"{'baseline: one scan of the chat posts':<44} wall {base_wall * 1000:7.1f} ms"
            f"   cpu {base_cpu * 1000:7.1f} ms"
        )

        def show(label: str, wall: float, cpu: float) -> None:
            print(
                f"{label:<44} wall {wall * 1000:7.1f} ms   cpu {cpu * 1000:7.1f} ms"
                f"   {cpu / base_cpu:5.2f}x the scan (cpu)"
            )

        ft = first_timers(store, chat, folder)
        show(
            "first-timer rule (this + earlier databases)",
            *median_of(runs, lambda: first_timers(store, chat, folder)),
        )

        def read() -> None:
            with people_reader(store.path, store) as reader:
                reader.chat_people(chat, ft)

        show("people pane: one read (own connection)", *median_of(runs, read))
        with people_reader(store.path, store) as reader:
            people = reader.chat_people(chat, ft)
        print(
            f"figures: {len(people.participants):,} participants, {len(people.waiting):,} waiting,"
            f" {len(ft.earlier)} earlier chats, {len(ft.authors):,} first-timers"
        )
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
