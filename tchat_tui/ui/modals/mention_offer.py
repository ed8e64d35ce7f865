"""The offer to post a refused reply as a new post that mentions its author."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tchat_tui.ui.safe import multi_line, one_line


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
