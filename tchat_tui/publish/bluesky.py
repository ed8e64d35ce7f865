"""Post, reply and repost on Bluesky for the outbox (`com.atproto.repo.createRecord` on the PDS).

atproto has no idempotency header, so the record key is derived from the outbox row (its
creation time and key, as a TID): a second attempt of the same row names the same record, which
the PDS refuses to create twice, and `find_existing` can read it back.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from tchat_tui.clients.bluesky.facets import build_facets, mention_handles
from tchat_tui.clients.bluesky.records import POST_COLLECTION, REPOST_COLLECTION, record_to_post
from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, xrpc
from tchat_tui.clients.http import (
    AuthFailed,
    Clock,
    RateLimited,
    Rejected,
    Transient,
    one_line,
    parse_time,
)
from tchat_tui.domain.post import Network, Post
from tchat_tui.domain.text.rules import NetworkRules, rules_for
from tchat_tui.publish.base import OutboxRow, PublishResult

PUBLISH_TIMEOUT = httpx.Timeout(15.0)
_S32 = "234567abcdefghijklmnopqrstuvwxyz"


def tid(micros: int, clock_id: int) -> str:
    """An atproto TID: 53 bits of microseconds and 10 bits of clock id, base32-sortable."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_S32[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def row_rkey(row: OutboxRow) -> str:
    """The record key of an outbox row: the same for every attempt, distinct between rows."""
    digest = hashlib.sha256(str(row["idempotency_key"]).encode()).digest()
    created = row.get("created_at")
    try:
        when = parse_time(str(created)) if created else None
    except ValueError:
        when = None
    micros = int(when.timestamp() * 1000) * 1000 if when else 0
    micros += int.from_bytes(digest[:2], "big") % 1000  # sub-millisecond part from the key
    if not micros:
        micros = int.from_bytes(digest[2:9], "big") >> 3
    return tid(micros, int.from_bytes(digest[9:11], "big"))


