"""Bluesky: the saved login session, searchPosts polling, Jetstream filtering and resuming."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import respx
from websockets.exceptions import ConnectionClosedError

from tchat_tui.clients.bluesky.records import post_view_to_post
from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, SessionFile, jwt_expiry
from tchat_tui.sources.base import SourceError
from tchat_tui.sources.bluesky.jetstream import JetstreamSource
from tchat_tui.sources.bluesky.search import BlueskySearchSource
from tchat_tui.sources.resume import MemoryCursor, SeenIds
from tests.mastodon.helpers import NOW, Done, FakeSleep, RecordingSink

HERE = Path(__file__).parent
ENTRY = "https://bsky.social/xrpc"
PDS = "https://morel.us-east.host.bsky.network/xrpc"
SEARCH = f"{PDS}/app.bsky.feed.searchPosts"
HOST_DID = "did:plc:er7ie5wgtviscdi6scinb67d"
AMINA = "at://did:plc:qgolozunqeoiqk6xxpp5vbmy/app.bsky.feed.post/3m63e6dtv3n2f"
LUCIE = "at://did:plc:l5ucxbnoeqodvshqzy6z3cxk/app.bsky.feed.post/3m63e7aaa2k2c"
TOM = "at://did:plc:t0mq7yqkzmpg3v6fyr4kwzc2/app.bsky.feed.post/3m63ebcd7xs2a"
Q1 = "at://did:plc:er7ie5wgtviscdi6scinb67d/app.bsky.feed.post/3m63dxuj5kv2e"


def fixture(name: str) -> bytes:
    return (HERE / "fixtures" / name).read_bytes()


def auth(tmp_path: Path) -> BlueskyAuth:
    return BlueskyAuth(
        "@horizonfilles.bsky.social",
        "abcd-efgh-ijkl-mnop",
        session_file=SessionFile(tmp_path / "config" / "bluesky-session.json"),
        clock=lambda: NOW,
    )


def search_source(tmp_path: Path, **kw: object) -> BlueskySearchSource:
    return BlueskySearchSource(
        auth(tmp_path),
        "#FinMariageEnfants",
        clock=lambda: NOW,
        rand=lambda: 0.5,
        **kw,  # type: ignore[arg-type]
    )


@respx.mock
async def test_search_polls_through_the_pds_and_deduplicates(tmp_path: Path) -> None:
    """Log in once, poll q=#tag sort=latest on the PDS, resume `since` the cursor, never repeat a post."""
    login = respx.post(f"{ENTRY}/com.atproto.server.createSession").respond(
        200, content=fixture("create_session.json")
    )
    search = respx.get(SEARCH).mock(
        side_effect=[
            httpx.Response(200, content=fixture("search_first.json")),
            httpx.Response(200, content=fixture("search_next.json")),
        ]
    )
    sink, sleep, cursor = RecordingSink(), FakeSleep(2), MemoryCursor()
    with pytest.raises(Done):
        await search_source(tmp_path, sleep=sleep, cursor=cursor, interval=10).follow(sink)

    assert sink.ids == [Q1, AMINA, LUCIE, TOM]  # oldest first; Lucie's post is not repeated
    assert login.call_count == 1
    assert json.loads(login.calls.last.request.content) == {
        "identifier": "horizonfilles.bsky.social",
        "password": "abcd-efgh-ijkl-mnop",
    }
    first, second = (c.request for c in search.calls)
    assert first.url.params["q"] == "#FinMariageEnfants" and first.url.params["sort"] == "latest"
    assert "since" not in first.url.params
    assert second.url.params["since"] == "2025-11-20T18:03:10.002Z"  # Lucie's sortAt minus 2 min
    assert first.headers["authorization"].startswith("Bearer eyJ")
    assert cursor.load() == "2025-11-20T18:06:12.250Z"
    assert sleep.delays == [10.0, 10.0]  # interval x (0.9 + 0.2 x 0.5)
    assert sink.state_names[:2] == ["backfilling", "live"]


async def test_session_survives_a_restart_in_an_owner_only_file(tmp_path: Path) -> None:
    """The tokens (never the app password) are saved 0600; the next start does not log in again."""
    with respx.mock:
        respx.post(f"{ENTRY}/com.atproto.server.createSession").respond(
            200, content=fixture("create_session.json")
        )
        first = auth(tmp_path)
        async with httpx.AsyncClient() as client:
            await first.ensure(client)
    path = tmp_path / "config" / "bluesky-session.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "abcd-efgh-ijkl-mnop" not in path.read_text()
    with respx.mock:
        second = auth(tmp_path)
        async with httpx.AsyncClient() as client:
            tokens = await second.ensure(client)
    assert (first.logins, second.logins) == (1, 0)
    assert tokens.pds == "https://morel.us-east.host.bsky.network" and tokens.did == HOST_DID
    assert "abcd" not in repr(second) and "eyJ" not in repr(tokens)


