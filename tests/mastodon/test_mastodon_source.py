"""The Mastodon hashtag source: backfill, SSE stream, reconnects, rate limits, refused tokens."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import respx

from tchat_tui.clients.http import reset_time
from tchat_tui.clients.mastodon.api import InstanceInfo, id_order, rewind_id, status_to_post
from tchat_tui.domain.post import Network
from tchat_tui.sources.base import SourceError
from tchat_tui.sources.mastodon import MastodonSource
from tchat_tui.sources.resume import Backoff, MemoryCursor
from tests.mastodon.helpers import (
    NOW,
    SSE_HEADERS,
    Done,
    FakeSleep,
    RecordingSink,
    chunked,
    dropped,
    read_fixture,
)

HERE = Path(__file__).parent
API = "https://mastodon.example"
STREAM = "https://streaming.mastodon.example/api/v1/streaming/hashtag"
TIMELINE = f"{API}/api/v1/timelines/tag/FinMariageEnfants"


def fixture(name: str) -> bytes:
    return read_fixture(HERE, name)


def source(**kw: object) -> MastodonSource:
    return MastodonSource(
        "mastodon.example",
        "user-token",
        "#FinMariageEnfants",
        clock=lambda: NOW,
        rand=lambda: 0.5,
        **kw,  # type: ignore[arg-type]
    )


@respx.mock
async def test_drop_mid_stream_reconnects_backfills_and_deduplicates() -> None:
    """A dropped stream reconnects after a jittered wait, backfills from the cursor and never repeats a post."""
    respx.get(f"{API}/api/v2/instance").respond(200, content=fixture("instance_v2.json"))
    timeline = respx.get(TIMELINE).mock(
        side_effect=[
            httpx.Response(200, content=fixture("tag_timeline_first.json")),
            httpx.Response(200, content=fixture("tag_timeline_after_drop.json")),
            httpx.Response(200, json=[]),
        ]
    )
    stream = respx.get(STREAM).mock(
        side_effect=[
            httpx.Response(200, headers=SSE_HEADERS, content=dropped(fixture("stream_first.txt"))),
            httpx.Response(
                200, headers=SSE_HEADERS, content=chunked(fixture("stream_after_drop.txt"))
            ),
        ]
    )
    sink, sleep = RecordingSink(), FakeSleep(stop_after=2)
    src = source(sleep=sleep)
    with pytest.raises(Done):
        await src.follow(sink)

    assert sink.ids == [
        "115583320012345678",  # first backfill, oldest first
        "115583336481558632",
        "115583342811091049",  # stream 1, then the connection drops
        "115583346002222333",  # backfill after the drop (Lucie's post again is dropped)
        "115583351234567890",  # stream 2 (Amina's post again is dropped)
    ]
    assert stream.call_count == 2 and src.connects == 2
    assert stream.calls.last.request.headers["authorization"] == "Bearer user-token"
    assert stream.calls.last.request.url.params["tag"] == "FinMariageEnfants"
    assert "min_id" not in timeline.calls[0].request.url.params
    assert timeline.calls[1].request.url.params["min_id"] == rewind_id("115583342811091049", 300)
    assert timeline.calls[2].request.url.params["min_id"] == "115583346002222333"
    # Full jitter (rand 0.5) of 1 s each time: both streams delivered an event, which resets it.
    assert sleep.delays == [0.5, 0.5]
    assert src.cursor.load() == "115583351234567890"
    assert sink.state_names[:3] == ["connecting", "backfilling", "live"]
    assert "reconnecting" in sink.state_names


@respx.mock
async def test_edits_deletes_and_malformed_events() -> None:
    """status.update edits the stored post, delete marks it, a garbled event is counted and skipped."""
    respx.get(f"{API}/api/v2/instance").respond(200, content=fixture("instance_v2.json"))
    respx.get(TIMELINE).respond(200, json=[])
    respx.get(STREAM).respond(
        200, headers=SSE_HEADERS, content=chunked(fixture("stream_after_drop.txt"), 5)
    )
    sink = RecordingSink()
    with pytest.raises(Done):
        await source(sleep=FakeSleep(1)).follow(sink)
    (edit,) = sink.edits
    assert edit.key == "mastodon:mastodon.example:115583342811091049"
    assert "très tôt" in edit.text
    assert edit.created_at.isoformat() == "2025-11-20T18:04:51+00:00"  # the edit time
    assert sink.deletes == ["mastodon:mastodon.example:115583349939900522"]
    assert [n for n, _ in sink.bad] == [1]


@respx.mock
async def test_rate_limit_waits_until_reset() -> None:
    """A 429 waits until X-RateLimit-Reset and reports 'rate-limited' with that time."""
    reset = NOW + timedelta(seconds=42)
    respx.get(f"{API}/api/v2/instance").respond(200, content=fixture("instance_v2.json"))
    respx.get(TIMELINE).mock(
        side_effect=[
            httpx.Response(
                429,
                json={"error": "Too many requests"},
                headers={"X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")},
            ),
            httpx.Response(200, json=[]),
        ]
    )
    respx.get(STREAM).respond(200, headers=SSE_HEADERS, content=b":)\n")
    sink, sleep = RecordingSink(), FakeSleep(2)
    with pytest.raises(Done):
        await source(sleep=sleep).follow(sink)
    assert sleep.delays[0] == 42
    limited = [s for s in sink.states if s.state == "rate-limited"]
    assert limited and limited[0].until == reset


@pytest.mark.parametrize("status", [401, 403])
@respx.mock
async def test_refused_token_stops_with_a_clear_message(status: int) -> None:
    """401/403 on the stream stop the source with one line naming the instance, never the token."""
    respx.get(f"{API}/api/v2/instance").respond(200, content=fixture("instance_v2.json"))
    respx.get(TIMELINE).respond(200, json=[])
    respx.get(STREAM).respond(status, json={"error": "Missing access token"})
    sink = RecordingSink()
    with pytest.raises(SourceError) as info:
        await source(sleep=FakeSleep(5)).follow(sink)
    message = str(info.value)
    assert "mastodon.example" in message and "Missing access token" in message
    assert "user-token" not in message and "\n" not in message
    assert sink.state_names[-1] == "failed"


@respx.mock
async def test_unreachable_instance_backs_off_and_retries() -> None:
    """Connection failures become 'reconnecting' with growing jittered waits, never a crash."""
    respx.get(f"{API}/api/v2/instance").mock(side_effect=httpx.ConnectTimeout("timed out"))
    sleep = FakeSleep(4)
    sink = RecordingSink()
    with pytest.raises(Done):
        await MastodonSource("mastodon.example", "t", "tag", sleep=sleep, rand=lambda: 1.0).follow(
            sink
        )
    assert sleep.delays == [1.0, 2.0, 4.0, 8.0]
    assert sink.state_names.count("reconnecting") == 4


@respx.mock
async def test_wrong_streaming_host_is_rediscovered() -> None:
    """A 404 from the streaming host asks /api/v2/instance again before the next attempt."""
    instance = respx.get(f"{API}/api/v2/instance").respond(200, content=fixture("instance_v2.json"))
    respx.get(TIMELINE).respond(200, json=[])
    respx.get(STREAM).respond(404, json={"error": "Not found"})
    with pytest.raises(Done):
        await source(sleep=FakeSleep(2)).follow(RecordingSink())
    assert instance.call_count == 2


def test_run_returns_soon_after_stop_even_while_the_stream_hangs() -> None:
    """Setting stop ends run() promptly although the server never sends a byte."""

    async def silent() -> AsyncIterator[bytes]:
        yield b":)\n"
        await asyncio.sleep(3600)

    with respx.mock:
        respx.get(f"{API}/api/v2/instance").respond(200, content=fixture("instance_v2.json"))
        respx.get(TIMELINE).respond(200, json=[])
        respx.get(STREAM).respond(200, headers=SSE_HEADERS, content=silent())
        sink, stop = RecordingSink(), threading.Event()
        src = source()
        worker = threading.Thread(target=src.run, args=(sink, stop))
        worker.start()
        deadline = time.monotonic() + 5
        while "live" not in sink.state_names and time.monotonic() < deadline:
            time.sleep(0.01)
        stop.set()
        worker.join(5)
    assert "live" in sink.state_names and not worker.is_alive()


def test_cursor_resumes_after_a_restart() -> None:
    """A saved cursor is the next backfill's min_id (rewound a few minutes for late federation)."""
    cursor = MemoryCursor("115583342811091049")
    with respx.mock:
        respx.get(f"{API}/api/v2/instance").respond(200, content=fixture("instance_v2.json"))
        timeline = respx.get(TIMELINE).respond(200, json=[])
        respx.get(STREAM).respond(200, headers=SSE_HEADERS, content=b"")
        with pytest.raises(Done):
            asyncio.run(
                source(sleep=FakeSleep(1), cursor=cursor, rewind_seconds=0).follow(RecordingSink())
            )
    assert timeline.calls[0].request.url.params["min_id"] == "115583342811091049"


