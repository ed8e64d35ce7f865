"""Throughput and memory of promo scoring on one core, with realistic author histories.

Builds a synthetic hijacked-tag chat from the evaluation set's posts (varied words, many authors,
replies, links), then times, in the same run:
  baseline  one merged regex search per post over the same texts (the cheapest possible check);
  content   content signals only (what `score_draft` does);
  tracker   `PromoTracker.score` + `record` with each author's history filled to 50 posts;
  import    `PromoScorer.score` on the posts of `bench/bench_import.py`'s file (typical chat
            posts: labelled answers, replies to the host, a link in one post of ten), each
            classified first, as `tchat-live import` scores them.
Then memory: tracemalloc over `--mem-posts` posts from `--mem-authors` accounts, for both kinds of
post (the posts themselves are built before tracing starts: only the scorer's state counts).
Usage: `.venv/bin/python bench/bench_promo.py [--posts N] [--authors N] [--mem-posts N]`.
Targets: tracker >= 25,000 posts/s, import posts >= 40,000 posts/s (issue 3's import budget),
memory < 15 MB for 100,000 posts from 3,000 authors.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tchat_tui.clients.x.stream_line import parse_stream_line  # noqa: E402
from tchat_tui.domain.classify import Classification, Classifier  # noqa: E402
from tchat_tui.domain.post import Post, Role  # noqa: E402
from tchat_tui.domain.promo.draft import score_draft  # noqa: E402
from tchat_tui.domain.promo.rules import default_rules  # noqa: E402
from tchat_tui.domain.promo.tracker import PostContext, PromoTracker  # noqa: E402
from tchat_tui.domain.roster import Roster  # noqa: E402
from tchat_tui.pipeline.scoring import PromoScorer  # noqa: E402
from tchat_tui.sources.replay import read_posts  # noqa: E402

IMPORT_TAG = "BenchChat"
"""The tag of `bench_import.make_file`'s chat."""

FILLER = (
    "team remote async meeting budget train habit book newsletter python garden soup "
    "équipe réunion budget habitude livre voyage vélo recette sauvegarde élèves classe"
).split()


