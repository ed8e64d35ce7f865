"""The reconnect loop both Bluesky sources (search and Jetstream) run in."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tchat_tui.clients.http import Clock, Rejected, Transient
from tchat_tui.sources.resume import Cursor, ReconnectingSource, SeenIds, Sleep


class BlueskyRounds(ReconnectingSource):
    """The reconnect loop of the Bluesky sources: a refused login names the Bluesky settings."""

    name = "bluesky"
    retry_on = (httpx.HTTPError, Transient, Rejected, ValueError, KeyError, OSError)
    credentials_hint = "check TCHAT_BLUESKY_HANDLE and TCHAT_BLUESKY_APP_PASSWORD"

    def __init__(
        self,
        tag: str,
        cursor: Cursor | None,
        known: SeenIds | None,
        sleep: Sleep,
        rand: Callable[[], float],
        clock: Clock,
    ) -> None:
        super().__init__(tag, cursor, sleep, rand, clock)
        self.known = known or SeenIds()
        """AT-URIs delivered already (shared by search and Jetstream: each drops the other's)."""
