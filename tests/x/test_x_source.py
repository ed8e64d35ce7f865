"""The live X source against recorded payloads (`responses`): search, stream, errors, cursor."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from responses import matchers

from tchat_tui.clients.x.api import make_client
from tchat_tui.clients.x.stream_line import parse_stream_line
from tchat_tui.domain.cost import CostMeter
from tchat_tui.sources.base import SourceError
from tchat_tui.sources.resume import MemoryCursor
from tchat_tui.sources.x.gaps import XBackoff as Backoff
from tchat_tui.sources.x.gaps import XTiming, snowflake_before, snowflake_time
from tchat_tui.sources.x.source import XSource
from tests.x.xfixtures import (
    BEARER,
    KEYS,
    RULES,
    SEARCH,
    STREAM,
    RecordingSink,
    fixture,
    fixture_text,
)

NOW = datetime(2026, 11, 27, 17, 5, tzinfo=UTC)
FAST = XTiming(
    silence=1.0,
    backoff_base=0.01,
    backoff_cap=0.05,
    poll_start=0.01,
    poll_min=0.01,
    poll_max=0.05,
    rate_limit_min=0.01,
    drain_every=0.01,
)
PAGE1, PAGE2 = fixture("search_page1.json"), fixture("search_page2.json")
ALL_IDS = sorted(t["id"] for t in PAGE1["data"] + PAGE2["data"])


def source(
    cursor: str | None = None, mode: str = "search", clock: datetime = NOW, **kw: object
) -> XSource:
    """An X source reading with the test bearer token on a fixed clock."""
    return XSource(
        "#PyChat",
        {"bearer_token": BEARER},
        cursor=MemoryCursor(cursor),
        clock=lambda: clock,
        timing=FAST,
        mode=mode,
        initial_backfill=timedelta(minutes=10),
        **kw,  # type: ignore[arg-type]
    )


def run(src: XSource, until: object) -> RecordingSink:
    """Run the source in this thread until the sink's condition holds."""
    stop = threading.Event()
    sink = RecordingSink(stop, until)  # type: ignore[arg-type]
    src.run(sink, stop)
    return sink


def query(call_index: int) -> dict[str, str]:
    """The query parameters of one recorded call."""
    url = responses.calls[call_index].request.url
    assert url is not None
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def add_search_pages() -> None:
    """Page 1 (with next_token), page 2, then nothing new."""
    responses.get(SEARCH, json=PAGE1)
    responses.get(
        SEARCH,
        json=PAGE2,
        match=[
            matchers.query_param_matcher(
                {"next_token": PAGE1["meta"]["next_token"]}, strict_match=False
            )
        ],
    )
    responses.get(SEARCH, json=fixture("search_empty.json"))


@pytest.mark.parametrize(
    ("native_id", "expected"),
    [
        ("2126360400491446272", datetime(2026, 11, 27, 17, 0, tzinfo=UTC)),
        ("1", None),
        ("not-an-id", None),
    ],
)
def test_snowflake_time(native_id: str, expected: datetime | None) -> None:
    """X ids carry their creation time."""
    assert snowflake_time(native_id) == expected


def test_snowflake_before_is_seconds_earlier() -> None:
    """The catch-up overlap is measured in the id's own clock."""
    earlier = snowflake_before("2126360400491446272", 5)
    assert snowflake_time(earlier) == datetime(2026, 11, 27, 16, 59, 55, tzinfo=UTC)


@responses.activate
def test_search_drains_every_page_in_id_order() -> None:
    """A first poll reads the last minutes through every page and hands posts over oldest first."""
    add_search_pages()
    meter = CostMeter()
    src = source(meter=meter)
    sink = run(src, lambda s: "live" in s.state_names())
    assert sink.ids == ALL_IDS
    assert src.cursor.load() == max(ALL_IDS, key=int)
    first = query(0)
    assert first["query"] == "#PyChat -is:retweet"
    assert first["max_results"] == "100"
    assert first["expansions"] == "author_id"
    assert set(first["tweet.fields"].split(",")) >= {
        "created_at",
        "conversation_id",
        "referenced_tweets",
        "entities",
        "lang",
        "public_metrics",
    }
    assert first["start_time"] == "2026-11-27T16:55:00Z"
    assert query(1)["next_token"] == PAGE1["meta"]["next_token"]
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {BEARER}"
    assert meter.counts()["post_read"] == 5
    live = [st for st in sink.states if st.state == "live"]
    assert live[0].detail.startswith("recent search every")
    assert sink.states[-1].state == "stopped"


