"""Import speed: `tchat-live import` of a 100,000-post file beside a raw sqlite3.executemany.

Run: .venv/bin/python bench/bench_import.py [--posts N] [--runs R]
Target (issue 3): at least 20,000 posts/s through the whole pipeline (parse, classify, score, store).
The import is timed three times: as users run it (scoring in a second process), with scoring in the
same process (as where fork is unavailable), and with scoring excluded (no promo scorer), so the
scorer's share and the rest of the path can be read apart. With --runs R each figure is the median.

The synthetic file is what X's filtered stream sends: `entities` lists every hashtag, mention and
t.co link in the text, with their code-point offsets, and omits empty lists. One line in ten has no
`entities` at all (a stream opened without `tweet.fields=entities`, or a hand-made file), so the
parser's fallback, extracting tags and mentions from the text, is part of the measure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "care family sister respite nurse tired help thanks question guilt time rest merci aidant "
    "soutien fatigue temps famille répit infirmière aide courage ensemble parler écoute"
).split()


def _entities(text: str) -> dict[str, list[dict[str, object]]]:
    """X's entities for a synthetic text: every #tag, @handle and t.co link, no empty list."""
    found: dict[str, list[dict[str, object]]] = {}
    for m in re.finditer(r"(?<![\w@#])([#@])(\w+)", text):
        kind, name = ("hashtags", "tag") if m.group(1) == "#" else ("mentions", "username")
        entity = {"start": m.start(), "end": m.end(), name: m.group(2)}
        if kind == "mentions":
            entity["id"] = f"id-{m.group(2)}"
        found.setdefault(kind, []).append(entity)
    for m in re.finditer(r"https://t\.co/\w+", text):
        found.setdefault("urls", []).append({"start": m.start(), "end": m.end(), "url": m.group()})
    return found


def make_file(path: Path, n: int, seed: int = 7) -> None:
    """A synthetic chat: questions, labelled answers, replies, links, many authors."""
    rng = random.Random(seed)
    t0 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            pid = str(1_800_000_000_000_000_000 + i)
            handle = f"user{rng.randrange(2000)}"
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 30)))
            if i % 500 == 0:
                handle, text = "hostess", f"Q{(i // 500) % 9 + 1}: {body}? #BenchChat"
            elif rng.random() < 0.5:
                text = f"A{rng.randrange(1, 9)} {body} #BenchChat"
            else:
                text = f"@hostess {body} #BenchChat"
            link = None
            if rng.random() < 0.1:
                link = f"https://site{rng.randrange(50)}.example/p?utm_source=x"
                text = text.replace(" #BenchChat", " https://t.co/abcdefghij #BenchChat")
            tweet: dict[str, object] = {
                "id": pid,
                "text": text,
                "author_id": f"id-{handle}",
                "created_at": (t0 + timedelta(milliseconds=36 * i))
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "edit_history_tweet_ids": [pid],
                "lang": "en",
            }
            if rng.random() >= 0.1:  # else: no entities requested, the parser extracts them
                entities = _entities(text)
                for url in entities.get("urls", ()):
                    url["expanded_url"] = link
                tweet["entities"] = entities
            users = [{"id": f"id-{handle}", "username": handle, "name": handle.title()}]
            fh.write(json.dumps({"data": tweet, "includes": {"users": users}}) + "\n")


