"""Where each post of the stream's view starts, in lines: a wrapped post takes several.

The pane draws only the lines on screen (Line API); to find which post a line belongs to it keeps
the first line of every post shown (a prefix sum) and bisects it. A post is wrapped once per
version and width: new posts add their heights at the end, a resize or a new filter lays the
view out again (5,000 posts: tens of milliseconds).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from textual.cache import LRUCache

from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.stream_layout import Line, line_count, post_parts, wrap

LAYOUTS = 128
"""Wrapped posts kept: a screen's worth or two (their lists are walked by every full garbage
collection). Heights are kept apart, for every post in the view."""


class StreamLines:
    """The view's geometry at one width: each post's first line and height."""

    def __init__(self) -> None:
        self.wrap = True
        """Each post shows its whole text, wrapped; else one line a post, cut at the edge."""
        self.width = 0
        self.starts: list[int] = []
        """Wrapping: the first line of each post shown (rows[i] starts at starts[i])."""
        self.total = 0
        """Lines in the view."""
        self._layouts: LRUCache[tuple[str, int, int], list[Line]] = LRUCache(LAYOUTS)
        self._heights: dict[str, tuple[int, int, int]] = {}
        """Post key -> (version, width, lines)."""

    def layout(self, entry: StreamEntry, width: int) -> list[Line]:
        """The post's lines at this width (one line, uncut, when not wrapping or before the pane
        has a width)."""
        if not self.wrap or width <= 0:
            return [post_parts(entry)]
        key = (entry.key, entry.version, width)
        lines = self._layouts.get(key)
        if lines is None:
            lines = wrap(post_parts(entry), width)
            self._layouts[key] = lines
            self._heights[entry.key] = (entry.version, width, len(lines))
        return lines

    def height(self, entry: StreamEntry) -> int:
        """Lines the post takes at the current width."""
        if not self.wrap or self.width <= 0:
            return 1
        known = self._heights.get(entry.key)
        if known is not None and known[0] == entry.version and known[1] == self.width:
            return known[2]
        # Only the height: most posts of a flood scroll by without ever being drawn.
        lines = line_count(entry, self.width)
        self._heights[entry.key] = (entry.version, self.width, lines)
        return lines

    def reset(self, rows: list[StreamEntry], width: int) -> None:
        """Lay out the whole view (a new width, filter or wrap mode; posts trimmed)."""
        if width != self.width:
            self._heights.clear()
            self.width = width
        if not self.wrap:
            self.starts = []
            self.total = len(rows)
            return
        keep = {e.key for e in rows}
        if len(self._heights) > 2 * len(keep) + LAYOUTS:
            self._heights = {k: v for k, v in self._heights.items() if k in keep}
        self.starts = []
        self.total = 0
        self.extend(rows)

    def extend(self, new: Iterable[StreamEntry]) -> None:
        """Posts appended to the view."""
        if not self.wrap:
            self.total += sum(1 for _ in new)
            return
        starts, at, height = self.starts, self.total, self.height
        for entry in new:
            starts.append(at)
            at += height(entry)
        self.total = at

    def drop_front(self, gone: list[StreamEntry]) -> None:
        """The first posts of the view left it (the pane trimmed its window): the others move up.
        Heights are kept; no post is laid out again (a flood trims every 500 posts)."""
        n = len(gone)
        if not self.wrap:
            self.total -= n
            return
        if not n:
            return
        shift = self.starts[n] if n < len(self.starts) else self.total
        self.starts = [at - shift for at in self.starts[n:]]
        self.total -= shift
        for entry in gone:
            self._heights.pop(entry.key, None)

    def row_at(self, line: int) -> int:
        """The index of the post shown on this line of the view."""
        if not self.wrap:
            return line
        return max(0, bisect_right(self.starts, line) - 1)

    def span(self, index: int) -> tuple[int, int]:
        """(first line, lines) of the post at this index of the view."""
        if not self.wrap:
            return index, 1
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else self.total
        return start, end - start