@responses.activate
def test_search_posts_keep_the_stream_line_format() -> None:
    """Search results are stored with a raw stream line, so `record` and replay read them back."""
    add_search_pages()
    sink = run(source(), lambda s: "live" in s.state_names())
    for post in sink.received:
        again = parse_stream_line(post.raw)
        assert again is not None
        assert (again.native_id, again.text, again.author_handle) == (
            post.native_id,
            post.text,
            post.author_handle,
        )
    by_id = {p.native_id: p for p in sink.received}
    chloe = by_id[PAGE1["data"][1]["id"]]
    assert chloe.author_handle == "chloe_fr"
    assert chloe.text == "R1 : textual, sans hésiter ! #PyChat"


@responses.activate
def test_restart_resumes_from_the_cursor_with_an_overlap() -> None:
    """After a restart the search starts a few seconds before the stored cursor."""
    responses.get(SEARCH, json=fixture("search_empty.json"))
    cursor = PAGE2["data"][0]["id"]
    run(source(cursor=cursor), lambda s: "live" in s.state_names())
    params = query(0)
    assert params["since_id"] == snowflake_before(cursor, FAST.backfill_margin)
    assert "start_time" not in params


@responses.activate
def test_cursor_older_than_the_search_window_restarts_at_its_edge() -> None:
    """A week-old cursor cannot be a since_id: the search starts at the 7-day edge instead."""
    responses.get(SEARCH, json=fixture("search_empty.json"))
    run(
        source(cursor=PAGE2["data"][0]["id"], clock=NOW + timedelta(days=8)),
        lambda s: "live" in s.state_names(),
    )
    params = query(0)
    assert "since_id" not in params
    assert params["start_time"] == "2026-11-28T17:10:00Z"  # 7 days less a 5-minute margin


@responses.activate
def test_rate_limit_waits_until_reset_and_says_until_when() -> None:
    """429: state 'rate-limited' until X's reset instant (the header shows hh:mm), then resume."""
    reset = int(NOW.timestamp()) + 1
    responses.get(
        SEARCH,
        status=429,
        json=fixture("error_429.json"),
        headers={"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"},
    )
    add_search_pages()
    clock = datetime.fromtimestamp(reset - 0.02, UTC)
    sink = run(source(clock=clock), lambda s: "live" in s.state_names())
    limited = [s for s in sink.states if s.state == "rate-limited"]
    assert len(limited) == 1
    assert limited[0].until == datetime.fromtimestamp(reset, UTC)
    assert limited[0].detail == "recent search"
    assert sink.ids == ALL_IDS


@responses.activate
def test_server_errors_back_off_then_recover() -> None:
    """503 twice: 'reconnecting' with a growing jittered wait, then every post arrives."""
    responses.get(SEARCH, status=503, json=fixture("error_503.json"))
    responses.get(SEARCH, status=503, json=fixture("error_503.json"))
    add_search_pages()
    sink = run(source(), lambda s: "live" in s.state_names())
    assert sink.state_names()[:2] == ["reconnecting", "reconnecting"]
    assert "HTTP 503" in sink.states[0].detail
    assert sink.ids == ALL_IDS


@pytest.mark.parametrize(
    ("status", "body", "fragment"),
    [
        (401, "error_401.json", "401 Unauthorized): check TCHAT_X_BEARER_TOKEN"),
        (403, "error_403_not_enrolled.json", "403 Forbidden"),
        (400, "error_400_query.json", "rejected the search"),
    ],
)
@responses.activate
def test_refusals_stop_with_one_line_and_no_retry(status: int, body: str, fragment: str) -> None:
    """401/403/400 end the source at once with one line naming what to fix, never the secret."""
    responses.get(SEARCH, status=status, json=fixture(body))
    with pytest.raises(SourceError) as err:
        run(source(), lambda s: False)
    message = str(err.value)
    assert fragment in message
    assert BEARER not in message
    assert "\n" not in message
    assert len(responses.calls) == 1


@responses.activate
def test_without_a_bearer_token_search_uses_the_posting_keys() -> None:
    """With only the four posting keys, reading falls back to search in user context (OAuth 1.0a)."""
    add_search_pages()
    src = XSource("PyChat", dict(KEYS), cursor=MemoryCursor(), clock=lambda: NOW, timing=FAST)
    sink = run(src, lambda s: "live" in s.state_names())
    assert sink.ids == ALL_IDS
    assert src.mode_used == "search"
    assert str(responses.calls[0].request.headers["Authorization"]).startswith("OAuth ")


def test_no_credentials_at_all() -> None:
    """Nothing to read with: one line naming the variable."""
    src = XSource("PyChat", {}, cursor=MemoryCursor(), timing=FAST)
    with pytest.raises(SourceError, match="TCHAT_X_BEARER_TOKEN"):
        run(src, lambda s: False)


