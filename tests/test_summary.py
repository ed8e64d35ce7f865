"""The after-chat summary: figures, answers in order, first-timers, thanks; hidden posts nowhere."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.plan.read import parse_plan
from tchat_tui.domain.post import Role
from tchat_tui.domain.summary import SummaryPost, post_url, rank_answers
from tchat_tui.report.build import SummaryError, build_summary
from tchat_tui.report.earlier_chats import earlier_first_timers
from tchat_tui.report.render import render
from tchat_tui.store.database import Store
from tests.factories import T0, make_post

PLAN = """\
tag = "#CareChat"
topic = "Caring for a parent"
start = 2026-11-26T19:00:00+01:00
host = "claire"
guests = ["nadia"]
co_moderators = ["tom"]
questions = ["What helps you most?", "What do you need?"]
[templates]
thanks = "Thank you all, and thank you {guests}! {tag}"
"""
SECRET = "SECRET hidden words"
STARRED_TEXT = "<script>alert(1)</script> & [link](http://evil.example) *bold* #CareChat"


def chat_post(
    native_id: str,
    text: str,
    handle: str,
    minute: float,
    *,
    role: Role = Role.PARTICIPANT,
    question: int | None = None,
    answers: int | None = None,
    likes: int = 0,
    repost: bool = False,
    promo: str = "none",
    dry_run: bool = False,
) -> ChatPost:
    """A classified post by `handle` at T0 + minute."""
    post = make_post(native_id, text, handle, minute=minute, repost_of="1" if repost else None)
    post = replace(post, metrics={"like_count": likes, "retweet_count": 0})
    return ChatPost(
        post,
        Classification(role=role, question_number=question, answers=answers),
        promo_level=promo,
        dry_run=dry_run,
        outgoing=dry_run,
    )


def build_chat(path: Path, *, new: bool = False) -> tuple[Store, int]:
    """The reference chat: two questions, answers, a guest, a star, a hidden and a deleted post."""
    store = Store.open(path)
    plan = parse_plan(PLAN, "plan.toml")
    chat = store.ensure_chat(
        "CareChat",
        topic=plan.topic,
        started_at=plan.start,
        plan_json=json.dumps(plan.to_dict()),
        new=new,
    )
    posts = [
        chat_post(
            "1", "Q1: What helps you most? #CareChat", "claire", 5, role=Role.HOST, question=1
        ),
        chat_post("3", "A1 my sister #CareChat", "ada", 6, answers=1, likes=10),
        chat_post("4", "A1 long walks #CareChat", "bob", 6.5, answers=1, likes=50),
        chat_post("5", "A1 rest #CareChat", "nadia", 7, role=Role.GUEST, answers=1),
        chat_post("6", "A1 my cat #CareChat", "cyd", 8, answers=1, likes=1),
        chat_post("7", "Thanks Ada! #CareChat", "claire", 9, role=Role.HOST, answers=1),
        chat_post("8", f"A1 {SECRET} #CareChat", "eve", 9, answers=1, likes=99),
        chat_post("10", "RT Q1", "ada", 6, repost=True),
        chat_post("11", "Buy now! cheap pills #CareChat", "spammy", 10, promo="red"),
        chat_post("12", STARRED_TEXT, "ada", 10.5),
        chat_post("13", "Keep your answers coming #CareChat", "tom", 11, role=Role.COMODERATOR),
        chat_post("14", "dry-run reply #CareChat", "claire", 12, role=Role.HOST, dry_run=True),
        chat_post("15", "oops #CareChat", "ada", 13),
        chat_post("2", "Q2: What do you need? #CareChat", "claire", 20, role=Role.HOST, question=2),
        chat_post("9", "A2 sleep #CareChat", "bob", 21, answers=2),
    ]
    store.add_posts(chat, posts)
    store.set_planned_questions(
        chat, [(1, "What helps you most?", None), (2, "What do you need?", None)]
    )
    store.set_starred(chat, "x:6", "tom", True)
    store.set_starred(chat, "x:12", "tom", True)
    store.set_hidden(chat, "x:8", "tom", True)
    store.mark_deleted("x:15")
    return store, chat


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s, _ = build_chat(tmp_path / "care.db")
    return s


def test_figures(store: Store) -> None:
    """Visible originals only: hidden, deleted, dry-run and reposts are not posts."""
    s = build_summary(store)
    st = s.stats
    assert (st.posts, st.reposts, st.participants, st.answers) == (11, 1, 7, 5)
    assert (st.hidden, st.deleted, st.flagged, st.flagged_red, st.starred) == (1, 1, 1, 1, 2)
    assert st.per_network == {"x": 11}
    assert st.peak_minute == T0 + timedelta(minutes=6) and st.peak_posts == 2


def test_title_date_and_people(store: Store) -> None:
    """Title, date in the plan's zone, host, guests and co-moderators come from the plan."""
    s = build_summary(store)
    assert s.title == "#CareChat: Caring for a parent"
    assert s.start == T0 and s.end == T0 + timedelta(minutes=60)
    assert s.local(s.start).isoformat() == "2026-11-26T19:00:00+01:00"
    assert (s.host, s.guests, s.co_moderators) == ("claire", ("nadia",), ("tom",))


