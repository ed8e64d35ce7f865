"""Posting as the host on X against recorded payloads (`responses`): results, refusals, lookups."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import responses
from responses import matchers

from tchat_tui.clients.x.stream_line import parse_stream_line
from tchat_tui.domain.cost import CostMeter
from tchat_tui.publish.x import REPLY_REFUSED, XPublisher, comparable_text, mention_instead
from tests.x.xfixtures import API, KEYS, SECRETS, fixture

NOW = datetime(2026, 11, 27, 17, 5, tzinfo=UTC)
TWEETS = f"{API}/2/tweets"
ME = f"{API}/2/users/me"
RETWEETS = f"{API}/2/users/1000/retweets"
TIMELINE = f"{API}/2/users/1000/tweets"
CREATED = fixture("create_tweet.json")["data"]
MINE = fixture("users_tweets.json")["data"]
A1 = fixture("search_page2.json")["data"][0]


def row(
    kind: str = "post", text: str = CREATED["text"], in_reply_to: str | None = None
) -> dict[str, Any]:
    """An outbox row as the store gives it."""
    return {
        "id": 7,
        "network": "x",
        "kind": kind,
        "text": text,
        "in_reply_to": in_reply_to,
        "attempts": 1,
        "dry_run": 0,
        "created_at": "2026-11-27T17:03:20.000+00:00",
    }


def publisher(meter: CostMeter | None = None) -> XPublisher:
    """A publisher with the four test keys on a fixed clock."""
    return XPublisher(KEYS, meter=meter, clock=lambda: NOW)


@responses.activate
def test_post_is_sent_and_comes_back_as_the_hosts_post() -> None:
    """create_tweet sends the text; the result carries the remote id and the normalized post."""
    responses.post(
        TWEETS,
        json=fixture("create_tweet.json"),
        status=201,
        match=[matchers.json_params_matcher({"text": CREATED["text"]})],
    )
    responses.get(ME, json=fixture("users_me.json"))
    meter = CostMeter()
    result = publisher(meter).publish(row())
    assert result.ok and result.remote_id == CREATED["id"]
    assert result.post is not None
    assert (result.post.native_id, result.post.author_handle) == (CREATED["id"], "hostess")
    assert result.post.hashtags == ("PyChat",)
    assert parse_stream_line(result.post.raw) == result.post
    assert str(responses.calls[0].request.headers["Authorization"]).startswith("OAuth ")
    assert meter.counts() == {"post_created": 1, "owned_read": 1}


@responses.activate
def test_reply_names_the_post_it_answers() -> None:
    """A reply sends in_reply_to_tweet_id as a string and is priced as a summoned reply."""
    responses.post(
        TWEETS,
        json=fixture("create_tweet.json"),
        status=201,
        match=[
            matchers.json_params_matcher(
                {"text": "@ada Agreed! #PyChat", "reply": {"in_reply_to_tweet_id": A1["id"]}}
            )
        ],
    )
    responses.get(ME, json=fixture("users_me.json"))
    meter = CostMeter()
    result = publisher(meter).publish(row("reply", "@ada Agreed! #PyChat", A1["id"]))
    assert result.ok
    assert result.post is not None and result.post.reply_to_id == A1["id"]
    assert meter.counts()["summoned_reply"] == 1


@responses.activate
def test_retweet() -> None:
    """A repost row retweets its target as the access token's user."""
    responses.post(
        RETWEETS,
        json=fixture("retweet.json"),
        match=[matchers.json_params_matcher({"tweet_id": A1["id"]})],
    )
    meter = CostMeter()
    result = publisher(meter).publish(row("repost", "", A1["id"]))
    assert result.ok and result.post is None
    assert meter.counts() == {"user_interaction": 1}


@pytest.mark.parametrize(
    ("kind", "status", "body", "retryable", "refused", "fragment"),
    [
        ("reply", 403, "error_403_reply.json", False, True, REPLY_REFUSED),
        ("reply", 403, "error_403_permissions.json", False, False, "TCHAT_X_ACCESS_TOKEN"),
        ("post", 401, "error_401.json", False, False, "check TCHAT_X_CONSUMER_KEY"),
        ("post", 429, "error_429.json", True, False, "X rate limit: retry after"),
        ("post", 503, "error_503.json", True, False, "a retry checks first"),
        ("post", 400, "error_400_query.json", False, False, "X refused it (400"),
    ],
)
@responses.activate
def test_refusals_say_why_and_whether_to_retry(
    kind: str, status: int, body: str, retryable: bool, refused: bool, fragment: str
) -> None:
    """Each X failure maps to one line for the moderator, retryable only when it can help."""
    responses.post(
        TWEETS, status=status, json=fixture(body), headers={"x-rate-limit-reset": "1900000000"}
    )
    result = publisher().publish(
        row(kind, "@ada Agreed! #PyChat", A1["id"] if kind == "reply" else None)
    )
    assert not result.ok
    assert (result.retryable, result.reply_refused) == (retryable, refused)
    assert fragment in result.error
    assert "\n" not in result.error
    assert not any(secret in result.error for secret in SECRETS)


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.ReadTimeout("read timed out"),
        requests.exceptions.ConnectionError("reset"),
    ],
)
@responses.activate
def test_no_answer_is_ambiguous_and_retryable(exc: Exception) -> None:
    """A timeout may hide a post that went out: retryable, and the retry looks first."""
    responses.post(TWEETS, body=exc)
    result = publisher().publish(row())
    assert not result.ok and result.retryable
    assert "may have gone out" in result.error


