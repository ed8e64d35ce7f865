"""Posting as the host on X through tweepy: posts, replies and retweets, and X's refusals.

Every call comes from the outbox worker with a row already written. `publish` never raises for
network errors: it says whether the row was sent, why not, and whether a retry can help. A
timeout is ambiguous (the post may have gone out), so it is retryable and the retry first looks
for the post among the host's recent posts (`find_existing`).
"""

from __future__ import annotations

import html
import threading
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import regex
import requests
import tweepy

from tchat_tui.clients.credentials import ENV_VARS
from tchat_tui.clients.x.api import CAN_POST, REST_TIMEOUT, RateLimits, make_client
from tchat_tui.clients.x.stream_line import parse_timestamp, post_from_tweet, stream_line
from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.post import Network, Post
from tchat_tui.domain.text.twitter.hashtags import extract_hashtags_with_indices
from tchat_tui.domain.text.twitter.mentions import extract_mentions
from tchat_tui.publish.base import LookupFailed, OutboxRow, PublishResult

REPLY_REFUSED = (
    "X refuses replies unless the author mentioned the host (403): "
    "post it instead as a new post that mentions them"
)
LOOKBACK = timedelta(minutes=10)
"""How far before a row was written `find_existing` looks among the host's posts."""

_URL = regex.compile(r"https?://\S+")


def comparable_text(text: str) -> str:
    """Text as X may give it back: entities unescaped, links shortened, spaces collapsed, NFC."""
    text = html.unescape(text)
    text = _URL.sub("<url>", text)
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def mention_instead(text: str, author_handle: str) -> str:
    """A refused reply's text as a new post that mentions the author (what X still accepts).

    The mention goes first, as a reply's would; it is not added twice. Check the length again.
    """
    handle = author_handle.lstrip("@")
    mentioned = {m.casefold() for m in extract_mentions(text)}
    if handle.casefold() in mentioned:
        return text
    return f"@{handle} {text.lstrip()}"


def _detail(exc: tweepy.HTTPException) -> str:
    messages = [str(m) for m in exc.api_messages if m]
    return " ".join("; ".join(messages).split())[:200]


