"""The chat's rate window: each author's posts in the last minutes, and the median of those
counts over the active authors (what the burst rule F1 compares an author's posts with)."""

from __future__ import annotations

from array import array

from tchat_tui.domain.promo.authors import AuthorState


class RateWindow:
    """The posts of the last `span` microseconds, two numbers a post: times and authors in arrival
    order, oldest first from `start`. Each author's count is kept on the author
    (`AuthorState.window`); a count of counts gives the median without sorting the authors."""

    __slots__ = ("span", "times", "authors", "start", "active", "counts", "median", "since_median")

    def __init__(self, span: int) -> None:
        """An empty window `span` microseconds long."""
        self.span = span
        self.times = array("q")
        self.authors: list[AuthorState] = []
        self.start = 0
        self.active = 0
        """Authors with a post in the window."""
        self.counts: dict[int, int] = {}
        """Posts in the window -> how many authors have that many (for the median)."""
        self.median = 1.0
        """The median posts per active author, as of the last refresh."""
        self.since_median = 0
        """Posts added since the median was last computed."""

    def add(self, author: AuthorState, micros: int) -> None:
        """A post in (at `micros`), the old ones out; the median is computed again every 25 posts,
        and at every post while fewer than 50 authors are active."""
        self.times.append(micros)
        self.authors.append(author)
        self._bump(author, 1)
        if self.times[self.start] < micros - self.span:
            self._drop_old_posts(micros - self.span)
        self.since_median += 1
        if self.since_median >= 25 or self.active < 50:
            self.since_median = 0
            self.median = self._median()

    def _drop_old_posts(self, cutoff: int) -> None:
        """Take the posts older than `cutoff` out of the window (oldest first, in arrival order,
        stopping at the first recent one)."""
        times, owners = self.times, self.authors
        start = self.start
        end = len(times)
        while start < end and times[start] < cutoff:
            self._bump(owners[start], -1)
            start += 1
        if start > 4096 and 2 * start > end:
            del times[:start]
            del owners[:start]
            start = 0
        self.start = start

    def _bump(self, author: AuthorState, step: int) -> None:
        """Change an author's posts in the window by `step`, keeping the count of counts."""
        counts = self.counts
        old = author.window
        new = author.window = old + step
        if old:
            left = counts[old] - 1
            if left:
                counts[old] = left
            else:
                del counts[old]
        else:
            self.active += 1
        if new:
            counts[new] = counts.get(new, 0) + 1
        else:
            self.active -= 1

    def _median(self) -> float:
        """The median posts per active author (`statistics.median` of the counts)."""
        n = self.active
        if n <= 0:
            return self.median
        low_at, high_at = (n - 1) // 2, n // 2
        seen = 0
        low = high = 0
        counts = self.counts
        for value in sorted(counts):
            below = seen
            seen += counts[value]
            if below <= low_at < seen:
                low = value
            if seen > high_at:
                high = value
                break
        return float(low) if n % 2 else (low + high) / 2
