"""Import speed: `tchat-live import` of a 100,000-post file beside a raw sqlite3.executemany.

Run: .venv/bin/python bench/bench_import.py [--posts N]
Target (issue 3): at least 20,000 posts/s through the whole pipeline (parse, classify, score, store).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
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
            urls = []
            if rng.random() < 0.1:
                urls = [
                    {
                        "start": 0,
                        "end": 0,
                        "url": "https://t.co/abcdefghij",
                        "expanded_url": f"https://site{rng.randrange(50)}.example/p?utm_source=x",
                    }
                ]
            tweet = {
                "id": pid,
                "text": text,
                "author_id": f"id-{handle}",
                "created_at": (t0 + timedelta(milliseconds=36 * i))
                .isoformat()
                .replace("+00:00", "Z"),
                "edit_history_tweet_ids": [pid],
                "lang": "en",
                "entities": {
                    "hashtags": [{"start": 0, "end": 0, "tag": "BenchChat"}],
                    "urls": urls,
                },
            }
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


def pipeline_import(path: Path, db: Path) -> tuple[float, int]:
    """The `tchat-live import` command itself, in process; returns (seconds, posts stored)."""
    import contextlib
    import io

    from tchat_tui.cli import main as cli_main
    from tchat_tui.store import Store

    out = io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli_main(["import", str(path), "--db", str(db), "--host", "hostess"])
    took = time.perf_counter() - t
    if code != 0:
        raise SystemExit(f"import failed with exit code {code}")
    store = Store.open(db)
    stored = store.db.execute("SELECT count(*) FROM posts").fetchone()[0]
    store.close()
    return took, int(stored)


def main() -> None:
    """Print posts/s for the import and for raw executemany, and their ratio."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=100_000)
    n = ap.parse_args().posts
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "chat.jsonl"
        make_file(src, n)
        raw = raw_executemany(src, Path(tmp) / "raw.db")
        took, stored = pipeline_import(src, Path(tmp) / "chat.db")
    print(
        f"import: {n} posts, {stored} stored in {took:.2f} s = {n / took:,.0f} posts/s (target >= 20,000)"
    )
    print(f"raw executemany (parse excluded): {n / raw:,.0f} rows/s")
    print(f"ratio import / raw executemany: {raw / took:.2f}")
    if stored != n:
        print(f"LOST POSTS: {n - stored}")


if __name__ == "__main__":
    main()