@responses.activate
def test_stream_without_access_falls_back_to_search() -> None:
    """'auto' tries the filtered stream; a 403 on its rules means polling recent search instead."""
    responses.get(RULES, status=403, json=fixture("error_403_not_enrolled.json"))
    add_search_pages()
    src = source(mode="auto")
    sink = run(src, lambda s: "live" in s.state_names())
    assert src.mode_used == "search"
    polling = [s for s in sink.states if s.state == "polling"]
    assert "not available to this account (403)" in polling[0].detail
    assert sink.ids == ALL_IDS


@responses.activate
def test_stream_reads_our_rule_only_and_removes_it_at_the_end() -> None:
    """The stream reuses the app's rule, skips posts of other rules, keeps raw lines, cleans up."""
    lines = fixture_text("stream.jsonl")
    responses.get(RULES, json=fixture("rules_existing.json"))
    responses.get(STREAM, body=lines.encode())
    responses.post(RULES, json=fixture("rules_deleted.json"))
    src = XSource(
        "PyChat",
        {"bearer_token": BEARER},
        cursor=MemoryCursor(),
        clock=lambda: NOW,
        timing=FAST,
        mode="stream",
        initial_backfill=None,
    )
    sink = run(src, lambda s: len(s.received) >= 4)
    ours = [ln for ln in lines.split("\r\n") if "tchat-live:pychat" in ln]
    assert [p.raw for p in sink.received] == ours
    assert any("operational-disconnect" in s.detail for s in sink.states)
    deletes = [c for c in responses.calls if c.request.method == "POST"]
    assert deletes, "the rule is removed when the source stops"
    assert b'"ids": ["1166916266197536769"]' in (deletes[-1].request.body or b"")
    get_stream = [
        c for c in responses.calls if urlsplit(c.request.url or "").path.endswith("/stream")
    ]
    params = parse_qs(urlsplit(get_stream[0].request.url or "").query)
    assert params["expansions"] == ["author_id"]


@responses.activate
def test_stream_adds_its_rule_when_missing() -> None:
    """No rule yet: the app adds `#tag -is:retweet` under its own rule tag."""
    responses.get(RULES, json=fixture("rules_none.json"))
    responses.post(
        RULES,
        json=fixture("rules_added.json"),
        match=[
            matchers.json_params_matcher(
                {"add": [{"value": "#PyChat -is:retweet", "tag": "tchat-live:pychat"}]}
            )
        ],
    )
    responses.get(STREAM, body=fixture_text("stream.jsonl").encode())
    responses.post(RULES, json=fixture("rules_deleted.json"))
    src = XSource(
        "PyChat",
        {"bearer_token": BEARER},
        cursor=MemoryCursor(),
        clock=lambda: NOW,
        timing=FAST,
        mode="stream",
        initial_backfill=None,
    )
    sink = run(src, lambda s: len(s.received) >= 4)
    assert src.mode_used == "stream"
    assert len(sink.received) == 4


def test_backoff_is_exponential_jittered_and_capped() -> None:
    """Each wait is between half and all of base * 2^n, never above the cap; success resets."""
    backoff = Backoff(1.0, 8.0, random.Random(7))
    waits = [backoff.next() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(c / 2 <= w <= c for w, c in zip(waits, ceilings, strict=True))
    assert len(set(waits)) == len(waits), "jittered, not fixed"
    backoff.reset()
    assert backoff.next() <= 1.0


@pytest.mark.parametrize(
    ("interval", "found", "remaining", "reset_in", "expected"),
    [
        (10.0, 80, None, None, 5.0),  # busy: halve, floor poll_min
        (10.0, 0, None, None, 15.0),  # quiet: slower
        (50.0, 0, None, None, 60.0),  # but never slower than poll_max
        (10.0, 3, None, None, 10.0),  # steady
        (10.0, 80, 10, 300, 30.0),  # 10 calls left for 300 s: one per 30 s at most
    ],
)
@responses.activate
def test_poll_interval_adapts_to_volume_and_rate_limit(
    interval: float, found: int, remaining: int | None, reset_in: int | None, expected: float
) -> None:
    """Faster when busy, slower when quiet, never faster than the remaining calls allow."""
    headers = {}
    if remaining is not None and reset_in is not None:
        headers = {
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(int(NOW.timestamp()) + reset_in),
        }
    responses.get(SEARCH, json=fixture("search_empty.json"), headers=headers)
    src = XSource(
        "PyChat",
        {"bearer_token": BEARER},
        cursor=MemoryCursor(),
        clock=lambda: NOW,
        timing=XTiming(poll_min=5.0, poll_max=60.0, busy_poll=50),
    )
    make_client({"bearer_token": BEARER}, rate=src.rate).search_recent_tweets("#PyChat")
    assert src._next_interval(interval, found) == pytest.approx(expected)
