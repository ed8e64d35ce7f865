"""Choosing one row to undo a decision: a muted author to unmute, a hidden post to unhide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tchat_tui.ui.safe import one_line
from tchat_tui.ui.stream_entry import ROLE_BADGES, local_time


class Chooser(ModalScreen[str | None]):
    """A titled list of rows; Enter dismisses with the chosen row's key, Esc or q with None.

    Subclasses give the title and how a row reads (`line`), from plain rows (dicts with "key").
    """

    DEFAULT_CSS = """
    Chooser { align: center middle; }
    Chooser > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 80%; border: thick $accent;
        background: $surface; padding: 0 1;
    }
    Chooser OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="chooser-close")]
    TITLE = ""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        """The title and one line per row."""
        with Vertical():
            yield Static(Text(self.TITLE, style="bold"))
            yield OptionList(*(Option(self.line(r), id=r["key"]) for r in self.rows))

    def line(self, row: dict[str, Any]) -> Text:
        """How one row reads (untrusted text through `one_line`, never markup)."""
        raise NotImplementedError

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class MutedAuthors(Chooser):
    """The chat's muted authors, newest mute first; Enter unmutes the selected one.

    Dismisses with the author's key, or None. `rows` come from `store.moderation_history.muted_in_chat`.
    """

    TITLE = "Unmute an author (Enter unmutes, Esc closes)"

    def line(self, row: dict[str, Any]) -> Text:
        """@handle, role badge, when and by whom muted."""
        line = Text()
        line.append(f"@{one_line(row.get('handle') or row['key'])}", "bold")
        role = row.get("role") or "participant"
        if role in ROLE_BADGES:
            line.append(f" {ROLE_BADGES[role]}", "cyan")
        if row.get("muted_at"):
            line.append(f"  muted {local_time(datetime.fromisoformat(row['muted_at']))}", "dim")
        if row.get("muted_by"):
            line.append(f" by {one_line(row['muted_by'])}", "dim")
        return line


class HiddenPosts(Chooser):
    """The chat's hidden posts, newest hide first; Enter unhides the selected one.

    Dismisses with the post's key, or None. `rows` come from `store.moderation_history.hidden_in_chat`.
    """

    DEFAULT_CSS = """
    HiddenPosts > Vertical { width: 100; }
    """
    TITLE = "Unhide a post (Enter unhides, Esc closes)"
    TEXT_START = 48
    """Characters of a post's text shown."""

    def line(self, row: dict[str, Any]) -> Text:
        """Time, @author, the start of the text, who hid it and when."""
        line = Text(no_wrap=True, overflow="ellipsis")
        if row.get("created_at"):
            line.append(local_time(datetime.fromisoformat(row["created_at"])) + " ", "dim")
        line.append(f"@{one_line(row.get('author_handle') or '?')} ", "bold")
        text = one_line(row.get("text") or "")
        if len(text) > self.TEXT_START:
            text = text[: self.TEXT_START - 1] + "…"
        line.append(text)
        if row.get("hidden_by"):
            line.append(f"  hidden by {one_line(row['hidden_by'])}", "dim")
        if row.get("hidden_at"):
            line.append(f" {local_time(datetime.fromisoformat(row['hidden_at']))}", "dim")
        return line