def test_answers_ranked_starred_guest_engagement(store: Store) -> None:
    """Q1's answers: starred first, then the guest, then by likes (the ids list); the host's reply
    is not one. The few quoted are the first of that order, shown in the order they were written."""
    q1, q2 = build_summary(store).questions
    assert (q1.number, q1.text, q1.post_id) == (1, "What helps you most?", "1")
    assert q1.answer_ids == ("6", "5", "4", "3")
    assert q1.answerers == 4
    assert [p.native_id for p in q1.top_answers] == ["3", "4", "5", "6"]
    assert q1.top_answers[3].starred and q1.top_answers[2].role == "guest"
    assert q2.answer_ids == ("9",)


def test_top_answers_are_cut_but_all_ids_listed(store: Store) -> None:
    """Markdown and HTML show the first N answers; the ids list keeps them all."""
    q1 = build_summary(store, top_answers=2).questions[0]
    assert [p.native_id for p in q1.top_answers] == ["5", "6"]
    assert q1.answer_count == 4


def test_hidden_posts_are_nowhere(store: Store) -> None:
    """A hidden post is counted as hidden and appears in no list, no count, no text."""
    s = build_summary(store)
    assert "eve" not in s.participants
    assert all("8" not in q.answer_ids for q in s.questions)
    assert SECRET not in repr(s.to_json())


def test_highlights_are_starred_posts(store: Store) -> None:
    """Highlights: starred visible posts in time order."""
    assert [p.native_id for p in build_summary(store).highlights] == ["6", "12"]


def test_muted_authors_are_quoted_nowhere(store: Store) -> None:
    """A muted author's starred answer is no highlight and no top answer (md and json), like a
    hidden post's; it is still counted: an answer, a participant, a muted author."""
    chat = build_summary(store).chat_id
    store.set_muted(chat, "x:id-cyd", "tom", True)
    s = build_summary(store)
    assert [p.native_id for p in s.highlights] == ["12"]
    q1 = s.questions[0]
    assert [p.native_id for p in q1.top_answers] == ["3", "4", "5"]
    assert q1.answer_ids == ("6", "5", "4", "3") and q1.answerers == 4
    assert (s.stats.answers, s.stats.muted_authors, s.stats.starred) == (5, 1, 1)
    assert "cyd" in s.participants and "cyd" not in s.to_thank
    assert "A1 my cat" not in render(s, "md") and "A1 my cat" not in render(s, "html")
    data = json.loads(render(s, "json"))
    assert [h["post_id"] for h in data["highlights"]] == ["12"]
    assert "A1 my cat" not in json.dumps(data)


def test_contributors_and_thanks(store: Store) -> None:
    """Top contributors are participants, most answers and replies first (the host team is
    apart); participants to thank leave out host, guests, moderators and promo accounts."""
    s = build_summary(store)
    assert [c.handle for c in s.top_contributors] == ["bob", "ada", "cyd"]
    assert [c.handle for c in s.host_team] == ["claire", "nadia", "tom"]
    assert s.to_thank == ("bob", "ada", "cyd")
    assert set(s.participants) == {"claire", "ada", "bob", "nadia", "cyd", "spammy", "tom"}


def test_first_timers_across_the_folder(tmp_path: Path) -> None:
    """Seen in an earlier chat with the tag (same database or another *.db in the folder): not
    a first-timer; the host team is never called one."""
    older = Store.open(tmp_path / "last-week.db")
    old_chat = older.ensure_chat("CareChat")
    older.add_posts(old_chat, [chat_post("100", "hi #CareChat", "ada", -7 * 24 * 60)])
    older.close()
    sqlite3.connect(tmp_path / "other-app.db").execute("CREATE TABLE t (x)").connection.close()
    (tmp_path / "broken.db").write_text("not sqlite")
    store, _ = build_chat(tmp_path / "care.db")
    firsts = earlier_first_timers(store, 1, look_in_folder=True)
    s = build_summary(store, first_timers=firsts)
    assert s.first_timers is not None and "ada" not in s.first_timers
    assert set(s.first_timers) == {"bob", "cyd", "spammy"}
    assert s.stats.first_time_participants == 3
    assert earlier_first_timers(store, 1, look_in_folder=False) is None
    store.close()
    shutil.copy(tmp_path / "care.db", tmp_path / "care-backup.db")
    store = Store.open(tmp_path / "care.db")
    again = build_summary(store, first_timers=earlier_first_timers(store, 1, look_in_folder=True))
    assert again.first_timers == s.first_timers, "a copy of the same chat is not an earlier one"


