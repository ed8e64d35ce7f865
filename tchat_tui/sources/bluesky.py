"""Follow a hashtag on Bluesky: the login session, `searchPosts` polling through the user's PDS,
and Jetstream as the live feed (every post of the network, filtered on our side by tag).

The session (access and refresh tokens, never the app password) is kept in a 0600 file in the
user config folder, because `createSession` is limited to a few hundred logins a day.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import platformdirs
from websockets.exceptions import WebSocketException

from tchat_tui.domain.facets import has_hashtag, read_facets
from tchat_tui.domain.post import Network, Post, make_key
from tchat_tui.sources.base import SourceError, SourceSink, SourceState
from tchat_tui.sources.mastodon import (
    DEFAULT_TIMEOUT,
    AuthFailed,
    Backoff,
    Clock,
    Cursor,
    MemoryCursor,
    RateLimited,
    Rejected,
    SeenIds,
    Sleep,
    Transient,
    one_line,
    parse_time,
    raise_for,
    run_until_stopped,
)

DEFAULT_PDS = "https://bsky.social"
JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"
POST_COLLECTION = "app.bsky.feed.post"
REPOST_COLLECTION = "app.bsky.feed.repost"
REFRESH_MARGIN = timedelta(minutes=5)
"""Refresh the access token this long before it expires."""
_EXPIRED = {"ExpiredToken", "InvalidToken"}


# --- the login session -----------------------------------------------------------------------


@dataclass
class SessionTokens:
    """One account's session; the tokens never appear in a repr."""

    did: str
    handle: str
    pds: str
    access_jwt: str = field(repr=False)
    refresh_jwt: str = field(repr=False)

    def to_json(self) -> dict[str, str]:
        """The lexicon's field names, for the session file."""
        return {
            "did": self.did,
            "handle": self.handle,
            "pds": self.pds,
            "accessJwt": self.access_jwt,
            "refreshJwt": self.refresh_jwt,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], pds: str) -> SessionTokens:
        """From a createSession / refreshSession reply (the PDS from its didDoc when present)."""
        return cls(
            did=str(data["did"]),
            handle=str(data["handle"]),
            pds=_pds_from_did_doc(data.get("didDoc")) or str(data.get("pds") or pds),
            access_jwt=str(data["accessJwt"]),
            refresh_jwt=str(data["refreshJwt"]),
        )


def _pds_from_did_doc(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return None
    for service in doc.get("service") or []:
        if isinstance(service, dict) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    return None


def jwt_expiry(token: str) -> datetime | None:
    """The `exp` claim of a JWT (read, not verified: only to refresh in time)."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(data["exp"]), UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def default_session_path() -> Path:
    """`<user config dir>/tchat-live/bluesky-session.json`."""
    return (
        Path(platformdirs.user_config_dir("tchat-live", appauthor=False)) / "bluesky-session.json"
    )


class SessionFile:
    """Bluesky sessions kept across restarts, one per handle, in an owner-only (0600) file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_session_path()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self, handle: str) -> SessionTokens | None:
        """The saved session of `handle`, or None."""
        saved = self._read().get(handle.lower())
        try:
            return SessionTokens.from_json(saved, DEFAULT_PDS) if isinstance(saved, dict) else None
        except KeyError:
            return None

    def save(self, handle: str, tokens: SessionTokens | None) -> None:
        """Write (or with None, forget) the session of `handle`; the file stays 0600."""
        data = self._read()
        if tokens is None:
            data.pop(handle.lower(), None)
        else:
            data[handle.lower()] = tokens.to_json()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, json.dumps(data, indent=1).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)


