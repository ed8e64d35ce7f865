"""Opening the chat's database in a worker thread, after the console's first frame."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from tchat_tui.pipeline.session import ChatSession
from tchat_tui.ui.chat_time import show_times_in


def open_session(
    app: App[Any],
    session: ChatSession,
    opened: Callable[[], None],
    failed: Callable[[Exception], None],
) -> None:
    """In a worker thread: open the database and resume the chat; then `opened`, or `failed`
    with the error, runs on the app's thread (unless the console has already quit)."""
    try:
        session.open()
    except Exception as exc:  # shown as one line by the CLI after the screen closes
        _tell(app, failed, exc)
    else:
        if session.is_open:
            show_times_in(session.zone)  # a chat reopened without its plan: the stored plan's
            _tell(app, opened)


def _tell(app: App[Any], callback: Callable[..., None], *args: object) -> None:
    """Run `callback` on the app's thread, unless the console has already quit.

    `App._exit` is private (Textual is pinned exactly): set as soon as quitting starts, when
    the screen may already be torn down.
    """
    if app._exit:
        return
    try:
        app.call_from_thread(callback, *args)
    except RuntimeError:  # the app stopped while the database was opening
        pass
