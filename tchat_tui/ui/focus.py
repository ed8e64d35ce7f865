"""Moving the keyboard focus at once, and keeping a burst's keys in order around a text field."""

from __future__ import annotations

import asyncio

from textual.widget import Widget

CATCH_UP = 1.0
"""At most this long waiting for a text field to type the keys already sent to it."""


def focus_now(widget: Widget) -> None:
    """Give `widget` the focus now.

    `Widget.focus()` only queues the change behind the events already waiting, so keys that
    arrived in the same burst as the one that opened the composer (a paste, fast typing over
    ssh or tmux) would still go to the stream and run its one-key commands: `rmerci` muted the
    author ("m") instead of typing "merci". `Screen.set_focus` moves it before the next event.
    """
    widget.screen.set_focus(widget)


async def caught_up(widget: Widget) -> None:
    """Return once `widget` has handled every message queued to it before this call.

    The app forwards a printable key to the focused text field, which types it from its own
    queue, later; a key the app runs itself (Enter sends, ctrl+q looks for an unsent draft,
    Backspace deletes) must wait for the keys before it, or `r merci Enter` in one burst sends
    an empty draft and types "merci" after. Called from the app's own task, never the widget's.
    """
    done = asyncio.Event()
    if widget.call_later(done.set):
        try:
            await asyncio.wait_for(done.wait(), CATCH_UP)
        except TimeoutError:  # a field that stopped reading: handle the key anyway
            pass
