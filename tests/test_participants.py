"""Who is still waiting: participants reached by a reply, a mention, a retweet, a star or an
acknowledgement; open audience questions; waiting first."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Role
from tchat_tui.store.database import Store
from tchat_tui.store.first_timers import first_timers
from tests.factories import T0, make_post


def cp(
    native_id: str,
    text: str,
    handle: str,
    minute: float,
    *,
    role: Role = Role.PARTICIPANT,
    reply_to: str | None = None,
    repost_of: str | None = None,
    mentions: tuple[str, ...] = (),
    answers: int | None = None,
    audience: bool = False,
    dry_run: bool = False,
) -> ChatPost:
    """A classified post on X."""
    p = make_post(native_id, text, handle, minute=minute, reply_to=reply_to, repost_of=repost_of)
    p = replace(p, mentions=mentions)
    c = Classification(role=role, answers=answers, audience_question=audience)
    return ChatPost(p, c, dry_run=dry_run, outgoing=dry_run)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A chat: host, guest, co-moderator and seven participants, each reached (or not) one way."""
    s = Store.open(tmp_path / "carechat.db")
    chat = s.ensure_chat("CareChat")
    s.add_posts(
        chat,
        [
            cp("1", "Q1: rest? #CareChat", "hostess", 0, role=Role.HOST),
            cp("2", "A1 naps #CareChat", "ada", 1, answers=1),
            cp("3", "A1 walks #CareChat", "bob", 2, answers=1),
            cp("4", "@hostess is respite paid? #CareChat", "cy", 3, audience=True),
            cp("5", "hello #CareChat", "dee", 4),
            cp("6", "@guest1 how? #CareChat", "eve", 5, audience=True),
            cp("7", "me too #CareChat", "fay", 6),
            cp("8", "buy my stuff #CareChat", "gil", 7),
            cp("9", "A1 a book #CareChat", "hal", 8, answers=1),
            cp("9b", "and music #CareChat", "hal", 8.5),
            # the team at work
            cp("10", "@ada same here #CareChat", "guest1", 9, role=Role.GUEST, reply_to="2"),
            cp("11", "RT", "tom", 10, role=Role.COMODERATOR, repost_of="3"),
            cp("12", "thanks @DEE #CareChat", "hostess", 11, role=Role.HOST, mentions=("DEE",)),
            cp("13", "dry-run reply #CareChat", "hostess", 12, reply_to="6", dry_run=True),
            cp("14", "@ada me too #CareChat", "bob", 13, reply_to="2"),  # not the team
        ],
    )
    s.set_starred(chat, "x:7", "ana", True)
    s.set_muted(chat, "x:id-gil", "ana", True)
    return s


def test_who_the_team_reached(store: Store) -> None:
    """Replies, retweets, mentions (any case), stars and the console's own replies count; a
    participant's reply to another does not; a muted author is not listed."""
    people = {p.handle: p for p in store.chat_people(1).participants}
    assert set(people) == {"ada", "bob", "cy", "dee", "eve", "fay", "hal"}
    assert people["ada"].replied_by == ("guest",)
    assert people["bob"].retweeted_by == ("co-moderator",) and people["bob"].posts == 2
    assert people["dee"].replied_by == ("host",)
    assert people["eve"].replied_by == ("host",)
    assert people["fay"].starred
    assert [h for h, p in people.items() if p.waiting] == ["cy", "hal"]
    assert people["hal"].posts == 2 and people["hal"].answers == 1


def test_open_questions_and_waiting_first(store: Store) -> None:
    """Eve's question was answered by a reply: only Cy's is open; Cy (an open question) comes
    first, then Hal; a claim is shown, not an answer."""
    people = store.chat_people(1)
    assert [q.handle for q in people.questions] == ["cy"]
    assert people.questions[0].age(T0 + timedelta(minutes=13)) == timedelta(minutes=10)
    assert [p.handle for p in people.participants[:2]] == ["cy", "hal"]
    assert people.participants[0].open_questions == 1
    store.claim(1, "x:4", "ana")
    assert store.chat_people(1).questions[0].claimed_by == "ana"
    assert store.chat_people(1).unclaimed == ()
    store.mark_answered(1, "x:4", "ana")
    assert store.chat_people(1).questions == ()


def test_acknowledged_is_shared_and_logged(store: Store, tmp_path: Path) -> None:
    """A mark made by one console is read by another on the same database, and is in the log;
    taking it back too."""
    store.set_acknowledged(1, "x:id-hal", "ana", True)
    other = Store.open(tmp_path / "carechat.db")
    hal = next(p for p in other.chat_people(1).participants if p.handle == "hal")
    assert hal.acknowledged is not None and hal.acknowledged.moderator == "ana"
    assert not hal.waiting
    assert [p.handle for p in other.chat_people(1).waiting] == ["cy"]
    other.set_acknowledged(1, "x:id-hal", "bob", False)
    assert "x:id-hal" not in store.acknowledged(1)
    log = [(a["moderator"], a["action"], a["target"]) for a in store.actions(1)]
    assert log[:2] == [("bob", "unacknowledge", "x:id-hal"), ("ana", "acknowledge", "x:id-hal")]
    other.close()


def test_first_timers_marked(store: Store, tmp_path: Path) -> None:
    """With an earlier chat on the tag, its authors are not first-timers; without one, nobody is."""
    assert not any(p.first_timer for p in store.chat_people(1, first_timers(store, 1)).participants)
    old = Store.open(tmp_path / "old.db")
    old_chat = old.ensure_chat("carechat")
    old.add_posts(old_chat, [cp("o1", "hi #CareChat", "Ada", -7 * 24 * 60)])
    old.close()
    ft = first_timers(store, 1)
    marked = {p.handle for p in store.chat_people(1, ft).participants if p.first_timer}
    assert marked == {"bob", "cy", "dee", "eve", "fay", "hal"}
