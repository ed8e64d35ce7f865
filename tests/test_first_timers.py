"""The first-timer rule over several chat databases: earlier chats with the tag, the same person per
network (any case), imported chats, copies, the team never first-timers."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.first_timers import author_identity
from tchat_tui.domain.post import Network, Post, Role
from tchat_tui.store.database import Store
from tchat_tui.store.first_timers import first_timers
from tests.factories import T0, stream_line

WEEK = 7 * 24 * 60


def post(
    native_id: str,
    handle: str,
    minute: float,
    *,
    network: Network = Network.X,
    instance: str | None = None,
    author_id: str | None = None,
    role: Role = Role.PARTICIPANT,
    dry_run: bool = False,
) -> ChatPost:
    """A post by `handle` at T0 + minute on `network`."""
    p = Post(
        network=network,
        native_id=native_id,
        author_id=author_id or f"id-{handle.casefold()}-{network.value}",
        author_handle=handle,
        author_name=handle,
        text="hello #CareChat",
        created_at=T0 + timedelta(minutes=minute),
        instance=instance,
    )
    return ChatPost(p, Classification(role=role), dry_run=dry_run, outgoing=dry_run)


def chat_db(path: Path, tag: str, posts: list[ChatPost], *, new: bool = False) -> tuple[Store, int]:
    """A database at `path` with one more chat on `tag` holding `posts`."""
    store = Store.open(path)
    chat = store.ensure_chat(tag, new=new)
    store.add_posts(chat, posts)
    return store, chat


def tonight(path: Path) -> tuple[Store, int]:
    """Tonight's chat: the host, a guest and four participants."""
    return chat_db(
        path,
        "CareChat",
        [
            post("t1", "hostess", 0, role=Role.HOST),
            post("t2", "guest1", 1, role=Role.GUEST),
            post("t3", "Ada", 2),
            post("t4", "bob", 3),
            post("t5", "claire", 4, network=Network.BLUESKY, author_id="did:plc:claire"),
            post("t6", "dee", 5, network=Network.MASTODON, instance="toot.example"),
        ],
    )


def test_no_earlier_chat_means_no_first_timer(tmp_path: Path) -> None:
    """Alone with its tag, a chat has no first-timers, and says why."""
    store, chat = tonight(tmp_path / "carechat.db")
    chat_db(tmp_path / "other.db", "OtherTag", [post("o1", "ada", -WEEK)])[0].close()
    ft = first_timers(store, chat, tmp_path)
    assert not ft.any_earlier and ft.authors == frozenset()
    assert ft.note() == "no earlier chat with #CareChat"
    assert not ft.is_first_timer("x:id-zed", "x", "zed", None, "participant")


def test_seen_in_another_database_of_the_data_folder(tmp_path: Path) -> None:
    """Last week's chat in another file of the data folder: its authors are not first-timers;
    the same handle in another case is the same person; the host never is one."""
    data = tmp_path / "data"
    data.mkdir()
    chat_db(data / "archive.db", "carechat", [post("a1", "ADA", -WEEK, author_id="other-id")])[
        0
    ].close()
    store, chat = tonight(tmp_path / "elsewhere" / "carechat.db")
    ft = first_timers(store, chat, data)
    assert ft.any_earlier and [c.where for c in ft.earlier] == ["archive.db"]
    handles = {store.author(k)["handle"] for k in ft.authors}  # type: ignore[index]
    assert handles == {"guest1", "bob", "claire", "dee"}
    assert ft.note() == "4 first-timers (1 earlier chat with #CareChat)"
    assert not first_timers(store, chat).any_earlier, "without the data folder: not found"


@pytest.mark.parametrize(
    ("earlier", "first_timer"),
    [
        (post("e", "bob", -WEEK), False),
        (post("e", "BOB", -WEEK, author_id="renamed"), False),
        (post("e", "bob", -WEEK, network=Network.MASTODON, instance="m.example"), True),
        (post("e", "bob.bsky.social", -WEEK, network=Network.BLUESKY), True),
        (post("e", "zed", -WEEK, author_id="id-bob-x"), False),
    ],
)
def test_the_same_person_is_per_network(
    tmp_path: Path, earlier: ChatPost, first_timer: bool
) -> None:
    """Seen before: the same account, or the same handle on the same network in any case; the
    same name on Mastodon or Bluesky is somebody else."""
    chat_db(tmp_path / "old.db", "CareChat", [earlier, post("e2", "someone", -WEEK)])[0].close()
    store, chat = tonight(tmp_path / "carechat.db")
    ft = first_timers(store, chat)
    assert ("x:id-bob-x" in ft.authors) is first_timer


