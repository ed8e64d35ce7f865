"""The draft's text area: wraps, grows from one row to `MAX_ROWS`, Enter sends, ctrl+j breaks
the line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea

MAX_ROWS = 6
"""The draft grows with its text up to this many rows, then scrolls..."""
SCREEN_SHARE = 6
"""...and to no more than a sixth of the terminal's height (4 rows at 24), so the stream stays
in sight."""
BORDER_ROWS = 2
"""The draft's `tall` border, above and below."""


class DraftArea(TextArea):
    """The draft: the whole post visible while it is written (a 271-character welcome is four
    rows at 80 columns), and the line breaks the post will carry.

    Its box changes only when the number of wrapped rows does: Textual's TextArea would ask for
    a new layout of the screen (stream included) at every key, as its virtual size follows the
    text; here the screen is laid out again only when the draft gains or loses a row.
    """

    BINDINGS = [
        Binding("enter", "submit", "Send", show=False, id="draft-send"),
        Binding("ctrl+j,shift+enter", "newline", "New line", show=False, id="draft-newline"),
        # TextArea's redo: ctrl+y is the composer's "swap with the draft set aside"
        Binding("ctrl+y", "swap_draft", "Set-aside draft", id="draft-swap"),
    ]

    def __init__(
        self,
        *,
        placeholder: str,
        submit: Callable[[], None],
        swap: Callable[[], None],
        **kw: str | None,
    ) -> None:
        self._resizing = False  # before TextArea's own __init__, which refreshes
        super().__init__(
            "",
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=False,
            highlight_cursor_line=False,
            placeholder=placeholder,
            **kw,  # type: ignore[arg-type]
        )
        self.submit = submit
        """The composer's send, run at the Enter key itself."""
        self.swap = swap
        """The composer's swap with the draft set aside (ctrl+y)."""
        self.rows = 1
        """The rows of text the box shows now (1 to MAX_ROWS)."""
        self._styled_for: tuple[object, ...] | None = None

    @property
    def value(self) -> str:
        """The draft's text (as `Input.value`)."""
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)
        self.fit_rows()

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        """Repaint the draft only, unless its number of rows changed (`fit_rows`)."""
        return super().refresh(
            *regions, repaint=repaint, layout=layout and self._resizing, recompose=recompose
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        """Render, reading the theme's styles from CSS only when they may have changed.

        Textual 8.2.8's TextArea (pinned) applies its CSS to its theme on every frame, about
        half the draft's render time per key; what it reads changes only with the focus, the
        hover, the disabled state or the app's theme.
        """
        styled_for = (self.has_focus, self.mouse_hover, self.disabled, self.app.theme)
        if styled_for != self._styled_for:
            self._styled_for = styled_for
            return super().render_lines(crop)
        return super(TextArea, self).render_lines(crop)  # the theme as last applied

    def fit_rows(self) -> None:
        """Grow or shrink the box to the wrapped text (1 to MAX_ROWS rows, at most a sixth of
        the terminal)."""
        if not self.is_mounted:
            return
        most = max(2, min(MAX_ROWS, self.app.size.height // SCREEN_SHARE))
        rows = max(1, min(most, self.wrapped_document.height))
        if rows == self.rows:
            return
        self.rows = rows
        self._resizing = True
        try:
            self.styles.height = rows + BORDER_ROWS
            self.refresh(layout=True)
        finally:
            self._resizing = False

    def on_resize(self, event: events.Resize) -> None:
        """A new width wraps the text again: fit the rows to it."""
        self.call_after_refresh(self.fit_rows)

    async def _on_key(self, event: events.Key) -> None:
        """Enter sends (never a line break: ctrl+j is); other keys type as in a TextArea."""
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        await super()._on_key(event)

    def action_submit(self) -> None:
        """Enter: the composer sends the draft now, as it is at this key.

        Synchronous, at the key itself: keys that came in the same burst as Enter (tmux, ssh, a
        paste) are not typed into the sent text (`send-keys Enter s` once sent "...s #tag"), and
        a ctrl+q right behind Enter finds the send already made.
        """
        self.submit()

    def action_newline(self) -> None:
        """ctrl+j (or shift+enter where the terminal tells it apart): a line break in the post."""
        start, end = self.selection
        self.replace("\n", start, end, maintain_selection_offset=False)

    def action_swap_draft(self) -> None:
        """ctrl+y: the composer's swap with the draft set aside."""
        self.swap()