def test_status_becomes_a_plain_text_post() -> None:
    """A federated reply: local id as native id, html stripped, hashtags as written, links kept."""
    statuses = json.loads(fixture("tag_timeline_after_drop.json"))
    lucie = status_to_post(statuses[1], "mastodon.example")
    assert lucie.network is Network.MASTODON
    assert lucie.key == "mastodon:mastodon.example:115583342811091049"
    assert lucie.author_handle == "lucie_b@framapiaf.org"
    assert lucie.text.startswith("@horizonfilles R1 La pauvreté") and "&amp;" not in lucie.text
    assert "l'école" in lucie.text and lucie.text.endswith("#FinMariageEnfants")
    assert lucie.hashtags == ("FinMariageEnfants",)
    assert lucie.reply_to_key == "mastodon:mastodon.example:115583336481558632"
    assert lucie.mentions == ("horizonfilles",)
    welcome = status_to_post(json.loads(fixture("tag_timeline_first.json"))[1], "mastodon.example")
    assert welcome.author_handle == "horizonfilles@mastodon.example"
    assert [link.expanded_url for link in welcome.links] == [
        "https://horizonfilles.example/regles-du-chat"
    ]
    assert "https://horizonfilles.example/regles-du-chat" in welcome.text


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "30"}, 30),
        ({"X-RateLimit-Reset": "2025-11-20T18:15:00.000Z"}, 300),
        ({"RateLimit-Reset": str(int((NOW + timedelta(seconds=90)).timestamp()))}, 90),
        ({"ratelimit-reset": "12"}, 12),
        ({}, 60),
    ],
)
def test_rate_limit_headers(headers: dict[str, str], seconds: int) -> None:
    """Retry-After, Mastodon's ISO reset, Bluesky's epoch reset, a delta, or a minute by default."""
    assert reset_time(headers, NOW) == NOW + timedelta(seconds=seconds)


def test_backoff_doubles_to_a_cap_and_resets() -> None:
    """Full jitter over 1, 2, 4 ... seconds, capped at 60, back to 1 after a good event."""
    backoff = Backoff(rand=lambda: 1.0)
    assert [backoff.next() for _ in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    backoff.reset()
    assert backoff.next() == 1


@pytest.mark.parametrize(
    ("small", "large"), [("9", "10"), ("115583320012345678", "115583336481558632"), ("99", "100")]
)
def test_ids_sort_by_length_then_text(small: str, large: str) -> None:
    """Mastodon ids are compared as numbers written in decimal."""
    assert id_order(small) < id_order(large)


def test_instance_document_gives_streaming_host_and_limits() -> None:
    """wss:// becomes https://; max_characters and the URL weight come from configuration.statuses."""
    info = InstanceInfo("mastodon.example")
    info.update(json.loads(fixture("instance_v2.json")))
    assert info.streaming_url == "https://streaming.mastodon.example"
    assert (info.max_characters, info.url_weight, info.loaded) == (1000, 23, True)
