"""Steering the queue in the console: a line in full, edit, skip, move, add (kept on restart and
in the action log), a question in two languages posted one post each, an early question asked
first, overdue audience questions counted and listed first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input

from tchat_tui.ui.modals.early_question import EarlyQuestion
from tchat_tui.ui.modals.texts_form import TextsForm
from tchat_tui.ui.modals.whole_text import WholeText
from tchat_tui.ui.pacing import QuestionState
from tchat_tui.ui.widgets.panes import ChatHeader
from tchat_tui.ui.widgets.queue import QuestionQueue, overdue_audience
from tests.factories import T0, make_post
from tests.ui.conftest import CHAT, settle, toasts
from tests.ui.test_console import actions, screen_of, select, wait_for

ALL = len(CHAT)
LONG = (
    "Who helps the helpers when nobody is watching, and how do you ask them for that help"
    " without feeling guilty about it?"
)
FR = "Qu'est-ce qui vous en empêche ?"
PLAN = f"""\
tag = "#T"
topic = "Rest for carers"
host = "hostess"
guests = ["guest1"]
start = {T0.isoformat()}
first_question_at = 1
question_every_minutes = 7
questions = [
  "What helps you rest?",
  {{ en = "What gets in the way?", fr = "{FR}" }},
  "{LONG}",
  "Which small habit protects your evenings?",
  "One tip for a new carer?",
]
"""


@pytest.fixture
def planned(make_app: Any, tmp_path: Path) -> Any:
    """Consoles on the small chat with a plan: Q2 in English and French, a long Q3."""
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return lambda **kw: make_app(plan_path=path, **kw)


def queue_of(pilot: Pilot[Any]) -> QuestionQueue:
    return screen_of(pilot).query_one(QuestionQueue)


def lines(pane: QuestionQueue) -> list[Text]:
    """The queue's lines as drawn."""
    return [t for t in pane.content.renderables if isinstance(t, Text)]  # type: ignore[union-attr]


async def to_queue(pilot: Pilot[Any], down: int = 0) -> QuestionQueue:
    """Go to the queue (q) and move the cursor down `down` lines (the panes redrawn first: the
    screen redraws them on a timer, which may not have run since the last posts came in)."""
    screen_of(pilot).refresh_panes()
    await pilot.press("q", *["down"] * down)
    pane = queue_of(pilot)
    assert pane.has_focus
    return pane


def texts(app: Any) -> list[str]:
    return [r["text"] for r in app.session.store.questions(app.session.chat_id)]


async def test_a_question_is_shown_whole_in_the_queue_and_in_a_window(planned: Any) -> None:
    """The selected line shows whole (not cut); Enter shows every language in a window."""
    app = planned()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, ALL)
        pane = await to_queue(pilot, 2)
        assert isinstance(pane.selected, QuestionState) and pane.selected.number == 3
        whole = next(t for t in lines(pane) if "Q3" in t.plain)
        assert LONG in whole.plain and not whole.no_wrap
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WholeText))
        body = app.screen.query_one("#whole-body").content
        assert "en: What gets in the way?" in body.plain and f"fr: {FR}" in body.plain
        await pilot.press("escape", "escape")
        assert screen_of(pilot).stream.has_focus


async def test_edit_skip_move_add_are_stored_logged_and_kept_on_restart(planned: Any) -> None:
    """e, x, K and a change the waiting questions as the moderator on duty; a restart (the plan
    loaded again) keeps the queue as steered."""
    app = planned()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        await to_queue(pilot, 3)  # Q4
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        field = app.screen.query_one("#field-0", Input)
        field.value = ""
        await pilot.press(*"Which habit guards your evenings?", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, TextsForm))
        await pilot.press("up", "x")  # skip Q3: Q4 moves up
        await pilot.press("down", "K")  # Q5 -> before the edited one
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        # The plan has questions in English and French: a new one is asked in both.
        await pilot.press(*"Anything else?", "enter", *"Autre chose ?", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, TextsForm))
        expected = [
            "What helps you rest?",
            "What gets in the way?",
            "One tip for a new carer?",
            "Anything else?",
            "Which habit guards your evenings?",
        ]
        assert texts(app) == expected
        assert app.session.store.question_texts(app.session.chat_id)[3] == [
            "Anything else?",
            "Autre chose ?",
        ]
        steered = [a for a in actions(app) if a[1].startswith("question")]
        assert steered == [
            ("ana", "question edit", "Q4"),
            ("ana", "question skip", "Q3"),
            ("ana", "question move", "Q4"),
            ("ana", "question add", "Q4"),
        ]
    again = planned()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        assert texts(again) == expected
        assert [q.text for q in screen_of(pilot).feed.questions] == expected


