"""The Bluesky login: an app password logs in once, the session is refreshed before it expires,
and XRPC calls go to the account's PDS with it.

The session (access and refresh tokens, never the app password) is kept in a 0600 file in the
user config folder, because `createSession` is limited to a few hundred logins a day.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import platformdirs

from tchat_tui.clients.http import AuthFailed, Clock, Rejected, raise_for, response_json

DEFAULT_PDS = "https://bsky.social"
REFRESH_MARGIN = timedelta(minutes=5)
"""Refresh the access token this long before it expires."""
_EXPIRED = {"ExpiredToken", "InvalidToken"}


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
    """Call `nsid` on the user's PDS with the session; refresh once on an expired token. The
    reply's JSON comes back with its invalid Unicode replaced (`response_json`).

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
        return response_json(response)  # search results carry others' text: see clean_json
    raise AuthFailed("Bluesky keeps refusing a fresh token")