class BlueskyAuth:
    """Logs in with an app password once, then refreshes; shared by sources and the publisher.

    Each thread brings its own httpx client; a thread lock keeps two refreshes from racing (a
    refresh token is single-use).
    """

    def __init__(
        self,
        handle: str,
        app_password: str,
        *,
        pds: str | None = None,
        session_file: SessionFile | None = None,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.handle = handle.lstrip("@").strip()
        self.entry = (pds or DEFAULT_PDS).rstrip("/")
        self.session_file = session_file
        self.clock = clock
        self.tokens: SessionTokens | None = None
        self.logins = 0
        """createSession calls made by this process (for tests and the header)."""
        self._password = app_password
        self._lock = threading.Lock()
        self._loaded = False

    def __repr__(self) -> str:  # never show the password or tokens
        return f"BlueskyAuth({self.handle!r}, pds={self.pds!r})"

    @property
    def pds(self) -> str:
        """Where XRPC calls go: the account's PDS once known, else the login host."""
        return self.tokens.pds if self.tokens else self.entry

    @property
    def did(self) -> str:
        """The account's DID (after `ensure`)."""
        return self.tokens.did if self.tokens else ""

    async def _locked(self) -> None:
        # Polling keeps a cancelled task from leaving the lock taken in a helper thread.
        while not self._lock.acquire(blocking=False):
            await asyncio.sleep(0.02)

    async def ensure(
        self, client: httpx.AsyncClient, *, expired: str | None = None
    ) -> SessionTokens:
        """A session with a fresh access token: saved, refreshed or new, in that order.

        `expired` is the access token a call was refused with: it is refreshed unless another
        thread already did.
        """
        await self._locked()
        try:
            if not self._loaded and self.session_file is not None:
                self.tokens = self.tokens or self.session_file.load(self.handle)
                self._loaded = True
            tokens = self.tokens
            if tokens is None:
                return await self._create(client)
            stale = expired is not None and expired == tokens.access_jwt
            expiry = jwt_expiry(tokens.access_jwt)
            if stale or (expiry is not None and expiry - self.clock() < REFRESH_MARGIN):
                return await self._refresh(client, tokens)
            return tokens
        finally:
            self._lock.release()

    async def _create(self, client: httpx.AsyncClient) -> SessionTokens:
        self.logins += 1
        response = await client.post(
            f"{self.entry}/xrpc/com.atproto.server.createSession",
            json={"identifier": self.handle, "password": self._password},
        )
        if response.status_code in (400, 401):
            raise AuthFailed(
                f"Bluesky refused the login of @{self.handle}: {_xrpc_error(response)}"
            )
        raise_for(response, self.clock())
        return self._keep(SessionTokens.from_json(response.json(), self.entry))

    async def _refresh(self, client: httpx.AsyncClient, tokens: SessionTokens) -> SessionTokens:
        response = await client.post(
            f"{tokens.pds}/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {tokens.refresh_jwt}"},
        )
        if response.status_code in (400, 401):  # refresh token expired or revoked: log in again
            return await self._create(client)
        raise_for(response, self.clock())
        data = dict(response.json())
        data.setdefault("pds", tokens.pds)
        return self._keep(SessionTokens.from_json(data, tokens.pds))

    def _keep(self, tokens: SessionTokens) -> SessionTokens:
        self.tokens = tokens
        if self.session_file is not None:
            try:
                self.session_file.save(self.handle, tokens)
            except OSError:
                pass  # not fatal: the next start logs in again
        return tokens


def _xrpc_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    parts = [str(body[k]) for k in ("error", "message") if body.get(k)]
    return (": ".join(parts) or f"HTTP {response.status_code}").splitlines()[0][:200]


async def xrpc(
    client: httpx.AsyncClient,
    auth: BlueskyAuth,
    method: str,
    nsid: str,
    *,
    params: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
) -> Any:
    """Call `nsid` on the user's PDS with the session; refresh once on an expired token.

    Raises:
        AuthFailed, RateLimited, Transient, Rejected, httpx.HTTPError.
    """
    tokens = await auth.ensure(client)
    for attempt in range(2):
        response = await client.request(
            method,
            f"{tokens.pds}/xrpc/{nsid}",
            params=params,
            json=body,
            headers={"Authorization": f"Bearer {tokens.access_jwt}"},
        )
        if response.status_code in (400, 401) and attempt == 0:
            try:
                error = response.json().get("error")
            except (ValueError, AttributeError):
                error = None
            if error in _EXPIRED:
                tokens = await auth.ensure(client, expired=tokens.access_jwt)
                continue
        if response.status_code in (400, 404):
            raise Rejected(response.status_code, _xrpc_error(response))
        raise_for(response, auth.clock())
        return response.json()
    raise AuthFailed("Bluesky keeps refusing a fresh token")


