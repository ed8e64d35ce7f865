"""The console's main screen: header, stream, selected post, question queue, composer."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TextArea

from tchat_tui.pipeline.connect import network_rules
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.sources.base import SourceState
from tchat_tui.ui.actions.moderation import Moderation
from tchat_tui.ui.actions.people import PeopleKeys
from tchat_tui.ui.actions.queue_steering import QueueSteering
from tchat_tui.ui.actions.searching import Searching
from tchat_tui.ui.actions.sending import Sending
from tchat_tui.ui.actions.view import Result
from tchat_tui.ui.focus import focus_now
from tchat_tui.ui.gc_policy import freeze_long_lived, settle_startup_memory
from tchat_tui.ui.inbox import Inbox
from tchat_tui.ui.palette import PaletteEntry, console_commands
from tchat_tui.ui.safe import one_line
from tchat_tui.ui.screens.keys import CONSOLE_BINDINGS, help_sections, palette_entries
from tchat_tui.ui.screens.moderator_keys import ModeratorKeys
from tchat_tui.ui.screens.opening import open_session
from tchat_tui.ui.screens.pane_facts import pane_facts
from tchat_tui.ui.screens.sending_keys import SendingKeys
from tchat_tui.ui.stored_changes import show_stored_changes
from tchat_tui.ui.stream_entry import StreamEntry, StreamFilter
from tchat_tui.ui.widgets.composer import Composer
from tchat_tui.ui.widgets.panes import ChatHeader, PostDetail
from tchat_tui.ui.widgets.queue import QuestionQueue
from tchat_tui.ui.widgets.stream import StreamPane
from tchat_tui.ui.widgets.stream_title import stream_title

DRAIN_INTERVAL = 0.1
"""The workers' queues are drained 10 times a second: one batched update per tick."""
TYPING_WINDOW = 0.25
"""A key pressed this recently means the moderator is typing..."""
TYPING_DRAIN = 0.3
"""...and the stream then takes its news at most this often."""
PANES_INTERVAL = 0.5
"""Header, queue and detail are redrawn at most this often when posts change them..."""
CLOCK_INTERVAL = 1.0
"""...and at least this often, for the clocks."""


REHEARSAL_NOTE = (
    "A rehearsal: you are the host (the recording's host is held back). Post your welcome"
    " (f2) and the rules (f3), then n puts Q1 in the composer."
)
"""What the empty stream says in a rehearsal, while the recorded participants arrive."""