@respx.mock
async def test_refresh_before_expiry(tmp_path: Path) -> None:
    """A saved access token about to expire is refreshed with the refresh token, not a new login."""
    path = tmp_path / "config" / "bluesky-session.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(fixture("saved_session_expiring.json"))
    saved = json.loads(fixture("saved_session_expiring.json"))["horizonfilles.bsky.social"]
    login = respx.post(f"{ENTRY}/com.atproto.server.createSession").respond(500)
    refresh = respx.post(f"{PDS}/com.atproto.server.refreshSession").respond(
        200, content=fixture("refresh_session.json")
    )
    a = auth(tmp_path)
    async with httpx.AsyncClient() as client:
        tokens = await a.ensure(client)
    assert not login.called
    assert refresh.calls.last.request.headers["authorization"] == f"Bearer {saved['refreshJwt']}"
    assert jwt_expiry(tokens.access_jwt) == NOW + timedelta(hours=2)
    assert (
        json.loads(path.read_text())["horizonfilles.bsky.social"]["accessJwt"] == tokens.access_jwt
    )


@respx.mock
async def test_expired_token_reply_refreshes_and_retries(tmp_path: Path) -> None:
    """A 400 ExpiredToken refreshes the session once and repeats the call."""
    respx.post(f"{ENTRY}/com.atproto.server.createSession").respond(
        200, content=fixture("create_session.json")
    )
    refresh = respx.post(f"{PDS}/com.atproto.server.refreshSession").respond(
        200, content=fixture("refresh_session.json")
    )
    search = respx.get(SEARCH).mock(
        side_effect=[
            httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"}),
            httpx.Response(200, content=fixture("search_next.json")),
        ]
    )
    sink = RecordingSink()
    with pytest.raises(Done):
        await search_source(tmp_path, sleep=FakeSleep(1)).follow(sink)
    assert refresh.call_count == 1 and search.call_count == 2
    assert sink.ids == [LUCIE, TOM]
    assert (
        search.calls[0].request.headers["authorization"]
        != search.calls[1].request.headers["authorization"]
    )


@respx.mock
async def test_refused_login_stops_bluesky_with_a_clear_message(tmp_path: Path) -> None:
    """A refused app password raises SourceError naming the handle, never the password."""
    respx.post(f"{ENTRY}/com.atproto.server.createSession").respond(
        401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
    )
    sink = RecordingSink()
    with pytest.raises(SourceError) as info:
        await search_source(tmp_path, sleep=FakeSleep(3)).follow(sink)
    message = str(info.value)
    assert "@horizonfilles.bsky.social" in message and "Invalid identifier or password" in message
    assert "abcd-efgh" not in message and sink.state_names[-1] == "failed"


@respx.mock
async def test_rate_limit_waits_for_ratelimit_reset(tmp_path: Path) -> None:
    """A 429 waits until RateLimit-Reset (epoch seconds) and says until when."""
    respx.post(f"{ENTRY}/com.atproto.server.createSession").respond(
        200, content=fixture("create_session.json")
    )
    reset = int((NOW + timedelta(seconds=75)).timestamp())
    respx.get(SEARCH).respond(
        429,
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers={
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(reset),
        },
    )
    sink, sleep = RecordingSink(), FakeSleep(1)
    with pytest.raises(Done):
        await search_source(tmp_path, sleep=sleep).follow(sink)
    assert sleep.delays == [75]
    assert sink.states[-1].state == "rate-limited" and sink.states[-1].until == NOW + timedelta(
        seconds=75
    )


def test_post_view_becomes_a_post() -> None:
    """Reply refs, hashtags from facets and `tags`, link facets and mentions are read by byte offsets."""
    views = json.loads(fixture("search_first.json"))["posts"]
    lucie = post_view_to_post(views[0], "morel.us-east.host.bsky.network")
    assert lucie.key == f"bluesky:{LUCIE}"
    assert (lucie.reply_to_id, lucie.conversation_id, lucie.reply_to_author_id) == (
        Q1,
        Q1,
        HOST_DID,
    )
    assert lucie.hashtags == ("finmariageenfants",)
    assert [(link.url, link.expanded_url) for link in lucie.links] == [
        ("unicef.org/fr/mariage", "https://unicef.org/fr/mariage")
    ]
    assert lucie.mentions == ("horizonfilles.bsky.social",)
    assert (
        lucie.created_at.isoformat() == "2025-11-20T18:05:10.950000+00:00"
    )  # indexedAt, not the claimed time
    amina = post_view_to_post(views[1], "pds")
    assert amina.hashtags == ("FinMariageEnfants",) and amina.lang == "fr"


class FakeJetstream:
    """Plays recorded Jetstream lines, one list per connection; a connection may end with an error."""

    def __init__(self, *connections: tuple[list[str], Exception | None]) -> None:
        self.connections = list(connections)
        self.urls: list[str] = []

    def __call__(self, url: str) -> AbstractAsyncContextManager[AsyncIterator[str]]:
        self.urls.append(url)
        if not self.connections:
            raise OSError("connection refused")
        lines, error = self.connections.pop(0)

        @asynccontextmanager
        async def connection() -> AsyncIterator[AsyncIterator[str]]:
            async def messages() -> AsyncIterator[str]:
                for line in lines:
                    yield line
                if error is not None:
                    raise error

            yield messages()

        return connection()


