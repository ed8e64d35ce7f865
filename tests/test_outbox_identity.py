"""Dry-run posts are the host's as the chat knows her; retweets read like X's; sends are logged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network, Post
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.publish.base import DryRunPublisher
from tchat_tui.publish.outbox import AlreadyReposted, Outbox
from tchat_tui.store.database import Store
from tests.factories import T0, make_post

NETWORKS = (Network.X, Network.MASTODON)


def make(
    tmp_path: Path,
    host: str | None = "claire_morel",
    *,
    host_handle: str | None = None,
    posts: list[Post] | None = None,
    reopen: bool = False,
) -> Outbox:
    """An outbox on dry-run publishers (X and Mastodon) after the stream stored `posts`.

    `reopen`: the posts were stored by an earlier run (import) with no host configured, and the
    chat is opened again with the roster `host`.
    """
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("T")
    first = Pipeline(store, chat, Classifier(Roster(None if reopen else host), "T"))
    if posts:
        first.process(posts)
    pipe = first if not reopen else Pipeline(store, chat, Classifier(Roster(host), "T"))
    if reopen:
        pipe.restore()
    return Outbox(
        store,
        chat,
        {n: DryRunPublisher(n) for n in NETWORKS},
        pipe,
        host_handle=host_handle or host or "root",
        clock=lambda: T0,
    )


def send(box: Outbox, text: str, network: Network = Network.X, **kw: object) -> dict[str, object]:
    """Submit one row, send it, return the stored post."""
    [row] = box.submit(text, [network], moderator=str(kw.pop("moderator", "ana")), **kw)  # type: ignore[arg-type]
    [done] = box.process_pending()
    assert done["status"] == "dry-run", done  # recorded, never sent
    prefix = "x:" if network is Network.X else f"{network.value}:"
    rows = [r for r in box.store.recent_posts(box.chat_id) if r["native_id"] == f"dry-{row['id']}"]
    assert len(rows) == 1 and rows[0]["key"].startswith(prefix)
    return dict(rows[0])


def hosts_posts(minute: float = 0) -> list[Post]:
    """The host's own posts as the X stream gave them, and a participant's answer."""
    host = replace(
        make_post("100", "Q1: What helps you rest? #T", "claire_morel", minute=minute),
        author_id="262144917",
        author_name="Claire Morel 🌿",
    )
    sarah = make_post(
        "101", "@claire_morel A1. Speech therapy exercises #T", "sarah_j", minute=minute + 1
    )
    return [host, sarah]


def mastodon_host() -> Post:
    """The host on Mastodon, read through `social.example`."""
    return Post(
        network=Network.MASTODON,
        native_id="900",
        author_id="77",
        author_handle="claire_morel@social.example",
        author_name="Claire (Mastodon)",
        text="Q1: What helps you rest? #T",
        created_at=T0,
        instance="social.example",
    )


def test_a_dry_run_post_is_the_stored_hosts(tmp_path: Path) -> None:
    """The host seen on the stream writes the dry-run post: her key, id, name and HOST role."""
    box = make(tmp_path, posts=hosts_posts())
    post = send(box, "Welcome everyone #T")
    assert (post["author_key"], post["author_handle"], post["author_name"], post["role"]) == (
        "x:262144917",
        "claire_morel",
        "Claire Morel 🌿",
        "host",
    )
    assert post["dry_run"] == 1 and post["outgoing"] == 1
    authors = box.store.db.execute(
        "SELECT key FROM authors WHERE lower(handle) = 'claire_morel'"
    ).fetchall()
    assert authors == [("x:262144917",)]  # one author row for her, not a second one


def test_without_a_stored_host_the_configured_handle_writes(tmp_path: Path) -> None:
    """Before the host posted anything, her configured handle writes the dry-run post."""
    box = make(tmp_path, posts=[make_post("101", "A1 naps #T", "sarah_j")])
    post = send(box, "Welcome everyone #T")
    assert (post["author_key"], post["author_handle"], post["role"]) == (
        "x:claire_morel",
        "claire_morel",
        "host",
    )


def test_the_host_is_found_once_she_posts(tmp_path: Path) -> None:
    """A first dry-run post before she appears, the next ones after: hers once she is stored."""
    box = make(tmp_path)
    assert send(box, "Welcome #T")["author_key"] == "x:claire_morel"
    box.pipeline.process(hosts_posts(minute=2))
    assert send(box, "Thanks #T")["author_key"] == "x:262144917"


def test_a_reopened_import_without_plan_keeps_the_host_it_found(tmp_path: Path) -> None:
    """The import promoted the first Q1 poster to host; reopened without a plan, no moderator
    handle (the Unix user) writes: the stored host does, with her HOST label."""
    box = make(tmp_path, host=None, host_handle="root", posts=hosts_posts(), reopen=True)
    post = send(box, "Merci à toutes et tous #T")
    assert (post["author_key"], post["author_handle"], post["role"]) == (
        "x:262144917",
        "claire_morel",
        "host",
    )


def test_with_no_host_known_at_all_the_given_handle_writes(tmp_path: Path) -> None:
    """No host configured nor stored: as before, the handle the outbox was given."""
    box = make(
        tmp_path, host=None, host_handle="root", posts=[make_post("101", "A1 naps #T", "sarah_j")]
    )
    post = send(box, "hello #T")
    assert (post["author_key"], post["author_handle"]) == ("x:root", "root")


def test_each_network_uses_the_host_account_seen_there(tmp_path: Path) -> None:
    """On Mastodon the host's Mastodon account writes (its instance too); on X her X account."""
    box = make(tmp_path, posts=hosts_posts())
    # The chat knows her as host on Mastodon too (under her Mastodon handle, `acct@instance`).
    masto_roster = Classifier(Roster("claire_morel@social.example"), "T")
    Pipeline(box.store, box.chat_id, masto_roster).process([mastodon_host()])
    masto = send(box, "Welcome #T", Network.MASTODON)
    assert (masto["author_key"], masto["author_handle"], masto["author_name"]) == (
        "mastodon:social.example:77",
        "claire_morel@social.example",
        "Claire (Mastodon)",
    )
    assert masto["instance"] == "social.example"
    x = send(box, "Welcome #T", Network.X)
    assert (x["author_key"], x["author_name"]) == ("x:262144917", "Claire Morel 🌿")


