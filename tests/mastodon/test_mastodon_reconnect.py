"""Mastodon reconnects leave no gap, and invalid Unicode in a status is one bad character, not a
stopped source: on a fake instance (httpx.MockTransport) whose stream carries only what is
published while it is connected, like the real streaming server; and the payload rule every
live source shares (clients/http.loads_clean)."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tchat_tui.clients.http import loads_clean
from tchat_tui.clients.mastodon.api import id_order
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.pipeline.runner import PipelineRunner
from tchat_tui.sources.mastodon import MastodonSource
from tchat_tui.sources.resume import MemoryCursor
from tchat_tui.store.database import Store
from tests.mastodon.helpers import NOW, SSE_HEADERS, Done, FakeSleep, RecordingSink, read_fixture

HERE = Path(__file__).parent
TAG = "FinMariageEnfants"
BASE_MS = int(NOW.timestamp() * 1000)


def status_id(second: int) -> str:
    """A Mastodon id for NOW + `second` (ms << 16)."""
    return str((BASE_MS + second * 1000) << 16)


class FakeInstance:
    """Statuses in a tag timeline (min_id paging) and a hashtag stream that carries only what
    is published while it is connected; `in_between` statuses are published right after a
    backfill's last (empty) page is answered."""

    def __init__(self, idle: float = 0.3) -> None:
        self.template = json.loads(read_fixture(HERE, "tag_timeline_first.json"))[0]
        self.statuses: list[dict[str, Any]] = []
        self.streams: list[asyncio.Queue[dict[str, Any]]] = []
        self.in_between: list[dict[str, Any]] = []
        self.idle = idle
        """The server ends a stream quiet for this long (so a test ends)."""

    def status(self, second: int, text: str) -> dict[str, Any]:
        """A status of NOW + `second` with `text` and the tag."""
        status = copy.deepcopy(self.template)
        sid = status_id(second)
        status["id"] = sid
        status["uri"] = f"https://mastodon.example/users/horizonfilles/statuses/{sid}"
        status["content"] = f"<p>{text} #{TAG}</p>"
        return status

    def publish(self, status: dict[str, Any]) -> None:
        """A status appears: in the timeline, and on every stream connected now."""
        self.statuses.append(status)
        for queue in self.streams:
            queue.put_nowait(status)

    async def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v2/instance":
            return httpx.Response(200, content=read_fixture(HERE, "instance_v2.json"))
        if path == f"/api/v1/timelines/tag/{TAG}":
            min_id = request.url.params.get("min_id")
            limit = int(request.url.params.get("limit", "20"))
            newer = sorted(
                (s for s in self.statuses if not min_id or id_order(s["id"]) > id_order(min_id)),
                key=lambda s: id_order(s["id"]),
            )
            page = newer[:limit] if min_id else newer[-limit:]
            # json.dumps escapes what UTF-8 cannot carry (a lone surrogate), as a server would
            response = httpx.Response(200, content=json.dumps(list(reversed(page))).encode())
            if not page and self.in_between:
                self.publish(self.in_between.pop(0))
            return response
        if path == "/api/v1/streaming/hashtag":
            queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            self.streams.append(queue)
            return httpx.Response(200, headers=SSE_HEADERS, content=self._events(queue))
        return httpx.Response(404, json={"error": "Not found"})

    async def _events(self, queue: asyncio.Queue[dict[str, Any]]) -> AsyncIterator[bytes]:
        try:
            while True:
                try:
                    status = await asyncio.wait_for(queue.get(), self.idle)
                except TimeoutError:
                    return
                yield f"event: update\ndata: {json.dumps(status)}\n\n".encode()
        finally:
            self.streams.remove(queue)


def source(fake: FakeInstance, cursor: MemoryCursor, sleep: FakeSleep) -> MastodonSource:
    return MastodonSource(
        "mastodon.example",
        "user-token",
        TAG,
        cursor=cursor,
        transport=httpx.MockTransport(fake.handler),
        sleep=sleep,
        rand=lambda: 0.5,
        clock=lambda: NOW,
        rewind_seconds=0,
    )


async def test_a_status_published_between_the_backfill_and_the_stream_is_not_lost() -> None:
    """Each reconnect opens the stream before its backfill: what is published in between is delivered, once."""
    fake = FakeInstance()
    earlier = [fake.status(i, f"R1 answer {i}") for i in range(1, 4)]
    for status in earlier:
        fake.publish(status)
    fake.in_between = [fake.status(10, "R1 in between, first"), fake.status(20, "R2 in between")]
    sink = RecordingSink()
    src = source(fake, MemoryCursor(status_id(0)), FakeSleep(stop_after=2))
    with pytest.raises(Done):
        await src.follow(sink)
    expected = [s["id"] for s in earlier] + [status_id(10), status_id(20)]
    assert sink.ids == expected, "every status once, none lost between backfill and stream"
    assert src.connects == 2
    assert src.cursor.load() == status_id(20)


async def test_invalid_unicode_in_statuses_is_replaced_and_the_others_are_stored(
    tmp_path: Path,
) -> None:
    """A lone surrogate or a NUL in a status (backfill or stream) becomes U+FFFD; every status is stored."""
    fake = FakeInstance()
    fake.publish(fake.status(1, "R1 before"))
    bad = fake.status(2, "R1 broken \ud800 here")
    bad["account"]["display_name"] = "Nul\x00Name"
    fake.publish(bad)
    fake.publish(fake.status(3, "R1 after"))
    fake.in_between = [fake.status(4, "R2 live \udfff too")]
    store = Store.open(tmp_path / "chat.db")
    chat_id = store.ensure_chat(TAG)
    runner = PipelineRunner(Pipeline(store, chat_id, Classifier(Roster("horizonfilles", ()), TAG)))
    src = source(fake, MemoryCursor(status_id(0)), FakeSleep(stop_after=1))
    with pytest.raises(Done):
        await src.follow(runner)
    rows = {r["native_id"]: r for r in store.iter_posts(chat_id)}
    store.close()
    assert sorted(rows) == [status_id(i) for i in range(1, 5)]
    assert "broken \ufffd here" in rows[status_id(2)]["text"]
    assert "live \ufffd too" in rows[status_id(4)]["text"]
    assert runner.malformed_count == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"\\ud800 alone"', "\ufffd alone"),
        ('"\\udc00 alone"', "\ufffd alone"),
        ('"\\ud83d\\ude00 a pair is an emoji"', "😀 a pair is an emoji"),
        ('"\\ud800\\ud83d\\ude00"', "\ufffd😀"),
        ('"nul \\u0000"', "nul \ufffd"),
        ('{"k\\u0000": ["\\ud800", 1, null]}', {"k\ufffd": ["\ufffd", 1, None]}),
        ('{"plain": "é 😀"}', {"plain": "é 😀"}),
    ],
)
def test_payloads_replace_lone_surrogates_and_nul_only(text: str, expected: object) -> None:
    """Lone surrogates and NUL, escaped anywhere in a payload, become U+FFFD; valid pairs stay."""
    assert loads_clean(text) == expected