class XPublisher:
    """Publishes outbox rows as the host (OAuth 1.0a user context: the four keys)."""

    network = Network.X
    dry_run = False

    def __init__(
        self,
        credentials: Mapping[str, str],
        *,
        meter: CostMeter | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        origin: Callable[[str], str] | None = None,
        client: tweepy.Client | None = None,
        timeout: tuple[float, float] = REST_TIMEOUT,
    ) -> None:
        missing = [k for k in CAN_POST if not credentials.get(k)]
        if missing and client is None:
            raise ValueError(f"cannot post on X without {', '.join(missing)}")
        self.rate = RateLimits()
        self.client = client or make_client(credentials, rate=self.rate, timeout=timeout)
        self.meter = meter
        self.clock = clock
        self.origin = origin or (lambda key: ENV_VARS["x"].get(key, key))
        self._me: dict[str, str] | None = None
        self._lock = threading.Lock()
        self.last_lookup_error = ""
        """Why the last `find_existing` could not look (empty when it could)."""

    # -- the host ------------------------------------------------------------------------------

    def me(self) -> dict[str, str]:
        """The host's account (id, username, name), asked once."""
        with self._lock:
            if self._me is None:
                response = self.client.get_me(user_fields=["username", "name"], user_auth=True)
                if self.meter is not None:
                    self.meter.read_owned(1, self.clock())
                user = response.data
                self._me = {
                    "id": str(user.id),
                    "username": str(user.username),
                    "name": str(user.name or user.username),
                }
            return dict(self._me)

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, row: OutboxRow) -> PublishResult:
        """Send one row: a post, a reply (`in_reply_to`) or a retweet of `in_reply_to`."""
        kind = str(row["kind"])
        text = str(row["text"])
        target = str(row["in_reply_to"]) if row.get("in_reply_to") else None
        try:
            if kind == "repost":
                if target is None:
                    return PublishResult(ok=False, error="nothing to retweet", retryable=False)
                self.client.retweet(target, user_auth=True)
                if self.meter is not None:
                    self.meter.retweeted(self.clock())
                return PublishResult(ok=True, remote_id=None)
            reply_to = target if kind == "reply" else None
            response = self.client.create_tweet(
                text=text, in_reply_to_tweet_id=reply_to, user_auth=True
            )
            if self.meter is not None:
                self.meter.created_post(text, self.clock(), reply=reply_to is not None)
            data = response.data or {}
            remote = str(data["id"])
            return PublishResult(
                ok=True, remote_id=remote, post=self._own_post(data, text, reply_to)
            )
        except tweepy.HTTPException as exc:
            return self._refused(row, exc)
        except (requests.Timeout, requests.ConnectionError) as exc:
            what = "timed out" if isinstance(exc, requests.Timeout) else "connection lost"
            return PublishResult(
                ok=False,
                error=f"no answer from X ({what}): it may have gone out; a retry checks first",
                retryable=True,
            )
        except (requests.RequestException, KeyError, ValueError) as exc:
            return PublishResult(
                ok=False,
                error=f"unexpected answer from X ({type(exc).__name__}); a retry checks first",
                retryable=True,
            )

    def _refused(self, row: OutboxRow, exc: tweepy.HTTPException) -> PublishResult:
        status = exc.response.status_code
        detail = _detail(exc)
        low = detail.casefold()
        kind = row["kind"]
        if isinstance(exc, tweepy.Unauthorized):
            keys = ", ".join(self.origin(k) for k in CAN_POST)
            return PublishResult(
                ok=False, error=f"X rejected the posting keys (401): check {keys}", retryable=False
            )
        if isinstance(exc, tweepy.TooManyRequests):
            reset = exc.reset_time
            when = (
                datetime.fromtimestamp(reset, UTC).astimezone().strftime("%H:%M")
                if reset
                else "later"
            )
            return PublishResult(
                ok=False, error=f"X rate limit: retry after {when}", retryable=True
            )
        if isinstance(exc, tweepy.TwitterServerError):
            return PublishResult(
                ok=False,
                error=f"X is unavailable ({status}): it may have gone out; a retry checks first",
                retryable=True,
            )
        if status == 403 and "duplicate" in low:
            remote = self.find_existing(row)
            if remote:
                return PublishResult(ok=True, remote_id=remote)
            return PublishResult(
                ok=False, error="X refused a duplicate of a post already sent", retryable=False
            )
        if status == 403 and ("permission" in low or "oauth1" in low or "not configured" in low):
            return PublishResult(
                ok=False,
                error=(
                    "X says the app may not post (403): give it read and write permission, "
                    f"then regenerate {self.origin('access_token')} and "
                    f"{self.origin('access_token_secret')}"
                ),
                retryable=False,
            )
        if (
            kind == "reply"
            and status in (400, 403)
            and not ("deleted" in low or "not visible" in low or "not found" in low)
        ):
            if status == 403 or "reply" in low:
                return PublishResult(
                    ok=False, error=REPLY_REFUSED, retryable=False, reply_refused=True
                )
        words = f": {detail}" if detail else ""
        return PublishResult(
            ok=False, error=f"X refused it ({status}{words})"[:300], retryable=False
        )

    def _own_post(self, data: dict[str, Any], text: str, reply_to: str | None) -> Post | None:
        """The created post, normalized, so it shows at once as the host's."""
        try:
            me = self.me()
        except Exception:  # the post went out; it will come back on the stream anyway
            return None
        sent = str(data.get("text") or text)
        tweet: dict[str, Any] = {
            "id": str(data["id"]),
            "text": sent,
            "edit_history_tweet_ids": data.get("edit_history_tweet_ids") or [str(data["id"])],
            "author_id": me["id"],
            "created_at": self.clock()
            .astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "entities": {
                "hashtags": [
                    {"start": s, "end": e, "tag": t}
                    for t, s, e in extract_hashtags_with_indices(sent)
                ],
                "mentions": [{"username": m} for m in extract_mentions(sent)],
            },
        }
        if reply_to:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
        user = {"id": me["id"], "username": me["username"], "name": me["name"]}
        raw = stream_line(tweet, [user], [])
        return post_from_tweet(tweet, {me["id"]: user}, raw)

    # -- looking before resending --------------------------------------------------------------

    def find_existing(self, row: OutboxRow) -> str | None:
        """The id of this row's post among the host's recent posts, or None.

        Raises LookupFailed when X cannot be asked: resending blindly could post twice.
        """
        self.last_lookup_error = ""
        try:
            me = self.me()
            written = (
                parse_timestamp(str(row.get("created_at") or ""))
                if row.get("created_at")
                else self.clock()
            )
            response = self.client.get_users_tweets(
                me["id"],
                max_results=100,
                start_time=written - LOOKBACK,
                tweet_fields=["created_at", "referenced_tweets"],
                user_auth=True,
            )
        except Exception as exc:  # the outbox must not die on a lookup; say why
            self.last_lookup_error = f"could not look for the post on X ({type(exc).__name__})"
            raise LookupFailed(self.last_lookup_error) from None
        tweets = list(response.data or ())
        if self.meter is not None:
            self.meter.read_owned(len(tweets), self.clock())
        target = str(row["in_reply_to"]) if row.get("in_reply_to") else None
        wanted = comparable_text(str(row["text"]))
        for tweet in tweets:
            refs = {
                (str(r.get("type")), str(r.get("id")))
                for r in tweet.data.get("referenced_tweets") or ()
                if isinstance(r, dict)
            }
            if row["kind"] == "repost":
                if target and ("retweeted", target) in refs:
                    return str(tweet.id)
                continue
            if row["kind"] == "reply" and target and ("replied_to", target) not in refs:
                continue
            if comparable_text(str(tweet.text)) == wanted:
                return str(tweet.id)
        return None
