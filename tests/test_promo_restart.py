"""A restart flags the next posts exactly as an uninterrupted run: the promo scorer's state is
saved with the chat (every SAVE_EVERY posts and at shutdown) and a restart scores again only the
posts stored after it."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from array import array
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tchat_tui.domain.classify import Classification, Classifier
from tchat_tui.domain.post import Post
from tchat_tui.domain.promo.authors import AuthorFlag, AuthorState, ReplyLinks
from tchat_tui.domain.promo.state import export_state, import_state
from tchat_tui.domain.promo.tracker import PromoTracker
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline import ingest
from tchat_tui.pipeline.ingest import Flag, Pipeline
from tchat_tui.pipeline.scoring import PromoScorer
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.store.database import Store
from tchat_tui.store.promo_state import SavedPromoState
from tchat_tui.store.schema import SCHEMA_VERSION
from tests.factories import make_post

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
TAG = "T"
ROSTER = Roster(host="hostess", guests=("guesty",))
SAVE_EVERY = 50
BATCH = 7
SHOP = "https://shop.example/deal?utm_source=x"
COPY = "Join the caregivers circle today, the best support group for tired family helpers #T"


def chat() -> list[Post]:
    """400 posts in 22 minutes by 100 accounts, with every kind of history the scorer reads (more
    than 50 authors in the rate window, where its median is refreshed every 25 posts): questions and
    answers, a seller repeating a shop link, replies spraying it, a burst, one text posted by
    three accounts on both sides of a restart, reposts, a parent asking for a link."""
    rng = random.Random(7)
    posts: list[Post] = []
    minute = 0.0

    def add(text: str, handle: str, **kw: object) -> Post:
        nonlocal minute
        minute += rng.uniform(0.01, 0.1)
        post = make_post(f"n{len(posts)}", text, handle, minute=minute, **kw)  # type: ignore[arg-type]
        posts.append(post)
        return post

    words = "care family sister rest nurse tired help thanks time guilt sleep naps walk".split()
    for i in range(400):
        body = " ".join(rng.choice(words) for _ in range(rng.randrange(4, 14)))
        if i in (0, 130, 260):
            add(f"Q{i // 130 + 1}: What helps you rest when caring for family? #T", "hostess")
        elif i == 40:
            add("Can anyone share a link to a respite guide? #T", "user3")
        elif i == 41:
            add("Here it is https://respite.example/guide #T", "user4", reply_to="n40",
                links=("https://respite.example/guide",))  # fmt: skip
        elif i in (45, 205, 330):
            add(COPY, f"copier{i}")
        elif 200 <= i < 214 and i % 2 == 0:
            add(f"{body} again and again #T", "burster")
        elif i % 23 == 5:
            add(f"Buy my course now, 50% off {SHOP} #T", "seller", links=(SHOP,))
        elif i % 31 == 7 and len(posts) > 10:
            parent = posts[rng.randrange(len(posts) - 10, len(posts))]
            reply = add(
                f"@{parent.author_handle} totally agree, look at this #T",
                "seller",
                reply_to=parent.native_id,
                links=(SHOP,),
            )
            posts[-1] = replace(reply, reply_to_author_id=parent.author_id)
        elif i % 17 == 3 and len(posts) > 5:
            add(f"RT {posts[-3].text}", f"user{rng.randrange(90)}", repost_of=posts[-3].native_id)
        elif i % 9 == 2:
            add(f"A{1 + i // 130} {body} #T", f"user{rng.randrange(90)}")
        elif i % 37 == 11:
            add(f"See {SHOP} for more #T", "guesty", links=(SHOP,))
        else:
            add(f"{body} #T", f"user{rng.randrange(90)}")
    return posts


POSTS = chat()
AUTHORS = sorted({p.author_key for p in POSTS})


class Recording(PromoScorer):
    """The promo scorer, keeping each verdict it gives."""

    def __init__(self) -> None:
        super().__init__(TAG)
        self.flags: dict[str, Flag] = {}

    def score(
        self, post: Post, classification: Classification, parent: Post | None, question: str | None
    ) -> Flag:
        flag = super().score(post, classification, parent, question)
        self.flags[post.key] = flag
        return flag


Run = tuple[dict[str, Flag], dict[str, AuthorFlag | None]]


def feed(pipeline: Pipeline, posts: list[Post]) -> None:
    """Process `posts` in batches, asking for a save after each as the session does."""
    for i in range(0, len(posts), BATCH):
        pipeline.process(posts[i : i + BATCH])
        pipeline.save_history(due=True)


def scored_chat(path: Path) -> Recording:
    """The scorer after the whole chat, in one run."""
    store = Store.open(path)
    scorer = Recording()
    feed(Pipeline(store, store.ensure_chat(TAG), Classifier(ROSTER, TAG), scorer), POSTS)
    store.close()
    return scorer


def uninterrupted(path: Path) -> Run:
    scorer = scored_chat(path)
    return scorer.flags, {a: scorer.author_flag(a) for a in AUTHORS}


def first_part(path: str, n: int, clean: bool = True) -> None:
    """A console that stored `POSTS[:n]`, then shut down (`clean`) or was killed."""
    store = Store.open(path)
    pipeline = Pipeline(store, store.ensure_chat(TAG), Classifier(ROSTER, TAG))
    pipeline.restore()
    pipeline.restore_history(Recording())
    feed(pipeline, POSTS[:n])
    if clean:
        pipeline.save_history()
    store.close()


def second_part(path: Path, n: int) -> tuple[Run, int]:
    """The restart: restore, then the rest of the chat; and how many posts were scored again."""
    store = Store.open(path)
    pipeline = Pipeline(store, store.ensure_chat(TAG), Classifier(ROSTER, TAG))
    pipeline.restore()
    scorer = Recording()
    replayed = pipeline.restore_history(scorer)
    feed(pipeline, POSTS[n:])
    store.close()
    return (scorer.flags, {a: scorer.author_flag(a) for a in AUTHORS}), replayed


def assert_same_after(n: int, live: Run, restarted: Run) -> None:
    """Post by post from `n` on, the same level, score and reasons; the same author flags."""
    keys = [p.key for p in POSTS[n:]]
    assert [(k, restarted[0][k]) for k in keys] == [(k, live[0][k]) for k in keys]
    assert restarted[1] == live[1]


@pytest.fixture(autouse=True)
def small_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "SAVE_EVERY", SAVE_EVERY)


def test_the_chat_has_what_the_scorer_remembers(tmp_path: Path) -> None:
    """The chat fires the history rules on both sides of the restarts below (else they prove
    little): a burst, a reply spray, text copied across accounts, repeated domains."""
    flags, authors = uninterrupted(tmp_path / "one.db")
    reasons = " | ".join(r for f in flags.values() for r in f.reasons)
    for needle in ("posts in 10 min", "participants with", "same text", "link to shop.example"):
        assert needle in reasons
    assert any("same text" in r for r in flags["x:n205"].reasons)
    assert authors["x:id-seller"] is not None and authors["x:id-seller"].level == "red"


def plain(tracker: PromoTracker) -> dict[str, object]:
    """Everything a tracker holds but its caches, as plain values; authors by identity (an
    author the caps forgot may still count in the rate window beside their new state)."""
    caches = {"rules", "_last", "_none", "_memo"}
    number: dict[int, int] = {}

    def author(a: AuthorState) -> dict[str, object]:
        out: dict[str, object] = {"#": number.setdefault(id(a), len(number))}
        for slot in AuthorState.__slots__:
            value = getattr(a, slot)
            if isinstance(value, ReplyLinks):
                value = [list(value.domains), list(value.times), list(value.users), value.in_order]
            elif isinstance(value, array | bytearray):
                value = list(value)
            out[slot] = value
        return out

    out: dict[str, object] = {}
    for name, value in vars(tracker).items():
        if name in caches:
            continue
        if name == "_authors":
            value = [(key, author(a)) for key, a in value.items()]
        elif name == "_texts":
            groups = [(h, g if isinstance(g, str) else sorted(g)) for h, g in value.items()]
            value = [groups, list(value.order), sorted(value.promo), value.cap]
        elif name == "_links":
            value = value.saved()
        elif name == "_window":
            w = value
            value = [
                w.span,
                list(w.times[w.start :]),
                [author(a) for a in w.authors[w.start :]],
                w.active,
                w.counts,
                w.median,
                w.since_median,
            ]
        out[name] = value
    return out


def test_the_saved_state_is_all_of_the_trackers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read back, the state is the tracker's own, field by field (caches aside), and saves to
    the same bytes again; with caps small enough that forgotten authors are still counted."""
    monkeypatch.setattr(PromoTracker, "_KEPT_POSTS_CAP", 40)
    monkeypatch.setattr(PromoTracker, "_HOT_AUTHORS_CAP", 12)
    tracker = scored_chat(tmp_path / "one.db").tracker
    assert tracker._window.active >= 50  # the median is refreshed every 25 posts
    data = export_state(tracker)
    back = import_state(tracker.rules, data)
    assert plain(back) == plain(tracker)
    assert export_state(back) == data


