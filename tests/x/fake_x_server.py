"""A fake X API v2 on 127.0.0.1 for end-to-end tests through the real tweepy code path.

It serves what tchat-live uses: the filtered stream (chunked, keep-alives, scripted drops and
silences, HTTP errors), stream rules, recent search with pagination and rate-limit headers,
create_tweet (with the 2026 reply refusal), retweet, users/me and a user's posts. Posts made
through it (by the test or by the host through the API) join the search index and, when a stream
is connected, are pushed on it: so a post made while the stream is down is only found by search.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TWITTER_EPOCH_MS = 1288834974657
REPLY_REFUSAL = (
    "Reply to this conversation is not allowed because you have not been mentioned or otherwise"
    " engaged by the author of the post you are replying to."
)


@dataclass
class StreamPlan:
    """What one stream connection does: an HTTP error, or 200 then maybe a drop or a silence."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None
    """Cut the connection (no final chunk) after this many post lines."""
    silent_after: int | None = None
    """Stop sending anything, keep-alives included, after this many post lines."""


class FakeX:
    """The fake API's state and scripted failures; `start()` serves it on 127.0.0.1."""

    def __init__(
        self,
        *,
        bearer: str = "test-bearer",
        host_id: str = "1000",
        host_handle: str = "hostess",
        keepalive: float = 0.1,
        page_size: int = 3,
    ) -> None:
        self.bearer = bearer
        self.host = {"id": host_id, "username": host_handle, "name": "The Hostess"}
        self.users: dict[str, dict[str, str]] = {host_id: dict(self.host)}
        self.keepalive = keepalive
        self.page_size = page_size
        self.tweets: dict[str, dict[str, Any]] = {}
        self.rules: dict[str, dict[str, str]] = {}
        self.stream_plans: deque[StreamPlan] = deque()
        self.search_failures: deque[tuple[int, dict[str, str]]] = deque()
        self.post_failures: deque[tuple[int, dict[str, Any]]] = deque()
        self.slow_posts: deque[float] = deque()
        """Seconds to sleep after creating a post, before answering (a client timeout)."""
        self.in_between: deque[tuple[str, str]] = deque()
        """(author id, text) published right after a search's last page is answered: between
        a catch-up and a stream opened after it (found by neither), or on a stream opened before."""
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.connections = 0
        self._live: list[queue.Queue[bytes | None]] = []
        self._lock = threading.RLock()
        self._seq = 0
        self._rule_seq = 0
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- running -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to put in TCHAT_X_API_BASE."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeX:
        """Serve in a daemon thread."""
        fake = self

        class Handler(_Handler):
            api = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and end open streams."""
        self._closing.set()
        with self._lock:
            for q in self._live:
                q.put(None)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- content -------------------------------------------------------------------------------

    def add_user(self, user_id: str, username: str) -> None:
        """Someone who posts."""
        self.users[user_id] = {"id": user_id, "username": username, "name": username.title()}

    def next_id(self) -> str:
        """A snowflake for now (strictly increasing)."""
        with self._lock:
            self._seq += 1
            ms = int(time.time() * 1000) - TWITTER_EPOCH_MS
            return str((ms << 22) + (self._seq % 4096))

    def publish(
        self,
        author_id: str,
        text: str,
        *,
        reply_to: str | None = None,
        retweet_of: str | None = None,
    ) -> dict[str, Any]:
        """A post appears on X: indexed for search and pushed to connected streams."""
        with self._lock:
            tid = self.next_id()
            while int(tid) <= max((int(t) for t in self.tweets), default=0):
                tid = self.next_id()
            tweet: dict[str, Any] = {
                "id": tid,
                "text": text,
                "edit_history_tweet_ids": [tid],
                "author_id": author_id,
                "created_at": datetime.now(UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "conversation_id": tid,
                "lang": "en",
                "entities": {"hashtags": _hashtags(text)},
                "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0},
            }
            if reply_to:
                parent = self.tweets.get(reply_to, {})
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
                tweet["conversation_id"] = parent.get("conversation_id", reply_to)
                tweet["in_reply_to_user_id"] = parent.get("author_id", "0")
            if retweet_of:
                tweet["referenced_tweets"] = [{"type": "retweeted", "id": retweet_of}]
            self.tweets[tid] = tweet
            line = self._stream_line(tweet)
            if line is not None:
                for q in self._live:
                    q.put(line)
            return tweet

    def _matching_rules(self, tweet: dict[str, Any]) -> list[dict[str, str]]:
        found = []
        is_rt = any(r["type"] == "retweeted" for r in tweet.get("referenced_tweets", ()))
        tags = {h["tag"].casefold() for h in tweet["entities"]["hashtags"]}
        for rid, rule in self.rules.items():
            words = rule["value"].split()
            if "-is:retweet" in words and is_rt:
                continue
            wanted = [w[1:].casefold() for w in words if w.startswith("#")]
            if wanted and all(w in tags for w in wanted):
                found.append({"id": rid, "tag": rule["tag"]})
        return found

    def _stream_line(self, tweet: dict[str, Any]) -> bytes | None:
        rules = self._matching_rules(tweet)
        if not rules:
            return None
        obj = {
            "data": tweet,
            "includes": {"users": [self.users[tweet["author_id"]]]},
            "matching_rules": rules,
        }
        return json.dumps(obj).encode() + b"\r\n"

    def search(self, query: str, params: dict[str, str]) -> dict[str, Any]:
        """Recent search over everything posted: newest first, paginated."""
        words = query.split()
        wanted = [w[1:].casefold() for w in words if w.startswith("#")]
        no_rt = "-is:retweet" in words
        since = int(params.get("since_id", "0"))
        start = params.get("start_time")
        with self._lock:
            hits = []
            for tweet in self.tweets.values():
                tags = {h["tag"].casefold() for h in tweet["entities"]["hashtags"]}
                refs = tweet.get("referenced_tweets", ())
                if not all(w in tags for w in wanted):
                    continue
                if no_rt and any(r["type"] == "retweeted" for r in refs):
                    continue
                if int(tweet["id"]) <= since:
                    continue
                if start and tweet["created_at"][:19] < start[:19]:
                    continue
                hits.append(tweet)
        hits.sort(key=lambda t: int(t["id"]), reverse=True)
        offset = int(params.get("next_token", "0") or 0)
        size = min(int(params.get("max_results", "10")), self.page_size)
        page = hits[offset : offset + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta["newest_id"] = page[0]["id"]
            meta["oldest_id"] = page[-1]["id"]
        if offset + size < len(hits):
            meta["next_token"] = str(offset + size)
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = page
            authors = {t["author_id"] for t in page}
            body["includes"] = {"users": [self.users[a] for a in sorted(authors)]}
        return body


def _hashtags(text: str) -> list[dict[str, Any]]:
    out = []
    pos = 0
    for word in text.split(" "):
        clean = word.rstrip("!?.,:;")
        if clean.startswith("#") and len(clean) > 1:
            out.append({"start": pos, "end": pos + len(clean), "tag": clean[1:]})
        pos += len(word) + 1
    return out


class _Handler(BaseHTTPRequestHandler):
    api: FakeX
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
        """Quiet."""

    # -- plumbing ------------------------------------------------------------------------------

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:  # the client gave up (a timeout test)
            self.close_connection = True

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw else {}

    def _route(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.api.requests.append((self.command, parts.path, query))
        return parts.path, {k: v[0] for k, v in query.items()}

    def _app_auth_ok(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.api.bearer}":
            return True
        self._send_json(
            401,
            {
                "title": "Unauthorized",
                "type": "about:blank",
                "status": 401,
                "detail": "Unauthorized",
            },
        )
        return False

    def _user_auth_ok(self) -> bool:
        if (self.headers.get("Authorization") or "").startswith("OAuth "):
            return True
        self._send_json(401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
        return False

    # -- GET -----------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        """Stream, rules, search, users/me, a user's posts."""
        path, params = self._route()
        api = self.api
        if path == "/2/tweets/search/stream":
            if self._app_auth_ok():
                self._stream()
        elif path == "/2/tweets/search/stream/rules":
            if self._app_auth_ok():
                rules = [{"id": i, **r} for i, r in api.rules.items()]
                body: dict[str, Any] = {"meta": {"sent": "now", "result_count": len(rules)}}
                if rules:
                    body["data"] = rules
                self._send_json(200, body)
        elif path == "/2/tweets/search/recent":
            if not self._app_auth_ok():
                return
            reset = str(int(time.time()) + 900)
            if api.search_failures:
                status, headers = api.search_failures.popleft()
                title = {429: "Too Many Requests", 503: "Service Unavailable"}.get(status, "Error")
                self._send_json(
                    status, {"title": title, "detail": title, "status": status}, headers
                )
                return
            limits = {
                "x-rate-limit-limit": "450",
                "x-rate-limit-remaining": "449",
                "x-rate-limit-reset": reset,
            }
            body = api.search(params.get("query", ""), params)
            self._send_json(200, body, limits)
            if "next_token" not in body["meta"] and api.in_between:
                api.publish(*api.in_between.popleft())
        elif path == "/2/users/me":
            if self._user_auth_ok():
                self._send_json(200, {"data": api.host})
        elif path.startswith("/2/users/") and path.endswith("/tweets"):
            if self._user_auth_ok():
                uid = path.split("/")[3]
                with api._lock:
                    mine = [t for t in api.tweets.values() if t["author_id"] == uid]
                mine.sort(key=lambda t: int(t["id"]), reverse=True)
                body = {"meta": {"result_count": len(mine)}}
                if mine:
                    body["data"] = mine[: int(params.get("max_results", "10"))]
                self._send_json(200, body)
        else:
            self._send_json(404, {"title": "Not Found", "status": 404, "detail": path})

    def _stream(self) -> None:
        api = self.api
        plan = api.stream_plans.popleft() if api.stream_plans else StreamPlan()
        api.connections += 1
        if plan.status != 200:
            title = {429: "TooManyConnections", 503: "Service Unavailable"}.get(
                plan.status, "Error"
            )
            self._send_json(
                plan.status, {"title": title, "detail": title, "status": plan.status}, plan.headers
            )
            return
        q: queue.Queue[bytes | None] = queue.Queue()
        with api._lock:
            api._live.append(q)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        try:
            while not api._closing.is_set():
                try:
                    item = q.get(timeout=api.keepalive)
                except queue.Empty:
                    item = b"\r\n"
                if item is None:
                    break
                if plan.silent_after is not None and sent >= plan.silent_after:
                    with api._lock:
                        api._live.remove(q)
                    api._closing.wait(60)
                    return
                self.wfile.write(f"{len(item):x}\r\n".encode() + item + b"\r\n")
                self.wfile.flush()
                if item != b"\r\n":
                    sent += 1
                    if plan.drop_after is not None and sent >= plan.drop_after:
                        with api._lock:
                            api._live.remove(q)
                        self.close_connection = True
                        # no final chunk: the client sees the stream break mid-way
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        finally:
            with api._lock:
                if q in api._live:
                    api._live.remove(q)
            self.close_connection = True

    # -- POST ----------------------------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        """Rules, create_tweet, retweet."""
        path, _ = self._route()
        api = self.api
        body = self._body()
        if path == "/2/tweets/search/stream/rules":
            if not self._app_auth_ok():
                return
            with api._lock:
                if "add" in body:
                    added = []
                    for rule in body["add"]:
                        api._rule_seq += 1
                        rid = str(1166916266197536768 + api._rule_seq)
                        api.rules[rid] = {"value": rule["value"], "tag": rule.get("tag", "")}
                        added.append({"id": rid, **api.rules[rid]})
                    self._send_json(
                        201, {"data": added, "meta": {"summary": {"created": len(added)}}}
                    )
                else:
                    for rid in body.get("delete", {}).get("ids", []):
                        api.rules.pop(rid, None)
                    self._send_json(200, {"meta": {"summary": {"deleted": 1}}})
        elif path == "/2/tweets":
            if not self._user_auth_ok():
                return
            if api.post_failures:
                status, err = api.post_failures.popleft()
                self._send_json(status, err)
                return
            reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
            if reply_to:
                parent = api.tweets.get(reply_to)
                summoned = parent is not None and (
                    parent["author_id"] == api.host["id"]
                    or f"@{api.host['username']}".casefold() in parent["text"].casefold()
                )
                if not summoned:
                    self._send_json(
                        403,
                        {
                            "title": "Forbidden",
                            "type": "about:blank",
                            "status": 403,
                            "detail": REPLY_REFUSAL,
                        },
                    )
                    return
            tweet = api.publish(api.host["id"], body["text"], reply_to=reply_to)
            if api.slow_posts:
                time.sleep(api.slow_posts.popleft())
            self._send_json(
                201,
                {
                    "data": {
                        "id": tweet["id"],
                        "text": tweet["text"],
                        "edit_history_tweet_ids": [tweet["id"]],
                    }
                },
            )
        elif path.startswith("/2/users/") and path.endswith("/retweets"):
            if not self._user_auth_ok():
                return
            target = api.tweets.get(str(body.get("tweet_id")))
            if target is None:
                self._send_json(
                    404, {"title": "Not Found", "status": 404, "detail": "no such post"}
                )
                return
            author = api.users[target["author_id"]]["username"]
            api.publish(api.host["id"], f"RT @{author}: {target['text']}", retweet_of=target["id"])
            self._send_json(200, {"data": {"retweeted": True}})
        else:
            self._send_json(404, {"title": "Not Found", "status": 404, "detail": path})
