"""How the stream pane draws its lines: each post's lines as cached Strips, styles combined once."""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.widgets.stream_lines import StreamLines

STRIP_CACHE = 256
"""Rendered lines kept: a few screens' worth. Each Strip is a dozen objects the garbage collector
walks on every full collection, so the cache stays small (a line re-renders in microseconds)."""


@lru_cache(maxsize=64)
def _style(name: str) -> Style:
    """A parsed Rich style, parsed once."""
    return Style.parse(name) if name else Style.null()


class StreamPaint(ScrollView):
    """The drawing half of the stream pane (Line API): `rows`, `lines` and `cursor` are the pane's;
    `empty_lines` says what an empty view shows."""

    rows: list[StreamEntry]
    lines: StreamLines
    cursor: int

    def __init__(self, **kw: str) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self._cache: LRUCache[tuple[str, int, bool, int, int, bool], Strip] = LRUCache(STRIP_CACHE)
        self._styles: dict[tuple[str, bool], Style] = {}
        self._base: Style | None = None

    def empty_lines(self) -> list[str]:
        """What the view says when it shows no post."""
        return []

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
        line = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if self._base is None:
            self._base = self.rich_style
        base = self._base
        if not self.rows:
            return self._empty_line(y, width, base)
        if line >= self.lines.total:
            return Strip.blank(width, base)
        index = self.lines.row_at(line)
        entry = self.rows[index]
        sub = line - self.lines.span(index)[0]
        selected = index == self.cursor
        cache_key = (entry.key, entry.version, selected, width, sub, self.lines.wrap)
        strip = self._cache.get(cache_key)
        if strip is None:
            # Segments straight from the parts with pre-combined styles: no markup parsing, no
            # per-line style arithmetic. A flood scrolls the whole view every tick.
            layout = self.lines.layout(entry, width)
            # A resize reaches the pane (and lays it out again) just after this paint, at worst.
            parts = layout[sub] if sub < len(layout) else []
            segments = [Segment(text, self._line_style(name, selected)) for text, name in parts]
            fill = self._line_style("", selected)
            strip = Strip(segments).crop_extend(0, width, fill)
            self._cache[cache_key] = strip
        return strip

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        lines = self.empty_lines()
        if y >= len(lines):
            return Strip.blank(width, base)
        style = base + self.get_component_rich_style("stream--empty")
        text = Text(" " + lines[y], style=style, no_wrap=True, overflow="ellipsis")
        segments: list[Segment] = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, base)