class MainScreen(ModeratorKeys, SendingKeys, PeopleKeys, Screen[None]):
    """Moderating the live chat. Receives the session (not yet open: it opens the database after
    the first frame); everything it shows comes from the store. What the keys do is in its two
    action objects, `moderation` and `sending`; its `action_*` methods hand each key to them."""

    COMMANDS = {console_commands}
    BINDINGS: ClassVar[list[BindingType]] = CONSOLE_BINDINGS

    paused: var[bool] = var(False)
    """The stream is frozen for reading; posts are still stored and counted as new."""

    def __init__(self, session: ChatSession) -> None:
        super().__init__()
        self.session = session
        self.feed = Inbox(session)
        self.held: list[StreamEntry] = []
        """Posts that arrived while paused."""
        self.held_count = 0
        self.moderation = Moderation(session, self.feed, self)
        self.sending = Sending(session, self.feed, self)
        self.queue = QueueSteering(session, self.feed, self, self.moderation)
        self._panes_dirty = True
        self._panes_at = 0.0
        self._title_follow = True
        self._typed_at = 0.0
        self._drained_at = 0.0
        self.error: str | None = None
        """Why the database could not be opened (the app then exits with code 2)."""
        self.ready = False
        """The database is open, the chat shown, the workers and the timers started."""

    @property
    def stream(self) -> StreamPane:
        """The stream pane."""
        return self.query_one(StreamPane)

    @property
    def composer(self) -> Composer:
        """The composer."""
        return self.query_one(Composer)

    def push_screen(
        self, screen: Screen[Result], callback: Callable[[Result | None], None] | None = None
    ) -> None:
        """Open `screen` over the console; `callback` receives what it closes with."""
        self.app.push_screen(screen, callback)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, stream + detail on the left, the queue on the right, composer, footer."""
        s = self.session
        yield ChatHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Static(id="stream-title")
                yield StreamPane(id="stream")  # its empty note once the chat opens
                yield PostDetail(id="detail")
            yield QuestionQueue(id="queue")
        # Before `open` there are no publishers yet: the composer counts for every network asked
        # for with the default rules (`refresh_panes` gives it the publishers' own once known).
        yield Composer(
            s.tag,
            list(s.settings.networks),
            classic=s.settings.classic,
            send=self.sending.send,
            undo_seconds=self.sending.undo_seconds,
            id="composer",
        )
        yield Footer()

    # -- opening the chat after the first frame ---------------------------------------------

    def on_mount(self) -> None:
        """Paint at once, the database as 'opening'; open it, show what it holds, then start."""
        self.stream.focus()
        self._title_stream()
        where = str(self.session.db_path)
        self.feed.sources["database"] = SourceState("database", "opening", where)
        self.refresh_panes()
        # After the first frame: opening the database, the warm-up thread's imports and scoring
        # would otherwise compete with the first paint for the interpreter.
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        """The first frame is on the screen: settle the start-up's memory, open, start."""
        settle_startup_memory()
        work = partial(open_session, self.app, self.session, self._opened, self._open_failed)
        self.run_worker(work, thread=True, exit_on_error=False, group="open")

    def _opened(self) -> None:
        self.feed.sources.pop("database", None)
        self.stream.empty_note = (
            REHEARSAL_NOTE
            if self.session.practice
            else self.session.network_note
            if not self.session.sources
            else ""
        )
        self.stream.refresh()
        self._load()
        self._start()
        self.ready = True
        self.refresh_bindings()  # the keys held back while opening

    def _open_failed(self, exc: Exception) -> None:
        """The database would not open after all: leave; the CLI prints `error` as one line."""
        self.error = one_line(str(exc)) or type(exc).__name__
        self.app.exit(return_code=2)

    def _load(self) -> None:
        """Show what the database holds: muted authors, recent posts, questions, audience."""
        stream = self.stream
        stream.muted = self.session.store.muted_authors()
        stream.current_question = self.feed.current_question
        stream.add(self.feed.load(stream.max_posts))
        stream.current_question = self.feed.current_question
        self._title_stream()
        self.refresh_panes()

    def _start(self) -> None:
        """Start the workers (unless a test holds them) and the screen's timers."""
        if self.session.settings.start_sources:
            self.session.start(after_warm_up=freeze_long_lived)
        if not self.session.sources:
            self.notify(self.session.network_note, title="No source", timeout=10)
        self.set_interval(DRAIN_INTERVAL, self._drain_tick)
        self.set_interval(PANES_INTERVAL, self._refresh_panes_if_due)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the database opens (a fraction of a second), only help and quit work."""
        if not self.session.is_open and action not in ("help", "quit", "command_palette"):
            return False
        if action == "cancel_send" and not self.composer.pending.held:
            return False  # ctrl+z is then the draft's undo
        return super().check_action(action, parameters)

    # -- the tick ----------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typing(self) -> None:
        """Note when the moderator last typed in the composer (the drain gives way to typing)."""
        self._typed_at = time.monotonic()

    def _drain_tick(self) -> None:
        """Drain now, unless the moderator is typing: then at most every TYPING_DRAIN seconds.

        A frame that shows new posts costs several milliseconds more than a keystroke's frame;
        while keys come in, posts are shown in fewer, larger batches (none is dropped).
        """
        now = time.monotonic()
        if now - self._typed_at < TYPING_WINDOW and now - self._drained_at < TYPING_DRAIN:
            return
        self._drained_at = now
        self.drain()

    def drain(self) -> None:
        """Take what the workers queued and show it in one batched update."""
        news = self.feed.drain()
        self.people.mark(news.entries)  # first-timers (the rule's answer once it is in)
        if news.entries:
            for e in news.entries:
                e.allowed = e.key in self.feed.allowed
            if self.paused:
                self.held.extend(news.entries)
                self.held_count += len(news.entries)
                overflow = len(self.held) - self.stream.max_posts
                if overflow > 0:
                    del self.held[:overflow]
                self._title_stream()
            else:
                self.stream.add(news.entries)
        show_stored_changes(self.stream, self.feed, self.session.store, news)
        for row in news.failed:
            self.sending.show_failed(row)
        if news.questions_changed:
            self.stream.current_question = self.feed.current_question
        if news.questions_changed or news.sources_changed or news.entries or news.edited:
            self._panes_dirty = True

    def _refresh_panes_if_due(self) -> None:
        if self._panes_dirty or time.monotonic() - self._panes_at >= CLOCK_INTERVAL:
            self.refresh_panes()

    def refresh_panes(self) -> None:
        """Redraw the header, the queue and the detail (clock ticks, new questions, claims)."""
        self._panes_dirty = False
        self._panes_at = time.monotonic()
        s = self.session
        now = s.clock.now()
        header, queue = pane_facts(s, self.feed, now, cost=self.sending.cost_text(now))
        self.query_one(ChatHeader).show(header)
        self.query_one(QuestionQueue).show(queue)
        self.query_one(PostDetail).show(self.stream.selected, queue.current)
        if s.is_open:
            self.composer.set_rules(network_rules(s.publishers, classic=s.settings.classic))

    @property
    def stream_title(self) -> str:
        """The stream's title line (`stream_title`)."""
        return stream_title(self.stream, self.paused, self.held_count)

    def _title_stream(self) -> None:
        # A line of its own rather than a border title: a border doubles the cost of every
        # line the stream repaints.
        self.query_one("#stream-title", Static).update(self.stream_title, layout=False)

    @on(StreamPane.Selected)
    def _selected(self, event: StreamPane.Selected) -> None:
        # At once, following or not: the detail is what the host reads before pressing r, s or
        # h, which act on the highlighted post, so the two never disagree (at most once per
        # drain while following a flood: one Selected per batch).
        self.query_one(PostDetail).show(event.entry, self.feed.current_question)
        if self.stream.follow != self._title_follow or not self.stream.follow:
            self._title_follow = self.stream.follow
            self._title_stream()

    @on(StreamPane.ViewChanged)
    def _view_changed(self) -> None:
        self._title_stream()

    # -- stream actions ----------------------------------------------------------------------

    def action_search(self) -> None:
        """Search the chat's stored posts; the stream shows what was found until Escape."""
        Searching(self.session, self.feed, self).ask()

    def action_pause(self) -> None:
        """Freeze or unfreeze the stream; posts are stored either way."""
        self.paused = not self.paused
        if not self.paused:
            self.stream.add(self.held)
            self.held.clear()
            self.held_count = 0
        self._title_stream()

    def action_filter(self, name: str) -> None:
        """Show only one kind of post."""
        self.stream.stream_filter = StreamFilter[name]
        self._title_stream()

    def action_cycle_filter(self) -> None:
        """The next filter."""
        order = list(StreamFilter)
        i = order.index(self.stream.stream_filter)
        self.action_filter(order[(i + 1) % len(order)].name)

    def action_compose(self) -> None:
        """Go to the composer (a new post, or the draft in progress)."""
        focus_now(self.composer.draft)

    # -- palette and help --------------------------------------------------------------------

    def palette_entries(self) -> list[PaletteEntry]:
        """Every action for the command palette: title, help, action."""
        plan = self.session.plan
        return palette_entries(self.BINDINGS, plan.templates if plan else ())

    def action_help(self) -> None:
        """Show every key."""
        from tchat_tui.ui.modals.help import HelpScreen

        plan = self.session.plan
        self.app.push_screen(
            HelpScreen(help_sections(self.BINDINGS, plan.templates if plan else ()))
        )