def test_first_timers_in_the_same_database(tmp_path: Path) -> None:
    """An earlier chat with the tag in the same database counts; the newest chat is summarized
    by default."""
    store = Store.open(tmp_path / "care.db")
    first = store.ensure_chat("CareChat")
    store.add_posts(first, [chat_post("100", "hi #CareChat", "cyd", -7 * 24 * 60)])
    store.close()
    store, chat = build_chat(tmp_path / "care.db", new=True)
    assert chat != first
    s = build_summary(store, first_timers=earlier_first_timers(store, chat, look_in_folder=False))
    assert s.chat_id == chat and s.first_timers == ("bob", "ada", "spammy")
    assert build_summary(store, first).stats.posts == 1


@pytest.mark.parametrize("other_tag", [None, "OtherChat"])
def test_no_earlier_chat_means_no_first_timers(tmp_path: Path, other_tag: str | None) -> None:
    """Without an earlier chat with the tag (none at all, or only another tag's), nobody is a
    first-timer and neither the figures nor the recap mention first-timers."""
    if other_tag:
        other = Store.open(tmp_path / "other.db")
        earlier = other.ensure_chat(other_tag)
        other.add_posts(earlier, [chat_post("100", "hi", "ada", -7 * 24 * 60)])
        other.close()
    store, _ = build_chat(tmp_path / "care.db")
    assert earlier_first_timers(store, 1, look_in_folder=True) is None
    s = build_summary(store)
    assert s.first_timers is None and s.stats.first_time_participants is None
    assert not any(c.first_time for c in s.everyone)
    for fmt in ("md", "html"):
        out = render(s, fmt).casefold()
        assert "first time" not in out and "first-time" not in out


def test_unknown_chat_is_one_line(store: Store) -> None:
    """Asking for a chat the database does not have names the ones it has."""
    with pytest.raises(SummaryError, match=r"has no chat 9 \(its chats: 1\)"):
        build_summary(store, 9)


def test_empty_database_has_no_chat(tmp_path: Path) -> None:
    """A chat database with no chat says so."""
    with pytest.raises(SummaryError, match="has no chat yet"):
        build_summary(Store.open(tmp_path / "empty.db"))


def test_sql_order_is_the_domain_rule(tmp_path: Path) -> None:
    """The SQL ranking of answers equals `rank_answers` on random starred/guest/likes mixes."""
    rng = random.Random(3)
    store = Store.open(tmp_path / "r.db")
    chat = store.ensure_chat("T")
    posts = [chat_post("1", "Q1: x? #T", "host", 0, role=Role.HOST, question=1)]
    expected = []
    for i in range(2, 80):
        guest = rng.random() < 0.2
        handle = f"g{i}" if guest else f"p{i}"
        likes = rng.choice([0, 1, 5, 5, 30])
        role = Role.GUEST if guest else Role.PARTICIPANT
        posts.append(
            chat_post(str(i), "A1 x #T", handle, i / 10, role=role, answers=1, likes=likes)
        )
        expected.append((str(i), role, likes, T0 + timedelta(minutes=i / 10)))
    store.add_posts(chat, posts)
    starred = {str(i) for i in rng.sample(range(2, 80), 6)}
    for key in starred:
        store.set_starred(chat, f"x:{key}", "mod", True)
    ranked = rank_answers(
        SummaryPost(nid, "x", "h", "h", role.value, "", at, nid in starred, likes)
        for nid, role, likes, at in expected
    )
    q1 = build_summary(store, chat).questions[0]
    assert list(q1.answer_ids) == [p.native_id for p in ranked]


@pytest.mark.parametrize(
    ("network", "native_id", "handle", "instance", "url"),
    [
        ("x", "123", "ada", None, "https://x.com/ada/status/123"),
        (
            "mastodon",
            "99",
            "ada@example.social",
            "example.social",
            "https://example.social/@ada/99",
        ),
        (
            "bluesky",
            "at://did:plc:abc/app.bsky.feed.post/3k2",
            "ada.bsky.social",
            None,
            "https://bsky.app/profile/did:plc:abc/post/3k2",
        ),
        ("bluesky", "weird", "ada", None, None),
    ],
)
def test_post_urls(
    network: str, native_id: str, handle: str, instance: str | None, url: str | None
) -> None:
    """Each quoted post links to its network's page."""
    assert post_url(network, native_id, handle, instance) == url


def test_summary_is_a_snapshot_of_now(store: Store) -> None:
    """Building twice gives the same summary (nothing is written to the database)."""
    before = store.db.execute("SELECT count(*) FROM actions").fetchone()[0]
    assert build_summary(store).to_json() == build_summary(store).to_json()
    assert store.db.execute("SELECT count(*) FROM actions").fetchone()[0] == before


def test_chat_without_plan_guesses_people(tmp_path: Path) -> None:
    """No plan stored: host and guests come from the roles the posts were classified with."""
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("T")
    store.add_posts(
        chat,
        [
            chat_post("1", "Q1: x? #T", "hoster", 0, role=Role.HOST, question=1),
            chat_post("2", "A1 y #T", "guesty", 1, role=Role.GUEST, answers=1),
        ],
    )
    s = build_summary(store)
    assert (s.host, s.guests, s.tag) == ("hoster", ("guesty",), "#T")
    assert s.questions[0].text == "x?"
    assert s.start == datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