# --- posts -----------------------------------------------------------------------------------


def did_of(at_uri: str) -> str:
    """The repository DID of an AT-URI (`at://did:plc:x/app.bsky.feed.post/rkey`)."""
    return at_uri.removeprefix("at://").split("/", 1)[0]


def web_url(handle: str, at_uri: str) -> str:
    """The bsky.app address of a post."""
    return f"https://bsky.app/profile/{handle}/post/{at_uri.rsplit('/', 1)[-1]}"


def record_to_post(
    uri: str,
    record: Mapping[str, Any],
    *,
    did: str,
    handle: str,
    name: str,
    seen_at: datetime,
    instance: str,
    raw: str,
    metrics: dict[str, int] | None = None,
) -> Post:
    """A post record as a normalized Post (`seen_at`: when the network indexed it).

    Raises:
        KeyError, ValueError, TypeError: the record is not a post.
    """
    text = record["text"]
    if not isinstance(text, str):
        raise TypeError("text is not a string")
    facets = read_facets(text, record.get("facets"), record.get("tags"))
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
    parent = str(reply["parent"]["uri"]) if reply else None
    root = str(reply["root"]["uri"]) if reply else None
    langs = record.get("langs")
    return Post(
        network=Network.BLUESKY,
        native_id=uri,
        author_id=did,
        author_handle=handle,
        author_name=name,
        text=text,
        created_at=seen_at,
        reply_to_id=parent,
        reply_to_author_id=did_of(parent) if parent else None,
        conversation_id=root,
        hashtags=facets.hashtags,
        links=facets.links,
        mentions=facets.mentions,
        lang=str(langs[0]) if isinstance(langs, list) and langs else None,
        instance=instance,
        raw=raw,
        metrics=metrics or {},
    )


def post_view_to_post(view: Mapping[str, Any], instance: str) -> Post:
    """An `app.bsky.feed.defs#postView` (search results, getPosts) as a Post, sorted by indexedAt."""
    author = view["author"]
    record = view["record"]
    seen = parse_time(str(view.get("indexedAt") or record["createdAt"]))
    metrics = {
        name: int(view[key])
        for name, key in (
            ("reply_count", "replyCount"),
            ("repost_count", "repostCount"),
            ("like_count", "likeCount"),
            ("quote_count", "quoteCount"),
        )
        if isinstance(view.get(key), int)
    }
    return record_to_post(
        str(view["uri"]),
        record,
        did=str(author["did"]),
        handle=str(author.get("handle") or author["did"]),
        name=str(author.get("displayName") or author.get("handle") or ""),
        seen_at=seen,
        instance=instance,
        raw=json.dumps(view, ensure_ascii=False, separators=(",", ":")),
        metrics=metrics,
    )


def _sort_at(view: Mapping[str, Any]) -> str:
    """What `since` compares with: the earlier of createdAt and indexedAt (ISO, UTC)."""
    times = [view.get("indexedAt"), (view.get("record") or {}).get("createdAt")]
    parsed = []
    for value in times:
        try:
            parsed.append(parse_time(str(value)))
        except ValueError:
            continue
    return min(parsed).isoformat(timespec="milliseconds").replace("+00:00", "Z") if parsed else ""


