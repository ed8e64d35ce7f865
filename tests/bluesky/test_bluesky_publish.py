"""Posting to Bluesky: facets by byte offsets, reply refs, reposts, one record per outbox row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, SessionFile
from tchat_tui.publish.bluesky import BlueskyPublisher, row_rkey, tid
from tests.mastodon.helpers import NOW

HERE = Path(__file__).parent
ENTRY = "https://bsky.social/xrpc"
PDS = "https://morel.us-east.host.bsky.network/xrpc"
HOST_DID = "did:plc:er7ie5wgtviscdi6scinb67d"
AMINA_DID = "did:plc:qgolozunqeoiqk6xxpp5vbmy"
AMINA = f"at://{AMINA_DID}/app.bsky.feed.post/3m63e6dtv3n2f"
AMINA_CID = "bafyreiae52jxutjh2jkggksqqotihghrs3ghhcbbycwtwzjsafxwumk65h"
Q1 = {
    "uri": f"at://{HOST_DID}/app.bsky.feed.post/3m63dxuj5kv2e",
    "cid": "bafyrei5rk7w7imkwsg2mdtun3h4tbablvkmmzm4fvxyden6c3cxxxg25qn",
}
CREATED = f"at://{HOST_DID}/app.bsky.feed.post/3m63ejq2x4k2a"


def fixture(name: str) -> bytes:
    return (HERE / "fixtures" / name).read_bytes()


def row(kind: str = "post", **kw: Any) -> dict[str, Any]:
    base = {
        "id": 3,
        "network": "bluesky",
        "kind": kind,
        "in_reply_to": None,
        "target_key": None,
        "text": "Merci @aminak.bsky.social ! Q2 arrive dans 2 min #FinMariageEnfants",
        "idempotency_key": "9b2c41d07e6f4a0e8d3b5c6a7f8e9d01",
        "created_at": "2025-11-20T18:08:00.123+00:00",
    }
    return base | kw


@pytest.fixture
def publisher(tmp_path: Path) -> BlueskyPublisher:
    auth = BlueskyAuth(
        "horizonfilles.bsky.social",
        "app-pass-word",
        session_file=SessionFile(tmp_path / "s.json"),
        clock=lambda: NOW,
    )
    return BlueskyPublisher(auth, language="fr", clock=lambda: NOW)


@pytest.fixture
def pds() -> respx.MockRouter:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{ENTRY}/com.atproto.server.createSession").respond(
            200, content=fixture("create_session.json")
        )
        router.get(f"{PDS}/com.atproto.identity.resolveHandle").respond(
            200, content=fixture("resolve_handle_amina.json")
        )
        router.get(f"{PDS}/app.bsky.feed.getPosts").respond(
            200, content=fixture("get_posts_amina.json")
        )
        yield router


def test_reply_has_facets_by_bytes_and_root_parent_refs(
    publisher: BlueskyPublisher, pds: respx.MockRouter
) -> None:
    """The host's reply: mention at bytes 6-25, tag at 49-67, root from the parent's own reply."""
    create = pds.post(f"{PDS}/com.atproto.repo.createRecord").respond(
        200, content=fixture("create_record.json")
    )
    result = publisher.publish(row("reply", in_reply_to=AMINA))
    assert result.ok and result.remote_id == CREATED
    body = json.loads(create.calls.last.request.content)
    assert body == {
        "repo": HOST_DID,
        "collection": "app.bsky.feed.post",
        "rkey": row_rkey(row()),
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "Merci @aminak.bsky.social ! Q2 arrive dans 2 min #FinMariageEnfants",
            "createdAt": "2025-11-20T18:10:00.000Z",
            "langs": ["fr"],
            "facets": [
                {
                    "index": {"byteStart": 6, "byteEnd": 25},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": AMINA_DID}],
                },
                {
                    "index": {"byteStart": 49, "byteEnd": 67},
                    "features": [
                        {"$type": "app.bsky.richtext.facet#tag", "tag": "FinMariageEnfants"}
                    ],
                },
            ],
            "reply": {"root": Q1, "parent": {"uri": AMINA, "cid": AMINA_CID}},
        },
    }
    assert pds.routes[1].calls.last.request.url.params["handle"] == "aminak.bsky.social"
    post = result.post
    assert post is not None and post.key == f"bluesky:{CREATED}"
    assert (post.reply_to_id, post.conversation_id) == (AMINA, Q1["uri"])
    assert (
        post.hashtags == ("FinMariageEnfants",)
        and post.author_handle == "horizonfilles.bsky.social"
    )


def test_repost_is_a_repost_record(publisher: BlueskyPublisher, pds: respx.MockRouter) -> None:
    """A repost names the post by uri and cid in an app.bsky.feed.repost record."""
    create = pds.post(f"{PDS}/com.atproto.repo.createRecord").respond(
        200,
        json={"uri": f"at://{HOST_DID}/app.bsky.feed.repost/3m63ekrp2a2k", "cid": "bafyreirepost"},
    )
    result = publisher.publish(row("repost", in_reply_to=AMINA, text=""))
    body = json.loads(create.calls.last.request.content)
    assert body["collection"] == "app.bsky.feed.repost"
    assert body["record"] == {
        "$type": "app.bsky.feed.repost",
        "subject": {"uri": AMINA, "cid": AMINA_CID},
        "createdAt": "2025-11-20T18:10:00.000Z",
    }
    assert (
        result.ok
        and result.post is not None
        and result.post.is_repost
        and result.post.repost_of_id == AMINA
    )


def test_a_second_attempt_finds_the_first_record(
    publisher: BlueskyPublisher, pds: respx.MockRouter
) -> None:
    """Every attempt uses the row's record key; when it is taken, the record already there is the answer."""
    create = pds.post(f"{PDS}/com.atproto.repo.createRecord").mock(
        side_effect=[
            httpx.ReadTimeout("timed out"),
            httpx.Response(
                400, json={"error": "InvalidRequest", "message": "Record already exists"}
            ),
        ]
    )
    record = {
        "$type": "app.bsky.feed.post",
        "text": row()["text"],
        "createdAt": "2025-11-20T18:09:58.000Z",
    }
    get = pds.get(f"{PDS}/com.atproto.repo.getRecord").respond(
        200, json={"uri": CREATED, "cid": "bafy", "value": record}
    )
    first, second = publisher.publish(row()), publisher.publish(row())
    assert not first.ok and first.retryable
    assert second.ok and second.remote_id == CREATED
    keys = {json.loads(c.request.content)["rkey"] for c in create.calls}
    assert keys == {row_rkey(row())} and get.calls.last.request.url.params["rkey"] == row_rkey(
        row()
    )