# N: before the first save, on a save (56: the 8th batch), just after it, inside the burst
# (posts 200-213), inside the reply trail, between two copies of COPY, the last post.
@pytest.mark.parametrize("n", [1, 49, 56, 57, 63, 204, 207, 250, 331, 399])
@pytest.mark.parametrize("clean", [True, False], ids=["shut-down", "killed"])
def test_a_restart_flags_the_rest_as_an_uninterrupted_run(
    tmp_path: Path, n: int, clean: bool
) -> None:
    """Stored up to post N, shut down or killed, restarted, then the rest: the same verdicts;
    a shut-down console's restart scores nothing again, a killed one's fewer than SAVE_EVERY
    plus a batch."""
    live = uninterrupted(tmp_path / "one.db")
    first_part(str(tmp_path / "two.db"), n, clean)
    restarted, replayed = second_part(tmp_path / "two.db", n)
    assert_same_after(n, live, restarted)
    assert replayed == 0 if clean else replayed < SAVE_EVERY + BATCH


@pytest.mark.parametrize("n", [60, 205, 340])
def test_a_restart_when_the_caps_make_authors_forget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    """With histories capped small (authors forgotten while still in the rate window), the
    saved state still gives the uninterrupted run's verdicts."""
    monkeypatch.setattr(PromoTracker, "_KEPT_POSTS_CAP", 40)
    monkeypatch.setattr(PromoTracker, "_HOT_AUTHORS_CAP", 12)
    live = uninterrupted(tmp_path / "one.db")
    first_part(str(tmp_path / "two.db"), n, clean=False)
    restarted, replayed = second_part(tmp_path / "two.db", n)
    assert 0 < replayed < SAVE_EVERY + BATCH
    assert_same_after(n, live, restarted)