def corpus() -> list[Post]:
    """The evaluation set's posts, parsed by the project's parser."""
    posts: list[Post] = []
    for path in sorted((ROOT / "tests" / "promo_eval" / "sessions").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            post = parse_stream_line(line)
            if post is not None:
                posts.append(post)
    return posts


def synthetic_chat(n: int, authors: int, seed: int = 7) -> list[tuple[Post, PostContext]]:
    """`n` posts by `authors` accounts, each a varied copy of an evaluation post, in time order."""
    rng = random.Random(seed)
    base = corpus()
    t0 = base[0].created_at
    out: list[tuple[Post, PostContext]] = []
    previous: list[Post] = []
    for i in range(n):
        src = rng.choice(base)
        words = src.text.split()
        for _ in range(rng.randint(1, 4)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(FILLER))
        a = rng.randrange(authors)
        parent = rng.choice(previous) if previous and rng.random() < 0.5 else None
        post = replace(
            src,
            native_id=str(10**18 + i),
            author_id=f"u{a}",
            author_handle=f"user_{a}",
            author_name=f"User {a}",
            text=" ".join(words),
            created_at=t0 + timedelta(seconds=i * 0.2),
            reply_to_id=parent.native_id if parent else None,
            reply_to_author_id=parent.author_id if parent else None,
        )
        ctx = PostContext(
            chat_tag="TestChat",
            role=Role.PARTICIPANT,
            parent=parent,
            question_text="What is the hardest part of your week?" if parent else None,
            is_answer=parent is not None,
        )
        out.append((post, ctx))
        previous.append(post)
        if len(previous) > 200:
            previous.pop(0)
    return out


def import_posts(n: int) -> list[tuple[Post, Classification]]:
    """`n` posts of the import benchmark's file, each with its classification."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_import import make_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chat.jsonl"
        make_file(path, n)
        posts = list(read_posts(path))
    classifier = Classifier(Roster("hostess"), IMPORT_TAG)
    return [(post, classifier.classify(post)) for post in posts]


def spread(
    posts: list[tuple[Post, Classification]], n: int, authors: int
) -> list[tuple[Post, Classification]]:
    """`n` posts taken from `posts` (cycled if too few), re-attributed to `authors` accounts,
    36 ms apart."""
    rng = random.Random(11)
    t0 = posts[0][0].created_at
    out = []
    for i in range(n):
        post, cls = posts[i % len(posts)]
        a = rng.randrange(authors)
        out.append(
            (
                replace(
                    post,
                    native_id=str(2 * 10**18 + i),
                    author_id=f"m{a}",
                    author_handle=f"member_{a}",
                    author_name=f"Member {a}",
                    created_at=t0 + timedelta(milliseconds=36 * i),
                ),
                cls,
            )
        )
    return out


def traced_mb(feed: Callable[[], object]) -> float:
    """Megabytes (10^6 bytes) still allocated after `feed()` returns what it built."""
    tracemalloc.start()
    try:
        kept = feed()
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return current / 1e6


def timed(fn: Callable[[], None]) -> float:
    """CPU seconds one call of `fn` takes (process time: other programs on the machine do not
    count, which keeps the numbers comparable on a busy machine)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def rate(n: int, seconds: float) -> float:
    """Posts per second."""
    return n / seconds if seconds > 0 else float("inf")


def main() -> int:
    """Print posts/second for the baseline, content-only scoring and full tracker scoring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--authors", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--import-posts", type=int, default=20_000)
    ap.add_argument("--mem-posts", type=int, default=100_000, help="0: skip the memory part")
    ap.add_argument("--mem-authors", type=int, default=3_000)
    args = ap.parse_args()
    rules = default_rules()
    chat = synthetic_chat(args.posts, args.authors)
    texts = [p.text for p, _ in chat]
    n = len(chat)
    # One file serves both: its first `--import-posts` posts are timed, all of them fill memory.
    every_import = import_posts(max(args.import_posts, args.mem_posts))
    imported = every_import[: args.import_posts]
    n_imp = len(imported)

    baseline_re = re.compile(r"https?://|\bbuy\b|achetez|inscri|link in bio|lien en bio", re.I)
    hits = flagged = 0

    def baseline() -> None:
        nonlocal hits
        hits = sum(1 for t in texts if baseline_re.search(t))

    def content() -> None:
        for t in texts:
            score_draft(t, "TestChat", rules)

    def tracked() -> None:
        nonlocal flagged
        tracker = PromoTracker(rules)
        flagged = 0
        for post, ctx in chat:
            result = tracker.score(post, ctx)
            tracker.record(post, result)
            flagged += result.promo

    imp_flagged = 0

    def scored_imports() -> None:
        nonlocal imp_flagged
        scorer = PromoScorer(IMPORT_TAG, rules)
        imp_flagged = 0
        for post, cls in imported:
            imp_flagged += scorer.score(post, cls, None, None).level != "none"

    # Best of `--repeat` runs of each, interleaved, so that a busy machine hurts all alike.
    base_s = content_s = tracker_s = import_s = float("inf")
    for _ in range(args.repeat):
        base_s = min(base_s, timed(baseline))
        content_s = min(content_s, timed(content))
        tracker_s = min(tracker_s, timed(tracked))
        import_s = min(import_s, timed(scored_imports))
    per_author = n / args.authors

    base_r, content_r, tracker_r = rate(n, base_s), rate(n, content_s), rate(n, tracker_s)
    import_r = rate(n_imp, import_s)
    print(f"promo scoring benchmark: {n} posts, {args.authors} authors (~{per_author:.0f} each,")
    print(f"  history capped at {rules.author['history']}), one core, rules v{rules.version}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"  best of {args.repeat} runs, CPU time; machine load average {load:.1f}")
    print(f"baseline (one regex search) {base_r:>12,.0f} posts/s  ({hits} hits)")
    print(
        f"content only (score_draft)  {content_r:>12,.0f} posts/s  ({base_r / content_r:.0f}x slower)"
    )
    print(
        f"tracker score + record      {tracker_r:>12,.0f} posts/s  ({base_r / tracker_r:.0f}x slower;"
        f" {1e6 / tracker_r:.0f} µs/post; {flagged} flagged)"
    )
    print(
        f"import posts (PromoScorer) {import_r:>12,.0f} posts/s  ({base_r / import_r:.0f}x slower;"
        f" {1e6 / import_r:.0f} µs/post; {n_imp} posts of bench_import, {imp_flagged} flagged)"
    )
    for name, value, target in (("tracker", tracker_r, 25_000), ("import posts", import_r, 40_000)):
        print(f"target {name} >= {target:,} posts/s: {'met' if value >= target else 'NOT met'}")
    if args.mem_posts:
        memory(args.mem_posts, args.mem_authors, every_import, rules)
    return 0


def memory(
    n: int, authors: int, imported: list[tuple[Post, Classification]], rules: object
) -> None:
    """Print the scorer's traced memory after `n` posts from `authors` accounts."""
    typical = spread(imported, n, authors)
    mixed = synthetic_chat(n, authors)

    def feed_typical() -> object:
        scorer = PromoScorer(IMPORT_TAG, default_rules())
        for post, cls in typical:
            scorer.score(post, cls, None, None)
        return scorer

    def feed_mixed() -> object:
        tracker = PromoTracker(default_rules())
        for post, ctx in mixed:
            tracker.score_and_record(post, ctx)
        return tracker

    del rules
    feed_typical()  # warm the shared memos (words, URLs, regexes) outside the measurement
    print(f"memory after {n:,} posts from {authors:,} authors (tracemalloc, scorer state):")
    typical_mb = traced_mb(feed_typical)
    print(f"  typical posts (bench_import's)   {typical_mb:6.1f} MB")
    print(f"  hijacked-tag mix (the bench's)   {traced_mb(feed_mixed):6.1f} MB")
    print(f"target < 15 MB on typical posts: {'met' if typical_mb < 15 else 'NOT met'}")


if __name__ == "__main__":
    raise SystemExit(main())
