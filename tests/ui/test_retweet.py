"""Pilot test of the console's retweet: X's own form, as the host, once."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import CHAT, settle, toasts
from tests.ui.test_console import actions, screen_of, select, wait_for

ALL = len(CHAT)


async def test_t_retweets_as_the_host_once(make_app: Any, monkeypatch: Any) -> None:
    """t on a participant's post: `RT @ada: ...` shown as the host's, dry-run; t again is refused."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "102")
        await pilot.press("t")
        pane = screen_of(pilot).stream
        await wait_for(pilot, lambda: len(pane.entries) == ALL + 1)
        mine = pane.entries[-1]
        assert (mine.text, mine.handle, mine.role) == (
            "RT @ada: A1 naps, honestly #T",
            "hostess",
            "host",
        )
        assert (mine.is_repost, mine.dry_run, mine.outgoing) == (True, True, True)
        assert mine.author_key == "x:id-hostess"  # the host as the stream showed her
        row = app.session.store.post(mine.key)
        assert row is not None and row["repost_of_key"] == "x:102"

        await select(pilot, "102")
        await pilot.press("t")
        await wait_for(pilot, lambda: any("already retweeted" in m for m in said))
        await pilot.pause(0.2)
        assert len(pane.entries) == ALL + 1
        outbox = app.session.store.outbox(app.session.chat_id)
        assert [(r["kind"], r["status"], r["moderator"]) for r in outbox] == [
            ("repost", "dry-run", "ana")
        ]
        logged = app.session.store.actions(app.session.chat_id)
        assert [(r["moderator"], r["action"], r["target"]) for r in logged] == [
            ("ana", "retweet", "x:102")
        ]


async def test_t_on_a_retweet_retweets_its_original(make_app: Any, monkeypatch: Any) -> None:
    """A retweet is retweeted as its original (`RT @ada: ...`, not `RT @bob: RT @ada: ...`);
    one whose original this chat never stored is refused with the reason."""
    from tchat_tui.domain.chat_post import ChatPost
    from tchat_tui.domain.classify import Classification
    from tchat_tui.domain.post import Role
    from tests.factories import make_post

    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        reposts = [
            make_post("801", "RT @ada: A1 naps, honestly #T", "bob", minute=20, repost_of="102"),
            make_post("802", "RT @zed: elsewhere #T", "bob", minute=21, repost_of="999"),
        ]
        for post in reposts:
            app.session.runner.fresh.append(ChatPost(post, Classification(Role.PARTICIPANT)))
        app.session.store.add_posts(
            app.session.chat_id,
            [ChatPost(p, Classification(Role.PARTICIPANT)) for p in reposts],
        )
        screen.drain()
        pane = screen.stream
        await wait_for(pilot, lambda: len(pane.entries) == ALL + 2)
        await select(pilot, "801")
        await pilot.press("t")
        await wait_for(pilot, lambda: len(pane.entries) == ALL + 3)
        mine = pane.entries[-1]
        assert mine.text == "RT @ada: A1 naps, honestly #T" and mine.handle == "hostess"
        row = app.session.store.post(mine.key)
        assert row is not None and row["repost_of_key"] == "x:102"
        await select(pilot, "802")
        await pilot.press("t")
        await wait_for(pilot, lambda: any("has not stored" in m for m in said))
        assert len(pane.entries) == ALL + 3


async def test_t_refuses_a_post_the_host_retweeted_in_the_stream(
    make_app: Any, monkeypatch: Any
) -> None:
    """The host's own retweet, as the recorded stream gave it, blocks `t` on its original and
    on the host's RT line itself; nothing goes to the outbox."""
    from tchat_tui.domain.chat_post import ChatPost
    from tchat_tui.domain.classify import Classification
    from tchat_tui.domain.post import Role
    from tests.factories import make_post

    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        post = make_post(
            "801", "RT @ada: A1 naps, honestly #T", "hostess", minute=12, repost_of="102"
        )
        chat_post = ChatPost(post, Classification(Role.HOST))
        app.session.runner.fresh.append(chat_post)
        app.session.store.add_posts(app.session.chat_id, [chat_post])
        screen.drain()
        pane = screen.stream
        await wait_for(pilot, lambda: len(pane.entries) == ALL + 1)
        for native_id in ("102", "801"):
            said.clear()
            await select(pilot, native_id)
            await pilot.press("t")
            await wait_for(pilot, lambda: any("already retweeted" in m for m in said))
            assert (
                "Not retweeted: @ada's post is already retweeted by the host at 18:12:00." in said
            )
        await pilot.pause(0.2)
        assert len(pane.entries) == ALL + 1
        assert app.session.store.outbox(app.session.chat_id) == []
        assert "retweet" not in [a for _, a, _ in actions(app)]


async def test_t_refuses_the_hosts_own_post(make_app: Any, monkeypatch: Any) -> None:
    """`t` on the host's own post (not a retweet) says so and queues nothing."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "101")
        await pilot.press("t")
        await pilot.pause(0.2)
        assert "Not retweeted: that is the host's own post (@hostess)." in said
        assert len(screen_of(pilot).stream.entries) == ALL
        assert app.session.store.outbox(app.session.chat_id) == []
