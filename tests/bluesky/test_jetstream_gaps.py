"""Jetstream leaves no gap: a reconnect replays from its first try, the chat's start is the first
replay point, the address is a setting (TCHAT_BLUESKY_JETSTREAM) falling back across instances
in order (a fake on 127.0.0.1); invalid Unicode in a record is replaced, never a stopped feed."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.asyncio.server import ServerConnection, serve

from tchat_tui.clients.credentials import CredentialsError, load_credentials
from tchat_tui.pipeline.connect import connect_bluesky
from tchat_tui.sources.bluesky.jetstream import (
    JETSTREAMS,
    JetstreamAddressError,
    JetstreamSource,
    jetstream_endpoints,
)
from tchat_tui.sources.bluesky.search import BlueskySearchSource
from tchat_tui.store.database import Store
from tests.bluesky.gap_helpers import TAG, pipeline_runner, tagged
from tests.mastodon.helpers import NOW, Done, FakeSleep, RecordingSink


def event(rkey: str, text: str, time_us: int | None = None) -> tuple[int, str]:
    """A Jetstream create event with the tag, and its time."""
    at = time_us or int(time.time() * 1_000_000)
    body = {
        "did": "did:plc:participant000001",
        "time_us": at,
        "kind": "commit",
        "commit": {
            "rev": rkey,
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": rkey,
            "record": tagged(text),
            "cid": f"bafy{rkey}",
        },
    }
    return at, json.dumps(body)


def uri(rkey: str) -> str:
    return f"at://did:plc:participant000001/app.bsky.feed.post/{rkey}"


class FakeJetstream:
    """A Jetstream on 127.0.0.1: a connection with `cursor` replays the events since then, then
    carries new ones (none here) until quiet for `idle`; `drops` connections end before any
    event, and `between` events are published as one of them drops."""

    def __init__(self, idle: float = 0.3) -> None:
        self.log: list[tuple[int, str]] = []
        self.paths: list[str] = []
        self.drops = 0
        self.between: list[tuple[int, str]] = []
        self.idle = idle

    async def handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        self.paths.append(ws.request.path)
        if self.drops:
            self.drops -= 1
            self.log.extend(self.between)  # published while this connection goes down
            self.between = []
            await ws.close()
            return
        cursor = parse_qs(urlsplit(ws.request.path).query).get("cursor")
        if cursor:
            for at, line in sorted(self.log):
                if at >= int(cursor[0]):
                    await ws.send(line)
        await asyncio.sleep(self.idle)


def dead_port() -> int:
    """A port on 127.0.0.1 that refuses connections."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_jetstream_reconnect_before_any_event_replays_from_the_first_try() -> None:
    """A first connection that drops before its first event: the next replays from when it was tried."""
    fake = FakeJetstream()
    fake.drops = 1
    fake.between = [event("3between", "R1 published while the feed was down")]
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        sink = RecordingSink()
        src = JetstreamSource(
            TAG, endpoint=f"ws://127.0.0.1:{port}/subscribe", sleep=FakeSleep(2), rand=lambda: 0.0
        )
        with pytest.raises(Done):
            await src.follow(sink)
    assert "cursor=" not in fake.paths[0]  # a first run is live from now
    assert "cursor=" in fake.paths[1]
    assert sink.ids == [uri("3between")]


async def test_jetstream_setting_falls_back_across_instances_in_order(tmp_path: Path) -> None:
    """TCHAT_BLUESKY_JETSTREAM lists instances: a refused one moves on to the next at once, cursor kept."""
    fake = FakeJetstream()
    fake.log = [event("3first", "R1 seen on the second instance")]
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        dead = dead_port()
        empty = tmp_path / "credentials.toml"
        empty.write_text("")
        empty.chmod(0o600)
        creds = load_credentials(
            env={
                "TCHAT_CREDENTIALS_FILE": str(empty),
                "TCHAT_BLUESKY_HANDLE": "horizonfilles.bsky.social",
                "TCHAT_BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop",
                "TCHAT_BLUESKY_JETSTREAM": f" ws://127.0.0.1:{dead}/subscribe , ws://127.0.0.1:{port}",
            }
        )
        store = Store.open(tmp_path / "chat.db")
        session = SimpleNamespace(store=store, chat_id=store.ensure_chat(TAG), tag=TAG)
        _, live = connect_bluesky(session, creds)[0]
        assert isinstance(live, JetstreamSource)
        assert live.endpoints == (
            f"ws://127.0.0.1:{dead}/subscribe",
            f"ws://127.0.0.1:{port}/subscribe",
        )
        live.profiles = None  # no PDS here: the DID stands in for the handle
        live.sleep = FakeSleep(2)  # the move to the second instance, at once (0 s), then the end
        sink = RecordingSink()
        with pytest.raises(Done):
            await live.follow(sink)
        store.close()
    assert sink.ids == [uri("3first")]
    assert any(f"trying 127.0.0.1:{port}" in s.detail for s in sink.states)
    assert "cursor=" in fake.paths[0]  # the replay point went along to the second instance