def test_mastodon_local_and_remote_forms_are_one_account(tmp_path: Path) -> None:
    """A Mastodon account read on its own instance ('dee') is 'dee@toot.example' read elsewhere."""
    remote = post("m1", "Dee@toot.example", -WEEK, network=Network.MASTODON, instance="m.example")
    chat_db(tmp_path / "old.db", "CareChat", [remote])[0].close()
    store, chat = tonight(tmp_path / "carechat.db")
    ft = first_timers(store, chat)
    assert "mastodon:toot.example:id-dee-mastodon" not in ft.authors
    assert author_identity("mastodon", "dee", "toot.example") == author_identity(
        "mastodon", "@DEE@toot.example", "m.example"
    )
    assert author_identity("x", "dee") != author_identity("bluesky", "dee.bsky.social")


def test_earlier_chat_in_the_same_database(tmp_path: Path) -> None:
    """An earlier chat in the same database counts; a later one, an empty one, a dry run's
    author and another tag's chat do not."""
    path = tmp_path / "carechat.db"
    store, old = chat_db(path, "CareChat", [post("o1", "bob", -WEEK)])
    store.ensure_chat("CareChat", new=True)  # created, never used: no posts
    store.add_posts(
        store.ensure_chat("OtherTag", new=True),
        [post("x1", "claire", -WEEK, network=Network.BLUESKY)],
    )
    store.close()
    store, chat = tonight(path)
    assert chat != old
    store.add_posts(chat, [post("t7", "eve", 9, dry_run=True, role=Role.HOST)])
    later = store.ensure_chat("carechat", new=True)
    store.add_posts(
        later, [post("l1", "dee", WEEK, network=Network.MASTODON, instance="toot.example")]
    )
    ft = first_timers(store, chat, tmp_path)  # its own folder as the data folder: read once
    assert [(c.where, c.chat_id) for c in ft.earlier] == [("carechat.db", old)]
    assert "x:id-bob-x" not in ft.authors
    assert {
        "x:id-ada-x",
        "bluesky:did:plc:claire",
        "mastodon:toot.example:id-dee-mastodon",
    } <= ft.authors
    assert "x:id-hostess-x" not in ft.authors, "the host is never a first-timer"
    assert "x:id-guest1-x" in ft.authors, "a guest can be one"


def test_a_copy_of_this_chat_is_not_an_earlier_one(tmp_path: Path) -> None:
    """A backup of tonight's database beside it, and files that are no chat database, change
    nothing; a file that cannot be read is named."""
    store, chat = tonight(tmp_path / "carechat.db")
    store.close()
    shutil.copy(tmp_path / "carechat.db", tmp_path / "carechat-backup.db")
    sqlite3.connect(tmp_path / "other-app.db").execute("CREATE TABLE t (x)").connection.close()
    (tmp_path / "broken.db").write_text("not sqlite at all, not even close" * 100)
    store = Store.open(tmp_path / "carechat.db")
    ft = first_timers(store, chat, tmp_path)
    assert not ft.any_earlier
    assert ft.unreadable == ("broken.db",)


def test_later_arrivals_and_imported_chats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Last year's chat imported with `tchat-live import` into the data folder counts; an author
    who posts after the rule ran is asked with `is_first_timer`."""
    data = tmp_path / "data"
    data.mkdir()
    src = tmp_path / "last-year.jsonl"
    lines = [
        stream_line("900", "Q1 hello #CareChat", "hostess", minute=-WEEK),
        stream_line("901", "A1 hi #CareChat", "bob", minute=-WEEK + 1),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", str(src), "--db", str(data / "imported.db"), "--host", "hostess"]) == 0
    store, chat = tonight(tmp_path / "carechat.db")
    ft = first_timers(store, chat, data)
    assert [c.where for c in ft.earlier] == ["imported.db"]
    assert "x:id-bob-x" not in ft.authors and "x:id-ada-x" in ft.authors
    assert not ft.is_first_timer("x:id-bob", "x", "Bob", None, "participant")
    assert ft.is_first_timer("x:id-zed", "x", "zed", None, "participant")
    assert not ft.is_first_timer("x:id-zed", "x", "zed", None, "co-moderator")
