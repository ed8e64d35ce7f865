"""tweepy clients wired for tchat-live: timeouts, rate-limit headers and an optional API base.

tweepy hard-codes `https://api.twitter.com` in 4.17. `TCHAT_X_API_BASE` (a proxy, or the fake
server in the tests) is honoured by a requests transport adapter mounted on the session each
tweepy client really uses (`Client.session`; `StreamingClient.session`, which serves both the
rules calls and the stream), so no tweepy code is edited. The same adapter gives every call a
timeout (tweepy sets none for REST calls) and the stream its silence limit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from tchat_tui.clients.credentials import redact_url
from tchat_tui.domain.errors import TchatError

X_HOSTS = ("https://api.twitter.com", "https://api.x.com")
"""The hosts tweepy (and X's docs) use; requests to them go to the API base when one is set."""

REST_TIMEOUT = (5.0, 30.0)
"""Connect and read timeouts of a REST call: a call that hangs is a timeout, not a freeze."""

STREAM_SILENCE = 21.0
"""X sends a keep-alive every 20 s: a stream silent for more than 20 s (plus a second of network
jitter, as tweepy allows) counts as dropped."""

TWEET_FIELDS = [
    "created_at",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "entities",
    "lang",
    "public_metrics",
    "note_tweet",
]
"""Fields asked for every post read (stream and search)."""

EXPANSIONS = ["author_id"]
USER_FIELDS = ["username", "name"]

_log = logging.getLogger("tweepy")
# tweepy logs request headers (the bearer token) at DEBUG and response bodies at ERROR through
# the root logger's last-resort handler, which would write over the screen: keep both out.
_log.addHandler(logging.NullHandler())
_log.setLevel(logging.INFO)


class ApiBaseError(TchatError, ValueError):
    """TCHAT_X_API_BASE is not an http(s) URL."""


def check_api_base(value: str | None) -> str | None:
    """Validate an API base URL (`http://127.0.0.1:8765`, `https://proxy/x`); None stays None."""
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
        port_ok = parts.port is None or parts.port > 0  # reading the port checks its digits
    except ValueError:
        parts, port_ok = urlsplit(""), False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or not port_ok:
        # shown without its user, password or query: what a proxy URL may hide a secret in
        raise ApiBaseError(
            "TCHAT_X_API_BASE must be an http(s) URL like http://127.0.0.1:8765,"
            f" not {redact_url(value.strip())!r}"
        )
    return value.strip().rstrip("/")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The last `x-rate-limit-*` headers seen for one endpoint."""

    limit: int | None
    remaining: int | None
    reset: int | None
    """Unix time the window resets."""
    seen_at: float


class RateLimits:
    """Records rate-limit headers and the last error status from every response (a session hook)."""

    def __init__(self) -> None:
        self._by_path: dict[str, RateLimit] = {}
        self._lock = threading.Lock()
        self.last_status: int | None = None
        self.last_error: str = ""
        """The text of the last non-2xx response (X's error JSON), for messages."""

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """A requests response hook."""
        path = urlsplit(response.url).path
        headers = response.headers

        def num(name: str) -> int | None:
            value = headers.get(name)
            try:
                return int(value) if value is not None else None
            except ValueError:
                return None

        limit = RateLimit(
            num("x-rate-limit-limit"),
            num("x-rate-limit-remaining"),
            num("x-rate-limit-reset"),
            time.time(),
        )
        with self._lock:
            self.last_status = response.status_code
            if limit.reset is not None or limit.remaining is not None:
                self._by_path[path] = limit
            if response.status_code >= 400:
                # safe: error responses are small JSON, never a stream
                self.last_error = response.text[:500]

    def get(self, path_suffix: str) -> RateLimit | None:
        """The last limits seen on a path ending with `path_suffix` (e.g. '/search/recent')."""
        with self._lock:
            for path, limit in self._by_path.items():
                if path.endswith(path_suffix):
                    return limit
        return None


class XTransport(HTTPAdapter):
    """Sends X requests to the API base (when set) and gives every request a timeout."""

    def __init__(
        self,
        base: str | None = None,
        *,
        timeout: tuple[float, float] = REST_TIMEOUT,
        read_timeout: float | None = None,
    ) -> None:
        super().__init__()
        self.base = check_api_base(base)
        self.timeout = timeout
        self.read_timeout = read_timeout
        """When set, overrides the read timeout of every request (the stream's silence limit)."""

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Rewrite the host, set the timeouts, send."""
        if self.base and request.url:
            for host in X_HOSTS:
                if request.url.startswith(host):
                    request.url = self.base + request.url[len(host) :]
                    break
        timeout = kwargs.get("timeout")
        if timeout is None:
            timeout = self.timeout
        if self.read_timeout is not None:
            connect = timeout[0] if isinstance(timeout, tuple) else timeout
            timeout = (connect, self.read_timeout)
        kwargs["timeout"] = timeout
        return super().send(request, *args, **kwargs)


def mount(
    session: requests.Session,
    api_base: str | None,
    rate: RateLimits | None = None,
    *,
    timeout: tuple[float, float] = REST_TIMEOUT,
    read_timeout: float | None = None,
) -> XTransport:
    """Mount the transport on the X hosts of `session` and hook the rate-limit recorder."""
    adapter = XTransport(api_base, timeout=timeout, read_timeout=read_timeout)
    for host in X_HOSTS:
        session.mount(host, adapter)
    if rate is not None and rate.hook not in session.hooks["response"]:
        session.hooks["response"].append(rate.hook)
    return adapter


def make_client(
    x: Mapping[str, str],
    *,
    rate: RateLimits | None = None,
    timeout: tuple[float, float] = REST_TIMEOUT,
) -> tweepy.Client:
    """A REST client from the `[x]` credentials (bearer to read, four keys to post)."""
    client = tweepy.Client(
        bearer_token=x.get("bearer_token"),
        consumer_key=x.get("consumer_key"),
        consumer_secret=x.get("consumer_secret"),
        access_token=x.get("access_token"),
        access_token_secret=x.get("access_token_secret"),
        wait_on_rate_limit=False,
    )
    mount(client.session, x.get("api_base"), rate, timeout=timeout)
    return client


CAN_POST = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
"""The four OAuth 1.0a user-context keys every write needs."""
