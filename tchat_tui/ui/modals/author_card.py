"""The author card: role, mute state, the moderators' note, their posts here and promo reasons."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tchat_tui.ui.safe import multi_line, one_line
from tchat_tui.ui.stream_entry import PROMO_MARKS, ROLE_BADGES, local_time

if TYPE_CHECKING:
    from tchat_tui.store.database import Store


class AuthorCard(ModalScreen[str | None]):
    """An author: role, mute state, the moderators' note, their posts here and promo reasons.

    Dismisses with 'mute', 'unmute', 'note' or None. The note field has the focus: the card is
    where the moderators write about an author (Enter saves the note, Esc closes). A changed
    note is saved (`save_note`) whenever the focus leaves the field (Tab, a click elsewhere)
    and whenever the card closes, however it closes: a typed note is never lost.
    """

    AUTO_FOCUS = "#note"

    DEFAULT_CSS = """
    AuthorCard { align: center middle; }
    AuthorCard > Vertical {
        width: 90%; height: 85%; border: thick $accent; background: $surface; padding: 0 1;
    }
    AuthorCard #card-head { height: auto; }
    AuthorCard #card-posts { height: 1fr; border: round $primary-darken-2; }
    AuthorCard Horizontal { height: auto; }
    AuthorCard Input { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="card-close")]

    def __init__(
        self,
        store: Store,
        chat_id: int,
        author_key: str,
        save_note: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.save_note = save_note
        """Stores a changed note (as the moderator on duty) and says so."""
        self.store = store
        self.chat_id = chat_id
        self.author_key = author_key
        self.author: dict[str, Any] = store.author(author_key) or {"key": author_key}
        self.muted = bool(self.author.get("muted"))
        self.saved_note: str = self.author.get("notes") or ""
        """The note as stored (when the card opened, then as saved since)."""
        self._typed: str | None = None

    def compose(self) -> ComposeResult:
        """Head, posts, note and buttons."""
        with Vertical():
            yield Static(self._head(), id="card-head")
            with VerticalScroll(id="card-posts"):
                yield Static(self._posts())
            with Horizontal():
                yield Input(
                    value=self.saved_note,
                    placeholder="moderators' note on this author",
                    id="note",
                )
                yield Button("Save note", id="save-note")
                yield Button("Unmute" if self.muted else "Mute", id="mute", variant="warning")
                yield Button("Close", id="close")

    def _head(self) -> Text:
        a = self.author
        role = a.get("role") or "participant"
        head = Text()
        head.append(one_line(a.get("name") or a.get("handle") or self.author_key), "bold")
        head.append(f"  @{one_line(a.get('handle') or '')}", "dim")
        head.append(f"  {ROLE_BADGES.get(role, role)}", "cyan")
        if self.muted:
            head.append("  MUTED", "bold red")
        first = a.get("first_seen")
        if first:
            head.append(f"  first seen {local_time(datetime.fromisoformat(first))}", "dim")
        return head

    def _posts(self) -> Group | Text:
        rows = self.store.posts_by_author(self.chat_id, self.author_key)
        if not rows:
            return Text("No posts in this chat.", style="dim")
        count = f"{len(rows)} post{'s' if len(rows) != 1 else ''} in this chat"
        parts: list[Text] = [Text(count, style="bold")]
        for r in rows:
            line = Text()
            line.append(local_time(datetime.fromisoformat(r["created_at"])) + " ", "dim")
            mark = PROMO_MARKS.get(r.get("promo_level") or "none")
            if mark:
                line.append(f"{mark[0]} ", mark[1])
            if r.get("hidden"):
                line.append("[hidden] ", "italic red")
            if r.get("starred"):
                line.append("★ ", "yellow")
            line.append(multi_line(r["text"] or ""))
            parts.append(line)
            if mark and r.get("promo_reasons"):
                reasons = "; ".join(one_line(x) for x in json.loads(r["promo_reasons"]))
                parts.append(Text(f"    promo: {reasons}", style="dark_orange"))
        return Group(*parts)

    def _finish(self, result: str | None) -> None:
        """Save the note as typed, then close with `result`."""
        self._typed = self.query_one("#note", Input).value
        self._save()
        self.dismiss(result)

    @on(Input.Changed, "#note")
    def _typing(self, event: Input.Changed) -> None:
        self._typed = event.value

    @on(Input.Blurred, "#note")
    def _left_the_note(self) -> None:
        self._save()

    def on_unmount(self) -> None:
        """Closed some other way (the app popped the screen): the note is still saved."""
        self._save()

    def _save(self) -> None:
        """Save the note if it changed since it was last saved."""
        if self.note_changed and self.save_note is not None:
            self.save_note(self.note)
            self.saved_note = self.note

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        """Close the card (a changed note is saved by the caller)."""
        self._finish(None)

    @on(Button.Pressed, "#mute")
    def _mute(self) -> None:
        self._finish("unmute" if self.muted else "mute")

    @on(Button.Pressed, "#save-note")
    @on(Input.Submitted, "#note")
    def _note(self) -> None:
        self._finish("note")

    @property
    def note(self) -> str:
        """The note as typed."""
        return self.saved_note if self._typed is None else self._typed

    @property
    def note_changed(self) -> bool:
        """Whether the note as typed differs from the stored one."""
        return self.note != self.saved_note
