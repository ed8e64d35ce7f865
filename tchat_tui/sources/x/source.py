"""Live X: the filtered stream where the account has it, else recent-search polling.

Either way the source resumes from its stored cursor: after a restart or a dropped stream it first
backfills the gap through recent search, then goes live, so no post is missed; the store drops
the duplicates the overlap brings, so none is stored twice. Rate limits wait for X's reset time;
server errors and dropped connections back off with jitter; bad credentials stop with one line.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
import tweepy

from tchat_tui.clients.credentials import ENV_VARS
from tchat_tui.clients.x.api import (
    CAN_POST,
    EXPANSIONS,
    TWEET_FIELDS,
    USER_FIELDS,
    RateLimits,
    make_client,
)
from tchat_tui.clients.x.stream_line import MalformedLine, post_from_tweet, stream_line
from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.post import Post
from tchat_tui.sources.base import SourceError, SourceSink, SourceState
from tchat_tui.sources.netutil import Backoff, Cursor
from tchat_tui.sources.x.gaps import (
    SOURCE_NAME,
    Gap,
    XBackoff,
    XTiming,
    _id_key,
    snowflake_before,
    snowflake_time,
)
from tchat_tui.sources.x.stream import StreamEnd, TagStream

if TYPE_CHECKING:
    pass

RULE_TAG_PREFIX = "tchat-live:"
DEFAULT_TIMING = XTiming()
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=5)
"""Recent search covers the last 7 days; an older cursor restarts at the window's edge."""
MAX_PAGES = 100
"""At most 10,000 posts per catch-up: a runaway query must not spend the month's budget."""


def _api_detail(exc: tweepy.HTTPException) -> str:
    """X's own words about an error, on one line, short."""
    messages = [m for m in getattr(exc, "api_messages", []) if m]
    text = "; ".join(messages) if messages else str(getattr(exc.response, "reason", "") or "")
    return " ".join(text.split())[:200]


