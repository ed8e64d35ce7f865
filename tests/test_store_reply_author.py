"""A post's reply-to author (Post.reply_to_author_id) is stored (schema v5), backfilled from the
payload of older files, and back after a restart, where the promo scorer's reply-spray signal
(R2) reads it for a reply whose parent is no longer among the recent posts."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from tchat_tui.clients.bluesky.records import post_view_to_post
from tchat_tui.clients.mastodon.api import status_to_post
from tchat_tui.clients.x.stream_line import parse_stream_line
from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification, Classifier
from tchat_tui.domain.post import Network, Post, Role
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline import ingest as pipeline_module
from tchat_tui.pipeline.ingest import Flag, Pipeline
from tchat_tui.pipeline.scoring import PromoScorer
from tchat_tui.store.database import Store
from tchat_tui.store.posts import _POST_COLUMNS
from tchat_tui.store.rows import row_to_post
from tchat_tui.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from tests.factories import make_post, stream_line

HERE = Path(__file__).parent
MASTODON = HERE / "mastodon" / "fixtures"
BLUESKY = HERE / "bluesky" / "fixtures"


def x_post(native_id: str, reply_to_user: Any = None, *, reply_to: str | None = None) -> Post:
    """An X post parsed from a filtered-stream line whose tweet has `in_reply_to_user_id`."""
    obj = json.loads(stream_line(native_id, f"post {native_id} #T", "bob", reply_to=reply_to))
    if reply_to_user is not None:
        obj["data"]["in_reply_to_user_id"] = reply_to_user
    post = parse_stream_line(json.dumps(obj))
    assert post is not None
    return post


def mastodon_posts() -> list[Post]:
    """A reply (from its author's account) and a boost of a reply, as the source parses them."""
    reply = json.loads((MASTODON / "status_reply_created.json").read_text(encoding="utf-8"))
    boost = json.loads((MASTODON / "status_reblog_created.json").read_text(encoding="utf-8"))
    return [status_to_post(reply, "mastodon.example"), status_to_post(boost, "mastodon.example")]


def bluesky_posts() -> list[Post]:
    """Search results: two replies and the post they answer."""
    views = json.loads((BLUESKY / "search_first.json").read_text(encoding="utf-8"))["posts"]
    return [post_view_to_post(v, "public.api.bsky.app") for v in views]


def all_posts() -> list[Post]:
    return [x_post("900", "u-parent", reply_to="899"), x_post("901"), *mastodon_posts()] + (
        bluesky_posts()
    )


def stored(posts: list[Post]) -> list[ChatPost]:
    return [ChatPost(p, Classification(Role.PARTICIPANT)) for p in posts]


# -- (a) round trip ------------------------------------------------------------------------------


def test_the_parsers_set_a_reply_author_on_every_network() -> None:
    """The payloads below do carry one (else the round trip would prove nothing)."""
    by_key = {p.key: p.reply_to_author_id for p in all_posts()}
    assert by_key["x:900"] == "u-parent" and by_key["x:901"] is None
    assert by_key["mastodon:mastodon.example:115583360000000001"] == "110203557981224876"
    assert by_key["mastodon:mastodon.example:115583361111111111"] == "109876543210000001"
    bluesky = [p for p in all_posts() if p.network is Network.BLUESKY]
    assert {p.reply_to_author_id for p in bluesky} == {"did:plc:er7ie5wgtviscdi6scinb67d", None}


def test_reply_author_round_trips_on_every_network(tmp_path: Path) -> None:
    """add_posts then iter_posts + row_to_post give back each post's reply-to author."""
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("T")
    posts = all_posts()
    store.add_posts(chat, stored(posts))
    back = {p.key: p for p in map(row_to_post, store.iter_posts(chat))}
    assert set(back) == {p.key for p in posts}
    for post in posts:
        assert back[post.key].reply_to_author_id == post.reply_to_author_id, post.key
        assert back[post.key].reply_to_id == post.reply_to_id
    assert store.schema_version == SCHEMA_VERSION == 10


# -- (b) a schema v4 file ------------------------------------------------------------------------


def v4_file(path: Path) -> tuple[sqlite3.Connection, int]:
    """A chat database as schema v4 made it (MIGRATIONS[:4] applied), with one chat."""
    con = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(con, execute_plugins=False)
    for migration in MIGRATIONS[:4]:
        migration(db)
    con.execute("PRAGMA user_version = 4")
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute("INSERT INTO chats (id, tag) VALUES (1, 'T')")
    return con, 1


def insert_v4(con: sqlite3.Connection, chat: int, cp: ChatPost, **change: Any) -> None:
    """Store a post as a v4 tchat-live did: this version's row without reply_to_author."""
    values = Store._post_row(chat, cp, "2026-01-01T00:00:00.000+00:00")
    row = dict(zip(_POST_COLUMNS, values, strict=True))
    del row["reply_to_author"]
    row.update(change)
    cols = ", ".join(row)
    con.execute(f"INSERT INTO posts ({cols}) VALUES ({', '.join('?' * len(row))})", [*row.values()])


def test_opening_a_v4_file_backfills_the_reply_author(tmp_path: Path) -> None:
    """X from the tweet's in_reply_to_user_id, Mastodon from the status shown (the boosted one
    for a boost), Bluesky from the parent's URI; exactly what the parsers set, NULL where the
    payload says nothing or is not what a parser reads."""
    path = tmp_path / "v4.db"
    con, chat = v4_file(path)
    posts = all_posts()
    for cp in stored(posts):
        insert_v4(con, chat, cp)
    odd = {
        # not JSON, empty, JSON but not an object: json_extract would raise on the first
        "x:950": "{not json",
        "x:951": "",
        "x:952": "[1, 2]",
        "mastodon:mastodon.example:953": '{"in_reply_to_account_id": ',
    }
    for key, raw in odd.items():
        network, native = key.split(":", 1)
        post = (
            x_post(native, "someone")
            if network == "x"
            else replace(mastodon_posts()[0], native_id=native.rsplit(":", 1)[-1])
        )
        insert_v4(con, chat, stored([post])[0], raw=raw)
    # An integer id is read as Python's str() reads it; a boolean or an integer past 64 bits
    # (a real to SQLite) are not guessed at.
    typed = {"x:960": 12345, "x:961": True, "x:962": 2**64}
    for key, value in typed.items():
        insert_v4(con, chat, stored([x_post(key[2:], value)])[0])
    # A Mastodon '' is no one; a dry-run reply on Bluesky has no author replied to.
    empty = json.loads((MASTODON / "status_reply_created.json").read_text(encoding="utf-8"))
    empty["id"], empty["in_reply_to_account_id"] = "970", ""
    insert_v4(con, chat, stored([status_to_post(empty, "mastodon.example")])[0])
    dry = Post(
        Network.BLUESKY,
        "at://did:plc:me/app.bsky.feed.post/dry1",
        "did:plc:me",
        "me.example",
        "Me",
        "dry run #T",
        posts[0].created_at,
        reply_to_id="at://did:plc:er7ie5wgtviscdi6scinb67d/app.bsky.feed.post/3m63dxuj5kv2e",
    )
    insert_v4(con, chat, ChatPost(dry, Classification(Role.HOST), dry_run=True))
    con.close()

    store = Store.open(path)
    assert store.schema_version == SCHEMA_VERSION
    got = dict(store.db.execute("SELECT key, reply_to_author FROM posts").fetchall())
    for post in posts:  # what the parsers set, on every network
        assert got[post.key] == post.reply_to_author_id, post.key
    assert got["x:900"] == "u-parent"
    assert got["mastodon:mastodon.example:115583361111111111"] == "109876543210000001"  # boost
    assert all(got[key] is None for key in odd)
    assert (got["x:960"], got["x:961"], got["x:962"]) == ("12345", None, None)
    assert x_post("960", 12345).reply_to_author_id == "12345"
    assert got["mastodon:mastodon.example:970"] is None
    assert got[f"bluesky:{dry.native_id}"] is None
    restored = {p.key: p for p in map(row_to_post, store.iter_posts(chat))}
    assert restored["x:900"].reply_to_author_id == "u-parent"


def test_a_v4_file_of_malformed_payloads_only_opens(tmp_path: Path) -> None:
    """No row can stop the migration: every payload is checked before json_extract reads it."""
    path = tmp_path / "odd.db"
    con, chat = v4_file(path)
    for i, raw in enumerate(["{", "nul", '{"data": {"in_reply_to_user_id": 1', "\x00", "[]"]):
        insert_v4(con, chat, stored([x_post(str(i), "u")])[0], raw=raw)
    con.close()
    store = Store.open(path)
    assert store.schema_version == SCHEMA_VERSION
    rows = store.db.execute("SELECT reply_to_author FROM posts").fetchall()
    assert [r[0] for r in rows] == [None] * 5


# -- (c) a restart -------------------------------------------------------------------------------


class Recording:
    """A scorer that keeps each verdict (restore_history throws them away)."""

    def __init__(self) -> None:
        self.inner = PromoScorer("T")
        self.flags: dict[str, Flag] = {}

    def score(
        self, post: Post, classification: Classification, parent: Post | None, question: str | None
    ) -> Flag:
        flag = self.inner.score(post, classification, parent, question)
        self.flags[post.key] = flag
        return flag


def spray_chat() -> list[Post]:
    """Four people post, then enough others that their posts leave the recent window, then one
    account replies to each of the four with a link to the same shop (reply spray, R2)."""
    people = [
        make_post(f"p{i}", f"Hello all, glad to be here #T {i}", f"user{i}") for i in range(4)
    ]
    chatter = [
        make_post(f"c{i}", f"Answer number {i} about sleep and naps #T", f"chat{i}", minute=1 + i)
        for i in range(8)
    ]
    spray = [
        replace(
            make_post(
                f"s{i}",
                f"@user{i} totally agree, look at this #T",
                "seller",
                minute=10 + i,
                reply_to=f"p{i}",
                links=("https://shop.example/deal",),
            ),
            reply_to_author_id=f"id-user{i}",
        )
        for i in range(4)
    ]
    return people + chatter + spray


def test_a_restart_gives_the_live_promo_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replies' parents are older than the recent window at restore: only the stored reply
    author lets the replayed history see the spray, as the live scorer did."""
    monkeypatch.setattr(pipeline_module, "RECENT_POSTS", 5)
    roster = Roster(host="hostess")
    path = tmp_path / "spray.db"
    store = Store.open(path)
    chat = store.ensure_chat("T")
    live_scorer = Recording()
    live = Pipeline(store, chat, Classifier(roster, "T"), live_scorer)
    for post in spray_chat():
        live.process([post])
    assert live.parent_of(spray_chat()[-1]) is None  # its parent left the window long ago
    live_flags = live_scorer.flags
    assert any(r.startswith("replied to 4 participants") for r in live_flags["x:s3"].reasons)
    stored_flags = {
        r["key"]: Flag(r["promo_level"], r["promo_score"], tuple(json.loads(r["promo_reasons"])))
        for r in store.iter_posts(chat)
        if r["promo_reasons"]
    }
    assert stored_flags == {k: f for k, f in live_flags.items() if f.reasons}
    store.close()

    again = Store.open(path)
    restarted = Pipeline(again, chat, Classifier(roster, "T"))
    restarted.restore()
    replayed = Recording()
    restarted.restore_history(replayed)
    restored = {p.key: p for p in map(row_to_post, again.iter_posts(chat))}
    assert restored["x:s3"].reply_to_author_id == "id-user3"
    assert replayed.flags == live_flags
    seller = spray_chat()[-1].author_key
    assert replayed.inner.author_flag(seller) == live_scorer.inner.author_flag(seller)
    again.close()
