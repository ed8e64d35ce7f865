"""What both ways of reading X share (recent search and the filtered stream): the tag's query
and stream rule, the credentials, the cursor and the newest id seen, the states the header
shows, and X's replies (search pages, stream lines) handed to the chat as posts in id order.
"""

from __future__ import annotations

import json
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import tweepy

from tchat_tui.clients.credentials import ENV_VARS
from tchat_tui.clients.http import loads_clean
from tchat_tui.clients.x.api import CAN_POST, RateLimits
from tchat_tui.clients.x.stream_line import MalformedLine, post_from_tweet
from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.post import Post
from tchat_tui.sources.base import SourceError, SourceSink, SourceState
from tchat_tui.sources.resume import Cursor
from tchat_tui.sources.x.gaps import SOURCE_NAME, Gap, XTiming, _id_key

RULE_TAG_PREFIX = "tchat-live:"
DEFAULT_TIMING = XTiming()


def api_detail(exc: tweepy.HTTPException) -> str:
    """X's own words about an error, on one line, short."""
    messages = [m for m in getattr(exc, "api_messages", []) if m]
    text = "; ".join(messages) if messages else str(getattr(exc.response, "reason", "") or "")
    return " ".join(text.split())[:200]


def short_reason(exc: BaseException) -> str:
    """A failed call in a few words: its HTTP status, else the error's type."""
    if isinstance(exc, tweepy.HTTPException):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


class XReader:
    """The X source's state and its reports to the chat; `XSource` adds the ways of reading."""

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
        detail = f": {api_detail(exc)}" if exc is not None and api_detail(exc) else ""
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
                obj = loads_clean(text)  # a lone surrogate or NUL escaped in a post: replaced
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

    def _on_line(self, raw: bytes) -> None:
        self._lines.append(raw)
        if not self._wake.is_set():  # Event.set takes a lock: skip it when already set
            self._wake.set()

    def _start_gap(self) -> Gap | None:
        if self._newest is not None:
            return Gap(since_id=self._newest)
        if self.initial_backfill is not None:
            return Gap(start_time=self.clock() - self.initial_backfill)
        return None

    def _save_cursor(self) -> None:
        if self._newest is not None and self._newest != self.cursor.load():
            self.cursor.save(self._newest)
