"""Who is here for the first time and who is still waiting: the first-timer rule run once per
console (in a thread), the first-timer mark on the stream's posts, and the people pane (`P`)."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Protocol

from tchat_tui.domain.first_timers import FirstTimers
from tchat_tui.domain.participants import ChatPeople
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import data_dir
from tchat_tui.ui.actions.view import ConsoleView
from tchat_tui.ui.stream_entry import StreamEntry


class PeopleDesk:
    """The first-timers of the chat and the people pane, for the main screen.

    The rule (`store.first_timers`) reads every chat database of the data folder: it runs once,
    in a thread of its own, when the chat is open; the drain tick (`mark`) hands its answer to
    the stream. Authors who post later are asked one by one as their posts arrive.
    """

    def __init__(self, session: ChatSession, view: ConsoleView) -> None:
        self.session = session
        self.view = view
        self.first_timers: FirstTimers | None = None
        """The rule's answer, once the stream has it."""
        self._found: FirstTimers | None = None
        """The rule's answer as the thread left it (read by the drain tick)."""
        self._thread: threading.Thread | None = None

    def _find(self) -> None:
        """Run the rule (in a thread); a failure leaves nobody marked."""
        self._found = self.find_or_none()

    def find_or_none(self) -> FirstTimers | None:
        """The rule's answer, or None when it could not be read (a store closed by a quitting
        console, a database gone from under it): the pane then says it is still looking."""
        try:
            return self.find()
        except Exception:  # noqa: BLE001 - first-timers are a courtesy: never a crash
            return None

    def find(self) -> FirstTimers:
        """Run the first-timer rule over this chat now (any thread)."""
        from tchat_tui.store.first_timers import first_timers

        s = self.session
        return first_timers(s.store, s.chat_id, data_dir())

    def mark(self, entries: list[StreamEntry]) -> None:
        """Every drain tick: start the rule once the chat is open; when its answer is in, mark
        the posts the stream holds; mark the posts that just arrived."""
        if self._thread is None and self.session.is_open:
            self._thread = threading.Thread(target=self._find, name="first-timers", daemon=True)
            self._thread.start()
        if self.first_timers is None:
            if self._found is None:
                return
            self.first_timers = self._found
            stream = self.view.stream
            if self._mark(stream.entries):
                stream.refresh()
        self._mark(entries)

    def _mark(self, entries: list[StreamEntry]) -> bool:
        """Set each entry's first-timer mark; whether one changed."""
        ft = self.first_timers
        if ft is None or not ft.any_earlier:
            return False
        changed = False
        for e in entries:
            role = "host" if e.outgoing else e.role
            first = ft.is_first_timer(e.author_key, e.network, e.handle, None, role)
            if first != e.first_timer:
                e.first_timer = first
                e.changed()
                changed = True
        return changed

    def read(self) -> ChatPeople:
        """The people pane's content (any thread); runs the rule first if it has not yet."""
        ft = self.first_timers or self._found
        if ft is None:
            ft = self._found = self.find_or_none()
        from tchat_tui.store.people import people_reader

        s = self.session
        with people_reader(s.store.path, s.store) as reader:
            return reader.chat_people(s.chat_id, ft)

    def acknowledge(self, author_key: str, on: bool) -> None:
        """Mark a person acknowledged (or not) as the moderator on duty; in the action log."""
        s = self.session
        s.store.set_acknowledged(s.chat_id, author_key, s.on_duty, on)

    def show(self) -> None:
        """Open the people pane."""
        from tchat_tui.ui.modals.people import PeopleScreen

        s = self.session
        self.view.push_screen(PeopleScreen(self.read, self.acknowledge, s.clock.now, s.tag))


class PeopleHost(ConsoleView, Protocol):
    """What the people keys need of the screen: the console view and its session."""

    session: ChatSession

    @property
    def people(self) -> PeopleDesk:
        """The first-timers and the people pane of this console."""
        ...


class PeopleKeys:
    """The main screen's people key (`w`), as a mixin: `people` is made on first use."""

    @cached_property
    def people(self: PeopleHost) -> PeopleDesk:
        """The first-timers and the people pane of this console."""
        return PeopleDesk(self.session, self)

    def action_people(self: PeopleHost) -> None:
        """Who is still waiting: participants, first-timers, open audience questions."""
        self.people.show()
