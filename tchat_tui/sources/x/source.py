"""Live X: the filtered stream where the account has it, else recent-search polling.

Either way the source resumes from its stored cursor: after a restart or a dropped stream it first
backfills the gap through recent search, then goes live, so no post is missed; the store drops
the duplicates the overlap brings, so none is stored twice. Rate limits wait for X's reset time;
server errors and dropped connections back off with jitter; bad credentials stop with one line.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests
import tweepy

from tchat_tui.clients.x.api import CAN_POST, make_client
from tchat_tui.sources.base import SourceError, SourceSink
from tchat_tui.sources.resume import Backoff
from tchat_tui.sources.x.gaps import Gap, XBackoff
from tchat_tui.sources.x.reader import api_detail, short_reason
from tchat_tui.sources.x.search import SearchReader
from tchat_tui.sources.x.stream import StreamEnd, TagStream


class XSource(SearchReader):
    """Posts carrying the tag on X, live; see the module docstring for the guarantees."""

    # -- entry point ---------------------------------------------------------------------------

    def run(self, sink: SourceSink, stop: threading.Event) -> None:
        """Follow the tag until `stop` is set; raise SourceError when credentials are refused."""
        self._sink, self._stop = sink, stop
        if not self.credentials.get("bearer_token") and not all(
            self.credentials.get(k) for k in CAN_POST
        ):
            raise SourceError(f"no X credentials to read with: set {self.origin('bearer_token')}")
        if self.mode == "stream" and not self.credentials.get("bearer_token"):
            raise SourceError(
                f"the filtered stream needs an app bearer token: set {self.origin('bearer_token')}"
            )
        self._newest = self.cursor.load()
        rest = make_client(self.credentials, rate=self.rate)
        mode = self.mode
        if mode == "auto":
            mode = "stream" if self.credentials.get("bearer_token") else "search"
        if mode == "stream":
            reason = self._run_stream(rest)
            if reason is None:
                self._state("stopped")
                return
            self._state("polling", f"{reason}; reading through recent search")
        self.mode_used = "search"
        self._run_search(rest)
        self._state("stopped")

    # -- filtered stream -----------------------------------------------------------------------

    def _rules_call(self, call: Callable[[], Any], backoff: Backoff) -> Any:
        """Run a rules call, waiting out rate limits and server errors (None when stopped)."""
        while not self._stop.is_set():
            try:
                return call()
            except tweepy.TooManyRequests as exc:
                self._stop.wait(self._rate_limited(exc.reset_time, "stream rules"))
            except tweepy.Unauthorized as exc:
                raise self._auth_error(401, "the filtered stream", exc) from None
            except tweepy.Forbidden:
                raise
            except tweepy.BadRequest as exc:
                raise SourceError(
                    f"X rejected the stream rule {self.query!r} (400): {api_detail(exc)}"
                ) from None
            except (tweepy.TwitterServerError, requests.RequestException) as exc:
                wait = backoff.next()
                self._state(
                    "reconnecting",
                    f"stream rules failed ({short_reason(exc)}); retry in {wait:.0f} s",
                )
                self._stop.wait(wait)
            except tweepy.HTTPException as exc:
                raise SourceError(
                    f"X answered {exc.response.status_code} to the stream rules: check "
                    f"{self.origin('api_base')} if it is set"
                ) from None
        return None

    def _ensure_rule(self, stream: TagStream, backoff: Backoff) -> str | None:
        """Our rule's id (added if missing). Raises Forbidden when the account has no stream."""
        current = self._rules_call(stream.get_rules, backoff)
        if current is None:
            return None
        stale: list[str] = []
        for rule in current.data or ():
            if rule.tag == self.rule_tag:
                if rule.value == self.query:
                    return str(rule.id)
                stale.append(str(rule.id))
        if stale:
            self._rules_call(lambda: stream.delete_rules(stale), backoff)
        added = self._rules_call(
            lambda: stream.add_rules(tweepy.StreamRule(self.query, tag=self.rule_tag)), backoff
        )
        if added is None:
            return None
        if added.data:
            return str(added.data[0].id)
        for error in added.errors or ():
            if error.get("id"):  # DuplicateRule: it exists already
                return str(error["id"])
        raise SourceError(f"X did not add the stream rule {self.query!r}")

    def _run_stream(self, rest: tweepy.Client) -> str | None:
        """Follow the stream; return a reason to fall back to search, or None when stopped."""
        stream = TagStream(
            self.credentials["bearer_token"],
            on_line=self._on_line,
            api_base=self.credentials.get("api_base"),
            silence=self.timing.silence,
            rate=self.rate,
        )
        backoff = XBackoff.of(self.timing, self.rng)
        try:
            rule_id = self._ensure_rule(stream, backoff)
        except tweepy.Forbidden:
            return "the filtered stream is not available to this account (403)"
        if rule_id is None:
            return None
        self.mode_used = "stream"
        # the catch-up search backs off on its own: its successes say nothing of the stream
        catch_up = XBackoff.of(self.timing, self.rng)
        gap = self._start_gap()
        ever_connected = False
        try:
            while not self._stop.is_set():
                end, gap, lived = self._connection(stream, rest, gap, catch_up)
                if self._stop.is_set() or end.kind == "stopped":
                    break
                ever_connected = ever_connected or lived is not None
                if lived is not None and lived >= self.timing.stable_after:
                    backoff.reset()
                if end.kind == "http" and end.status == 401:
                    raise self._auth_error(401, "the filtered stream", None)
                if end.kind == "http" and end.status == 403:
                    if ever_connected:
                        raise self._auth_error(403, "the filtered stream", None)
                    return "the filtered stream refused this account (403)"
                if end.kind == "http" and end.status == 429:
                    limit = self.rate.get("/tweets/search/stream")
                    self._stop.wait(
                        self._rate_limited(limit.reset if limit else None, "filtered stream")
                    )
                    continue
                wait = backoff.next()
                why = f"HTTP {end.status}" if end.kind == "http" else end.detail
                self._state("reconnecting", f"stream {end.kind} ({why}); retry in {wait:.1f} s")
                self._stop.wait(wait)
        finally:
            stream.close()
            self._drain_stream()
            if gap is None:  # never move the cursor past a gap not yet caught up
                self._save_cursor()
            try:
                stream.delete_rules([rule_id])
            except Exception:  # best effort: a stale rule is reused on the next start
                pass
        return None

    def _connection(
        self, stream: TagStream, rest: tweepy.Client, gap: Gap | None, backoff: Backoff
    ) -> tuple[StreamEnd, Gap | None, float | None]:
        """One stream connection, with the catch-up search once it is up.

        Returns how it ended, the gap still to cover, and how long it was up (None: never).
        """
        self._state("connecting", "filtered stream")
        thread = stream.open()
        connected_at: float | None = None
        retry_at = 0.0
        while True:
            self._wake.wait(self.timing.drain_every)
            self._wake.clear()
            self._drain_stream()
            if connected_at is None and stream.connected.is_set():
                connected_at = time.monotonic()
                if gap is None:
                    self._state("live", "filtered stream")
            if self._stop.is_set():
                stream.close()
                break
            if connected_at is not None and gap is not None and time.monotonic() >= retry_at:
                self._state("backfilling", "catching up through recent search")
                result = self._search(rest, gap, backoff)
                if isinstance(result, float):
                    retry_at = time.monotonic() + result
                else:
                    gap = None
                    self._state("live", "filtered stream")
            if gap is None:
                self._save_cursor()
            if not thread.is_alive():
                self._drain_stream()
                break
        thread.join(1.0)
        end = stream.end or StreamEnd("closed")
        lived = None if connected_at is None else time.monotonic() - connected_at
        if gap is None and end.kind != "stopped":
            # the next connection catches up from here (or from when this one came up)
            if self._newest is not None:
                gap = Gap(since_id=self._newest)
            else:
                gap = Gap(start_time=self.clock() - timedelta(seconds=(lived or 0) + 60))
        return end, gap, lived
