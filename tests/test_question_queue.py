"""Steering the queue in the store: edit, skip, move and add waiting questions; posted ones are
never touched; every change is in the action log; a restart keeps the queue as steered."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Role
from tchat_tui.store.database import Store
from tchat_tui.store.errors import QueueError
from tests.factories import T0, make_post

PLAN = [(n, f"Planned {n}?", T0 + timedelta(minutes=5 + 7 * (n - 1))) for n in range(1, 6)]


def open_chat(path: Path) -> tuple[Store, int]:
    """A chat with five planned questions, Q1 posted."""
    store = Store.open(path)
    chat = store.ensure_chat("#T")
    store.set_planned_questions(chat, PLAN)
    q1 = make_post("1", "Q1: Planned 1? #T", "hostess", minute=5)
    store.add_posts(chat, [ChatPost(q1, Classification(Role.HOST, question_number=1))])
    return store, chat


def texts(store: Store, chat: int) -> list[tuple[int, str]]:
    return [(r["number"], r["text"]) for r in store.questions(chat)]


def test_skip_moves_the_later_questions_up_and_keeps_the_slots_due_times(tmp_path: Path) -> None:
    """Skipping Q3 makes Q4's text the new Q3 (no gap in the numbering); each number keeps its
    due time and the last slot goes."""
    store, chat = open_chat(tmp_path / "c.db")
    due = {r["number"]: r["due_at"] for r in store.questions(chat)}
    assert store.skip_question(chat, 3, "ana") == "Planned 3?"
    assert texts(store, chat) == [
        (1, "Planned 1?"),
        (2, "Planned 2?"),
        (3, "Planned 4?"),
        (4, "Planned 5?"),
    ]
    assert {r["number"]: r["due_at"] for r in store.questions(chat)} == {
        n: due[n] for n in range(1, 5)
    }
    assert store.actions(chat)[0]["action"] == "question skip"
    assert store.actions(chat)[0]["detail"] == "Planned 3?"


def test_move_edit_and_add(tmp_path: Path) -> None:
    """Moving swaps places; an edit keeps other languages apart; an added question is numbered
    after the one it follows and a new last slot is due one gap later."""
    store, chat = open_chat(tmp_path / "c.db")
    assert store.move_question(chat, 4, -1, "ana") == 3
    assert store.move_question(chat, 2, -1, "ana") == 2  # Q1 is posted: Q2 is first waiting
    assert store.move_question(chat, 5, 1, "ana") == 5  # already last
    store.edit_question(chat, 2, [("en", "Two?"), ("fr", "Deux ?")], "bob")
    assert store.add_question(chat, 2, "Inserted?", "bob") == 3
    assert store.add_question(chat, None, "Last?", "bob") == 7
    assert texts(store, chat) == [
        (1, "Planned 1?"),
        (2, "Two?"),
        (3, "Inserted?"),
        (4, "Planned 4?"),
        (5, "Planned 3?"),
        (6, "Planned 5?"),
        (7, "Last?"),
    ]
    assert store.question_texts(chat)[1] == ["Two?", "Deux ?"]
    rows = {r["number"]: r for r in store.questions(chat)}
    gap = timedelta(minutes=7)
    assert rows[6]["due_at"] and rows[7]["due_at"]
    from datetime import datetime

    six = datetime.fromisoformat(rows[6]["due_at"])
    assert datetime.fromisoformat(rows[7]["due_at"]) - six == gap
    logged = [(a["moderator"], a["action"], a["target"]) for a in store.actions(chat)][::-1]
    assert logged == [
        ("ana", "question move", "Q4"),
        ("bob", "question edit", "Q2"),
        ("bob", "question add", "Q3"),
        ("bob", "question add", "Q7"),
    ]


@pytest.mark.parametrize("number", [1, 9])
def test_a_posted_or_unknown_question_is_not_steered(tmp_path: Path, number: int) -> None:
    """Q1 is posted and there is no Q9: every steering refuses them and changes nothing."""
    store, chat = open_chat(tmp_path / "c.db")
    before = texts(store, chat)
    for change in (
        lambda: store.edit_question(chat, number, "x", "ana"),
        lambda: store.skip_question(chat, number, "ana"),
        lambda: store.move_question(chat, number, 1, "ana"),
    ):
        with pytest.raises(QueueError, match=f"Q{number} is not waiting"):
            change()
    assert texts(store, chat) == before
    assert store.actions(chat) == []
    assert not store.queue_steered(chat)


def test_a_restart_keeps_the_steered_queue(tmp_path: Path) -> None:
    """After a steer, loading the plan again (a restart) keeps the queue as steered; before
    any steer, the plan's texts are loaded again."""
    store, chat = open_chat(tmp_path / "c.db")
    store.set_planned_questions(chat, [(2, "Plan changed?", None)])
    assert texts(store, chat)[1] == (2, "Plan changed?")
    store.skip_question(chat, 5, "ana")
    store.close()
    again = Store.open(tmp_path / "c.db")
    again.set_planned_questions(chat, PLAN)
    assert texts(again, chat) == [(1, "Planned 1?"), (2, "Plan changed?")] + [
        (n, f"Planned {n}?") for n in (3, 4)
    ]
    assert again.queue_steered(chat)


def test_authors_are_found_by_handle_in_the_chat(tmp_path: Path) -> None:
    """'@Ada', 'ada' find ada in this chat (any case); nobody else, nobody from another chat."""
    store, chat = open_chat(tmp_path / "c.db")
    ada = make_post("2", "A1 naps #T", "ada", minute=6)
    store.add_posts(chat, [ChatPost(ada, Classification(Role.PARTICIPANT, answers=1))])
    other = store.ensure_chat("#Other", new=True)
    store.add_posts(
        other, [ChatPost(make_post("9", "hi #Other", "zed"), Classification(Role.PARTICIPANT))]
    )
    assert [r["key"] for r in store.chat_authors_named(chat, "@Ada")] == [ada.author_key]
    assert store.chat_authors_named(chat, "zed") == []
    assert store.chat_authors_named(chat, "") == []
    (host,) = store.chat_authors_named(chat, "hostess")
    assert host["role"] == "host"
