"""The queue's pacing clock (pure functions, no Textual); the hour clock is in test_chat_time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tchat_tui.ui.pacing import (
    QuestionState,
    current_question,
    next_question,
    pacing_label,
    span,
)
from tchat_tui.ui.safe import multi_line, one_line

T = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """T + minutes."""
    return T + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (45, "0:45"), (130, "2:10"), (3600, "1:00:00"), (-5, "0:00")],
)
def test_span(seconds: int, text: str) -> None:
    """Durations read m:ss, h:mm:ss past an hour, never negative."""
    assert span(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("due", "now", "label"),
    [
        (at(7), at(6.25), "Q4 due in 0:45"),
        (at(7), at(7), "Q4 due in 0:00"),
        (at(7), at(9) + timedelta(seconds=10), "Q4 running 2:10 late"),
        (None, at(3), "Q4 next"),
    ],
)
def test_pacing_label(due: datetime | None, now: datetime, label: str) -> None:
    """Before its time a question is 'due in', after it 'running ... late'."""
    assert pacing_label(4, due, now) == label


PLAN = [
    QuestionState(1, "one", at(7), at(7)),
    QuestionState(2, "two", at(14.5), at(14)),
    QuestionState(3, "three", None, at(21)),
]


@pytest.mark.parametrize(
    ("states", "current", "expected"),
    [
        (PLAN, 2, (3, at(21))),
        (PLAN[:1] + [QuestionState(2, "two", None, None)], 1, (2, at(14))),
        ([QuestionState(1, "", at(2), None)], 1, (2, at(9))),
        ([], None, None),
        ([QuestionState(1, "one", at(2), at(7))], 1, None),
    ],
)
def test_next_question(
    states: list[QuestionState], current: int | None, expected: tuple[int, datetime | None] | None
) -> None:
    """Next is the first unposted planned question (its due time), else the last one + 7 min."""
    assert current_question(states) == current
    assert next_question(states) == expected


@pytest.mark.parametrize(
    ("last_posted", "due"),
    [(at(50), at(57)), (at(53), at(60)), (at(53.5), None), (at(58), None)],
)
def test_no_guessed_question_after_the_hour(last_posted: datetime, due: datetime | None) -> None:
    """Without a plan, Q(n+1) is guessed a gap after Qn, but not past the end of the hour: a
    chat of 9 questions must not show 'Q10 running ... late' once it is over."""
    states = [QuestionState(9, "nine", last_posted, None)]
    assert next_question(states, ends_at=at(60)) == (10, due)
    assert next_question(states) == (10, last_posted + timedelta(minutes=7))


@pytest.mark.parametrize(
    ("raw", "line", "lines"),
    [
        ("[bold]x[/bold]", "[bold]x[/bold]", "[bold]x[/bold]"),
        ("a\x1b[31mb", "a\ufffd[31mb", "a\ufffd[31mb"),
        ("one\ntwo", "one ⏎ two", "one\ntwo"),
        ("rtl \u202eevil", "rtl \ufffdevil", "rtl \ufffdevil"),
        ("bell\x07\x9b", "bell\ufffd\ufffd", "bell\ufffd\ufffd"),
    ],
)
def test_untrusted_text_is_neutralised(raw: str, line: str, lines: str) -> None:
    """Control characters never reach the terminal; markup is left as plain characters."""
    assert one_line(raw) == line
    assert multi_line(raw) == lines


async def test_the_queue_says_open_for_the_current_question_and_late_only_for_the_next() -> None:
    """'▶ Q2 open 3:00' for the current question; 'running ... late' is kept for the next one;
    a guessed next question with no due time (the hour is over) adds no line."""
    from textual.app import App, ComposeResult

    from tchat_tui.ui.widgets.queue import QuestionQueue, QueueFacts

    class QueueApp(App[None]):
        def compose(self) -> ComposeResult:
            yield QuestionQueue()

    states = [QuestionState(1, "one", at(7), None), QuestionState(2, "two", at(14), None)]
    app = QueueApp()
    async with app.run_test(size=(60, 12)) as pilot:
        queue = app.query_one(QuestionQueue)

        def text() -> str:
            return "\n".join(
                "".join(seg.text for seg in queue.render_line(y))
                for y in range(queue.content_region.height)
            )

        queue.show(QueueFacts(states, 2, 3, at(21), [], at(17)))
        await pilot.pause()
        assert "▶ Q2 open 3:00 two" in text() and "Q3 due in 4:00" in text()
        assert "running" not in text()
        queue.show(QueueFacts(states, 2, 3, at(21), [], at(23)))
        await pilot.pause()
        assert "Q3 running 2:00 late" in text()
        queue.show(QueueFacts(states, 2, 3, None, [], at(70)))
        await pilot.pause()
        assert "Q3" not in text()


async def test_the_header_keeps_the_pacing_on_an_80_column_terminal(make_app: Any) -> None:
    """Clock, pacing and question come first on the header's second line: at 80 columns the
    line is cut in the sources' state, not in what the host steers by."""
    from textual.widgets import Static

    from tchat_tui.ui.widgets.panes import ChatHeader
    from tests.ui.conftest import CHAT, settle

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, len(CHAT))
        screen = app.screen
        screen.refresh_panes()
        await pilot.pause()
        header = screen.query_one(ChatHeader)
        assert isinstance(header, Static)
        second = "".join(seg.text for seg in header.render_line(1))
        assert "elapsed" in second and "Q3 due in" in second
