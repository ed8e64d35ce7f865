"""A small form of one-line texts: a question's text in each language, a handle to mute."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class TextsForm(ModalScreen[list[str] | None]):
    """One labelled field per text; Enter in the last field (or ctrl+s) returns the texts,
    Escape returns None. Enter in another field moves to the next one. An empty field is
    refused with a word under the form (nothing is returned half-filled)."""

    DEFAULT_CSS = """
    TextsForm { align: center middle; }
    TextsForm > Vertical {
        width: 90%; max-width: 100; height: auto; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    TextsForm #form-title { text-style: bold; }
    TextsForm #form-said { color: $warning; height: auto; }
    """
    AUTO_FOCUS = "#field-0"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="form-cancel"),
        Binding("ctrl+s", "save", "Save", id="form-save"),
    ]

    def __init__(self, title: str, fields: list[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        """(label, value) of each field, in order."""
        self.hint = hint or "Enter: next field, then save · Escape: cancel"

    def compose(self) -> ComposeResult:
        """Title, the fields with their labels, the hint."""
        with Vertical():
            yield Static(self.title_text, id="form-title", markup=False)
            for i, (label, value) in enumerate(self.fields):
                yield Label(label, markup=False)
                yield Input(value=value, id=f"field-{i}")
            yield Static(self.hint, id="form-said", markup=False)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        i = inputs.index(event.input)
        if i + 1 < len(inputs):
            inputs[i + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        """Return the texts, unless one is empty."""
        texts = [field.value.strip() for field in self.query(Input)]
        if not all(texts):
            self.query_one("#form-said", Static).update("Every field needs a text.")
            return
        self.dismiss(texts)