def test_a_mastodon_post_without_a_mastodon_host_is_not_the_x_account(tmp_path: Path) -> None:
    """The X account is not borrowed for another network: the configured handle writes there."""
    box = make(tmp_path, posts=hosts_posts())
    masto = send(box, "Welcome #T", Network.MASTODON)
    assert masto["author_key"] == "mastodon:claire_morel"


def test_a_dry_run_retweet_reads_like_xs_own(tmp_path: Path) -> None:
    """`RT @author: original text`, by the host, a repost of the original."""
    box = make(tmp_path, posts=hosts_posts())
    target = {"key": "x:101", "network": "x", "native_id": "101"}
    post = send(
        box,
        "@claire_morel A1. Speech therapy exercises #T",
        kind="repost",
        reply_to=target,
    )
    assert post["text"] == "RT @sarah_j: @claire_morel A1. Speech therapy exercises #T"
    assert (post["is_repost"], post["repost_of_key"], post["author_key"], post["role"]) == (
        1,
        "x:101",
        "x:262144917",
        "host",
    )
    assert "sarah_j" in post["mentions"] and "T" in post["hashtags"]


@pytest.mark.parametrize("status", ["pending", "sent"])
def test_a_second_retweet_of_the_same_post_is_refused(tmp_path: Path, status: str) -> None:
    """Queued or sent, by any moderator: the same post is not retweeted twice."""
    box = make(tmp_path, posts=hosts_posts())
    target = {"key": "x:101", "network": "x", "native_id": "101"}
    box.submit("A1", [Network.X], moderator="ana", kind="repost", reply_to=target)
    if status == "sent":
        box.process_pending()
    with pytest.raises(AlreadyReposted) as refused:
        box.submit("A1", [Network.X], moderator="bob", kind="repost", reply_to=target)
    assert refused.value.row["moderator"] == "ana"
    assert "already retweeted" in str(refused.value)
    assert len(box.store.outbox(box.chat_id)) == 1
    other = {"key": "x:100", "network": "x", "native_id": "100"}
    box.submit("Q1", [Network.X], moderator="bob", kind="repost", reply_to=other)  # another post


