"""The question queue: prepared questions with their pacing clock, then the audience's questions.

Tab (or `q`) gives it the focus: ↑/↓ pick a line, which then shows whole; Enter shows it in a
window (every language of a question); e, x, K/J (shift+↑/↓) and a edit, skip, move and add a
waiting question; c and d claim an audience question and mark it answered; Escape goes back to
the stream. What those keys do is in
`ui.actions.queue_steering`: the widget only holds the selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tchat_tui.ui.pacing import QuestionState, pacing_label, span
from tchat_tui.ui.safe import multi_line, one_line
from tchat_tui.ui.stream_entry import StreamEntry, local_time

AUDIENCE_OVERDUE = timedelta(minutes=3)
"""An audience question still open after this long is overdue: counted in the header and the
queue, and listed first (oldest first) so that none falls through during the hour."""

QueueItem = QuestionState | StreamEntry
"""A line of the queue: a prepared question, or an audience question."""


def overdue_audience(audience: list[StreamEntry], now: datetime | None) -> list[StreamEntry]:
    """The open audience questions older than `AUDIENCE_OVERDUE` at `now`, oldest first."""
    if now is None:
        return []
    late = [e for e in audience if not e.answered and now - e.created_at > AUDIENCE_OVERDUE]
    return sorted(late, key=lambda e: e.created_at)


@dataclass(slots=True)
class QueueFacts:
    """What the question queue shows."""

    questions: list[QuestionState] = field(default_factory=list)
    current: int | None = None
    next_number: int | None = None
    next_due: datetime | None = None
    audience: list[StreamEntry] = field(default_factory=list)
    now: datetime | None = None


class QuestionQueue(Static, can_focus=True):
    """Prepared questions with their status and pacing clock; audience questions with claims."""

    DEFAULT_CSS = """
    QuestionQueue { height: 1fr; padding: 0 1; overflow-y: auto; scrollbar-size-vertical: 1; }
    QuestionQueue:focus { background: $boost; }
    """
    AUDIENCE_SHOWN = 12
    """The oldest overdue audience questions listed, then at most as many of the newest."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("enter,v", "screen.do('queue_view')", "Whole text", id="queue-view"),
        Binding("e", "screen.do('queue_edit')", "Edit", id="queue-edit"),
        Binding("x", "screen.do('queue_skip')", "Skip", id="queue-skip"),
        Binding("shift+up,K", "screen.do('queue_earlier')", "Earlier", id="queue-earlier"),
        Binding("shift+down,J", "screen.do('queue_later')", "Later", id="queue-later"),
        Binding("a,plus", "screen.do('queue_add')", "Add", id="queue-add"),
        Binding("c", "screen.do('queue_claim')", "Claim", id="queue-claim", show=False),
        Binding("d", "screen.do('queue_answered')", "Answered", id="queue-answered", show=False),
        Binding("escape", "screen.do('leave_queue')", "Stream", id="queue-leave"),
    ]

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.facts = QueueFacts()
        self.items: list[QueueItem] = []
        """The lines the cursor moves over: the questions, then the audience's as listed."""
        self.cursor = 0
        self._chosen: tuple[str, object] | None = None
        """The line the moderator put the cursor on (None: not moved yet, the first line)."""
        self._shape: tuple[int, int] = (0, -1)

    @property
    def selected(self) -> QueueItem | None:
        """The line under the cursor (a question or an audience question), if any."""
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def select_question(self, number: int) -> None:
        """Put the cursor on question `number` (after a move or an add)."""
        self._chosen = ("question", number)
        self.show(self.facts)

    def action_move(self, by: int) -> None:
        """Move the cursor up or down a line."""
        if self.items:
            self.cursor = min(max(self.cursor + by, 0), len(self.items) - 1)
            self._chosen = _identity(self.items[self.cursor])
            self.show(self.facts)

    def on_focus(self) -> None:
        """Show the cursor."""
        self.show(self.facts)

    def on_blur(self) -> None:
        """Hide the cursor."""
        self.show(self.facts)

    def show(self, facts: QueueFacts) -> None:
        """Redraw the queue."""
        self.facts = facts
        overdue = overdue_audience(facts.audience, facts.now)
        late = {e.key for e in overdue}
        rest = [e for e in facts.audience[-self.AUDIENCE_SHOWN :] if e.key not in late]
        listed = overdue[: self.AUDIENCE_SHOWN]  # the count says how many more wait
        self.items = [*facts.questions, *listed, *rest]
        self._keep_cursor()
        lines: list[Text] = [Text("Questions", style="bold underline")]
        cursor_line = 0
        if not facts.questions:
            lines.append(Text("none yet: no plan, no Qn posted", style="dim"))
        for i, q in enumerate(facts.questions):
            if i == self.cursor:
                cursor_line = len(lines)
            lines.append(self._question_line(q, facts, chosen=i == self.cursor))
        if facts.next_number is not None and facts.next_number not in {
            q.number for q in facts.questions
        }:
            if facts.now and facts.next_due is not None:  # a guess with no time says nothing
                lines.append(Text(pacing_label(facts.next_number, facts.next_due, facts.now)))
        lines.append(Text(""))
        open_count = sum(1 for e in facts.audience if not e.answered)
        title = Text(f"Audience questions ({open_count} open", style="bold underline")
        if overdue:
            title.append(f" · {len(overdue)} > {_minutes(AUDIENCE_OVERDUE)}", "bold yellow")
        title.append(")")
        lines.append(title)
        if not facts.audience:
            lines.append(Text("none yet", style="dim"))
        first = len(facts.questions)
        for i, e in enumerate([*listed, *rest], first):
            if i == self.cursor:
                cursor_line = len(lines)
            lines.append(self._audience_line(e, facts.now, e.key in late, i == self.cursor))
        # A new layout only when the shape changed (more lines, a line shown whole): the queue
        # is redrawn every second for its clocks, and a layout pass costs the whole screen.
        shape = (len(lines), self.cursor if self.has_focus else -1)
        self.update(Group(*lines), layout=shape != self._shape)
        self._shape = shape
        if self.has_focus:
            self.scroll_to(y=max(0, cursor_line - 2), animate=False)

    def _keep_cursor(self) -> None:
        """The cursor stays on the line the moderator chose when the lines move under it."""
        if self._chosen is not None:
            for i, item in enumerate(self.items):
                if _identity(item) == self._chosen:
                    self.cursor = i
                    return
        self.cursor = min(self.cursor, max(len(self.items) - 1, 0))

    def _question_line(self, q: QuestionState, facts: QueueFacts, chosen: bool) -> Text:
        now = facts.now
        whole = chosen and self.has_focus  # the line under the cursor shows whole
        line = Text(no_wrap=not whole, overflow="fold" if whole else "ellipsis")
        if q.number == facts.current and q.posted_at and now:
            # "open" for how long it has been the current question; "running ... late" is
            # only ever said of the next one, overdue.
            line.append(f"▶ Q{q.number} open {span(now - q.posted_at)} ", "bold magenta")
        elif q.posted_at:
            line.append(f"✓ Q{q.number} {local_time(q.posted_at)[:5]} ", "green")
        elif q.number == facts.next_number and now:
            label = pacing_label(q.number, facts.next_due, now)
            line.append(f"· {label} ", "bold red" if "late" in label else "bold")
        else:
            due = f" {local_time(q.due_at)[:5]}" if q.due_at else ""
            line.append(f"  Q{q.number}{due} ", "dim")
        if len(q.versions) > 1:
            line.append(f"[{len(q.versions)} langs] ", "cyan")
        line.append(multi_line(q.text) if whole else one_line(q.text))
        if whole:
            line.stylize("reverse")
        return line

    def _audience_line(
        self, e: StreamEntry, now: datetime | None, late: bool, chosen: bool
    ) -> Text:
        whole = chosen and self.has_focus
        line = Text(no_wrap=not whole, overflow="fold" if whole else "ellipsis")
        line.append("✓ " if e.answered else "? ", "green" if e.answered else "bold magenta")
        if late and now is not None:
            line.append(f"{span(now - e.created_at)} ", "bold yellow")
        line.append(f"@{e.handle}", "bold")
        if e.claimed_by:
            line.append(f" [{one_line(e.claimed_by)}]", "cyan")
        line.append(f" {multi_line(e.raw_text) if whole else e.text}")
        if whole:
            line.stylize("reverse")
        return line


def _identity(item: QueueItem) -> tuple[str, object]:
    """What a line is, whatever its place: ('question', 4) or ('audience', post key)."""
    if isinstance(item, QuestionState):
        return ("question", item.number)
    return ("audience", item.key)


def _minutes(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} min"