def lines(name: str) -> list[str]:
    return fixture(name).decode().splitlines()


async def test_jetstream_filters_by_tag_and_resumes_from_its_cursor() -> None:
    """Only posts tagged in facets or `tags` pass; after a drop the cursor (rewound) resumes without repeats."""
    jet = FakeJetstream(
        (lines("jetstream_first.jsonl"), ConnectionClosedError(None, None)),
        (lines("jetstream_after_drop.jsonl"), None),
    )
    looked_up: list[list[str]] = []

    async def profiles(dids: list[str]) -> dict[str, tuple[str, str]]:
        looked_up.append(dids)
        return {"did:plc:qgolozunqeoiqk6xxpp5vbmy": ("aminak.bsky.social", "Amina K.")}

    sink, sleep, cursor = RecordingSink(), FakeSleep(2), MemoryCursor()
    src = JetstreamSource(
        "FinMariageEnfants",
        connect=jet,
        profiles=profiles,
        cursor=cursor,
        sleep=sleep,
        rand=lambda: 0.5,
    )
    with pytest.raises(Done):
        await src.follow(sink)

    assert sink.ids == [AMINA, LUCIE, TOM]  # Lucie's replayed event is dropped
    assert sink.received[0].author_handle == "aminak.bsky.social"
    assert (
        sink.received[1].author_handle == "did:plc:l5ucxbnoeqodvshqzy6z3cxk"
    )  # unknown: the DID stands in
    assert (
        jet.urls[0]
        == "wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post"
    )
    assert jet.urls[1].endswith(f"&cursor={1763661893240123 + 4400 - 5_000_000}")
    assert [e.text for e in sink.edits] == [
        "R1 Éducation des filles = le levier n°1 👩🏾‍🎓 #FinMariageEnfants"
    ]
    assert sink.deletes == [f"bluesky:{AMINA}"]  # the unknown post's delete is not passed on
    assert [n for n, _ in sink.bad] == [1]
    assert cursor.load() == str(1763661893240123 + 8800)
    assert sleep.delays == [0.5, 0.5]


async def test_jetstream_resumes_from_a_saved_cursor() -> None:
    """A cursor saved by an earlier run is the first connection's, minus the rewind."""
    src = JetstreamSource("tag", cursor=MemoryCursor("1763661893240123"), rewind_us=1_000_000)
    assert src.url().endswith("cursor=1763661892240123")


@pytest.mark.parametrize(
    ("record", "kept"),
    [
        (
            {
                "text": "R1 oui #FinMariageEnfants",
                "facets": [
                    {
                        "index": {"byteStart": 7, "byteEnd": 25},
                        "features": [
                            {"$type": "app.bsky.richtext.facet#tag", "tag": "FinMariageEnfants"}
                        ],
                    }
                ],
            },
            True,
        ),
        ({"text": "R1 oui", "tags": ["FINMARIAGEENFANTS"]}, True),
        (
            {"text": "R1 oui #FinMariageEnfants"},
            False,
        ),  # no facet: Bluesky does not index it as a tag
        (
            {
                "text": "R1 #FinMariageEnfantsX",
                "facets": [
                    {
                        "index": {"byteStart": 3, "byteEnd": 22},
                        "features": [
                            {"$type": "app.bsky.richtext.facet#tag", "tag": "FinMariageEnfantsX"}
                        ],
                    }
                ],
            },
            False,
        ),
    ],
)
def test_jetstream_tag_filter(record: dict[str, object], kept: bool) -> None:
    """A post is ours when a tag facet or `tags` names the chat's tag, in any case."""
    event = {
        "did": "did:plc:a",
        "time_us": 1,
        "kind": "commit",
        "commit": {
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": "3k",
            "record": record,
        },
    }
    src = JetstreamSource("FinMariageEnfants", known=SeenIds())
    assert (src.handle_message(json.dumps(event), RecordingSink()) is not None) is kept


async def test_jetstream_over_a_real_websocket_on_localhost() -> None:
    """The websockets transport: subscribe with wantedCollections, read frames, reconnect when closed."""
    from websockets.asyncio.server import ServerConnection, serve

    paths: list[str] = []
    recorded = lines("jetstream_first.jsonl")

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        paths.append(ws.request.path)
        for line in recorded:
            await ws.send(line)
        await ws.send(recorded[-1].encode())  # a binary frame is read as UTF-8 text too

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        sink, sleep = RecordingSink(), FakeSleep(2)
        src = JetstreamSource(
            "FinMariageEnfants", endpoint=f"ws://127.0.0.1:{port}/subscribe", sleep=sleep
        )
        with pytest.raises(Done):
            await src.follow(sink)
    assert sink.ids == [AMINA, LUCIE]
    assert paths[0] == "/subscribe?wantedCollections=app.bsky.feed.post"
    assert paths[1].startswith("/subscribe?wantedCollections=app.bsky.feed.post&cursor=")
