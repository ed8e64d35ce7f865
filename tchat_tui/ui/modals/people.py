"""The people pane: who is still waiting. Participants (waiting first) with their posts, answers
and what the team did for them, first-timers marked; the audience questions nobody answered, with
their age. `a` marks the highlighted person acknowledged (or takes the mark back)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from tchat_tui.domain.participants import ChatPeople, OpenQuestion, Participant
from tchat_tui.ui.safe import one_line

REFRESH = 2.0
"""Seconds between two reads of the database while the pane is open (other consoles' marks,
new replies)."""
FIRST_TIMER_MARK = "✦"
"""The first-timer's mark, here and in the stream."""
MAX_SHOWN = 500
"""Participants listed at most (waiting first: the ones the team still has to reach)."""
ROLE_SHORT = {"host": "host", "guest": "guest", "co-moderator": "co-mod"}


def age_text(age: timedelta) -> str:
    """A question's age as the host reads it: '45s', '12m', '1h05'."""
    seconds = int(age.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"


def team_text(p: Participant) -> Text:
    """What the team did for a participant, or that they wait."""
    parts: list[tuple[str, str]] = []
    if p.replied_by:
        parts.append(("replied: " + ", ".join(ROLE_SHORT[r] for r in p.replied_by), "green"))
    if p.retweeted_by:
        parts.append(("RT: " + ", ".join(ROLE_SHORT[r] for r in p.retweeted_by), "green"))
    if p.starred:
        parts.append(("★", "bold yellow"))
    if p.acknowledged:
        parts.append((f"ack {one_line(p.acknowledged.moderator)}", "cyan"))
    if p.open_questions:
        n = p.open_questions
        parts.append((f"{n} open question{'s' if n > 1 else ''}", "bold magenta"))
    if not parts or p.waiting and not p.open_questions:
        parts.append(("waiting", "bold yellow"))
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (words, style) in enumerate(parts):
        if i:
            text.append(" · ", "dim")
        text.append(words, style)
    return text


class PeopleScreen(ModalScreen[None]):
    """Who is still waiting: participants and open audience questions, read again every few
    seconds. `read` runs in a worker thread; `acknowledge(author_key, on)` writes a mark."""

    DEFAULT_CSS = """
    PeopleScreen { align: center middle; }
    PeopleScreen > Vertical {
        width: 95%; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    PeopleScreen #people-head { height: auto; }
    PeopleScreen DataTable { border: round $primary-darken-2; }
    PeopleScreen DataTable:focus { border: round $accent; }
    PeopleScreen #people-list { height: 2fr; }
    PeopleScreen #people-questions { height: 1fr; min-height: 5; }
    PeopleScreen #people-keys { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape,q,P", "dismiss(None)", "Close", id="people-close"),
        Binding("a,space", "acknowledge", "Acknowledged", id="people-acknowledge"),
    ]

    def __init__(
        self,
        read: Callable[[], ChatPeople],
        acknowledge: Callable[[str, bool], None],
        now: Callable[[], datetime],
        tag: str,
    ) -> None:
        super().__init__()
        self.read = read
        self.acknowledge = acknowledge
        self.now = now
        self.tag = tag
        self.people: ChatPeople | None = None
        """What the pane shows (None until the first read is in)."""
        self._reading = False
        self._again = False

    def compose(self) -> ComposeResult:
        """Head line, participants, open questions, keys."""
        with Vertical():
            yield Static(Text(f"People of #{self.tag} · reading…", style="bold"), id="people-head")
            table: DataTable[Text] = DataTable(
                id="people-list", cursor_type="row", zebra_stripes=True
            )
            table.border_title = "Participants · waiting first"
            yield table
            questions: DataTable[Text] = DataTable(id="people-questions", cursor_type="row")
            questions.border_title = "Open audience questions · oldest first"
            yield questions
            yield Static(
                Text(
                    f"a acknowledge · tab other list · esc close · ● waiting ·"
                    f" {FIRST_TIMER_MARK} first time with #{self.tag}"
                ),
                id="people-keys",
            )

    def on_mount(self) -> None:
        """Columns, the first read, and a read every REFRESH seconds."""
        table = self.query_one("#people-list", DataTable)
        for label, key in (
            ("", "mark"),
            ("who", "who"),
            ("new", "new"),
            ("posts", "posts"),
            ("ans", "answers"),
            ("the team", "team"),
        ):
            table.add_column(label, key=key)
        questions = self.query_one("#people-questions", DataTable)
        for label, key in (
            ("age", "age"),
            ("who", "who"),
            ("claimed", "claimed"),
            ("question", "text"),
        ):
            questions.add_column(label, key=key)
        table.focus()
        self.reload()
        self.set_interval(REFRESH, self.reload)

    def reload(self) -> None:
        """Read the database again in a worker thread; never two reads at once (a read asked
        for meanwhile runs when the current one is in)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        self.run_worker(self._read, thread=True, group="people", exit_on_error=False)

    def _read(self) -> None:
        """In the worker thread: read, then hand the result to the screen."""
        try:
            people: ChatPeople | None = self.read()
        except Exception:  # noqa: BLE001 - the store closed under a quitting console
            people = None
        try:
            self.app.call_from_thread(self._read_done, people)
        except RuntimeError:  # the app has gone
            return

    def _read_done(self, people: ChatPeople | None) -> None:
        self._reading = False
        if people is not None:
            self.show(people)
        if self._again:
            self._again = False
            self.reload()

    def show(self, people: ChatPeople) -> None:
        """Show what was read, keeping each list's highlighted row (a list that did not change
        is left as it is; the questions' ages move on)."""
        before, self.people = self.people, people
        self.query_one("#people-head", Static).update(self._head(people))
        table = self.query_one("#people-list", DataTable)
        if before is None or before.participants != people.participants:
            keep = _highlighted(table)
            table.clear()
            for p in people.participants[:MAX_SHOWN]:
                table.add_row(*self._row(p), key=p.author_key)
            _highlight(table, keep)
        questions = self.query_one("#people-questions", DataTable)
        now = self.now()
        if before is not None and before.questions == people.questions:
            for q in people.questions:
                questions.update_cell(q.key, "age", self._question(q, now)[0])
            return
        keep = _highlighted(questions)
        questions.clear()
        for q in people.questions:
            questions.add_row(*self._question(q, now), key=q.key)
        _highlight(questions, keep)

    def _head(self, people: ChatPeople) -> Text:
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"People of #{self.tag}", "bold")
        n = len(people.participants)
        head.append(f" · {n} participant{'s' if n != 1 else ''}")
        if n > MAX_SHOWN:
            head.append(f" (the first {MAX_SHOWN} listed)", "dim")
        waiting = len(people.waiting)
        head.append(f" · {waiting} waiting", "bold yellow" if waiting else "green")
        open_qs, unclaimed = len(people.questions), len(people.unclaimed)
        head.append(f" · {open_qs} open question{'s' if open_qs != 1 else ''}")
        if open_qs:
            head.append(f" ({unclaimed} unclaimed)", "bold magenta" if unclaimed else "")
        ft = people.first_timers
        head.append(" · ")
        if ft is None:
            head.append("first-timers: still looking", "dim")
        else:
            count = sum(p.first_timer for p in people.participants)
            head.append(ft.note(count), "bold green" if ft.any_earlier and count else "dim")
        return head

    @staticmethod
    def _row(p: Participant) -> tuple[Text, ...]:
        mark = Text("●", "bold yellow") if p.waiting else Text("✓", "green")
        who = Text(f"@{one_line(p.handle)}", "bold", no_wrap=True, overflow="ellipsis")
        new = Text(FIRST_TIMER_MARK if p.first_timer else "", "bold green")
        return (mark, who, new, Text(str(p.posts)), Text(str(p.answers)), team_text(p))

    @staticmethod
    def _question(q: OpenQuestion, now: datetime) -> tuple[Text, ...]:
        claimed = (
            Text(one_line(q.claimed_by), "cyan") if q.claimed_by else Text("nobody", "bold magenta")
        )
        words = one_line(q.text)
        if len(words) > 90:
            words = words[:89] + "…"
        return (
            Text(age_text(q.age(now)), "bold"),
            Text(f"@{one_line(q.handle)}", "bold"),
            claimed,
            Text(words),
        )

    def _highlighted_author(self) -> str | None:
        """The author of the highlighted row of the focused list."""
        if self.people is None:
            return None
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "people-questions":
            key = _highlighted(focused)
            return next((q.author_key for q in self.people.questions if q.key == key), None)
        return _highlighted(self.query_one("#people-list", DataTable))

    def action_acknowledge(self) -> None:
        """Mark the highlighted person acknowledged, or take the mark back."""
        author = self._highlighted_author()
        if author is None or self.people is None:
            self.notify("Nobody highlighted.", severity="warning")
            return
        person = next((p for p in self.people.participants if p.author_key == author), None)
        on = person is None or person.acknowledged is None
        self.acknowledge(author, on)
        handle = person.handle if person else author
        self.notify(
            f"@{one_line(handle)} {'acknowledged' if on else 'no longer marked acknowledged'}",
            markup=False,
        )
        self.reload()


def _highlighted(table: DataTable[Text]) -> str | None:
    """The key of the table's highlighted row, or None."""
    if not table.row_count:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    except CellDoesNotExist:
        return None
    return None if key.value is None else str(key.value)


def _highlight(table: DataTable[Text], key: str | None) -> None:
    """Put the cursor back on the row with this key, if it is still there."""
    if key is None:
        return
    try:
        table.move_cursor(row=table.get_row_index(key), animate=False)
    except RowDoesNotExist:  # the row left the list
        return
