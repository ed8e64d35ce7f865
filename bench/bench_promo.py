"""Throughput of promo scoring on one core, with realistic author histories.

Builds a synthetic hijacked-tag chat from the evaluation set's posts (varied words, many authors,
replies, links), then times, in the same run:
  baseline  one merged regex search per post over the same texts (the cheapest possible check);
  content   content signals only (what `score_draft` does);
  tracker   `PromoTracker.score` + `record` with each author's history filled to 50 posts.
Usage: `.venv/bin/python bench/bench_promo.py [--posts N] [--authors N]`. Target: >= 5,000 posts/s.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tchat_tui.domain.post import Post, Role  # noqa: E402
from tchat_tui.domain.promo import PostContext, PromoTracker, score_draft  # noqa: E402
from tchat_tui.promo_rules import default_rules  # noqa: E402
from tchat_tui.sources.xline import parse_stream_line  # noqa: E402

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
    args = ap.parse_args()
    rules = default_rules()
    chat = synthetic_chat(args.posts, args.authors)
    texts = [p.text for p, _ in chat]
    n = len(chat)

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

    # Best of `--repeat` runs of each, interleaved, so that a busy machine hurts all alike.
    base_s = content_s = tracker_s = float("inf")
    for _ in range(args.repeat):
        base_s = min(base_s, timed(baseline))
        content_s = min(content_s, timed(content))
        tracker_s = min(tracker_s, timed(tracked))
    per_author = n / args.authors

    base_r, content_r, tracker_r = rate(n, base_s), rate(n, content_s), rate(n, tracker_s)
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
    target = 5_000
    print(f"target >= {target:,} posts/s: {'met' if tracker_r >= target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
