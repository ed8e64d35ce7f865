"""Reading X through recent search: catching up a gap after a restart or a dropped stream, and
polling when the account has no filtered stream.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
import tweepy

from tchat_tui.clients.http import clean_json
from tchat_tui.clients.x.api import EXPANSIONS, TWEET_FIELDS, USER_FIELDS
from tchat_tui.clients.x.stream_line import stream_line
from tchat_tui.sources.base import SourceError
from tchat_tui.sources.resume import Backoff
from tchat_tui.sources.x.gaps import Gap, XBackoff, snowflake_before, snowflake_time
from tchat_tui.sources.x.reader import XReader, api_detail, short_reason

SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=5)
"""Recent search covers the last 7 days; an older cursor restarts at the window's edge."""
MAX_PAGES = 100
"""At most 10,000 posts per catch-up: a runaway query must not spend the month's budget."""


class SearchReader(XReader):
    """The X source's recent search: one gap drained page by page, or polled at a pace X allows."""

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
                # others' text may hold a lone surrogate or a NUL (escaped in the JSON): replaced
                users = {
                    str(u.id): clean_json(u.data) for u in (page.includes or {}).get("users", [])
                }
                for tweet in page.data or ():
                    data = clean_json(tweet.data)
                    author = users.get(str(data.get("author_id")))
                    raw = stream_line(data, [author] if author else [], rules)
                    collected.append((data, users, raw))
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
                f"X rejected the search {self.query!r} (400): {api_detail(exc)}"
            ) from None
        except tweepy.NotFound:
            raise SourceError(
                f"X answered 404 to recent search: check {self.origin('api_base')} if it is set"
            ) from None
        except (tweepy.HTTPException, requests.RequestException) as exc:
            self._deliver(collected)
            wait = backoff.next()
            self._state(
                "reconnecting", f"recent search failed ({short_reason(exc)}); retry in {wait:.0f} s"
            )
            return wait
        backoff.reset()
        return self._deliver(collected)

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