class _Runner:
    """The reconnect loop shared by the Bluesky sources."""

    name = "bluesky"

    def __init__(self, sleep: Sleep, rand: Callable[[], float], clock: Clock) -> None:
        self.sleep = sleep
        self.clock = clock
        self.backoff = Backoff(rand=rand)

    def _state(
        self, sink: SourceSink, state: str, detail: str = "", until: datetime | None = None
    ) -> None:
        sink.state(SourceState(self.name, state, detail, until))

    def run(self, sink: SourceSink, stop: threading.Event) -> None:
        """Follow the tag until `stop` is set; raise SourceError when the login is refused."""
        asyncio.run(run_until_stopped(self.follow(sink), stop))

    async def follow(self, sink: SourceSink) -> None:
        """Run `once` forever: waits between rounds, backs off on errors, stops on 401/403."""
        while True:
            try:
                delay = await self.once(sink)
            except AuthFailed as exc:
                self._state(sink, "failed", str(exc))
                raise SourceError(
                    f"{exc}; check TCHAT_BLUESKY_HANDLE and TCHAT_BLUESKY_APP_PASSWORD"
                ) from None
            except RateLimited as exc:
                delay = max(0.0, (exc.until - self.clock()).total_seconds())
                self._state(sink, "rate-limited", str(exc), exc.until)
            except (httpx.HTTPError, Transient, Rejected, ValueError, KeyError, OSError) as exc:
                delay = self.backoff.next()
                self._state(sink, "reconnecting", one_line(exc))
            await self.sleep(delay)

    async def once(self, sink: SourceSink) -> float:
        """One round; returns how long to wait before the next."""
        raise NotImplementedError