def _iso_now(clock: Clock) -> str:
    return clock().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BlueskyPublisher:
    """Publishes outbox rows as records in the logged-in account's repository."""

    network = Network.BLUESKY
    dry_run = False

    def __init__(
        self,
        auth: BlueskyAuth,
        *,
        language: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = PUBLISH_TIMEOUT,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.auth = auth
        self.language = language
        self.transport = transport
        self.timeout = timeout
        self.clock = clock

    def __repr__(self) -> str:
        return f"BlueskyPublisher({self.auth.handle!r})"

    @property
    def rules(self) -> NetworkRules:
        """300 graphemes and 3000 bytes."""
        return rules_for(Network.BLUESKY)

    def publish(self, row: OutboxRow) -> PublishResult:
        """Send one row; never raises for network errors (call from a worker thread)."""
        return asyncio.run(self.apublish(row))

    def find_existing(self, row: OutboxRow) -> str | None:
        """The AT-URI of the row's record if an earlier attempt created it."""
        return asyncio.run(self.afind_existing(row))

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport, timeout=self.timeout)

    async def apublish(self, row: OutboxRow) -> PublishResult:
        """The async body of `publish`."""
        name = f"Bluesky @{self.auth.handle}"
        try:
            async with self._client() as client:
                return await self._send(client, row)
        except AuthFailed as exc:
            return PublishResult(ok=False, error=f"{name}: {exc}", retryable=False)
        except RateLimited as exc:
            return PublishResult(
                ok=False, error=f"{name} rate limit: try again after {exc.until:%H:%M:%S} UTC"
            )
        except Rejected as exc:
            return PublishResult(ok=False, error=f"{name} refused it: {exc}", retryable=False)
        except (httpx.HTTPError, Transient, ValueError, KeyError, TypeError) as exc:
            return PublishResult(ok=False, error=f"{name}: {one_line(exc)}")

    async def _send(self, client: httpx.AsyncClient, row: OutboxRow) -> PublishResult:
        kind = row.get("kind") or "post"
        tokens = await self.auth.ensure(client)
        now = _iso_now(self.clock)
        record: dict[str, Any]
        if kind == "repost":
            target = await self.reference(client, str(row.get("in_reply_to") or ""))
            collection = REPOST_COLLECTION
            record = {
                "$type": REPOST_COLLECTION,
                "subject": {"uri": target["uri"], "cid": target["cid"]},
                "createdAt": now,
            }
        else:
            collection = POST_COLLECTION
            text = str(row["text"])
            record = {"$type": POST_COLLECTION, "text": text, "createdAt": now}
            if self.language:
                record["langs"] = [self.language]
            facets = build_facets(text, await self.resolve_handles(client, mention_handles(text)))
            if facets:
                record["facets"] = facets
            if kind == "reply":
                record["reply"] = await self.reply_refs(client, str(row.get("in_reply_to") or ""))
        rkey = row_rkey(row)
        try:
            created = await xrpc(
                client,
                self.auth,
                "POST",
                "com.atproto.repo.createRecord",
                body={"repo": tokens.did, "collection": collection, "rkey": rkey, "record": record},
            )
            uri = str(created["uri"])
        except Rejected:
            # The same row may have gone out on an earlier attempt: its record key is taken.
            existing = await self._existing(client, tokens.did, collection, rkey)
            if existing is None:
                raise
            uri, record = existing
        return PublishResult(ok=True, remote_id=uri, post=self._as_post(uri, record, row))

    def _as_post(self, uri: str, record: dict[str, Any], row: OutboxRow) -> Post:
        host = urlsplit(self.auth.pds).netloc or self.auth.pds
        tokens = self.auth.tokens
        did = tokens.did if tokens else self.auth.did
        handle = tokens.handle if tokens else self.auth.handle
        seen = parse_time(str(record.get("createdAt") or _iso_now(self.clock)))
        if record.get("$type") == REPOST_COLLECTION:
            return Post(
                network=Network.BLUESKY,
                native_id=uri,
                author_id=did,
                author_handle=handle,
                author_name=handle,
                text=str(row.get("text") or ""),
                created_at=seen,
                is_repost=True,
                repost_of_id=str(record["subject"]["uri"]),
                instance=host,
            )
        return record_to_post(
            uri,
            record,
            did=did,
            handle=handle,
            name=handle,
            seen_at=seen,
            instance=host,
            raw="",
        )

    async def resolve_handles(
        self, client: httpx.AsyncClient, handles: list[str]
    ) -> dict[str, str]:
        """Handle -> DID for each mention that resolves (the others stay plain text)."""
        dids: dict[str, str] = {}
        for handle in handles:
            try:
                data = await xrpc(
                    client,
                    self.auth,
                    "GET",
                    "com.atproto.identity.resolveHandle",
                    params={"handle": handle},
                )
            except Rejected:
                continue
            did = data.get("did")
            if isinstance(did, str) and did.startswith("did:"):
                dids[handle] = did
        return dids

    async def reference(self, client: httpx.AsyncClient, uri: str) -> dict[str, Any]:
        """A post's view (uri, cid, record) through `app.bsky.feed.getPosts`."""
        if not uri.startswith("at://"):
            raise Rejected(400, f"not a Bluesky post: {uri!r}")
        data = await xrpc(
            client, self.auth, "GET", "app.bsky.feed.getPosts", params={"uris": [uri]}
        )
        posts = data.get("posts") or []
        if not posts:
            raise Rejected(404, "the post is no longer on Bluesky")
        view = posts[0]
        return {
            "uri": str(view["uri"]),
            "cid": str(view["cid"]),
            "record": view.get("record") or {},
        }

    async def reply_refs(self, client: httpx.AsyncClient, parent_uri: str) -> dict[str, Any]:
        """`reply{root, parent}`: the parent, and the parent's root (or the parent itself)."""
        parent = await self.reference(client, parent_uri)
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root = (parent["record"].get("reply") or {}).get("root")
        if isinstance(root, dict) and root.get("uri") and root.get("cid"):
            return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent_ref}
        return {"root": parent_ref, "parent": parent_ref}

    async def _existing(
        self, client: httpx.AsyncClient, did: str, collection: str, rkey: str
    ) -> tuple[str, dict[str, Any]] | None:
        try:
            data = await xrpc(
                client,
                self.auth,
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": did, "collection": collection, "rkey": rkey},
            )
        except Rejected:
            return None
        value = data.get("value")
        return (str(data["uri"]), value) if isinstance(value, dict) else None

    async def afind_existing(self, row: OutboxRow) -> str | None:
        """The async body of `find_existing`; None when absent or the PDS cannot say."""
        collection = REPOST_COLLECTION if row.get("kind") == "repost" else POST_COLLECTION
        try:
            async with self._client() as client:
                tokens = await self.auth.ensure(client)
                found = await self._existing(client, tokens.did, collection, row_rkey(row))
        except (httpx.HTTPError, AuthFailed, RateLimited, Transient, ValueError, KeyError):
            return None
        return found[0] if found else None