def test_find_existing_reads_the_rows_record(
    publisher: BlueskyPublisher, pds: respx.MockRouter
) -> None:
    """find_existing asks the PDS for the row's own record key."""
    pds.get(f"{PDS}/com.atproto.repo.getRecord").mock(
        side_effect=[
            httpx.Response(200, json={"uri": CREATED, "cid": "bafy", "value": {"text": "x"}}),
            httpx.Response(
                400, json={"error": "RecordNotFound", "message": "Could not locate record"}
            ),
        ]
    )
    assert publisher.find_existing(row()) == CREATED
    assert publisher.find_existing(row(idempotency_key="other")) is None


def test_unresolved_mention_stays_plain_text(
    publisher: BlueskyPublisher, pds: respx.MockRouter
) -> None:
    """A handle that does not resolve gets no mention facet; the post still goes out."""
    pds.get(f"{PDS}/com.atproto.identity.resolveHandle").respond(
        400, json={"error": "InvalidRequest", "message": "Unable to resolve handle"}
    )
    create = pds.post(f"{PDS}/com.atproto.repo.createRecord").respond(
        200, content=fixture("create_record.json")
    )
    assert publisher.publish(row()).ok
    facets = json.loads(create.calls.last.request.content)["record"]["facets"]
    assert [f["features"][0]["$type"] for f in facets] == ["app.bsky.richtext.facet#tag"]


@pytest.mark.parametrize(
    ("status", "body", "retryable", "words"),
    [
        (
            401,
            {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
            False,
            "refused the login",
        ),
        (429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, True, "rate limit"),
        (502, {"error": "UpstreamFailure"}, True, "502"),
    ],
)
def test_login_failures(
    tmp_path: Path, status: int, body: dict[str, str], retryable: bool, words: str
) -> None:
    """A refused login is final; a rate-limited or failing entryway can be retried."""
    auth = BlueskyAuth(
        "horizonfilles.bsky.social",
        "app-pass-word",
        session_file=SessionFile(tmp_path / "s.json"),
        clock=lambda: NOW,
    )
    with respx.mock:
        respx.post(f"{ENTRY}/com.atproto.server.createSession").respond(
            status, json=body, headers={"ratelimit-reset": "60"}
        )
        result = BlueskyPublisher(auth, clock=lambda: NOW).publish(row())
    assert not result.ok and result.retryable is retryable
    assert words in result.error and "app-pass-word" not in result.error


@pytest.mark.parametrize(
    ("micros", "clock_id", "expected"),
    [
        (0, 0, "2222222222222"),
        (1, 0, "2222222222322"),  # 1 << 10 = 32**2
        (1763661892611123, 11, "3m63e6dtv3n2f"),  # Amina's post, created 2025-11-20T18:04:52.611Z
    ],
)
def test_tid_encoding(micros: int, clock_id: int, expected: str) -> None:
    """TIDs are 13 base32-sortable characters of (microseconds << 10 | clock id)."""
    assert tid(micros, clock_id) == expected


def test_record_keys_are_stable_per_row_and_sort_by_time() -> None:
    """One row always names the same record; a later row sorts after an earlier one."""
    a, b = row(), row(idempotency_key="other", created_at="2025-11-20T18:08:01.000+00:00")
    assert row_rkey(a) == row_rkey(dict(a)) != row_rkey(b)
    assert row_rkey(a) < row_rkey(b) and len(row_rkey(a)) == 13
