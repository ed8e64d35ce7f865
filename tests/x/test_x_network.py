"""Wiring X: the API base redirect on the sessions tweepy uses, timeouts, and connect_x's choices."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import responses

from tchat_tui.clients.credentials import Credentials, CredentialsError
from tchat_tui.clients.x.api import (
    REST_TIMEOUT,
    ApiBaseError,
    RateLimits,
    XTransport,
    check_api_base,
    make_client,
)
from tchat_tui.domain.cost import CostMeter
from tchat_tui.pipeline.connect_x import connect_x
from tchat_tui.publish.base import DryRunPublisher
from tchat_tui.publish.x import XPublisher
from tchat_tui.sources.x.source import XSource
from tchat_tui.sources.x.stream import TagStream
from tchat_tui.store.database import Store
from tests.x.xfixtures import BEARER, KEYS, fixture

PROXY = "http://proxy.test:8080/x-api"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("https://proxy.example/x/ ", "https://proxy.example/x"),
        ("127.0.0.1:8765", ApiBaseError),
        ("ftp://proxy.example", ApiBaseError),
        ("http://proxy.example/?token=1", ApiBaseError),
    ],
)
def test_check_api_base(value: str | None, expected: object) -> None:
    """TCHAT_X_API_BASE must be an http(s) URL; a trailing slash is dropped."""
    if expected is ApiBaseError:
        with pytest.raises(ApiBaseError, match="TCHAT_X_API_BASE"):
            check_api_base(value)
    else:
        assert check_api_base(value) == expected


@pytest.mark.parametrize("host", ["https://api.twitter.com", "https://api.x.com"])
@responses.activate
def test_rest_calls_go_to_the_api_base(host: str) -> None:
    """The adapter on Client.session sends X's host to the base, keeping path and query."""
    responses.get(f"{PROXY}/2/tweets/search/recent", json=fixture("search_page2.json"))
    client = make_client({"bearer_token": BEARER, "api_base": PROXY})
    reply = client.session.get(f"{host}/2/tweets/search/recent?query=%23PyChat")
    assert reply.json()["meta"]["result_count"] == 2
    assert responses.calls[0].request.url == f"{PROXY}/2/tweets/search/recent?query=%23PyChat"


@responses.activate
def test_tweepy_search_through_the_base_with_a_timeout_and_rate_headers() -> None:
    """A real tweepy call is redirected, gets the REST timeout, and its rate limits are kept."""
    responses.get(
        f"{PROXY}/2/tweets/search/recent",
        json=fixture("search_page2.json"),
        headers={"x-rate-limit-remaining": "12", "x-rate-limit-reset": "1900000000"},
    )
    rate = RateLimits()
    client = make_client({"bearer_token": BEARER, "api_base": PROXY}, rate=rate)
    found = client.search_recent_tweets("#PyChat -is:retweet", max_results=100)
    assert len(found.data) == 2
    assert responses.calls[0].request.req_kwargs["timeout"] == REST_TIMEOUT
    limit = rate.get("/tweets/search/recent")
    assert limit is not None and (limit.remaining, limit.reset) == (12, 1900000000)


def test_the_stream_session_is_the_one_redirected() -> None:
    """StreamingClient serves rules and stream from one session: the adapter and silence are there."""
    stream = TagStream(
        BEARER, on_line=lambda raw: None, api_base=PROXY, silence=20.0, rate=RateLimits()
    )
    adapter = stream.session.get_adapter("https://api.twitter.com/2/tweets/search/stream")
    assert isinstance(adapter, XTransport)
    assert (adapter.base, adapter.read_timeout) == (PROXY, 20.0)


def session(tmp_path: Path) -> SimpleNamespace:
    """The parts of a ChatSession connect_x uses."""
    store = Store.open(tmp_path / "chat.db")
    chat_id = store.ensure_chat("PyChat")
    clock = lambda: datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # noqa: E731
    return SimpleNamespace(
        tag="PyChat", store=store, chat_id=chat_id, settings=SimpleNamespace(clock=clock)
    )


@pytest.mark.parametrize(
    ("x", "sources", "publisher", "note"),
    [
        ({}, 0, DryRunPublisher, "X: dry-run (no credentials)"),
        (
            {"bearer_token": BEARER},
            1,
            DryRunPublisher,
            "posting dry-run (missing TCHAT_X_CONSUMER_KEY, TCHAT_X_CONSUMER_SECRET",
        ),
        ({"bearer_token": BEARER, **KEYS}, 1, XPublisher, "posting as the host"),
        (dict(KEYS), 1, XPublisher, "recent search, no bearer token"),
        ({"bearer_token": BEARER, "api_base": PROXY}, 1, DryRunPublisher, f"via {PROXY}"),
    ],
)
def test_connect_x_uses_what_the_credentials_allow(
    tmp_path: Path, x: dict[str, str], sources: int, publisher: type, note: str
) -> None:
    """Read with the bearer token, post with the four keys, dry-run otherwise, said plainly."""
    found, publishers, line = connect_x(session(tmp_path), Credentials({"x": x}))
    assert len(found) == sources
    assert all(isinstance(s, XSource) for s in found)
    assert type(publishers[next(iter(publishers))]) is publisher
    assert note in line
    assert BEARER not in line


def test_connect_x_shares_the_sessions_cost_meter(tmp_path: Path) -> None:
    """The source and the publisher count into the session's one meter."""
    sess = session(tmp_path)
    sess.cost_meter = CostMeter()
    found, publishers, _ = connect_x(sess, Credentials({"x": {"bearer_token": BEARER, **KEYS}}))
    source = found[0]
    assert isinstance(source, XSource) and source.meter is sess.cost_meter
    pub = next(iter(publishers.values()))
    assert isinstance(pub, XPublisher) and pub.meter is sess.cost_meter


def test_connect_x_refuses_a_bad_api_base(tmp_path: Path) -> None:
    """A malformed TCHAT_X_API_BASE is a credentials error (one line), not a crash later."""
    with pytest.raises(CredentialsError, match="TCHAT_X_API_BASE"):
        connect_x(session(tmp_path), Credentials({"x": {"api_base": "localhost:1"}}))