def test_a_failed_retweet_may_be_tried_again(tmp_path: Path) -> None:
    """Only a retweet pending, on its way or sent blocks another."""
    box = make(tmp_path, posts=hosts_posts())
    target = {"key": "x:101", "network": "x", "native_id": "101"}
    [row] = box.submit("A1", [Network.X], moderator="ana", kind="repost", reply_to=target)
    box.store.outbox_update(row["id"], status="failed", error="refused")
    box.submit("A1", [Network.X], moderator="ana", kind="repost", reply_to=target)


def test_every_submission_is_a_moderator_action(tmp_path: Path) -> None:
    """Posts, questions, replies and retweets are logged with who sent them."""
    box = make(tmp_path, posts=hosts_posts())
    target = {"key": "x:101", "network": "x", "native_id": "101"}
    box.submit("Welcome #T", [Network.X], moderator="ana")
    box.submit("Q2: What gets in the way? #T", [Network.X, Network.MASTODON], moderator="bob")
    box.submit("Thank you Sarah #T", [Network.X], moderator="ana", kind="reply", reply_to=target)
    box.submit("A1", [Network.X], moderator="bob", kind="repost", reply_to=target)
    logged = [
        (r["moderator"], r["action"], r["target"], r["detail"])
        for r in reversed(box.store.actions(box.chat_id))
    ]
    assert logged == [
        ("ana", "post", "Welcome #T", "[dry-run] x"),
        ("bob", "question", "Q2: What gets in the way? #T", "[dry-run] x, mastodon"),
        ("ana", "reply", "x:101", "[dry-run] Thank you Sarah #T"),
        ("bob", "retweet", "x:101", "[dry-run] x"),
    ]


def test_a_refused_retweet_is_not_logged(tmp_path: Path) -> None:
    """Only what went into the outbox is in the log."""
    box = make(tmp_path, posts=hosts_posts())
    target = {"key": "x:101", "network": "x", "native_id": "101"}
    box.submit("A1", [Network.X], moderator="ana", kind="repost", reply_to=target)
    with pytest.raises(AlreadyReposted):
        box.submit("A1", [Network.X], moderator="bob", kind="repost", reply_to=target)
    assert [r["action"] for r in box.store.actions(box.chat_id)] == ["retweet"]


def test_a_post_the_host_retweeted_in_the_stream_is_not_retweeted_again(tmp_path: Path) -> None:
    """The host's retweet stored from the stream blocks the console's; a participant's does not."""
    host_rt = make_post(
        "102",
        "RT @sarah_j: @claire_morel A1. Speech therapy exercises #T",
        "claire_morel",
        minute=2,
        repost_of="101",
        author_id="262144917",
    )
    other_rt = make_post("103", "RT @claire_morel: Q1 #T", "sarah_j", minute=3, repost_of="100")
    box = make(tmp_path, posts=[*hosts_posts(), host_rt, other_rt])
    target = {"key": "x:101", "network": "x", "native_id": "101"}
    with pytest.raises(AlreadyReposted) as refused:
        box.submit("A1", [Network.X], moderator="bob", kind="repost", reply_to=target)
    assert refused.value.post is not None and refused.value.post["key"] == "x:102"
    assert refused.value.row == {}
    assert "already retweeted by the host" in str(refused.value)
    assert box.store.outbox(box.chat_id) == [] and box.store.actions(box.chat_id) == []
    question = {"key": "x:100", "network": "x", "native_id": "100"}
    box.submit("Q1", [Network.X], moderator="bob", kind="repost", reply_to=question)
