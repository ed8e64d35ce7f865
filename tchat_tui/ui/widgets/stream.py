"""The stream pane: a Line API view over a bounded list of posts, with a cursor and filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tchat_tui.ui.stream_entry import StreamEntry, StreamFilter, line_parts, matches


@lru_cache(maxsize=64)
def _style(name: str) -> Style:
    """A parsed Rich style, parsed once."""
    return Style.parse(name) if name else Style.null()


MAX_POSTS = 5000
"""Posts kept in the pane; older ones are still in the database (the pane is O(window))."""
TRIM_STEP = 500
WHEEL_STEP = 3
"""Posts the cursor moves per notch of the mouse wheel."""
STRIP_CACHE = 256
"""Rendered lines kept: a few screens' worth. Each Strip is a dozen objects the garbage collector
walks on every full collection, so the cache stays small (a line re-renders in microseconds)."""


class StreamPane(ScrollView, can_focus=True):
    """Newest posts, one line each; the source's posts arrive in batches from the screen's drain.

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
    ]

    class Selected(Message):
        """The cursor moved to another post (or to none)."""

        def __init__(self, entry: StreamEntry | None) -> None:
            super().__init__()
            self.entry = entry

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
        self._cache: LRUCache[tuple[str, int, bool, int], Strip] = LRUCache(STRIP_CACHE)
        self._styles: dict[tuple[str, bool], Style] = {}
        self._base: Style | None = None
        self._selected: StreamEntry | None = None

    # -- content -----------------------------------------------------------------------------

    def shown(self, entry: StreamEntry) -> bool:
        """Whether the entry is in the view under the current filter."""
        return self._filter()(entry)

    def _filter(self) -> Callable[[StreamEntry], bool]:
        """`shown` for many entries: the filter's reactives are read once, not per entry (a
        reactive read costs more than the test itself, and a flood tests thousands)."""
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
        if len(entries) > self.max_posts + TRIM_STEP:
            self._trim(appended)
        elif appended:
            self.rows.extend(appended)
            self._after_change()
        return added

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
        gone_ids = {id(e) for e in gone}
        rows = self.rows
        n = 0
        while n < len(rows) and id(rows[n]) in gone_ids:
            n += 1
        del rows[:n]
        rows.extend(appended)
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
            self.refresh()

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

    def _visible_set(self) -> set[int]:
        return {id(e) for e in self.rows}

    def update_contains(self, entry: StreamEntry) -> bool:
        """Whether the entry is currently in the view."""
        return id(entry) in self._visible_set()

    def _rebuild(self, keep: StreamEntry | None) -> None:
        shown = self._filter()
        self.rows = [e for e in self.entries if shown(e)]
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
        size = Size(self.size.width, len(self.rows))
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
        """A new height (a terminal resized, a smaller tmux client attached): keep the newest
        post on the last line while following, else keep the cursor's post in view."""
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
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)

    def action_cursor_up(self) -> None:
        """Move to the previous post."""
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move to the next post."""
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        """Move a page up."""
        self.move_cursor(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        """Move a page down."""
        self.move_cursor(self.cursor + max(1, self.scrollable_content_region.height - 1))

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
        self.move_cursor(int(self.scroll_offset.y) + event.y)

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Styles changed (focus, theme): cached lines and styles are stale."""
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()
        self._base = None

    def _line_style(self, name: str, selected: bool) -> Style:
        """The widget's style + the part's style (+ the cursor's), combined once per name."""
        style = self._styles.get((name, selected))
        if style is None:
            if self._base is None:
                self._base = self.rich_style
            style = self._base + _style(name)
            if selected:
                style += self.get_component_rich_style("stream--cursor")
            self._styles[(name, selected)] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Render one line of the view (Line API); lines are cached per post version and width."""
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if self._base is None:
            self._base = self.rich_style
        base = self._base
        if not self.rows:
            return self._empty_line(y, width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        entry = self.rows[index]
        selected = index == self.cursor
        cache_key = (entry.key, entry.version, selected, width)
        strip = self._cache.get(cache_key)
        if strip is None:
            # Segments straight from the parts with pre-combined styles: no markup parsing, no
            # wrapping, no per-line style arithmetic. A flood scrolls the whole view every tick.
            segments = [
                Segment(text, self._line_style(name, selected)) for text, name in line_parts(entry)
            ]
            fill = self._line_style("", selected)
            strip = Strip(segments).crop_extend(0, width, fill)
            self._cache[cache_key] = strip
        return strip

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        if self.entries:  # posts, none of them shown: say why
            lines = [f"No post here under the filter “{self.stream_filter.value}”."]
            if self.stream_filter is not StreamFilter.ALL:
                lines.append("Press 1 to see all posts.")
            else:
                lines.append("Every post is hidden or by a muted author.")
        else:
            lines = ["No posts yet."]
            if self.empty_note:
                lines.append(self.empty_note)
        if y >= len(lines):
            return Strip.blank(width, base)
        style = base + self.get_component_rich_style("stream--empty")
        text = Text(" " + lines[y], style=style, no_wrap=True, overflow="ellipsis")
        segments: list[Segment] = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, base)
