"""A Mastodon instance and a Bluesky PDS with its Jetstream, faked on 127.0.0.1, each serving
the same scripted chat hour to every connection: a live console and a recording made one after
the other against the same fake see the same posts in the same order.

Mastodon: `/api/v2/instance`, the tag timeline (the backfill: the first posts, newest first) and
the SSE hashtag stream (the rest, then heartbeats). Bluesky: `createSession`, `searchPosts`
(the first posts), `getProfiles`, and a Jetstream WebSocket that sends the rest once the test
sets `release` (when the search's posts are in), so every run sees them in the same order.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve

TAG = "RecChat"
T0 = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
TOKEN = "mastodon-token-secret"
APP_PASSWORD = "bsky-app-password-secret"
_WORD = re.compile(r"(#\w+|@[\w.]+|https?://\S+)")


def iso(seconds: float) -> str:
    """T0 + `seconds`, as both networks write times."""
    moment = T0 + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Said:
    """One post of the scripted hour: who, what, when, and which earlier post it answers."""

    ref: str
    """The test's name for the post ('q1'); its native id is derived from it."""
    author: str
    text: str
    seconds: float
    reply_to: str | None = None


HOUR: list[Said] = [
    Said("welcome", "claire", f"Welcome to the chat, everyone! #{TAG}", 0),
    Said("q1", "claire", f"Q1: What keeps you going on a hard day? #{TAG}", 60),
    Said("a1", "lucie", f"A1 my friends and a long walk #{TAG}", 120, "q1"),
    Said("ask", "bob", f"@claire how do you prepare the questions? #{TAG}", 150),
    Said(
        "promo",
        "spammer",
        f"Buy my course now!!! 50% off today only, link in bio https://shop.example/deal"
        f" #{TAG} #ad #sale",
        170,
    ),
    Said("q2", "claire", f"Q2: And what slows you down? #{TAG}", 200),
    Said("a2", "lucie", f"A2 the weather, honestly #{TAG}", 230),
    Said("thread", "bob", f"tiredness, mostly #{TAG}", 260, "q2"),
]
FIRST = 2
"""How many of HOUR come by backfill or search; the rest by the stream or Jetstream."""


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        pass

    def send_json(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def route(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        return parts.path, parse_qs(parts.query)


# --- Mastodon ------------------------------------------------------------------------------


class FakeMastodon:
    """One instance on 127.0.0.1 whose local accounts are HOUR's authors (lucie is remote)."""

    def __init__(self, hour: list[Said] = HOUR, first: int = FIRST) -> None:
        self.hour = hour
        self.first = first
        self.streams = 0
        self.served_stream = threading.Event()
        self._closing = threading.Event()
        fake = self

        class Handler(_Handler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake.get(self)

        self._server, self.url = _serve(Handler)
        self.host = self.url.removeprefix("http://")

    def stop(self) -> None:
        """Stop serving; open streams end."""
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def status_id(self, ref: str) -> str:
        """A Mastodon id (ms << 16) for a post of the hour."""
        said = next(s for s in self.hour if s.ref == ref)
        ms = int((T0 + timedelta(seconds=said.seconds)).timestamp() * 1000)
        return str((ms << 16) + self.hour.index(said))

    def status(self, said: Said) -> dict[str, Any]:
        """The Status the instance sends for a post of the hour."""
        remote = said.author == "lucie"
        acct = "lucie@framapiaf.example" if remote else said.author
        sid = self.status_id(said.ref)
        parts, mentions = [], []
        for piece in _WORD.split(said.text):
            if piece.startswith("#"):
                name = piece[1:]
                parts.append(
                    f'<a href="{self.url}/tags/{name}" class="mention hashtag" rel="tag">'
                    f"#<span>{html.escape(name)}</span></a>"
                )
            elif piece.startswith("@"):
                name = piece[1:]
                mentions.append(
                    {
                        "id": f"acct-{name}",
                        "username": name,
                        "acct": name,
                        "url": f"{self.url}/@{name}",
                    }
                )
                parts.append(
                    f'<span class="h-card"><a href="{self.url}/@{name}" class="u-url mention">'
                    f"@<span>{html.escape(name)}</span></a></span>"
                )
            elif piece.startswith("http"):
                parts.append(
                    f'<a href="{html.escape(piece)}" rel="nofollow">{html.escape(piece)}</a>'
                )
            else:
                parts.append(html.escape(piece))
        return {
            "id": sid,
            "created_at": iso(said.seconds),
            "in_reply_to_id": self.status_id(said.reply_to) if said.reply_to else None,
            "in_reply_to_account_id": "acct-claire" if said.reply_to else None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "public",
            "language": "en",
            "uri": f"{self.url}/users/{said.author}/statuses/{sid}",
            "url": f"{self.url}/@{said.author}/{sid}",
            "replies_count": 0,
            "reblogs_count": 1,
            "favourites_count": 2,
            "edited_at": None,
            "content": f"<p>{''.join(parts)}</p>",
            "reblog": None,
            "account": {
                "id": f"acct-{said.author}",
                "username": said.author,
                "acct": acct,
                "display_name": said.author.title(),
                "url": f"{self.url}/@{said.author}",
            },
            "mentions": mentions,
            "tags": [{"name": w[1:].lower()} for w in _WORD.findall(said.text) if w[0] == "#"],
        }

    def get(self, h: _Handler) -> None:
        path, query = h.route()
        if h.headers.get("Authorization") != f"Bearer {TOKEN}" and path != "/api/v2/instance":
            h.send_json({"error": "The access token is invalid"}, 401)
        elif path == "/api/v2/instance":
            h.send_json({"domain": self.host, "configuration": {"statuses": {}}})
        elif path == f"/api/v1/timelines/tag/{TAG}":
            min_id = (query.get("min_id") or [""])[0]
            page = [self.status(s) for s in self.hour[: self.first]]
            page = [
                s for s in page if not min_id or (len(s["id"]), s["id"]) > (len(min_id), min_id)
            ]
            h.send_json(list(reversed(page)))
        elif path == "/api/v1/streaming/hashtag" and query.get("tag") == [TAG]:
            self.stream(h)
        else:
            h.send_json({"error": "Record not found"}, 404)

    def stream(self, h: _Handler) -> None:
        self.streams += 1
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-store")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()

        def chunk(data: str) -> None:
            raw = data.encode("utf-8")
            h.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
            h.wfile.flush()

        try:
            chunk(":)\n")
            for said in self.hour[self.first :]:
                chunk(f"event: update\ndata: {json.dumps(self.status(said))}\n\n")
            self.served_stream.set()
            while not self._closing.wait(0.1):
                chunk(":thump\n")
        except OSError:
            return


# --- Bluesky -------------------------------------------------------------------------------


def did(author: str) -> str:
    """An author's DID."""
    return f"did:plc:{author:0<24}"


def handle(author: str) -> str:
    """An author's handle."""
    return f"{author}.bsky.social"


def _facets(text: str) -> list[dict[str, Any]]:
    """Tag, mention and link facets at their UTF-8 byte offsets."""
    facets = []
    for found in _WORD.finditer(text):
        word = found.group(0)
        start = len(text[: found.start()].encode("utf-8"))
        end = start + len(word.encode("utf-8"))
        if word[0] == "#":
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": word[1:]}
        elif word[0] == "@":
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did(word[1:])}
        else:
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": word}
        facets.append({"index": {"byteStart": start, "byteEnd": end}, "features": [feature]})
    return facets


@dataclass
class FakeBluesky:
    """A PDS (login, search, profiles) and a Jetstream, on 127.0.0.1; the chat's Bluesky handles
    are `<author>.bsky.social` (the text's `@claire` is written `@claire.bsky.social`)."""

    hour: list[Said] = field(default_factory=lambda: HOUR)
    first: int = FIRST
    release: threading.Event = field(default_factory=threading.Event)
    """Jetstream sends its events once the test sets this."""
    searches: int = 0
    logins: int = 0

    def __post_init__(self) -> None:
        fake = self

        class Handler(_Handler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake.get(self)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                fake.post(self)

        self._server, self.pds = _serve(Handler)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self.port = 0
        threading.Thread(target=lambda: asyncio.run(self._jetstream()), daemon=True).start()
        assert self._ready.wait(10)
        self.jetstream = f"ws://127.0.0.1:{self.port}/subscribe"

    def stop(self) -> None:
        """Stop serving both."""
        self._server.shutdown()
        self._server.server_close()
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)

    def text(self, said: Said) -> str:
        """The post's text as written on Bluesky (mentions are handles)."""
        return re.sub(r"@(\w+)", lambda m: "@" + handle(m.group(1)), said.text)

    def uri(self, ref: str) -> str:
        """A post's AT-URI."""
        said = next(s for s in self.hour if s.ref == ref)
        return f"at://{did(said.author)}/app.bsky.feed.post/3m{ref:0>11}"

    def record(self, said: Said) -> dict[str, Any]:
        """The post record."""
        text = self.text(said)
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": iso(said.seconds),
            "langs": ["en"],
            "facets": _facets(text),
        }
        if said.reply_to:
            ref = {"uri": self.uri(said.reply_to), "cid": f"bafy{said.reply_to}"}
            record["reply"] = {"root": ref, "parent": ref}
        return record

    def view(self, said: Said) -> dict[str, Any]:
        """The post as search returns it."""
        return {
            "uri": self.uri(said.ref),
            "cid": f"bafy{said.ref}",
            "author": {
                "did": did(said.author),
                "handle": handle(said.author),
                "displayName": said.author.title(),
            },
            "record": self.record(said),
            "replyCount": 0,
            "repostCount": 1,
            "likeCount": 2,
            "indexedAt": iso(said.seconds + 0.5),
        }

    def event(self, said: Said) -> str:
        """The post as Jetstream sends it."""
        time_us = int((T0 + timedelta(seconds=said.seconds + 0.25)).timestamp() * 1_000_000)
        event = {
            "did": did(said.author),
            "time_us": time_us,
            "kind": "commit",
            "commit": {
                "rev": f"rev{said.ref}",
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": self.uri(said.ref).rsplit("/", 1)[-1],
                "record": self.record(said),
                "cid": f"bafy{said.ref}",
            },
        }
        return json.dumps(event, ensure_ascii=False, separators=(",", ":"))

    def get(self, h: _Handler) -> None:
        path, query = h.route()
        if h.headers.get("Authorization") != "Bearer access-token":
            h.send_json({"error": "AuthMissing", "message": "no token"}, 401)
        elif path == "/xrpc/app.bsky.feed.searchPosts":
            self.searches += 1
            h.send_json({"posts": [self.view(s) for s in reversed(self.hour[: self.first])]})
        elif path == "/xrpc/app.bsky.actor.getProfiles":
            actors = query.get("actors") or []
            known = {did(s.author): s.author for s in self.hour}
            h.send_json(
                {
                    "profiles": [
                        {"did": a, "handle": handle(known[a]), "displayName": known[a].title()}
                        for a in actors
                        if a in known
                    ]
                }
            )
        else:
            h.send_json({"error": "MethodNotImplemented"}, 404)

    def post(self, h: _Handler) -> None:
        path, _ = h.route()
        body = json.loads(h.rfile.read(int(h.headers.get("Content-Length") or 0)) or b"{}")
        if path != "/xrpc/com.atproto.server.createSession":
            h.send_json({"error": "MethodNotImplemented"}, 404)
        elif body.get("password") != APP_PASSWORD:
            h.send_json({"error": "AuthenticationRequired", "message": "Invalid password"}, 401)
        else:
            self.logins += 1
            h.send_json(
                {
                    "did": "did:plc:recorder",
                    "handle": body.get("identifier"),
                    "accessJwt": "access-token",
                    "refreshJwt": "refresh-token",
                }
            )

    async def _jetstream(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        async with serve(self._connection, "127.0.0.1", 0) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stopped.wait()

    async def _connection(self, ws: ServerConnection) -> None:
        deadline = time.monotonic() + 30
        while not self.release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        for said in self.hour[self.first :]:
            await ws.send(self.event(said))
        await ws.wait_closed()
