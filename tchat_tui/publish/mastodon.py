"""Post, reply and boost on Mastodon for the outbox (httpx; one short asyncio run per row).

Every status carries `Idempotency-Key: <outbox row key>`: Mastodon remembers it for an hour, so
a retry after an ambiguous failure returns the first status instead of posting twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from tchat_tui.clients.http import (
    CALL_FAILURES,
    AuthFailed,
    Clock,
    RateLimited,
    Rejected,
    Transient,
    one_line,
    raise_for,
)
from tchat_tui.clients.mastodon.api import InstanceInfo, base_url, host_of, status_to_post
from tchat_tui.clients.mastodon.html import html_to_text
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import NetworkRules
from tchat_tui.publish.base import OutboxRow, PublishResult

PUBLISH_TIMEOUT = httpx.Timeout(15.0)
UriLookup = Callable[[str], str | None]
"""A post key -> the status's global `uri` (read from the stored payload), or None."""


def _words(text: str) -> str:
    return " ".join(text.split())


class MastodonPublisher:
    """Publishes outbox rows as public statuses of the token's account."""

    network = Network.MASTODON
    dry_run = False

    def __init__(
        self,
        instance: str,
        token: str,
        *,
        info: InstanceInfo | None = None,
        language: str | None = None,
        lookup_uri: UriLookup | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = PUBLISH_TIMEOUT,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.base_url = base_url(instance)
        self.host = host_of(instance)
        self.info = info or InstanceInfo(self.host)
        self.language = language
        self.lookup_uri = lookup_uri
        self.transport = transport
        self.timeout = timeout
        self.clock = clock
        self._token = token

    def __repr__(self) -> str:  # never show the token
        return f"MastodonPublisher({self.host!r})"

    @property
    def rules(self) -> NetworkRules:
        """This instance's counting rules (its limit and URL weight once the source read them)."""
        return NetworkRules(Network.MASTODON, self.info.max_characters, self.info.url_weight)

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self._token}"},
            transport=self.transport,
            timeout=self.timeout,
        )

    def publish(self, row: OutboxRow) -> PublishResult:
        """Send one row; never raises for network errors (call from a worker thread)."""
        return asyncio.run(self.apublish(row))

    def find_existing(self, row: OutboxRow) -> str | None:
        """The id of a status of ours that matches the row (same text and parent, or same boost)."""
        return asyncio.run(self.afind_existing(row))

    async def apublish(self, row: OutboxRow) -> PublishResult:
        """The async body of `publish`."""
        try:
            async with self._client() as client:
                status = await self._send(client, row)
            post = status_to_post(status, self.host)
            return PublishResult(ok=True, remote_id=post.native_id, post=post)
        except AuthFailed as exc:
            return PublishResult(
                ok=False, error=f"Mastodon {self.host} refused the token ({exc})", retryable=False
            )
        except RateLimited as exc:
            return PublishResult(
                ok=False, error=f"Mastodon rate limit: try again after {exc.until:%H:%M:%S} UTC"
            )
        except Rejected as exc:
            return PublishResult(
                ok=False, error=f"Mastodon {self.host} refused it: {exc}", retryable=False
            )
        except (httpx.HTTPError, Transient, ValueError, KeyError, TypeError) as exc:
            return PublishResult(ok=False, error=f"Mastodon {self.host}: {one_line(exc)}")

    async def _send(self, client: httpx.AsyncClient, row: OutboxRow) -> dict[str, Any]:
        kind = row.get("kind") or "post"
        headers = {"Idempotency-Key": str(row["idempotency_key"])}
        resolved = False
        target = None
        if kind in ("reply", "repost"):
            target, resolved = await self._local_id(client, row)
        while True:
            if kind == "repost":
                response = await client.post(
                    f"/api/v1/statuses/{target}/reblog",
                    data={"visibility": "public"},
                    headers=headers,
                )
            else:
                form: dict[str, str] = {"status": str(row["text"]), "visibility": "public"}
                if self.language:
                    form["language"] = self.language
                if kind == "reply" and target:
                    form["in_reply_to_id"] = target
                response = await client.post("/api/v1/statuses", data=form, headers=headers)
            if response.status_code == 404 and kind in ("reply", "repost") and not resolved:
                # The id may be another server's: look the status up by its global uri.
                uri = self._uri(row)
                if uri:
                    target, resolved = await self.resolve(client, uri), True
                    continue
            raise_for(response, self.clock())
            data = response.json()
            if not isinstance(data, dict):
                raise ValueError("the reply is not a status")
            return data

    def _uri(self, row: OutboxRow) -> str | None:
        key = row.get("target_key")
        return self.lookup_uri(str(key)) if key and self.lookup_uri else None

    async def _local_id(self, client: httpx.AsyncClient, row: OutboxRow) -> tuple[str, bool]:
        """The target's id on this instance: as is when we read it here, else resolved by uri."""
        native = str(row.get("in_reply_to") or "")
        key = str(row.get("target_key") or "")
        network, _, rest = key.partition(":")
        # `mastodon:<instance>:<id>`: the id has no ':', the instance may (a port: `host:8080`).
        instance, known, _ = rest.rpartition(":")
        if network == Network.MASTODON.value and known and instance != self.host:
            uri = self._uri(row)
            if uri:
                return await self.resolve(client, uri), True
        if not native:
            raise Rejected(400, "the row names no post to reply to or boost")
        return native, False

    async def resolve(self, client: httpx.AsyncClient, uri: str) -> str:
        """This instance's id for a status known by its global uri (`/api/v2/search?resolve=true`)."""
        response = await client.get(
            "/api/v2/search",
            params={"q": uri, "resolve": "true", "type": "statuses", "limit": 1},
        )
        raise_for(response, self.clock())
        statuses = response.json().get("statuses") or []
        if not statuses:
            raise Rejected(404, f"{self.host} cannot find {uri}")
        return str(statuses[0]["id"])

    async def afind_existing(self, row: OutboxRow) -> str | None:
        """The async body of `find_existing`; None when nothing matches or the server cannot say."""
        try:
            async with self._client() as client:
                me = await client.get("/api/v1/accounts/verify_credentials")
                raise_for(me, self.clock())
                response = await client.get(
                    f"/api/v1/accounts/{me.json()['id']}/statuses", params={"limit": 40}
                )
                raise_for(response, self.clock())
                statuses = response.json()
        except CALL_FAILURES:
            return None
        kind = row.get("kind") or "post"
        target = str(row.get("in_reply_to") or "")
        wanted = _words(str(row.get("text") or ""))
        for status in statuses if isinstance(statuses, list) else []:
            if not isinstance(status, dict):
                continue
            reblog = status.get("reblog")
            if kind == "repost":
                if isinstance(reblog, dict) and (
                    str(reblog.get("id")) == target or reblog.get("uri") == self._uri(row)
                ):
                    return str(status["id"])
                continue
            if reblog or _words(html_to_text(str(status.get("content") or "")).text) != wanted:
                continue
            if kind == "reply" and target and str(status.get("in_reply_to_id")) != target:
                continue
            return str(status["id"])
        return None
