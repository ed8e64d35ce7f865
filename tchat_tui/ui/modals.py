"""Screens over the console: author card, muted authors, hidden posts, action log, help, cost,
mention offer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tchat_tui.domain.cost import PRICES_READ_ON, CostMeter
from tchat_tui.ui.safe import multi_line, one_line
from tchat_tui.ui.widgets.stream_entry import PROMO_MARKS, ROLE_BADGES, local_time

if TYPE_CHECKING:
    from tchat_tui.store.database import Store


class AuthorCard(ModalScreen[str | None]):
    """An author: role, mute state, the moderators' note, their posts here and promo reasons.

    Dismisses with 'mute', 'unmute', 'note' or None. The note field has the focus: the card is
    where the moderators write about an author (Enter saves the note, Esc closes). However it
    closes, the note as typed stays readable (`note`, `note_changed`): a changed note is saved.
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

    def __init__(self, store: Store, chat_id: int, author_key: str) -> None:
        super().__init__()
        self.store = store
        self.chat_id = chat_id
        self.author_key = author_key
        self.author: dict[str, Any] = store.author(author_key) or {"key": author_key}
        self.muted = bool(self.author.get("muted"))
        self.saved_note: str = self.author.get("notes") or ""
        """The note as stored when the card opened."""
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
        """Keep the note as typed, then close with `result`."""
        self._typed = self.query_one("#note", Input).value
        self.dismiss(result)

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
        if self._typed is not None:
            return self._typed
        return self.query_one("#note", Input).value

    @property
    def note_changed(self) -> bool:
        """Whether the note as typed differs from the stored one."""
        return self.note != self.saved_note


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

    Dismisses with the author's key, or None. `rows` come from `moderation.muted_in_chat`.
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

    Dismisses with the post's key, or None. `rows` come from `moderation.hidden_in_chat`.
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


class ActionLog(ModalScreen[None]):
    """Who did what: the moderators' actions, newest first."""

    DEFAULT_CSS = """
    ActionLog { align: center middle; }
    ActionLog > VerticalScroll {
        width: 90%; height: 85%; border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="log-close")]

    def __init__(self, store: Store, chat_id: int, limit: int = 300) -> None:
        super().__init__()
        self.store = store
        self.chat_id = chat_id
        self.limit = limit

    def compose(self) -> ComposeResult:
        """The log as a table."""
        with VerticalScroll():
            yield Static(self._table(), id="action-table")

    def _target(self, target: str) -> str:
        post = self.store.post(target)
        if post:
            return f"@{post['author_handle']}: {post['text']}"
        author = self.store.author(target)
        if author:
            return f"@{author['handle']}"
        return target

    def _table(self) -> Table:
        table = Table(title="Moderator actions (newest first)", expand=True, show_edge=False)
        table.add_column("time", no_wrap=True, style="dim")
        table.add_column("moderator", no_wrap=True, style="bold green")
        table.add_column("action", no_wrap=True, style="bold")
        table.add_column("on", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("detail", max_width=30, no_wrap=True, overflow="ellipsis")
        for row in self.store.actions(self.chat_id, self.limit):
            table.add_row(
                local_time(datetime.fromisoformat(row["at"])),
                Text(one_line(row["moderator"] or "")),
                Text(one_line(row["action"] or "")),
                Text(one_line(self._target(row["target"] or ""))),
                Text(one_line(row["detail"] or "")),
            )
        return table


class HelpScreen(ModalScreen[None]):
    """Every key of the console, from the bindings themselves."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,f1", "dismiss(None)", "Close", id="help-close")]

    def __init__(self, sections: Iterable[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        """One table per section."""
        with VerticalScroll():
            yield Static(Text("tchat-live keys", style="bold"))
            for title, keys in self.sections:
                table = Table(title=title, show_header=False, expand=True, show_edge=False)
                table.add_column("key", style="bold cyan", no_wrap=True, ratio=1)
                table.add_column("does", ratio=3)
                for key, what in keys:
                    table.add_row(key, what)
                yield Static(table)
            yield Static(
                Text(
                    "Every action is also in the command palette (ctrl+p). Keys avoid the tmux and"
                    " screen prefixes ctrl+b and ctrl+a.",
                    style="dim",
                )
            )


class CostScreen(ModalScreen[None]):
    """What the hour costs on X at pay-per-use prices, kind by kind (an estimate, never the bill)."""

    DEFAULT_CSS = """
    CostScreen { align: center middle; }
    CostScreen > VerticalScroll {
        width: 80; height: auto; max-height: 90%; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="cost-close")]

    def __init__(self, meter: CostMeter, now: datetime, *, estimated: bool) -> None:
        super().__init__()
        self.meter = meter
        self.now = now
        self.estimated = estimated

    def compose(self) -> ComposeResult:
        """The last hour and the whole chat, one row per price kind."""
        hour_ago = self.now - timedelta(hours=1)
        with VerticalScroll():
            title = "Cost of the hour on X"
            if self.estimated:
                title += " (estimated as if live: replay or dry-run, nothing is billed)"
            yield Static(Text(title, style="bold"))
            yield Static(self._table("Last hour", self.meter.breakdown(hour_ago)))
            yield Static(self._table("Whole chat", self.meter.breakdown()))
            yield Static(
                Text(
                    f"Pay-per-use prices read {PRICES_READ_ON}; the bill is on console.x.com.",
                    style="dim",
                )
            )

    @staticmethod
    def _table(title: str, rows: list[tuple[str, int, float]]) -> Table:
        table = Table(title=title, expand=True, show_edge=False)
        table.add_column("what", ratio=3)
        table.add_column("count", justify="right")
        table.add_column("USD", justify="right")
        for label, count, usd in rows:
            table.add_row(label, str(count), f"${usd:.3f}")
        table.add_row(Text("total", style="bold"), "", f"${sum(r[2] for r in rows):.2f}")
        return table


class MentionOffer(ModalScreen[bool]):
    """X refused a reply: offer to post it as a new post that mentions the author (True = post)."""

    DEFAULT_CSS = """
    MentionOffer { align: center middle; }
    MentionOffer > Vertical {
        width: 80; height: auto; border: thick $error; background: $surface; padding: 0 1;
    }
    MentionOffer Horizontal { height: auto; }
    MentionOffer #offer-text { margin: 1 0; }
    """
    BINDINGS = [
        Binding("y", "dismiss(True)", "Post it", id="offer-yes"),
        Binding("escape,n", "dismiss(False)", "Drop it", id="offer-no"),
    ]

    def __init__(self, network: str, reason: str, author: str, text: str) -> None:
        super().__init__()
        self.network = network
        self.reason = reason
        self.author = author
        self.text = text
        """The new post's text (mentioning the author)."""

    def compose(self) -> ComposeResult:
        """The reason, the post that would go out, and the two choices."""
        with Vertical():
            head = Text()
            head.append(f"{one_line(self.network)} refused the reply to ", "bold")
            head.append(f"@{one_line(self.author)}", "bold cyan")
            head.append(f"\n{one_line(self.reason)}", "red")
            yield Static(head, id="offer-reason")
            body = Text("Post it instead as a new post that mentions them?\n", style="bold")
            body.append(multi_line(self.text), "not bold")
            yield Static(body, id="offer-text")
            with Horizontal():
                yield Button("Post as a new post (y)", variant="primary", id="offer-post")
                yield Button("Drop it (n)", id="offer-drop")

    @on(Button.Pressed, "#offer-post")
    def _post(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#offer-drop")
    def _drop(self) -> None:
        self.dismiss(False)