def raw_executemany(path: Path, db: Path) -> float:
    """Baseline: the same rows' main columns with one executemany in one transaction."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)["data"]
            rows.append((f"x:{d['id']}", d["id"], d["author_id"], d["text"], d["created_at"], line))
    t = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE TABLE posts (key TEXT PRIMARY KEY, native_id, author, text, created_at, raw)"
    )
    with con:
        con.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.close()
    return time.perf_counter() - t


def pipeline_import(
    path: Path, db: Path, *, scoring: bool = True, fork: bool = True
) -> tuple[float, int]:
    """The `tchat-live import` command itself, in process; returns (seconds, posts stored).

    `scoring=False` runs it without a promo scorer (the session is given none); `fork=False`
    scores in process, as on a platform without fork (the import's scoring process is not used).
    """
    import contextlib
    import io
    import multiprocessing
    from unittest import mock

    from tchat_tui.cli.main import main as cli_main
    from tchat_tui.store.database import Store

    out = io.StringIO()
    patches = contextlib.ExitStack()
    if not scoring:
        patches.enter_context(
            mock.patch("tchat_tui.pipeline.session._make_scorer", return_value=None)
        )
    if not fork:
        patches.enter_context(
            mock.patch.object(multiprocessing, "get_all_start_methods", return_value=["spawn"])
        )
    t = time.perf_counter()
    with contextlib.redirect_stdout(out), patches:
        code = cli_main(["import", str(path), "--db", str(db), "--host", "hostess"])
    took = time.perf_counter() - t
    if code != 0:
        raise SystemExit(f"import failed with exit code {code}")
    store = Store.open(db)
    stored = store.db.execute("SELECT count(*) FROM posts").fetchone()[0]
    store.close()
    return took, int(stored)


def stage_costs(path: Path, db: Path) -> dict[str, float]:
    """CPU microseconds per post of each step of an import, run one after the other in this
    process (no fork, no writer thread): what the two processes and the writer share out.

    Measured with `time.process_time`, so a busy machine slows the run but barely the figures.
    `hand-over` is the scoring process's pipe without the pipe: both ends' conversions of the
    posts and the pickling of the batches.
    """
    import pickle

    from tchat_tui.cli.import_scoring import _from_wire, _to_wire
    from tchat_tui.cli.import_stream import BATCH
    from tchat_tui.pipeline.session import ChatSession
    from tchat_tui.pipeline.settings import Settings
    from tchat_tui.sources.replay import ReplayStats, read_posts

    cpu = time.process_time
    session = ChatSession(
        Settings(tag="BenchChat", db_path=db, host="hostess", dry_run=True, new_chat=True)
    )
    session.warm_up()
    pipeline, store = session.pipeline, session.store
    scorer = pipeline.scorer
    assert scorer is not None
    t = cpu()
    posts = list(read_posts(path, ReplayStats()))
    parse = cpu() - t
    classify = handover = score = 0.0
    batches = []
    for i in range(0, len(posts), BATCH):
        questions: list[str | None] = []
        t = cpu()
        items = pipeline.prepare(posts[i : i + BATCH], match_outbox=False, unscored=questions)
        t1 = cpu()
        sent = [_to_wire(it, q) for it, q in zip(items, questions, strict=True)]
        wire = pickle.loads(pickle.dumps(sent))
        received = [_from_wire(w) for w in wire]
        t2 = cpu()
        for post, cls, question in received:
            scorer.score(post, cls, pipeline.parent_of(post), question)
            pipeline._remember(post)
        t3 = cpu()
        classify += t1 - t
        handover += t2 - t1
        score += t3 - t2
        batches.append(items)
    t = cpu()
    with store.bulk_load(len(posts)):
        for items in batches:
            store.add_posts(pipeline.chat_id, items, checked=True)
    store.close()
    stored = cpu() - t
    n = len(posts)
    return {
        "parse": parse / n * 1e6,
        "classify": classify / n * 1e6,
        "hand-over": handover / n * 1e6,
        "score": score / n * 1e6,
        "store": stored / n * 1e6,
    }


def main() -> None:
    """Print posts/s for the import (with and without scoring) and for raw executemany."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=1, help="repeat each measure; print medians")
    args = ap.parse_args()
    n = args.posts
    raws: list[float] = []
    scored: list[float] = []
    unscored: list[float] = []
    local: list[float] = []
    lost = 0
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "chat.jsonl"
        make_file(src, n)
        for run in range(args.runs):
            raws.append(raw_executemany(src, Path(tmp) / f"raw{run}.db"))
            took, stored = pipeline_import(src, Path(tmp) / f"chat{run}.db")
            scored.append(took)
            lost = max(lost, n - stored)
            took, stored = pipeline_import(src, Path(tmp) / f"bare{run}.db", scoring=False)
            unscored.append(took)
            lost = max(lost, n - stored)
            took, stored = pipeline_import(src, Path(tmp) / f"local{run}.db", fork=False)
            local.append(took)
            lost = max(lost, n - stored)
        stages = stage_costs(src, Path(tmp) / "stages.db")
    took, bare, raw, alone = (statistics.median(v) for v in (scored, unscored, raws, local))
    print(f"import: {n} posts in {took:.2f} s = {n / took:,.0f} posts/s (target >= 20,000)")
    print(
        f"import, scoring in the same process (no fork): {n / alone:,.0f} posts/s"
        f" (the scoring process: x{alone / took:.2f})"
    )
    print(f"import, scoring excluded: {n / bare:,.0f} posts/s ({bare / n * 1e6:.1f} us/post)")
    print(f"raw executemany (parse excluded): {n / raw:,.0f} rows/s")
    print(f"ratio import / raw executemany: {raw / took:.2f}")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    total = sum(stages.values())
    print(
        "CPU per post, each step alone in one process: "
        + ", ".join(f"{k} {v:.0f}" for k, v in stages.items())
        + f" = {total:.0f} us"
    )
    print(
        f"ceiling on {cores} cores with every step perfectly shared out:"
        f" {cores * 1e6 / total:,.0f} posts/s; without the scorer and its hand-over:"
        f" {cores * 1e6 / (total - stages['score'] - stages['hand-over']):,.0f} posts/s;"
        f" 20,000 posts/s needs <= {cores * 1e6 / 20_000:.0f} us of CPU per post"
    )
    if lost:
        print(f"LOST POSTS: {lost}")


if __name__ == "__main__":
    main()