def test_state_saved_by_another_process_reads_the_same(tmp_path: Path) -> None:
    """Saved under one string-hash seed and restarted under another (as every new process
    is): the text shared across accounts is still recognised, the verdicts are the same."""
    n = 200  # COPY was posted at 45; its copies at 205 and 330 come after the restart
    live = uninterrupted(tmp_path / "one.db")
    path = tmp_path / "two.db"
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"  # not this process's
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    code = (
        "import sys; from tests.test_promo_restart import first_part; first_part(sys.argv[1], 200)"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, env=env, check=True)
    restarted, replayed = second_part(path, n)
    assert replayed == 0
    assert_same_after(n, live, restarted)


def _spoil(path: Path, what: str) -> None:
    """Change one thing of the saved state."""
    store = Store.open(path)
    chat = store.ensure_chat(TAG)
    saved = store.promo_state(chat)
    assert saved is not None
    if what == "fingerprint":
        saved = replace(saved, fingerprint="0.0.0:other-rules:t")
    elif what == "posts":
        saved = replace(saved, posts=saved.posts - 1)
    elif what == "damaged":
        data = bytearray(saved.state)
        data[len(data) // 2] ^= 0xFF
        saved = replace(saved, state=bytes(data))
    else:
        saved = SavedPromoState(saved.fingerprint, saved.upto, saved.posts, b"TPS1\x00")
    store.save_promo_state(chat, saved)
    store.close()


@pytest.mark.parametrize("what", ["fingerprint", "posts", "damaged", "truncated"])
def test_state_that_does_not_fit_is_not_read(tmp_path: Path, what: str) -> None:
    """Saved under other rules or version, for other posts, damaged or cut short: the restart
    scores the whole chat again (same verdicts), never from wrong state."""
    n = 150
    live = uninterrupted(tmp_path / "one.db")
    first_part(str(tmp_path / "two.db"), n)
    _spoil(tmp_path / "two.db", what)
    restarted, replayed = second_part(tmp_path / "two.db", n)
    assert replayed == n
    assert_same_after(n, live, restarted)


def test_a_file_before_the_saved_state_gets_its_table(tmp_path: Path) -> None:
    """A file of an earlier schema opens with the `promo_state` table (its migration), and its
    first restart scores every post again, then saves."""
    path = tmp_path / "old.db"
    first_part(str(path), 120, clean=False)
    store = Store.open(path)
    store.db.execute("DROP TABLE promo_state")
    store.db.execute("PRAGMA user_version = 5")
    store.close()
    live = uninterrupted(tmp_path / "one.db")
    restarted, replayed = second_part(path, 120)
    assert replayed == 120
    assert_same_after(120, live, restarted)
    again = Store.open(path)
    assert again.schema_version == SCHEMA_VERSION
    assert again.promo_state(again.ensure_chat(TAG)) is not None  # saved along the way
    again.close()


def test_the_console_saves_at_shutdown_and_its_restart_scores_nothing_again(
    tmp_path: Path,
) -> None:
    """The demo played in a session (saved every SAVE_EVERY posts as they are stored), shut
    down, reopened: the warm-up takes up the saved state (no post scored again) and the flagged
    authors are the same."""
    settings = Settings(tag="", demo=True, speed=0, db_path=tmp_path / "demo.db", clock=lambda: NOW)
    first = ChatSession(settings)
    first.warm_up()
    assert first.replay_source is not None
    first.replay_source.run(first.runner, threading.Event())
    scorer = first.scorer
    assert isinstance(scorer, PromoScorer) and scorer.scored > 400
    flags = scorer.tracker.author_flags()
    assert flags
    during = first.store.promo_state(first.chat_id)
    assert during is not None and during.posts >= SAVE_EVERY  # saved as the posts came
    first.runner.posts([make_post("late-1", "One more thought on rest #AidantsChat", "late")])
    first.shutdown()  # the last post is in the state saved here
    second = ChatSession(settings)
    second.warm_up()
    again = second.scorer
    assert isinstance(again, PromoScorer)
    assert again.scored == 0  # nothing scored again
    assert again.tracker.author_flags() == flags
    second.shutdown()
