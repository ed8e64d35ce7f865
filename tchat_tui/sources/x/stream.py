"""One filtered-stream connection at a time through tweepy's StreamingClient.

tweepy's own reconnect loop sleeps in its thread with fixed waits and cannot see the rate-limit
reset; here every connection ends on the first error and the X source decides what comes next
(backoff, wait for the reset, fall back to search). Lines are handed over raw: the source parses
them with the parser the replay uses.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import tweepy

from tchat_tui.clients.x.api import EXPANSIONS, TWEET_FIELDS, USER_FIELDS, RateLimits, mount


@dataclass(frozen=True, slots=True)
class StreamEnd:
    """How a connection ended."""

    kind: str
    """'stopped', 'closed' (X ended it), 'dropped' (network error or silence), 'http', 'error'."""
    status: int | None = None
    detail: str = ""


class TagStream(tweepy.StreamingClient):  # type: ignore[misc]
    """A StreamingClient whose connections end on the first error instead of retrying."""

    def __init__(
        self,
        bearer_token: str,
        *,
        on_line: Callable[[bytes], None],
        api_base: str | None,
        silence: float,
        rate: RateLimits,
    ) -> None:
        super().__init__(bearer_token, wait_on_rate_limit=False, daemon=True)
        self._on_line = on_line
        self.silence = silence
        # StreamingClient uses one session for the rules calls and the stream itself.
        mount(self.session, api_base, rate, timeout=(5.0, silence), read_timeout=silence)
        self.session.hooks["response"].append(self._remember)
        self.connected = threading.Event()
        self.end: StreamEnd | None = None
        self._response: requests.Response | None = None
        self._lock = threading.Lock()

    # -- connection ----------------------------------------------------------------------------

    def open(self) -> threading.Thread:
        """Start one connection in a daemon thread."""
        self.connected.clear()
        self.end = None
        thread: threading.Thread = self.filter(
            expansions=EXPANSIONS,
            tweet_fields=TWEET_FIELDS,
            user_fields=USER_FIELDS,
            threaded=True,
        )
        return thread

    def close(self) -> None:
        """End the connection now, even while it waits for data."""
        self._finish(StreamEnd("stopped"))
        with self._lock:
            response = self._response
            self._response = None
        if response is None:
            return
        try:
            # shutting the socket down wakes a read blocked in the stream thread
            sock = getattr(getattr(response.raw, "connection", None), "sock", None)
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.status_code == 200 and urlsplit(response.url).path.endswith("/search/stream"):
            with self._lock:
                self._response = response

    def _finish(self, end: StreamEnd) -> None:
        if self.end is None:
            self.end = end
        self.disconnect()

    # -- tweepy callbacks ----------------------------------------------------------------------

    def on_connect(self) -> None:
        """The stream answered 200."""
        self.connected.set()

    def on_data(self, raw_data: bytes) -> None:
        """Hand the raw line to the source (parsed there, with the replay's parser)."""
        self._on_line(raw_data)

    def on_keep_alive(self) -> None:
        """A blank line: the connection is alive (the read timeout restarts by itself)."""

    def on_closed(self, response: requests.Response) -> None:
        """X ended the stream."""
        self._finish(StreamEnd("closed", detail="X closed the stream"))

    def on_connection_error(self) -> None:
        """A network error, or no data and no keep-alive for `silence` seconds."""
        self._finish(
            StreamEnd("dropped", detail=f"no data for {self.silence:g} s or connection lost")
        )

    def on_request_error(self, status_code: int) -> None:
        """The stream answered with an HTTP error."""
        self._finish(StreamEnd("http", status=status_code))

    def on_exception(self, exception: Exception) -> None:
        """Anything else that ended the connection."""
        self._finish(StreamEnd("error", detail=type(exception).__name__))

    def on_disconnect(self) -> None:
        """The connection is over."""
        if self.end is None:
            self.end = StreamEnd("closed", detail="stream ended")
