"""Bluesky search leaves no gap: a first search that finds nothing records where the chat
starts, a first poll pages back to the chat's start, and neither a post Jetstream delivered nor a
page pushed down by a new post ends a catch-up; invalid Unicode in a result is replaced."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, SessionFile
from tchat_tui.sources.bluesky.search import BlueskySearchSource
from tchat_tui.sources.resume import MemoryCursor, SeenIds
from tests.bluesky.gap_helpers import TAG, iso, pipeline_runner, tagged
from tests.mastodon.helpers import NOW, Done, FakeSleep, RecordingSink

HERE = Path(__file__).parent


class FakeSearch:
    """createSession and searchPosts (sort=latest, `since`, offset cursors) on a MockTransport.

    `after_call` maps a searchPosts call number (1-based) to posts published right after it is
    answered: after an empty first search, or between two pages of one poll.
    """

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.calls: list[httpx.Request] = []
        self.after_call: dict[int, list[dict[str, Any]]] = {}

    @staticmethod
    def view(n: int, second: float, text: str | None = None) -> dict[str, Any]:
        """A post view by participant `n`, indexed at NOW + `second`."""
        did = f"did:plc:participant{n:06d}"
        record = tagged(text or f"R1 answer {n}")
        record["createdAt"] = iso(second)
        return {
            "uri": f"at://{did}/app.bsky.feed.post/3m6{n:06d}",
            "cid": f"bafy{n}",
            "author": {"did": did, "handle": f"p{n}.bsky.social", "displayName": f"P {n}"},
            "record": record,
            "indexedAt": iso(second),
        }

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/com.atproto.server.createSession"):
            return httpx.Response(
                200, content=(HERE / "fixtures" / "create_session.json").read_bytes()
            )
        if not path.endswith("/app.bsky.feed.searchPosts"):
            return httpx.Response(404, json={"error": "NotFound"})
        self.calls.append(request)
        params = request.url.params
        since = params.get("since")
        limit = int(params.get("limit", "25"))
        offset = int(params.get("cursor") or 0)
        hits = sorted(
            (p for p in self.posts if not since or p["indexedAt"] >= since),
            key=lambda p: str(p["indexedAt"]),
            reverse=True,
        )
        body: dict[str, Any] = {"posts": hits[offset : offset + limit]}
        if offset + limit < len(hits):
            body["cursor"] = str(offset + limit)
        self.posts.extend(self.after_call.pop(len(self.calls), []))
        # json.dumps escapes what UTF-8 cannot carry (a lone surrogate), as a server would
        return httpx.Response(200, content=json.dumps(body).encode())


def search_source(tmp_path: Path, fake: FakeSearch, **kw: Any) -> BlueskySearchSource:
    auth = BlueskyAuth(
        "horizonfilles.bsky.social",
        "abcd-efgh-ijkl-mnop",
        session_file=SessionFile(tmp_path / "bluesky-session.json"),
        clock=lambda: NOW,
    )
    return BlueskySearchSource(
        auth,
        TAG,
        transport=httpx.MockTransport(fake.handler),
        clock=lambda: NOW,
        rand=lambda: 0.5,
        **kw,
    )


async def test_an_empty_first_search_records_where_the_chat_starts(tmp_path: Path) -> None:
    """Nothing found at first still saves a cursor (now): the next poll pages back to it, 306 of 306."""
    fake = FakeSearch()
    fake.after_call[1] = [fake.view(n, 60 + n) for n in range(306)]
    sink, cursor = RecordingSink(), MemoryCursor()
    src = search_source(tmp_path, fake, cursor=cursor, sleep=FakeSleep(2))
    with pytest.raises(Done):
        await src.follow(sink)
    assert "since" not in fake.calls[0].url.params
    assert fake.calls[1].url.params["since"] == iso(-120)  # the first poll's time, rewound
    assert len(sink.ids) == len(set(sink.ids)) == 306
    assert cursor.load() == iso(60 + 305)


async def test_a_first_poll_pages_back_to_the_chat_start(tmp_path: Path) -> None:
    """With the chat's start known, the first poll reads every page since then, not one."""
    fake = FakeSearch()
    fake.posts = [fake.view(n, -600 + n) for n in range(120)]
    fake.posts.append(fake.view(999, -3600))  # before the chat: not asked for
    sink = RecordingSink()
    src = search_source(
        tmp_path, fake, sleep=FakeSleep(1), start=NOW - timedelta(minutes=10), page_limit=50
    )
    with pytest.raises(Done):
        await src.follow(sink)
    assert fake.calls[0].url.params["since"] == iso(-720)
    assert len(set(sink.ids)) == 120 and fake.view(999, 0)["uri"] not in sink.ids


async def test_posts_the_live_feed_delivered_do_not_end_the_catch_up(tmp_path: Path) -> None:
    """Jetstream (sharing the seen posts) delivered the newest; search still pages back to its cursor."""
    fake = FakeSearch()
    fake.posts = [fake.view(n, n) for n in range(1, 81)]
    known = SeenIds()
    known.add(fake.posts[-1]["uri"])  # the live feed's post, already in the chat
    sink = RecordingSink()
    src = search_source(
        tmp_path, fake, cursor=MemoryCursor(iso(0)), known=known, sleep=FakeSleep(1), page_limit=50
    )
    with pytest.raises(Done):
        await src.follow(sink)
    assert sorted(sink.ids) == sorted(p["uri"] for p in fake.posts[:-1])


async def test_a_post_published_between_two_pages_ends_nothing(tmp_path: Path) -> None:
    """A post published mid-poll pushes the pages down (a repeat on the next): every post still arrives, once."""
    fake = FakeSearch()
    fake.posts = [fake.view(n, n) for n in range(1, 121)]
    fake.after_call[1] = [fake.view(500, 200, "R2 published between two pages")]
    sink = RecordingSink()
    src = search_source(
        tmp_path, fake, cursor=MemoryCursor(iso(0)), sleep=FakeSleep(2), page_limit=50
    )
    with pytest.raises(Done):
        await src.follow(sink)
    assert len(sink.ids) == len(set(sink.ids)) == 121


async def test_invalid_unicode_in_search_results_is_replaced(tmp_path: Path) -> None:
    """A lone surrogate or a NUL in a found post becomes U+FFFD; every post of the page is stored."""
    fake = FakeSearch()
    fake.posts = [fake.view(1, 1), fake.view(2, 2, "R1 broken \ud800 nul\x00"), fake.view(3, 3)]
    fake.posts[1]["author"]["displayName"] = "Lone \udc00"
    runner, store, chat_id = pipeline_runner(tmp_path)
    src = search_source(tmp_path, fake, cursor=MemoryCursor(iso(0)), sleep=FakeSleep(1))
    with pytest.raises(Done):
        await src.follow(runner)
    texts = sorted(r["text"] for r in store.iter_posts(chat_id))
    store.close()
    assert len(texts) == 3
    assert f"#{TAG} R1 broken \ufffd nul\ufffd" in texts