class BlueskySearchSource(_Runner):
    """Polls `app.bsky.feed.searchPosts?q=#tag&sort=latest` through the user's PDS."""

    name = "bluesky"

    def __init__(
        self,
        auth: BlueskyAuth,
        tag: str,
        *,
        cursor: Cursor | None = None,
        known: SeenIds | None = None,
        interval: float = 15.0,
        rewind: timedelta = timedelta(minutes=2),
        page_limit: int = 50,
        max_pages: int = 10,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(sleep, rand, clock)
        self.auth = auth
        self.tag = tag.lstrip("#＃")
        self.cursor = cursor or MemoryCursor()
        self.known = known or SeenIds()
        self.interval = interval
        self.rewind = rewind
        self.page_limit = page_limit
        self.max_pages = max_pages
        self.transport = transport
        self.timeout = timeout
        self.polls = 0
        self._client: httpx.AsyncClient | None = None

    async def follow(self, sink: SourceSink) -> None:
        """Poll until cancelled, with one HTTP client for the whole run."""
        async with httpx.AsyncClient(transport=self.transport, timeout=self.timeout) as client:
            self._client = client
            try:
                await super().follow(sink)
            finally:
                self._client = None

    async def once(self, sink: SourceSink) -> float:
        """Poll once and deliver what is new; wait `interval` (with a little jitter) after."""
        assert self._client is not None
        if self.polls == 0:
            self._state(sink, "backfilling", f"#{self.tag} on Bluesky")
        await self.poll(self._client, sink)
        self.polls += 1
        self.backoff.reset()
        self._state(sink, "live", f"#{self.tag} on Bluesky (search every {self.interval:g} s)")
        return self.interval * (0.9 + 0.2 * self.backoff.rand())

    async def poll(self, client: httpx.AsyncClient, sink: SourceSink) -> int:
        """Fetch the newest posts after the cursor (a little earlier, deduplicated by AT-URI)."""
        saved = self.cursor.load()
        params: dict[str, Any] = {"q": f"#{self.tag}", "sort": "latest", "limit": self.page_limit}
        if saved:
            since = parse_time(saved) - self.rewind
            params["since"] = since.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        host = urlsplit(self.auth.pds).netloc or self.auth.pds
        fresh: list[Post] = []
        newest = saved or ""
        bad = 0
        for _ in range(self.max_pages if saved else 1):
            data = await xrpc(client, self.auth, "GET", "app.bsky.feed.searchPosts", params=params)
            views = data.get("posts") or []
            reached_known = False
            for view in views:
                try:
                    post = post_view_to_post(view, host)
                except (KeyError, ValueError, TypeError):
                    bad += 1
                    continue
                sort_at = _sort_at(view)
                if sort_at and (not newest or parse_time(sort_at) > parse_time(newest)):
                    newest = sort_at
                if self.known.add(post.native_id):
                    fresh.append(post)
                else:
                    reached_known = True
            next_cursor = data.get("cursor")
            if reached_known or not next_cursor or len(views) < self.page_limit:
                break
            params["cursor"] = next_cursor
        if bad:
            sink.malformed(bad, "Bluesky search result without the expected fields")
        if fresh:
            fresh.sort(key=lambda p: p.created_at)
            sink.posts(fresh)
        if newest and newest != saved:
            self.cursor.save(newest)
        return len(fresh)


# --- Jetstream ---------------------------------------------------------------------------------

Messages = AsyncIterator[str]
Connector = Callable[[str], AbstractAsyncContextManager[Messages]]
"""Opens a WebSocket URL and yields its text messages (websockets live, a list in tests)."""
ProfileLookup = Callable[[list[str]], Awaitable[dict[str, tuple[str, str]]]]
"""DIDs -> {did: (handle, display name)}; missing DIDs stay unknown."""

_TIME_US = re.compile(r'"time_us"\s*:\s*(\d+)')


@asynccontextmanager
async def websocket_messages(url: str) -> AsyncIterator[Messages]:
    """Text messages of a WebSocket (the `websockets` package)."""
    from websockets.asyncio.client import connect

    async with connect(url, open_timeout=10, ping_interval=20, max_size=1 << 22) as ws:

        async def messages() -> Messages:
            async for message in ws:
                yield message if isinstance(message, str) else message.decode("utf-8", "replace")

        yield messages()


def profile_lookup(
    auth: BlueskyAuth, transport: httpx.AsyncBaseTransport | None = None
) -> ProfileLookup:
    """Handles and names through `app.bsky.actor.getProfiles` on the user's PDS (25 at a time)."""

    async def lookup(dids: list[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        async with httpx.AsyncClient(transport=transport, timeout=DEFAULT_TIMEOUT) as client:
            for i in range(0, len(dids), 25):
                data = await xrpc(
                    client,
                    auth,
                    "GET",
                    "app.bsky.actor.getProfiles",
                    params={"actors": dids[i : i + 25]},
                )
                for profile in data.get("profiles") or []:
                    handle = str(profile.get("handle") or profile["did"])
                    found[str(profile["did"])] = (handle, str(profile.get("displayName") or handle))
        return found

    return lookup


class JetstreamSource(_Runner):
    """The live feed: Jetstream carries every new post; we keep those with the tag.

    Resumes from the saved `time_us` cursor (rewound a little; duplicates are dropped by AT-URI).
    """

    name = "bluesky-live"

    def __init__(
        self,
        tag: str,
        *,
        cursor: Cursor | None = None,
        known: SeenIds | None = None,
        connect: Connector = websocket_messages,
        profiles: ProfileLookup | None = None,
        endpoint: str = JETSTREAM,
        rewind_us: int = 5_000_000,
        save_every_us: int = 5_000_000,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(sleep, rand, clock)
        self.tag = tag.lstrip("#＃")
        self._needle = self.tag.casefold() if self.tag.isascii() else ""
        self.cursor = cursor or MemoryCursor()
        self.known = known or SeenIds()
        self.connect = connect
        self.profiles = profiles
        self.endpoint = endpoint
        self.rewind_us = rewind_us
        self.save_every_us = save_every_us
        self.last_time_us: int | None = None
        self._saved_us = 0
        self._names: dict[str, tuple[str, str]] = {}
        self.connects = 0

    def url(self) -> str:
        """The subscribe URL: post records only, from the saved cursor minus the rewind."""
        query: dict[str, str] = {"wantedCollections": POST_COLLECTION}
        last = self.last_time_us
        if last is None:
            saved = self.cursor.load()
            last = int(saved) if saved and saved.isdigit() else None
        if last is not None:
            query["cursor"] = str(max(0, last - self.rewind_us))
        return f"{self.endpoint}?{urlencode(query)}"

    async def once(self, sink: SourceSink) -> float:
        """One connection: read messages until it drops; then wait a jittered backoff."""
        url = self.url()
        self._state(sink, "connecting", "Bluesky Jetstream")
        try:
            async with self.connect(url) as messages:
                self.connects += 1
                self._state(sink, "live", f"#{self.tag} on Bluesky (Jetstream)")
                async for message in messages:
                    post = self.handle_message(message, sink)
                    if post is not None:
                        sink.posts([await self._named(post)])
                    self.backoff.reset()
        except (WebSocketException, OSError, TimeoutError, EOFError) as exc:
            raise Transient(one_line(exc)) from None
        finally:
            self._save(force=True)
        self._state(sink, "reconnecting", "Jetstream closed the connection")
        return self.backoff.next()

    def handle_message(self, message: str, sink: SourceSink) -> Post | None:
        """One Jetstream event: a new post with the tag comes back; edits and deletes go to the sink."""
        # Most of the network's posts are not ours: skip them without parsing the JSON.
        if self._needle and '"delete"' not in message and self._needle not in message.casefold():
            found = _TIME_US.search(message)
            if found:
                self._advance(int(found.group(1)))
            return None
        try:
            event = json.loads(message)
            time_us = int(event["time_us"])
        except (ValueError, KeyError, TypeError):
            sink.malformed(1, "Jetstream message that is not an event")
            return None
        self._advance(time_us)
        commit = event.get("commit")
        if event.get("kind") != "commit" or not isinstance(commit, dict):
            return None
        if commit.get("collection") != POST_COLLECTION:
            return None
        did = str(event.get("did") or "")
        uri = f"at://{did}/{POST_COLLECTION}/{commit.get('rkey')}"
        operation = commit.get("operation")
        if operation == "delete":
            if uri in self.known:
                sink.deleted(make_key(Network.BLUESKY, uri))
            return None
        record = commit.get("record")
        if not isinstance(record, dict):
            return None
        text = record.get("text")
        if not isinstance(text, str) or not has_hashtag(
            text, record.get("facets"), record.get("tags"), self.tag
        ):
            return None
        try:
            handle, name = self._names.get(did, (did, did))
            post = record_to_post(
                uri,
                record,
                did=did,
                handle=handle,
                name=name,
                seen_at=datetime.fromtimestamp(time_us / 1_000_000, UTC),
                instance="jetstream",
                raw=message,
            )
        except (KeyError, ValueError, TypeError):
            sink.malformed(1, "Jetstream post record without the expected fields")
            return None
        if operation == "update":
            sink.edited(post)
            return None
        if operation != "create" or not self.known.add(uri):
            return None
        self._save(force=True)
        return post

    async def _named(self, post: Post) -> Post:
        """The post with its author's handle and name (looked up once per DID)."""
        did = post.author_id
        if did not in self._names and self.profiles is not None:
            try:
                self._names.update(await self.profiles([did]))
            except (
                httpx.HTTPError,
                AuthFailed,
                RateLimited,
                Rejected,
                Transient,
                ValueError,
                KeyError,
            ):
                pass  # the DID stands in for the handle
        handle, name = self._names.get(did, (did, did))
        if handle == post.author_handle:
            return post
        return replace(post, author_handle=handle, author_name=name)

    def _advance(self, time_us: int) -> None:
        if self.last_time_us is None or time_us > self.last_time_us:
            self.last_time_us = time_us
        self._save()

    def _save(self, force: bool = False) -> None:
        last = self.last_time_us
        if last is None:
            return
        if force or last - self._saved_us >= self.save_every_us:
            self.cursor.save(str(last))
            self._saved_us = last