class Tables:
    """Credentials with one [bluesky] table."""

    def __init__(self, **values: str) -> None:
        self.values = values

    def get(self, network: str) -> dict[str, str]:
        return dict(self.values) if network == "bluesky" else {}


def test_jetstream_setting_forms_and_refusals() -> None:
    """One URL or a comma list, a bare host is wss://HOST/subscribe; unset: the public instances in order."""
    assert jetstream_endpoints(None) == jetstream_endpoints(" , ") == JETSTREAMS
    assert [urlsplit(u).netloc for u in JETSTREAMS] == [
        "jetstream2.us-east.bsky.network",
        "jetstream1.us-east.bsky.network",
        "jetstream1.us-west.bsky.network",
        "jetstream2.us-west.bsky.network",
    ]
    assert jetstream_endpoints("js.example, ws://127.0.0.1:6008/") == (
        "wss://js.example/subscribe",
        "ws://127.0.0.1:6008/subscribe",
    )
    bad_values = (
        "https://js.example/subscribe",
        "wss://js.example/x?cursor=1",
        "ws://",
        "ws://h:x",
    )
    for bad in bad_values:
        with pytest.raises(JetstreamAddressError) as info:
            jetstream_endpoints(bad)
        assert "TCHAT_BLUESKY_JETSTREAM" in str(info.value) and "\n" not in str(info.value)


def test_a_bad_jetstream_setting_is_a_one_line_credentials_error(tmp_path: Path) -> None:
    """Connecting Bluesky with an unusable Jetstream address refuses in one line, naming the setting."""
    store = Store.open(tmp_path / "chat.db")
    session = SimpleNamespace(store=store, chat_id=store.ensure_chat(TAG), tag=TAG)
    creds = Tables(handle="a.bsky.social", app_password="pw", jetstream="http://js.example")
    with pytest.raises(CredentialsError, match="TCHAT_BLUESKY_JETSTREAM"):
        connect_bluesky(session, creds)
    store.close()


def test_the_chat_start_is_the_first_replay_point(tmp_path: Path) -> None:
    """connect_bluesky hands the chat's start to both feeds; Jetstream replays from it (15 min at most)."""
    store = Store.open(tmp_path / "chat.db")
    start = NOW - timedelta(minutes=3)
    session = SimpleNamespace(
        store=store, chat_id=store.ensure_chat(TAG), tag=TAG, started_at=start
    )
    creds = Tables(handle="a.bsky.social", app_password="pw")
    search, live = connect_bluesky(session, creds)[0]
    assert isinstance(search, BlueskySearchSource) and search.start == start
    assert isinstance(live, JetstreamSource) and live.start == start
    live.clock = lambda: NOW
    live.floor_us = live.start_us()
    expected = int((start.timestamp() - 5) * 1_000_000)
    assert live.url().endswith(f"&cursor={expected}")
    live.start = NOW - timedelta(hours=3)
    assert live.start_us() == int((NOW - timedelta(minutes=15)).timestamp() * 1_000_000)
    store.close()


async def test_invalid_unicode_in_a_jetstream_record_is_replaced(tmp_path: Path) -> None:
    """A lone surrogate or a NUL in a live record becomes U+FFFD; the events after it go on."""
    lines = [
        event("3a", "R1 before")[1],
        event("3b", "R1 broken \ud800 nul\x00")[1],
        event("3c", "R1 after")[1],
    ]

    @asynccontextmanager
    async def connection(url: str) -> AsyncIterator[AsyncIterator[str]]:
        async def messages() -> AsyncIterator[str]:
            for line in lines:
                yield line

        yield messages()

    def connect(url: str) -> AbstractAsyncContextManager[AsyncIterator[str]]:
        return connection(url)

    runner, store, chat_id = pipeline_runner(tmp_path)
    src = JetstreamSource(TAG, connect=connect, sleep=FakeSleep(1))
    with pytest.raises(Done):
        await src.follow(runner)
    rows = {r["native_id"]: r["text"] for r in store.iter_posts(chat_id)}
    store.close()
    assert sorted(rows) == [uri("3a"), uri("3b"), uri("3c")]
    assert rows[uri("3b")] == f"#{TAG} R1 broken \ufffd nul\ufffd"
