"""The small panes around the stream: the header and the selected post's detail (the question
queue is `widgets.queue`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from tchat_tui.domain.labels import answer_label
from tchat_tui.domain.text.own_words import own_words
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
    audience_waiting: int = 0
    """Open audience questions older than `AUDIENCE_OVERDUE` (the queue lists them first)."""


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
        if facts.audience_waiting:  # before the question: a narrow terminal still shows it
            bottom.append(f"{facts.audience_waiting} audience ? waiting", "bold yellow")
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
