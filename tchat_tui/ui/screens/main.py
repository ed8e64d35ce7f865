"""The console's main screen: header, stream, selected post, question queue, composer."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Footer, Input, Static

from tchat_tui.domain.post import Network
from tchat_tui.pipeline.connect_fediverse import network_rules
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.sources.base import SourceState
from tchat_tui.ui.actions.sending import OutgoingScreen
from tchat_tui.ui.focus import focus_now
from tchat_tui.ui.gc_policy import freeze_long_lived, settle_startup_memory
from tchat_tui.ui.inbox import Feed
from tchat_tui.ui.pacing import DEFAULT_GAP, hour_clock, next_question, pacing_label
from tchat_tui.ui.palette import PaletteEntry, console_commands
from tchat_tui.ui.safe import one_line
from tchat_tui.ui.stream_entry import StreamEntry, StreamFilter
from tchat_tui.ui.widgets.composer import Composer
from tchat_tui.ui.widgets.panes import (
    ChatHeader,
    HeaderFacts,
    PostDetail,
    QuestionQueue,
    QueueFacts,
)
from tchat_tui.ui.widgets.stream import StreamPane

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

FILTER_KEYS = {
    "1": StreamFilter.ALL,
    "2": StreamFilter.TO_US,
    "3": StreamFilter.GUESTS,
    "4": StreamFilter.CURRENT,
    "5": StreamFilter.STARRED,
    "6": StreamFilter.FLAGGED,
}


class MainScreen(OutgoingScreen):
    """Moderating the live chat. Receives the session; everything it shows comes from the store."""

    COMMANDS = {console_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reply", "Reply", id="reply"),
        Binding(
            "t", "repost", "Retweet", id="repost", tooltip="Retweet (repost) the selected post"
        ),
        Binding("s", "star", "Star", id="star"),
        Binding("h", "hide", "Hide", id="hide"),
        Binding("m", "mute", "Mute", id="mute"),
        Binding("a", "allow", "Allow flag", id="allow", show=False),
        Binding("c", "claim", "Claim", id="claim", show=False),
        Binding("d", "answered", "Answered", id="answered", show=False),
        Binding("enter", "author_card", "Author", id="author-card", tooltip="Author card"),
        Binding("p", "pause", "Pause", id="pause"),
        Binding("f", "cycle_filter", "Filter", id="cycle-filter"),
        *[
            Binding(
                k,
                f"filter('{f.name}')",
                f"Filter: {f.value}",
                id=f"filter-{f.name.lower()}",
                show=False,
            )
            for k, f in FILTER_KEYS.items()
        ],
        Binding("n", "next_question", "Next Q", id="next-question"),
        Binding("i", "compose", "Write", id="compose"),
        Binding("ctrl+n", "next_question", "Next Q", id="next-question-anywhere", show=False),
        Binding(
            "ctrl+o",
            "switch_duty",
            "Duty",
            id="switch-duty",
            priority=True,
            tooltip="Switch the moderator on duty",
        ),
        Binding("ctrl+l", "action_log", "Log", id="action-log", tooltip="Moderator action log"),
        Binding("f1,question_mark", "help", "Help", id="help"),
    ]

    paused: var[bool] = var(False)
    """The stream is frozen for reading; posts are still stored and counted as new."""

    def __init__(self, session: ChatSession) -> None:
        super().__init__()
        self.session = session
        self.feed = Feed(session)
        self.held: list[StreamEntry] = []
        """Posts that arrived while paused."""
        self.held_count = 0
        self.last_hidden: StreamEntry | None = None
        self._panes_dirty = True
        self._panes_at = 0.0
        self._title_follow = True
        self._typed_at = 0.0
        self._drained_at = 0.0
        self.error: str | None = None
        """Why the database could not be opened (the app then exits with code 2)."""

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, stream + detail on the left, the queue on the right, composer, footer."""
        s = self.session
        yield ChatHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Static(id="stream-title")
                yield StreamPane(id="stream", empty_note=s.network_note if not s.sources else "")
                yield PostDetail(id="detail")
            yield QuestionQueue(id="queue")
        # Before `open` there are no publishers yet: it makes one for every network asked for.
        networks = [n for n in s.settings.networks if n in s.publishers] or list(
            s.publishers or s.settings.networks
        )
        rules = getattr(getattr(s.scorer, "tracker", None), "rules", None)
        yield Composer(
            s.tag,
            networks,
            classic=s.settings.classic,
            promo_rules=rules,
            limits=network_rules(s.publishers, classic=s.settings.classic),
            id="composer",
        )
        yield Footer()

    def on_mount(self) -> None:
        """Paint at once; show what the database holds (opening it first if need be), then start."""
        self.stream.focus()
        self._title_stream()
        if self.session.is_open:
            self._load()
        else:
            self.feed.sources["database"] = SourceState(
                "database", "opening", str(self.session.db_path)
            )
            self.refresh_panes()
        # After the first frame: opening the database, the warm-up thread's imports and scoring
        # would otherwise compete with the first paint for the interpreter.
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        """The first frame is on the screen: settle the start-up's memory, open, start."""
        settle_startup_memory()
        if self.session.is_open:
            self._start()
        else:
            self.run_worker(self._open, thread=True, exit_on_error=False, group="open")

    def _open(self) -> None:
        """In a worker thread: open the database and resume the chat."""
        try:
            self.session.open()
        except Exception as exc:  # shown as one line by the CLI after the screen closes
            self._tell(self._open_failed, exc)
        else:
            if self.session.is_open:
                self._tell(self._opened)

    def _tell(self, callback: Callable[..., None], *args: object) -> None:
        """Run `callback` on the screen's thread, unless the console has already quit.

        `App._exit` is private (Textual is pinned exactly): set as soon as quitting starts, when
        the screen may already be torn down.
        """
        if self.app._exit:
            return
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # the app stopped while the database was opening
            pass

    def _opened(self) -> None:
        self.feed.sources.pop("database", None)
        self.stream.empty_note = self.session.network_note if not self.session.sources else ""
        self.stream.refresh()
        self._load()
        self._start()
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
        return super().check_action(action, parameters)

    # -- the tick ----------------------------------------------------------------------------

    @on(Input.Changed)
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
        for key in news.edited:
            self._apply_edit(key)
        for row in news.failed:
            self.show_failed(row)
        if news.questions_changed:
            self.stream.current_question = self.feed.current_question
        if news.questions_changed or news.sources_changed or news.entries:
            self._panes_dirty = True

    def _refresh_panes_if_due(self) -> None:
        if self._panes_dirty or time.monotonic() - self._panes_at >= CLOCK_INTERVAL:
            self.refresh_panes()

    def _apply_edit(self, key: str) -> None:
        entry = self.stream.by_key.get(key)
        row = self.session.store.post(key)
        if entry is None or row is None:
            return
        fresh = StreamEntry.from_row(row)
        entry.text, entry.raw_text = fresh.text, fresh.raw_text
        if row.get("deleted"):
            entry.text = "[deleted by its author] " + entry.text
        self.stream.update_entry(entry)

    def refresh_panes(self) -> None:
        """Redraw the header, the queue and the detail (clock ticks, new questions, claims)."""
        self._panes_dirty = False
        self._panes_at = time.monotonic()
        s = self.session
        now = s.clock.now()
        feed = self.feed
        started = feed.started_at or feed.first_post_at
        current = feed.current_question
        ends = started + s.duration if started is not None else None
        nxt = next_question(feed.questions, DEFAULT_GAP, ends)
        question = ""
        if current is not None:
            text = next((q.text for q in feed.questions if q.number == current), "")
            question = f"Q{current}: {text}" if text else f"Q{current}"
        pacing = ""
        if nxt is not None and nxt[1] is not None:
            pacing = pacing_label(nxt[0], nxt[1], now)
        self.query_one(ChatHeader).show(
            HeaderFacts(
                tag=s.tag,
                topic=s.topic,
                clock=hour_clock(started, s.duration, now),
                question=question,
                pacing=pacing,
                on_duty=s.on_duty,
                sources=feed.source_line(),
                per_minute=feed.per_minute(now),
                note=s.header_note,
                malformed=s.runner.malformed_count if s.is_open else 0,
                cost=self.cost_text(now),
            )
        )
        self.query_one(QuestionQueue).show(
            QueueFacts(
                questions=feed.questions,
                current=current,
                next_number=nxt[0] if nxt else None,
                next_due=nxt[1] if nxt else None,
                audience=feed.audience,
                now=now,
            )
        )
        self.query_one(PostDetail).show(self.stream.selected, current)
        if s.is_open:
            self.composer.set_rules(network_rules(s.publishers, classic=s.settings.classic))

    @property
    def cost_estimated(self) -> bool:
        """Whether the cost meter only estimates (replay or dry-run: nothing is billed)."""
        s = self.session
        return bool(s.settings.replay or s.settings.demo or s.settings.dry_run) or all(
            p.dry_run for p in s.publishers.values()
        )

    def cost_text(self, now: datetime) -> str:
        """The header's cost: '$0.42/h est.', or '$0.42/h est. if live' in replay and dry-run."""
        if Network.X not in self.session.publishers:
            return ""
        text = self.session.cost_meter.header_text(now)
        return f"{text} if live" if self.cost_estimated else text

    @property
    def stream_title(self) -> str:
        """'Stream · filter', plus 'PAUSED · N new' while paused and the cursor's place when it
        is not following the newest post (the pane has no scrollbar: see StreamPane)."""
        stream = self.stream
        title = f"Stream · {stream.stream_filter.value}"
        if self.paused:
            title += f" · PAUSED · {self.held_count} new"
        if not stream.follow and stream.rows:
            title += f" · post {stream.cursor + 1:,} of {len(stream.rows):,}"
        return title

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

    # -- stream actions ----------------------------------------------------------------------

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

    # -- palette -----------------------------------------------------------------------------

    def palette_entries(self) -> list[PaletteEntry]:
        """Every action for the command palette: title, help, action."""
        entries: list[PaletteEntry] = []
        seen: set[str] = set()
        for b in self.BINDINGS:
            assert isinstance(b, Binding)
            if b.action in seen:
                continue
            seen.add(b.action)
            key = b.key.split(",")[0].replace("question_mark", "?")
            entries.append((b.tooltip or b.description, f"key: {key}", b.action))
        entries += [
            ("Unhide the last hidden post", "Bring back the post hidden last", "unhide_last"),
            ("Unhide a post…", "Choose a hidden post of this chat and unhide it", "unhide_post"),
            ("Unmute an author…", "Choose a muted author and unmute them", "unmute_author"),
            ("Unmute the last muted author", "Undo the latest mute", "unmute_last"),
            ("Retry failed sends", "Queue failed outgoing posts again", "retry_failed"),
            (
                "Post refused reply as a mention",
                "X refused a reply: post it as a new post mentioning the author",
                "mention_refused",
            ),
            ("Cost of the hour", "What the hour costs on X, kind by kind", "cost"),
            ("Note on author", "Open the author card to write a note", "author_card"),
            ("Toggle automatic tag", "Add the chat's tag to drafts or not", "toggle_tag"),
        ]
        plan = self.session.plan
        for name in plan.templates if plan else ():
            entries.append(
                (
                    f"Template: {name}",
                    f"Put the plan's {name!r} text in the composer",
                    f"insert_template('{name}')",
                )
            )
        return entries

    def action_help(self) -> None:
        """Show every key."""
        from tchat_tui.ui.modals.help import HelpScreen

        def rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
            out = []
            for b in bindings:
                if isinstance(b, Binding):
                    out.append((b.key.replace("question_mark", "?"), b.tooltip or b.description))
            return out

        self.app.push_screen(
            HelpScreen(
                [
                    ("Console", rows(self.BINDINGS)),
                    ("Stream", rows(StreamPane.BINDINGS)),
                    ("Composer", rows(Composer.BINDINGS) + [("enter", "Send")]),
                    ("Anywhere", [("ctrl+p", "Command palette"), ("ctrl+q", "Quit")]),
                ]
            )
        )