@responses.activate
def test_duplicate_refusal_finds_the_post_already_sent() -> None:
    """X refusing a duplicate means it went out earlier: the row is sent with that id."""
    text = "@ada Agreed! #PyChat"
    responses.post(TWEETS, status=403, json=fixture("error_403_duplicate.json"))
    responses.get(ME, json=fixture("users_me.json"))
    responses.get(TIMELINE, json=fixture("users_tweets.json"))
    result = publisher().publish(row("reply", text, A1["id"]))
    assert result.ok and result.remote_id == MINE[2]["id"]


@pytest.mark.parametrize(
    ("kind", "text", "target", "found"),
    [
        (
            "post",
            "Thanks & welcome, all!  Slides: https://example.org/slides #PyChat",
            None,
            MINE[0]["id"],
        ),
        ("reply", "@ada Agreed! #PyChat", A1["id"], MINE[2]["id"]),
        ("reply", "@ada Agreed! #PyChat", "1", None),
        ("repost", "", A1["id"], MINE[1]["id"]),
        ("post", "Never posted #PyChat", None, None),
    ],
)
@responses.activate
def test_find_existing_among_the_hosts_recent_posts(
    kind: str, text: str, target: str | None, found: str | None
) -> None:
    """Same text (X escapes &, shortens links), same reply target, or the retweet of the target."""
    responses.get(ME, json=fixture("users_me.json"))
    responses.get(TIMELINE, json=fixture("users_tweets.json"))
    assert publisher().find_existing(row(kind, text, target)) == found
    params = responses.calls[-1].request.url or ""
    assert "start_time=2026-11-27T16%3A53%3A20Z" in params


@responses.activate
def test_find_existing_that_cannot_look_says_so() -> None:
    """A failed lookup raises LookupFailed (never a blind resend) with the reason, no secrets."""
    from tchat_tui.publish.base import LookupFailed

    responses.get(ME, json=fixture("users_me.json"))
    responses.get(TIMELINE, status=503, json=fixture("error_503.json"))
    pub = publisher()
    with pytest.raises(LookupFailed, match="could not look for the post on X"):
        pub.find_existing(row())
    assert pub.last_lookup_error.startswith("could not look for the post on X")
    assert KEYS["consumer_secret"] not in pub.last_lookup_error


@pytest.mark.parametrize(
    ("sent", "returned"),
    [
        ("a & b < c", "a &amp; b &lt; c"),
        ("see https://example.org/a/very/long/path", "see https://t.co/Zz9yXwVu8T"),
        ("two  spaces\nnewline", "two spaces newline"),
        ("Cafe\u0301", "Café"),
    ],
)
def test_comparable_text(sent: str, returned: str) -> None:
    """What X gives back compares equal to what was sent."""
    assert comparable_text(sent) == comparable_text(returned)


def test_needs_the_four_keys() -> None:
    """Posting without the OAuth 1.0a keys is refused at construction, naming them, not values."""
    with pytest.raises(ValueError, match="access_token_secret") as err:
        XPublisher({k: v for k, v in KEYS.items() if k != "access_token_secret"})
    assert not any(secret in str(err.value) for secret in SECRETS)


@pytest.mark.parametrize(
    ("text", "author", "expected"),
    [
        ("Great point! #PyChat", "ada", "@ada Great point! #PyChat"),
        ("@ADA great point #PyChat", "@ada", "@ADA great point #PyChat"),
        ("  thanks #PyChat", "bob_dev", "@bob_dev thanks #PyChat"),
        ("cc @bob_dev #PyChat", "ada", "@ada cc @bob_dev #PyChat"),
    ],
)
def test_mention_instead_of_a_refused_reply(text: str, author: str, expected: str) -> None:
    """The offered new post mentions the author once, first."""
    assert mention_instead(text, author) == expected