class XSource:
    """Posts carrying the tag on X, live; see the module docstring for the guarantees."""

    name = SOURCE_NAME

    def __init__(
        self,
        tag: str,
        credentials: Mapping[str, str],
        *,
        cursor: Cursor,
        meter: CostMeter | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        timing: XTiming = DEFAULT_TIMING,
        mode: str = "auto",
        initial_backfill: timedelta | None = timedelta(minutes=15),
        origin: Callable[[str], str] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if mode not in ("auto", "stream", "search"):
            raise ValueError(f"unknown X reading mode {mode!r}")
        self.tag = tag.strip().lstrip("#＃")
        self.query = f"#{self.tag} -is:retweet"
        self.rule_tag = RULE_TAG_PREFIX + self.tag.casefold()
        self.credentials = dict(credentials)
        self.cursor = cursor
        self.meter = meter
        self.clock = clock
        self.timing = timing
        self.mode = mode
        self.initial_backfill = initial_backfill
        self.origin = origin or (lambda key: ENV_VARS["x"].get(key, key))
        self.rate = RateLimits()
        self.rng = rng or random.Random()
        self.mode_used: str | None = None
        """'stream' or 'search' once running."""
        self.user_auth = not self.credentials.get("bearer_token")
        self._lines: deque[bytes] = deque()
        self._wake = threading.Event()
        self._newest: str | None = None
        self._sink: SourceSink | None = None
        self._stop = threading.Event()

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

    # -- reporting -----------------------------------------------------------------------------

    def _state(self, state: str, detail: str = "", until: datetime | None = None) -> None:
        assert self._sink is not None
        self._sink.state(SourceState(self.name, state, detail, until))

    def _rate_limited(self, reset: int | None, what: str) -> float:
        """Report 'rate-limited' with the reset instant (shown 'until 17:42'); return the wait."""
        now = self.clock().timestamp()
        wait = (reset - now) if reset is not None else self.timing.rate_limit_default
        wait = max(wait, self.timing.rate_limit_min)
        until = datetime.fromtimestamp(now + wait, UTC)
        # the header renders state + until: "x: rate-limited until 17:42 (recent search)"
        self._state("rate-limited", what, until=until)
        return wait

    def _auth_error(self, status: int, what: str, exc: tweepy.HTTPException | None) -> SourceError:
        detail = f": {_api_detail(exc)}" if exc is not None and _api_detail(exc) else ""
        if self.user_auth:
            keys = " / ".join(self.origin(k) for k in CAN_POST)
            fix = f"check {keys}"
        else:
            fix = f"check {self.origin('bearer_token')}"
        if status == 401:
            return SourceError(f"X rejected the credentials for {what} (401 Unauthorized): {fix}")
        return SourceError(
            f"X refused {what} (403 Forbidden{detail}): the project behind it needs read access; {fix}"
        )

    # -- delivering ----------------------------------------------------------------------------

    def _deliver(
        self, tweets: Iterable[tuple[dict[str, Any], dict[str, dict[str, Any]], str]]
    ) -> int:
        """Parse (tweet, users, raw line) triples and hand the posts over in id order."""
        posts: list[Post] = []
        bad = 0
        example = ""
        for tweet, users, raw in tweets:
            try:
                posts.append(post_from_tweet(tweet, users, raw))
            except MalformedLine as exc:
                bad += 1
                example = str(exc)
        assert self._sink is not None
        if bad:
            self._sink.malformed(bad, example)
        if not posts:
            return 0
        posts.sort(key=lambda p: _id_key(p.native_id))
        now = self.clock()
        if self.meter is not None:
            self.meter.read_posts((p.native_id for p in posts), now)
            self.meter.read_users((p.author_id for p in posts), now)
        newest = posts[-1].native_id
        if self._newest is None or _id_key(newest) > _id_key(self._newest):
            self._newest = newest
        for i in range(0, len(posts), 500):
            self._sink.posts(posts[i : i + 500])
        return len(posts)

    def _drain_stream(self) -> None:
        """Turn the stream lines received so far into posts (ours only: other rules may exist)."""
        items: list[tuple[dict[str, Any], dict[str, dict[str, Any]], str]] = []
        bad = 0
        example = ""
        while self._lines:
            text = self._lines.popleft().decode("utf-8", "replace").strip()
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                bad += 1
                example = f"not JSON ({exc.msg})"
                continue
            if not isinstance(obj, dict):
                bad += 1
                example = "not a JSON object"
                continue
            tweet = obj.get("data")
            if not isinstance(tweet, dict):
                errors = obj.get("errors")
                if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                    first = errors[0]
                    self._state(
                        "live", f"X: {first.get('title') or first.get('detail') or 'error'}"
                    )
                else:
                    bad += 1
                    example = "no 'data' object"
                continue
            rules = obj.get("matching_rules")
            if (
                isinstance(rules, list)
                and rules
                and not any(isinstance(r, dict) and r.get("tag") == self.rule_tag for r in rules)
            ):
                continue
            includes = obj.get("includes")
            users_list = includes.get("users") if isinstance(includes, dict) else None
            users = {str(u["id"]): u for u in users_list or () if isinstance(u, dict) and "id" in u}
            items.append((tweet, users, text))
        if bad:
            assert self._sink is not None
            self._sink.malformed(bad, example)
        self._deliver(items)

    # -- recent search -------------------------------------------------------------------------

    def _search_params(self, gap: Gap) -> dict[str, Any]:
        params: dict[str, Any] = {
            "max_results": 100,
            "expansions": EXPANSIONS,
            "tweet_fields": TWEET_FIELDS,
            "user_fields": USER_FIELDS,
            "user_auth": self.user_auth,
        }
        oldest = self.clock() - SEARCH_WINDOW
        if gap.since_id is not None:
            born = snowflake_time(gap.since_id)
            if born is not None and born > oldest:
                params["since_id"] = snowflake_before(gap.since_id, self.timing.backfill_margin)
                return params
        start = gap.start_time or oldest
        params["start_time"] = max(start, oldest)
        return params

    def _search(self, rest: tweepy.Client, gap: Gap, backoff: Backoff) -> float | int:
        """Drain one gap through recent search.

        Returns the number of posts (an int) when the gap is covered, or the seconds to wait
        before trying again (a float) after a rate limit or a server error.
        """
        collected: list[tuple[dict[str, Any], dict[str, dict[str, Any]], str]] = []
        rules = [{"tag": self.rule_tag}]
        try:
            pages = tweepy.Paginator(
                rest.search_recent_tweets, self.query, limit=MAX_PAGES, **self._search_params(gap)
            )
            for page in pages:
                users = {str(u.id): u.data for u in (page.includes or {}).get("users", [])}
                for tweet in page.data or ():
                    author = users.get(str(tweet.data.get("author_id")))
                    raw = stream_line(tweet.data, [author] if author else [], rules)
                    collected.append((tweet.data, users, raw))
                if self._stop.is_set():
                    self._deliver(collected)
                    return 0.0
        except tweepy.TooManyRequests as exc:
            self._deliver(collected)
            return self._rate_limited(exc.reset_time, "recent search")
        except tweepy.Unauthorized as exc:
            raise self._auth_error(401, "recent search", exc) from None
        except tweepy.Forbidden as exc:
            raise self._auth_error(403, "recent search", exc) from None
        except tweepy.BadRequest as exc:
            raise SourceError(
                f"X rejected the search {self.query!r} (400): {_api_detail(exc)}"
            ) from None
        except tweepy.NotFound:
            raise SourceError(
                f"X answered 404 to recent search: check {self.origin('api_base')} if it is set"
            ) from None
        except (tweepy.HTTPException, requests.RequestException) as exc:
            self._deliver(collected)
            wait = backoff.next()
            self._state(
                "reconnecting", f"recent search failed ({_short(exc)}); retry in {wait:.0f} s"
            )
            return wait
        backoff.reset()
        return self._deliver(collected)

    def _start_gap(self) -> Gap | None:
        if self._newest is not None:
            return Gap(since_id=self._newest)
        if self.initial_backfill is not None:
            return Gap(start_time=self.clock() - self.initial_backfill)
        return None

    def _save_cursor(self) -> None:
        if self._newest is not None and self._newest != self.cursor.load():
            self.cursor.save(self._newest)

    def _run_search(self, rest: tweepy.Client) -> None:
        gap = self._start_gap() or Gap(start_time=self.clock())
        backoff = XBackoff.of(self.timing, self.rng)
        interval = self.timing.poll_start
        while not self._stop.is_set():
            result = self._search(rest, gap, backoff)
            if isinstance(result, float):
                self._stop.wait(result)
                continue
            self._save_cursor()
            if self._newest is not None:
                gap = Gap(since_id=self._newest)
            interval = self._next_interval(interval, result)
            self._state("live", f"recent search every {interval:.0f} s")
            self._stop.wait(interval)

    def _next_interval(self, interval: float, found: int) -> float:
        """Faster when busy, slower when quiet, never faster than the rate limit allows."""
        t = self.timing
        if found >= t.busy_poll:
            interval /= 2
        elif found == 0:
            interval *= 1.5
        interval = min(t.poll_max, max(t.poll_min, interval))
        limit = self.rate.get("/tweets/search/recent")
        if limit is not None and limit.remaining is not None and limit.reset is not None:
            left = limit.reset - self.clock().timestamp()
            if left > 0:
                interval = max(interval, left / max(limit.remaining, 1))
        return interval

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
                    f"X rejected the stream rule {self.query!r} (400): {_api_detail(exc)}"
                ) from None
            except (tweepy.TwitterServerError, requests.RequestException) as exc:
                wait = backoff.next()
                self._state(
                    "reconnecting", f"stream rules failed ({_short(exc)}); retry in {wait:.0f} s"
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

    def _on_line(self, raw: bytes) -> None:
        self._lines.append(raw)
        if not self._wake.is_set():  # Event.set takes a lock: skip it when already set
            self._wake.set()

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


def _short(exc: BaseException) -> str:
    if isinstance(exc, tweepy.HTTPException):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__
