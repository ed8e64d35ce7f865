"""Posting to Mastodon: idempotency key, reply, language, boost with remote resolution, failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from tchat_tui.clients.mastodon.api import InstanceInfo
from tchat_tui.publish.mastodon import MastodonPublisher
from tests.mastodon.helpers import NOW, read_fixture

HERE = Path(__file__).parent
API = "https://mastodon.example"
AMINA_URI = "https://mamot.fr/users/aminak/statuses/115583345990000001"


def fixture(name: str) -> bytes:
    return read_fixture(HERE, name)


def row(kind: str = "post", **kw: Any) -> dict[str, Any]:
    base = {
        "id": 7,
        "network": "mastodon",
        "kind": kind,
        "text": "Merci ! Q2 arrive dans 2 min #FinMariageEnfants",
        "in_reply_to": None,
        "target_key": None,
        "idempotency_key": "3f1c2a9e",
        "group_key": "g1",
    }
    return base | kw


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


def publisher(**kw: Any) -> MastodonPublisher:
    return MastodonPublisher(
        "https://mastodon.example/", "secret-token", language="fr", clock=lambda: NOW, **kw
    )


@respx.mock
def test_reply_carries_the_idempotency_key_language_and_parent() -> None:
    """A reply is a public status with in_reply_to_id, language and the outbox row's key."""
    route = respx.post(f"{API}/api/v1/statuses").respond(
        200, content=fixture("status_reply_created.json")
    )
    result = publisher().publish(
        row(
            "reply",
            in_reply_to="115583342811091049",
            target_key="mastodon:mastodon.example:115583342811091049",
        )
    )
    assert result.ok and result.remote_id == "115583360000000001"
    request = route.calls.last.request
    assert request.headers["Idempotency-Key"] == "3f1c2a9e"
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert form(request) == {
        "status": "Merci ! Q2 arrive dans 2 min #FinMariageEnfants",
        "visibility": "public",
        "language": "fr",
        "in_reply_to_id": "115583342811091049",
    }
    assert result.post is not None and result.post.reply_to_id == "115583342811091049"
    assert result.post.key == "mastodon:mastodon.example:115583360000000001"


@respx.mock
def test_a_retry_sends_the_same_key() -> None:
    """Two attempts of one row send one key, so Mastodon returns the first status, not a second."""
    route = respx.post(f"{API}/api/v1/statuses").mock(
        side_effect=[
            httpx.ReadTimeout("timed out"),
            httpx.Response(200, content=fixture("status_reply_created.json")),
        ]
    )
    pub = publisher()
    first, second = pub.publish(row()), pub.publish(row())
    assert not first.ok and first.retryable and second.ok
    assert {c.request.headers["Idempotency-Key"] for c in route.calls} == {"3f1c2a9e"}


@respx.mock
def test_boost_of_a_status_read_elsewhere_is_resolved_first() -> None:
    """A status seen through another server is found here by its uri, then reblogged by local id."""
    search = respx.get(f"{API}/api/v2/search").respond(200, content=fixture("search_resolved.json"))
    reblog = respx.post(f"{API}/api/v1/statuses/115583399999999999/reblog").respond(
        200, content=fixture("status_reblog_created.json")
    )
    pub = publisher(lookup_uri={"mastodon:mamot.fr:115583345990000001": AMINA_URI}.get)
    result = pub.publish(
        row(
            "repost",
            in_reply_to="115583345990000001",
            target_key="mastodon:mamot.fr:115583345990000001",
        )
    )
    assert result.ok and result.post is not None and result.post.is_repost
    assert search.calls.last.request.url.params["q"] == AMINA_URI
    assert search.calls.last.request.url.params["resolve"] == "true"
    assert reblog.called


@respx.mock
def test_boost_retries_by_uri_when_the_local_id_is_unknown() -> None:
    """A 404 on the reblog looks the status up by uri once, then boosts the id found."""
    respx.post(f"{API}/api/v1/statuses/115583346002222333/reblog").respond(
        404, json={"error": "Record not found"}
    )
    respx.get(f"{API}/api/v2/search").respond(200, content=fixture("search_resolved.json"))
    good = respx.post(f"{API}/api/v1/statuses/115583399999999999/reblog").respond(
        200, content=fixture("status_reblog_created.json")
    )
    key = "mastodon:mastodon.example:115583346002222333"
    result = publisher(lookup_uri={key: AMINA_URI}.get).publish(
        row("repost", in_reply_to="115583346002222333", target_key=key)
    )
    assert result.ok and good.called


@pytest.mark.parametrize(
    ("status", "body", "headers", "retryable", "words"),
    [
        (401, {"error": "The access token is invalid"}, {}, False, "refused the token"),
        (
            403,
            {"error": "This action is outside the authorized scopes"},
            {},
            False,
            "refused the token",
        ),
        (
            422,
            {"error": "Validation failed: Text can't be blank"},
            {},
            False,
            "Text can't be blank",
        ),
        (
            429,
            {"error": "Too many requests"},
            {"X-RateLimit-Reset": "2025-11-20T18:15:00.000Z"},
            True,
            "18:15:00",
        ),
        (503, {"error": "Service Unavailable"}, {}, True, "503"),
    ],
)
@respx.mock
def test_failures_become_one_line_results(
    status: int, body: dict[str, str], headers: dict[str, str], retryable: bool, words: str
) -> None:
    """Refused tokens and rejected texts are final; rate limits and outages are retryable."""
    respx.post(f"{API}/api/v1/statuses").respond(status, json=body, headers=headers)
    result = publisher().publish(row())
    assert not result.ok and result.retryable is retryable
    assert words in result.error and "secret-token" not in result.error and "\n" not in result.error


@respx.mock
def test_find_existing_matches_text_and_parent() -> None:
    """After a crash, a status of ours with the row's text (and parent) is the one that went out."""
    created = json.loads(fixture("status_reply_created.json"))
    respx.get(f"{API}/api/v1/accounts/verify_credentials").respond(200, json=created["account"])
    respx.get(f"{API}/api/v1/accounts/109876543210000001/statuses").respond(200, json=[created])
    pub = publisher()
    text = "@lucie_b Merci ! Q2 arrive dans 2 min #FinMariageEnfants"
    assert (
        pub.find_existing(row("reply", text=text, in_reply_to="115583342811091049"))
        == "115583360000000001"
    )
    assert pub.find_existing(row("reply", text=text, in_reply_to="1")) is None
    assert pub.find_existing(row(text="something else")) is None


def test_rules_follow_the_instance() -> None:
    """The composer counts against the instance's own limit and URL weight."""
    info = InstanceInfo("mastodon.example")
    info.update(json.loads(fixture("instance_v2.json")))
    rules = publisher(info=info).rules
    assert (rules.limit, rules.url_weight) == (1000, 23)
    assert "secret-token" not in repr(publisher())
