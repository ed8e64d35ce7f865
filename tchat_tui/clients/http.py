"""What the HTTP clients of the networks share: the four ways a reply fails, rate-limit reset
times, error classification for httpx replies, ISO times, an error said in one line, and JSON
payloads read with their invalid Unicode replaced.

The Mastodon and Bluesky sources and publishers use all of it; the X source uses the payloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tchat_tui.domain.errors import TchatError

Clock = Callable[[], datetime]
"""What a client asks for the time (datetime.now(UTC) live; a fixed instant in tests)."""

DEFAULT_TIMEOUT = httpx.Timeout(10.0, read=60.0)
"""Connect/write 10 s; read 60 s, longer than Mastodon's 15 s heartbeat, so a stall is noticed."""


# --- failures --------------------------------------------------------------------------------


class AuthFailed(TchatError):
    """401/403: the network refused the credentials; retrying cannot help."""


class RateLimited(TchatError):
    """429: wait until `until`."""

    def __init__(self, until: datetime, detail: str = "") -> None:
        super().__init__(detail or f"rate-limited until {until:%H:%M:%S}")
        self.until = until


class Transient(TchatError):
    """A failure worth retrying after a backoff (5xx, dropped connection, garbled reply)."""


class Rejected(TchatError):
    """The network refused the request itself (4xx other than 401/403/429): do not retry."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


CALL_FAILURES: tuple[type[Exception], ...] = (
    httpx.HTTPError,
    AuthFailed,
    RateLimited,
    Rejected,
    Transient,
    ValueError,
    KeyError,
)
"""Every way one request can fail, a garbled reply included (for best-effort calls)."""


# --- payloads --------------------------------------------------------------------------------

_INVALID = re.compile("[\x00\ud800-\udfff]")
"""A NUL, or a surrogate left alone (the decoder joins every valid pair into one character)."""


def clean_json(value: Any) -> Any:
    """`value` (decoded JSON) with every NUL and lone surrogate, in keys and strings, replaced
    by U+FFFD: neither can be stored as UTF-8 text, and one such post must not stop the others."""
    if isinstance(value, str):
        return _INVALID.sub("\ufffd", value)
    if isinstance(value, dict):
        return {clean_json(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def loads_clean(text: str) -> Any:
    """`json.loads(text)`, with invalid Unicode replaced (see `clean_json`).

    The decoded value is walked only when the text may hold a NUL or a lone surrogate: a few
    substring searches decide for most payloads; one with surrogate escapes (an escaped emoji
    is a pair of them) is re-encoded to find out, which is still far cheaper than the walk.
    """
    value = json.loads(text)
    return clean_json(value) if _may_be_invalid(text, value) else value


def _may_be_invalid(text: str, value: Any) -> bool:
    if "\\u0000" in text or "\x00" in text:
        return True
    try:
        if "\\ud" in text or "\\uD" in text:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        else:
            text.encode("utf-8")  # a lone surrogate character, not escaped
    except UnicodeEncodeError:
        return True
    return False


def response_json(response: httpx.Response) -> Any:
    """A reply's JSON body, with invalid Unicode replaced (see `loads_clean`)."""
    return loads_clean(response.text)


def one_line(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def parse_time(value: str) -> datetime:
    """An ISO 8601 time ('Z' or offset) as an aware UTC datetime."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def reset_time(headers: Mapping[str, str], now: datetime, default: float = 60.0) -> datetime:
    """When a 429 ends, from `Retry-After` (seconds or HTTP date), `X-RateLimit-Reset` (ISO time,
    Mastodon) or `RateLimit-Reset` (epoch or delta seconds, Bluesky); `default` seconds if none."""
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get("retry-after")
    if value:
        if value.strip().isdigit():
            return now + timedelta(seconds=int(value))
        try:
            return parsedate_to_datetime(value).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    for name in ("x-ratelimit-reset", "ratelimit-reset"):
        value = lowered.get(name)
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:
            try:
                return parse_time(value)
            except ValueError:
                continue
        if number > 1_000_000_000:  # an epoch timestamp, not a delta
            return datetime.fromtimestamp(number, UTC)
        return now + timedelta(seconds=number)
    return now + timedelta(seconds=default)


def error_detail(response: httpx.Response) -> str:
    """The server's one-line reason (`error` / `message` in JSON bodies), never a credential."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    parts: list[str] = []
    if isinstance(body, dict):
        for name in ("error", "message", "error_description"):
            value = body.get(name)
            if isinstance(value, str) and value and value not in parts:
                parts.append(value)
    reason = ": ".join(parts) or response.reason_phrase or "error"
    return f"HTTP {response.status_code} {reason}".splitlines()[0][:200]


def raise_for(response: httpx.Response, now: datetime) -> None:
    """Turn a non-2xx reply into AuthFailed, RateLimited, Transient or Rejected (needs a read body)."""
    status = response.status_code
    if status < 300:
        return
    detail = error_detail(response)
    if status in (401, 403):
        raise AuthFailed(detail)
    if status == 429:
        raise RateLimited(reset_time(response.headers, now), detail)
    if status >= 500 or status == 408:
        raise Transient(detail)
    raise Rejected(status, detail)
