"""The stream's title line: its filter, a search and what it found, pause, the cursor's place."""

from __future__ import annotations

from tchat_tui.ui.widgets.stream import StreamPane


def stream_title(stream: StreamPane, paused: bool, held: int) -> str:
    """'Stream · filter', then the search ('search “Q3” · 12 found', Esc clears it), 'one line a
    post' when not wrapping, 'PAUSED · N new' while paused, and the cursor's place when it is not
    following the newest post (the pane has no scrollbar: see StreamPane)."""
    title = f"Stream · {stream.stream_filter.value}"
    if stream.search is not None:
        found = f"{len(stream.rows):,}" + ("+ (newest shown)" if stream.found_more else "")
        title += f" · search “{stream.search.typed}” · {found} found · Esc clears"
    if not stream.lines.wrap:
        title += " · one line a post (w)"
    if paused:
        title += f" · PAUSED · {held} new"
    if not stream.follow and stream.rows:
        title += f" · post {stream.cursor + 1:,} of {len(stream.rows):,}"
    return title
