"""The small panes around the stream: header, selected-post detail, question queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from tchat_tui.domain.labels import answer_label
from tchat_tui.domain.text.own_words import own_words
from tchat_tui.ui.pacing import QuestionState, pacing_label, span
from tchat_tui.ui.safe import multi_line, one_line
from tchat_tui.ui.stream_entry import PROMO_MARKS, ROLE_BADGES, ROLE_STYLES, StreamEntry, local_time

SEP = ("  │  ", "dim")


@dataclass(slots=True)
class HeaderFacts:
    """Everything the header shows."""

    tag: str
    topic: str = ""
    clock: str = ""
    question: str = ""
    pacing: str = ""
    on_duty: str = ""
    sources: str = ""
    per_minute: int = 0
    note: str = ""
    malformed: int = 0
    cost: str = ""
    """The hour's estimated spend on X ('$0.42/h est.'), '' when X is not a target."""


class ChatHeader(Static):
    """Tag, topic, hour clock, current question, moderator on duty, sources, pace."""

    DEFAULT_CSS = """
    ChatHeader { height: 2; background: $panel; color: $foreground; padding: 0 1; }
    """

    def show(self, facts: HeaderFacts) -> None:
        """Redraw with these facts."""
        top = Text(no_wrap=True, overflow="ellipsis")
        top.append(f"#{one_line(facts.tag)}", "bold")
        top.append(*SEP)
        top.append("on duty: ", "dim")
        top.append(one_line(facts.on_duty), "bold green")
        if facts.cost:
            top.append(*SEP)
            top.append(facts.cost, "cyan")
        if facts.note:
            top.append(*SEP)
            top.append(one_line(facts.note), "italic yellow")
        if facts.topic:
            top.append(*SEP)
            top.append(one_line(facts.topic), "italic")
        # What the host steers by first (clock, pacing, question): on a narrow terminal the
        # line is cut at the end, where the sources' state is.
        bottom = Text(no_wrap=True, overflow="ellipsis")
        bottom.append(facts.clock)
        bottom.append(*SEP)
        if facts.pacing:
            bottom.append(f"{facts.pacing} · ", "bold red" if "late" in facts.pacing else "bold")
        question = one_line(facts.question) or "no question yet"
        bottom.append(question if len(question) <= 48 else question[:47] + "…", "magenta")
        bottom.append(*SEP)
        bottom.append(f"{facts.per_minute}/min")
        bottom.append(*SEP)
        bottom.append(facts.sources or "no source")
        if facts.malformed:
            bottom.append(f" · {facts.malformed} malformed skipped", "yellow")
        self.update(Group(top, bottom), layout=False)


class PostDetail(Static):
    """The selected post in full: author, role, flags with their reasons, text."""

    DEFAULT_CSS = """
    PostDetail { height: 6; padding: 0 1; border-top: solid $primary-darken-2; }
    """

    def show(self, entry: StreamEntry | None, current_question: int | None = None) -> None:
        """Show `entry` (or a hint when none is selected)."""
        if entry is None:
            self.update(
                Text("No post selected: move with ↑/↓ in the stream.", style="dim"), layout=False
            )
            return
        head = Text(no_wrap=True, overflow="ellipsis")
        slip = ""
        head.append(f"{local_time(entry.created_at)} ", "dim")
        badge = ROLE_BADGES.get(entry.role)
        if badge:
            head.append(f"{badge} ", ROLE_STYLES[entry.role])
        head.append(entry.name, "bold")
        head.append(f" @{entry.handle}", "dim")
        if entry.question_number is not None:
            head.append(f"  question Q{entry.question_number}", "magenta")
        if entry.answers is not None:
            tail = " (current)" if entry.answers == current_question else ""
            head.append(f"  answers Q{entry.answers}{tail}", "green")
            written = answer_label(own_words(entry.raw_text))
            if written is not None and written != entry.answers:
                # The classifier counted a label ahead of the questions for the open question.
                slip = (
                    f"written A{written}; Q{written} not posted yet: counted for Q{entry.answers}"
                )
        if entry.audience:
            state = "answered" if entry.answered else "open"
            who = f", claimed by {one_line(entry.claimed_by)}" if entry.claimed_by else ""
            head.append(f"  audience question ({state}{who})", "magenta")
        if entry.starred:
            head.append("  ★ starred", "yellow")
        if entry.dry_run:
            head.append("  dry-run: recorded here, never sent", "italic yellow")
        parts: list[Text] = [head]
        if slip:
            parts.append(Text(slip, style="dim"))
        mark = PROMO_MARKS.get(entry.promo_level)
        if mark:
            flag = Text()
            label = "allowed" if entry.allowed else entry.promo_level
            flag.append(f" {mark[0]} promo {label} ", mark[1])
            flag.append(" " + "; ".join(one_line(r) for r in entry.promo_reasons))
            parts.append(flag)
        parts.append(Text(multi_line(entry.raw_text)))
        self.update(Group(*parts), layout=False)


@dataclass(slots=True)
class QueueFacts:
    """What the question queue shows."""

    questions: list[QuestionState] = field(default_factory=list)
    current: int | None = None
    next_number: int | None = None
    next_due: datetime | None = None
    audience: list[StreamEntry] = field(default_factory=list)
    now: datetime | None = None


class QuestionQueue(Static):
    """Prepared questions with their status and pacing clock; audience questions with claims."""

    DEFAULT_CSS = """
    QuestionQueue { height: 1fr; padding: 0 1; }
    """
    AUDIENCE_SHOWN = 12

    def show(self, facts: QueueFacts) -> None:
        """Redraw the queue."""
        now = facts.now
        lines: list[Text] = [Text("Questions", style="bold underline")]
        if not facts.questions:
            lines.append(Text("none yet: no plan, no Qn posted", style="dim"))
        for q in facts.questions:
            line = Text(no_wrap=True, overflow="ellipsis")
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
            line.append(one_line(q.text))
            lines.append(line)
        if facts.next_number is not None and facts.next_number not in {
            q.number for q in facts.questions
        }:
            if now and facts.next_due is not None:  # a guess with no time says nothing
                lines.append(Text(pacing_label(facts.next_number, facts.next_due, now)))
        lines.append(Text(""))
        open_count = sum(1 for e in facts.audience if not e.answered)
        lines.append(Text(f"Audience questions ({open_count} open)", style="bold underline"))
        if not facts.audience:
            lines.append(Text("none yet", style="dim"))
        for e in facts.audience[-self.AUDIENCE_SHOWN :]:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append("✓ " if e.answered else "? ", "green" if e.answered else "bold magenta")
            line.append(f"@{e.handle}", "bold")
            if e.claimed_by:
                line.append(f" [{one_line(e.claimed_by)}]", "cyan")
            line.append(f" {e.text}")
            lines.append(line)
        self.update(Group(*lines), layout=False)
