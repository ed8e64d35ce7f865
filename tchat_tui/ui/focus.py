"""Moving the keyboard focus at once, before the next key is handled."""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Give `widget` the focus now.

    `Widget.focus()` only queues the change behind the events already waiting, so keys that
    arrived in the same burst as the one that opened the composer (a paste, fast typing over
    ssh or tmux) would still go to the stream and run its one-key commands: `rmerci` muted the
    author ("m") instead of typing "merci". `Screen.set_focus` moves it before the next event.
    """
    widget.screen.set_focus(widget)
