"""The stream pane: a Line API view over a bounded list of posts, with a cursor, filters, a search;
each post wrapped whole (or one line a post)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var

from tchat_tui.domain.post_search import PostSearch
from tchat_tui.ui.stream_entry import StreamEntry, StreamFilter, found_by, matches
from tchat_tui.ui.widgets.stream_lines import StreamLines
from tchat_tui.ui.widgets.stream_paint import StreamPaint

MAX_POSTS = 5000
"""Posts kept in the pane; older ones are still in the database (the pane is O(window))."""
TRIM_STEP = 500
WHEEL_STEP = 3
"""Posts the cursor moves per notch of the mouse wheel."""


class StreamPane(StreamPaint, can_focus=True):
    """Newest posts, each wrapped whole (`w`: one line each); the source's posts arrive in batches
    from the screen's drain. A search (`show_found`) shows the stored posts it found instead of
    the window, and the new posts it finds; Escape clears it.

    No scrollbar: under a flood its thumb moved on every drain and redrawing it cost as much as
    the posts' lines. The screen's stream title says where the cursor is instead ("post 120 of
    4,980"); the wheel, the arrows and the page keys move the cursor.
    """

    DEFAULT_CSS = """
    StreamPane {
        background: $surface;
        overflow-y: hidden;
        overflow-x: hidden;
    }
    StreamPane > .stream--cursor { background: $accent 40%; }
    StreamPane > .stream--empty { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {"stream--cursor", "stream--empty"}
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end,G", "last", "Newest", show=False),
        Binding(
            "w",
            "toggle_wrap",
            "Wrap",
            id="toggle-wrap",
            show=False,
            tooltip="Whole posts, wrapped, or one line a post",
        ),
        Binding("escape", "clear_search", "Clear the search", id="clear-search", show=False),
    ]

    class Selected(Message):
        """The cursor moved to another post (or to none)."""

        def __init__(self, entry: StreamEntry | None) -> None:
            super().__init__()
            self.entry = entry

    class ViewChanged(Message):
        """A search shown or cleared, wrapping turned on or off: the stream's title changes."""

    stream_filter: var[StreamFilter] = var(StreamFilter.ALL)
    """Which posts are shown."""
    current_question: var[int | None] = var(None)
    """The question whose answers the CURRENT filter shows."""

    def __init__(self, *, max_posts: int = MAX_POSTS, empty_note: str = "", **kw: str) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.max_posts = max_posts
        self.empty_note = empty_note
        self.entries: list[StreamEntry] = []
        self.by_key: dict[str, StreamEntry] = {}
        self.muted: set[str] = set()
        self.rows: list[StreamEntry] = []
        self.cursor = -1
        self.follow = True
        """The cursor sits on the newest post and moves with it."""
        self._selected: StreamEntry | None = None
        self.lines = StreamLines()
        """Where each row starts, in lines (a wrapped post takes several)."""
        self.search: PostSearch | None = None
        """The search shown, if any: the rows are then the posts it found."""
        self.found: list[StreamEntry] = []
        """The posts the search found (stored ones, then new ones it finds), oldest first."""
        self.found_more = False
        """The store found more posts than it returned (the newest are shown)."""

    # -- content -----------------------------------------------------------------------------

    def shown(self, entry: StreamEntry) -> bool:
        """Whether the entry is in the view under the current filter."""
        return self._filter()(entry)

    def _filter(self) -> Callable[[StreamEntry], bool]:
        """`shown` for many entries: the filter's reactives are read once, not per entry (a
        reactive read costs more than the test itself, and a flood tests thousands)."""
        if (search := self.search) is not None:
            kept = self._filter_without_search()
            return lambda e: kept(e) and found_by(search, e)
        return self._filter_without_search()

    def _filter_without_search(self) -> Callable[[StreamEntry], bool]:
        flt, question, muted = self.stream_filter, self.current_question, self.muted
        if flt is StreamFilter.ALL:
            return lambda e: not e.hidden and e.author_key not in muted
        return lambda e: not e.hidden and e.author_key not in muted and matches(e, flt, question)

    def add(self, new: Iterable[StreamEntry]) -> int:
        """Append posts (oldest first); return how many were new to the pane."""
        added = 0
        appended: list[StreamEntry] = []
        shown = self._filter()
        by_key, entries = self.by_key, self.entries
        for entry in new:
            if entry.key in by_key:
                continue
            entries.append(entry)
            by_key[entry.key] = entry
            added += 1
            if shown(entry):
                appended.append(entry)
        if self.search is not None:
            self.found.extend(appended)
        if len(entries) > self.max_posts + TRIM_STEP:
            self._trim(appended)
        elif appended:
            self.rows.extend(appended)
            if self.lines.width == self._width:
                self.lines.extend(appended)
            else:
                self.lines.reset(self.rows, self._width)
            self._after_change()
        return added

    @property
    def _width(self) -> int:
        return self.scrollable_content_region.width

    def _trim(self, appended: list[StreamEntry]) -> None:
        """Forget the oldest posts beyond `max_posts`, with the rows that showed them.

        The rows are the entries that pass the filter, in the same order: the trimmed entries'
        rows are a prefix of the rows, so they are cut without filtering the window again.
        """
        cut = len(self.entries) - self.max_posts
        gone = self.entries[:cut]
        for old in gone:
            del self.by_key[old.key]
        del self.entries[:cut]
        if self.search is not None:  # the rows are the posts found, not the window
            del self.found[: max(0, len(self.found) - self.max_posts)]
            self._rebuild(keep=self._selected)
            return
        gone_ids = {id(e) for e in gone}
        rows = self.rows
        n = 0
        while n < len(rows) and id(rows[n]) in gone_ids:
            n += 1
        self.lines.drop_front(rows[:n])
        del rows[:n]
        rows.extend(appended)
        if self.lines.width == self._width:
            self.lines.extend(appended)
        else:
            self.lines.reset(rows, self._width)
        if self.follow:
            self.cursor = len(rows) - 1
        elif self._selected is not None and id(self._selected) in gone_ids:
            self.cursor = 0 if rows else -1  # the post under the cursor left the window
        else:
            self.cursor = max(-1 if not rows else 0, self.cursor - n)
        self._after_change(rebuilt=True)

    def update_entry(self, entry: StreamEntry) -> None:
        """An entry changed (starred, hidden, allowed...): redraw it or take it out of the view."""
        entry.changed()
        if self.shown(entry) != self.update_contains(entry):
            self._rebuild(keep=self._selected)
        else:
            if self.lines.wrap:  # its height may have changed (an edited text)
                self.lines.reset(self.rows, self._width)
                self._set_row_count()
            self.refresh()

    def show_found(self, search: PostSearch, found: list[StreamEntry], more: bool) -> None:
        """Show the posts a search found (oldest first) and, from now on, the new posts it finds;
        entries the pane already holds are used as they are (starred, hidden...)."""
        self.search = search
        self.found = [self.by_key.get(e.key, e) for e in found]
        self.found_more = more
        self.follow = True
        self._rebuild(keep=None)
        self.post_message(self.ViewChanged())

    def action_clear_search(self) -> None:
        """Back to the whole stream, the cursor on the post it was on."""
        if self.search is None:
            return
        self.search = None
        self.found = []
        self.found_more = False
        self._rebuild(keep=self._selected)
        self.post_message(self.ViewChanged())

    def action_toggle_wrap(self) -> None:
        """Whole posts, wrapped, or one line a post; the cursor stays on its post."""
        self.lines.wrap = not self.lines.wrap
        self._cache.clear()
        self._rebuild(keep=self._selected)
        self.post_message(self.ViewChanged())

    def refilter(self) -> None:
        """Apply a changed filter, mute list or current question."""
        self._rebuild(keep=self._selected)

    def watch_stream_filter(self) -> None:
        """A new filter: rebuild the view."""
        self._rebuild(keep=self._selected)

    def watch_current_question(self) -> None:
        """The current question changed: the CURRENT filter follows it."""
        if self.stream_filter is StreamFilter.CURRENT:
            self._rebuild(keep=self._selected)

    def update_contains(self, entry: StreamEntry) -> bool:
        """Whether the entry is currently in the view."""
        return any(e is entry for e in self.rows)

    def _rebuild(self, keep: StreamEntry | None) -> None:
        shown = self._filter()
        source = self.found if self.search is not None else self.entries
        self.rows = [e for e in source if shown(e)]
        self.lines.reset(self.rows, self._width)
        if self.follow or keep is None:
            self.cursor = len(self.rows) - 1
        else:
            try:
                self.cursor = self.rows.index(keep)
            except ValueError:
                self.cursor = self._nearest_index(keep)
        self._after_change(rebuilt=True)

    def _nearest_index(self, keep: StreamEntry) -> int:
        """The position of the first visible post not older than `keep`."""
        for i, e in enumerate(self.rows):
            if (e.created_at, e.key) >= (keep.created_at, keep.key):
                return i
        return len(self.rows) - 1

    def _set_row_count(self) -> None:
        """Grow the scrollable height without a screen layout pass.

        `virtual_size` is a layout reactive: setting it re-arranges and repaints the whole screen,
        on every tick of a flood. The pane has no children and no scrollbar, so only its scroll
        range needs to know; `_scroll_update` is Textual's private hook for that (Textual is
        pinned exactly). Every scroll of the pane is forced (`force=True`): with `overflow-y:
        hidden` Textual otherwise refuses it and the view would stay on the oldest posts.
        """
        size = Size(self.size.width, self.lines.total)
        if size != self.virtual_size:
            self.set_reactive(StreamPane.virtual_size, size)
            self._scroll_update(size)

    def _after_change(self, rebuilt: bool = False) -> None:
        self._set_row_count()
        if self.follow:
            self.cursor = len(self.rows) - 1
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        elif rebuilt:
            self._scroll_to_cursor()
        self._announce()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """A new size (a terminal resized, a smaller tmux client attached): wrap again at the new
        width; keep the newest post on the last line while following, else the cursor's post in
        view."""
        if self.lines.width != self._width:
            self.lines.reset(self.rows, self._width)
            self._set_row_count()
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
        else:
            self._scroll_to_cursor()
        self.refresh()

    # -- cursor ------------------------------------------------------------------------------

    @property
    def selected(self) -> StreamEntry | None:
        """The post under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def _announce(self) -> None:
        entry = self.selected
        if entry is not self._selected:
            self._selected = entry
            self.post_message(self.Selected(entry))

    def move_cursor(self, to: int) -> None:
        """Put the cursor on line `to` (clamped); it follows new posts only on the last line."""
        if not self.rows:
            return
        self.cursor = max(0, min(to, len(self.rows) - 1))
        self.follow = self.cursor == len(self.rows) - 1
        self._scroll_to_cursor()
        self._announce()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        """Bring the cursor's post into view (its first line, if it is taller than the view)."""
        if not 0 <= self.cursor < len(self.rows):
            return
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        start, lines = self.lines.span(self.cursor)
        if start < top or lines > height:
            self.scroll_to(y=start, animate=False, immediate=True, force=True)
        elif start + lines > top + height:
            self.scroll_to(y=start + lines - height, animate=False, immediate=True, force=True)

    def _page(self, direction: int) -> int:
        """The post a page above (-1) or below (+1) the cursor's, at least one post away."""
        if not 0 <= self.cursor < len(self.rows):
            return self.cursor
        page = max(1, self.scrollable_content_region.height - 1)
        start, _ = self.lines.span(self.cursor)
        target = self.lines.row_at(max(0, min(start + direction * page, self.lines.total - 1)))
        return target if target != self.cursor else self.cursor + direction

    def action_cursor_up(self) -> None:
        """Move to the previous post."""
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move to the next post."""
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        """Move a page up."""
        self.move_cursor(self._page(-1))

    def action_page_down(self) -> None:
        """Move a page down."""
        self.move_cursor(self._page(+1))

    def action_first(self) -> None:
        """Move to the oldest post in the pane."""
        self.move_cursor(0)

    def action_last(self) -> None:
        """Move to the newest post and follow new ones."""
        self.move_cursor(len(self.rows) - 1)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        """The wheel moves the cursor (the pane has no scrollbar to drag)."""
        event.stop()
        self.move_cursor(self.cursor + WHEEL_STEP)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        """The wheel moves the cursor (the pane has no scrollbar to drag)."""
        event.stop()
        self.move_cursor(self.cursor - WHEEL_STEP)

    def on_click(self, event: events.Click) -> None:
        """Select the clicked post."""
        line = int(self.scroll_offset.y) + event.y
        if line < self.lines.total:
            self.move_cursor(self.lines.row_at(line))

    def empty_lines(self) -> list[str]:
        """What the view says when it shows no post, and why."""
        if self.search is not None:
            lines = [f"No post found for “{self.search.typed}”.", "Escape clears the search."]
        elif self.entries:  # posts, none of them shown: say why
            lines = [f"No post here under the filter “{self.stream_filter.value}”."]
            if self.stream_filter is not StreamFilter.ALL:
                lines.append("Press 1 to see all posts.")
            else:
                lines.append("Every post is hidden or by a muted author.")
        else:
            lines = ["No posts yet."]
            if self.empty_note:
                lines.append(self.empty_note)
        return lines
