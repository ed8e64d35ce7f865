"""Practice on a recording: the user is the host, so the recorded host's and co-moderators' own
posts are held back (never stored, never shown, never counted); everyone else's come through.

The user's sends are stored by the outbox as the host's own posts (`Pipeline.store_sent`), not
through a source, so nothing here can hold them back. Held posts are dropped before the pipeline
sees them: a restart replays the file again and drops them again (the replay resumes after the
newest stored post, held posts never being among them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from tchat_tui.domain.post import Post, Role
from tchat_tui.domain.roster import Roster
from tchat_tui.sources.base import Source, SourceError, SourceSink, SourceState

HELD_ROLES = frozenset({Role.HOST, Role.COMODERATOR})
"""Whose recorded posts a rehearsal holds back: the people the user stands in for."""


class PracticeError(SourceError):
    """A rehearsal cannot tell whose posts to hold back."""


def check_practice(roster: Roster) -> None:
    """A rehearsal needs to know the recording's host (PracticeError, one line, if not)."""
    if not roster.host:
        raise PracticeError(
            "--practice needs the recording's host to stand in for: add --host HANDLE or --plan"
        )


class HeldBack(SourceSink):
    """A sink that passes on every post but the recorded host's and co-moderators'."""

    def __init__(self, sink: SourceSink, roster: Callable[[], Roster]) -> None:
        self.sink = sink
        self.roster = roster
        """The chat's roster as the classifier holds it now."""
        self.held = 0
        """How many recorded posts were held back."""
        self._held_keys: set[str] = set()

    def _is_held(self, post: Post) -> bool:
        role = self.roster().role_of(post.author_handle, post.network, post.instance)
        return role in HELD_ROLES

    def posts(self, posts: list[Post]) -> None:
        """Pass on the posts the user does not stand in for."""
        kept = []
        for post in posts:
            if self._is_held(post):
                self.held += 1
                self._held_keys.add(post.key)
            else:
                kept.append(post)
        if kept:
            self.sink.posts(kept)

    def state(self, state: SourceState) -> None:
        """Pass on the source's state; the end says how many posts were held back."""
        if state.state == "ended" and self.held:
            detail = f"{state.detail}; " if state.detail else ""
            state = replace(state, detail=f"{detail}{self.held} of the host's held back")
        self.sink.state(state)

    def malformed(self, count: int, example: str) -> None:
        """Pass on skipped lines."""
        self.sink.malformed(count, example)

    def edited(self, post: Post) -> None:
        """Pass on an edit, unless of a held post."""
        if not self._is_held(post):
            self.sink.edited(post)

    def deleted(self, key: str) -> None:
        """Pass on a deletion, unless of a held post."""
        if key not in self._held_keys:
            self.sink.deleted(key)


class PracticeSource:
    """A recording played for a rehearsal: `inner`'s posts, the host's held back."""

    def __init__(self, inner: Source, roster: Callable[[], Roster]) -> None:
        self.inner = inner
        self.name = inner.name
        self.roster = roster
        self.sink: HeldBack | None = None
        """The holding sink of the current run (its `held` count)."""

    def run(self, sink: SourceSink, stop: threading.Event) -> None:
        """Play the recording into `sink`, holding back the host's and co-moderators' posts."""
        self.sink = HeldBack(sink, self.roster)
        self.inner.run(self.sink, stop)