async def test_a_posted_question_is_not_edited(planned: Any, monkeypatch: Any) -> None:
    """e on a posted question says so and opens nothing."""
    app = planned()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        await to_queue(pilot, 0)
        await pilot.press("e", "x")
        await wait_for(pilot, lambda: said.count("Q1 is posted already.") == 2)
        assert isinstance(app.screen, type(screen_of(pilot)))
        assert not any(a[1].startswith("question") for a in actions(app))


async def test_two_languages_are_two_posts_of_one_question(planned: Any) -> None:
    """Q2 was posted in English: n offers its French text (not Q3); sent, it is Q2 too, and then
    n offers Q3."""
    app = planned()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        await pilot.press("n")
        assert screen.composer.draft.value == f"Q2: {FR} #T"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.stream.entries[-1].outgoing)
        assert screen.stream.entries[-1].question_number == 2
        assert screen.feed.current_question == 2
        await pilot.press("n")
        assert screen.composer.draft.value == f"Q3: {LONG} #T"


async def test_an_early_question_is_asked_first(planned: Any, monkeypatch: Any) -> None:
    """Q2 open for 2 minutes of its 7: n asks; Enter waits (nothing in the composer), y puts Q3
    there. Later in its slot, n asks nothing."""
    app = planned()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        q2 = next(q for q in screen.feed.questions if q.number == 2)
        assert q2.posted_at is not None
        # Q2's French text counts as posted: n goes to the next question.
        monkeypatch.setattr(screen.queue, "_language_not_posted", lambda: None)
        monkeypatch.setattr(app.session.clock, "now", lambda: q2.posted_at + timedelta(minutes=2))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, EarlyQuestion))
        assert "Q2 has been open 2:00 of its 7:00 slot" in app.screen.why
        await pilot.press("enter")
        assert screen.composer.draft.value == ""
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, EarlyQuestion))
        await pilot.press("y")
        assert screen.composer.draft.value.startswith("Q3: Who helps the helpers")
        await pilot.press("escape")
        monkeypatch.setattr(app.session.clock, "now", lambda: q2.posted_at + timedelta(minutes=4))
        assert screen.queue.early_reason(3, app.session.clock.now()) is None


async def test_overdue_audience_questions_are_counted_and_listed_first(make_app: Any) -> None:
    """Open audience questions older than 3 minutes are counted in the header and the queue and
    listed first, oldest first, even when a dozen newer ones came after; answered ones are not
    counted; Enter shows one whole."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        assert [e.native_id for e in screen.feed.audience] == ["104", "111"]
        now = app.session.clock.now()  # the replay's time: 104 asked 7 minutes ago, 111 just now
        assert [e.native_id for e in overdue_audience(screen.feed.audience, now)] == ["104"]
        newer = [
            make_post(str(300 + i), f"@guest1 is {i} ok? #T", f"p{i}", minute=11.8 + i / 100)
            for i in range(13)
        ]
        app.session.runner.posts(newer)
        await wait_for(pilot, lambda: len(screen.feed.audience) == 15)
        screen.refresh_panes()
        header = screen.query_one(ChatHeader).content.renderables[1].plain  # type: ignore[union-attr]
        assert "1 audience ? waiting" in header
        drawn = [t.plain for t in lines(queue_of(pilot))]
        title = next(i for i, t in enumerate(drawn) if t.startswith("Audience questions ("))
        assert drawn[title] == "Audience questions (15 open · 1 > 3 min)"
        assert "@cy" in drawn[title + 1] and "@p1 " in drawn[title + 2]  # 104, then the newest 12
        assert len(drawn) == title + 1 + 1 + QuestionQueue.AUDIENCE_SHOWN
        await select(pilot, "104")
        await pilot.press("d")
        screen.refresh_panes()
        drawn = [t.plain for t in lines(queue_of(pilot))]
        assert "Audience questions (14 open)" in drawn
        await to_queue(pilot, len(screen.feed.questions))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WholeText))
        body = app.screen.query_one("#whole-body").content
        assert body.plain == "@guest1 is 1 ok? #T"


async def test_c_and_d_in_the_queue_act_on_its_audience_question(make_app: Any) -> None:
    """In the queue, c and d claim the selected audience question and mark it answered (not the
    stream's selected post)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        await select(pilot, "102")  # the stream's cursor on an answer
        pane = await to_queue(pilot, len(screen.feed.questions))
        assert pane.selected is not None and pane.selected.native_id == "104"  # type: ignore[union-attr]
        await pilot.press("c", "d")
        row = app.session.store.post("x:104")
        assert row is not None and (row["claimed_by"], row["answered"]) == ("ana", 1)
        assert [a[1:] for a in actions(app)] == [("claim", "x:104"), ("answered", "x:104")]
