"""Links for the reports (posts, profiles, a post's own links), built only from validated parts.

A post is linked only when its author's handle is well-formed for its network
(`domain.text.handle_syntax`) and every part of the address is well-formed too (the post id, the
Mastodon instance, the Bluesky DID and record key): the address is then `https://` on the
network's website, and holds no character that could end a Markdown link target or an HTML
attribute. Anything else is shown as text and not linked.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from tchat_tui.domain.text.handle_syntax import valid_handle, valid_host

_X_ID = re.compile(r"[0-9]{1,20}")
_MASTODON_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""Mastodon ids are digits; Pleroma, Akkoma and GoToSocial use letters and digits."""
_DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]{1,2040}")
_RKEY = re.compile(r"[A-Za-z0-9._:~-]{1,512}")
_BLUESKY_POST = "app.bsky.feed.post"


def _part(value: str, safe: str = "") -> str:
    """One path segment, percent-encoded (nothing left that means something in a URL but what
    `safe` keeps: ':' and '@' are plain characters inside a path segment)."""
    return quote(value, safe=safe)


def post_link(network: str, native_id: str, handle: str, instance: str | None) -> str | None:
    """The post's address on its network's website, or None when any part is not well-formed.

    X: `https://x.com/HANDLE/status/ID`. Mastodon: `https://INSTANCE/@ACCOUNT/ID` on the instance
    the post was read from (a remote account keeps its `@domain`). Bluesky:
    `https://bsky.app/profile/DID/post/RKEY` from the post's `at://` URI.
    """
    if not valid_handle(network, handle):
        return None
    if network == "x":
        if _X_ID.fullmatch(native_id) is None:
            return None
        return f"https://x.com/{_part(handle)}/status/{_part(native_id)}"
    if network == "mastodon":
        if not instance or not valid_host(instance) or _MASTODON_ID.fullmatch(native_id) is None:
            return None
        # '@' is kept as is in the account (`@user@domain`): it is valid in a path segment.
        return f"https://{instance.lower()}/@{_part(handle, '@')}/{_part(native_id)}"
    if network == "bluesky":
        did, collection, rkey = (native_id.removeprefix("at://").split("/") + ["", "", ""])[:3]
        if not native_id.startswith("at://") or native_id.count("/") != 4:
            return None
        if collection != _BLUESKY_POST or not _DID.fullmatch(did) or not _RKEY.fullmatch(rkey):
            return None
        if rkey in (".", ".."):
            return None
        return f"https://bsky.app/profile/{_part(did, ':')}/post/{_part(rkey, ':')}"
    return None


def profile_link(network: str, handle: str, instance: str | None) -> str | None:
    """The author's profile on their network's website, or None when a part is not well-formed.

    X: `https://x.com/HANDLE`. Mastodon: `https://DOMAIN/@USER` on the account's home instance
    (`user@domain`), else on the instance the post was read from. Bluesky:
    `https://bsky.app/profile/HANDLE`.
    """
    # A valid handle holds letters, digits, '_', '.', '-' and '@' only: nothing to encode.
    if not valid_handle(network, handle):
        return None
    if network == "x":
        return f"https://x.com/{handle}"
    if network == "mastodon":
        user, _, home = handle.partition("@")
        where = home or instance
        if not where or not valid_host(where):
            return None
        return f"https://{where.lower()}/@{user}"
    if network == "bluesky":
        return f"https://bsky.app/profile/{handle.lower()}"
    return None


_URL_SAFE = "/:@!$&()*+,;=-._~%?#"
"""What stays as is in a link's path, query and fragment: the URL's own punctuation; quotes,
angle brackets, backslashes, spaces and every other character are percent-encoded."""
_MAX_URL = 2000


def web_link(url: str) -> str | None:
    """A post's link as a safe `http(s)` address, or None (another scheme, no valid host).

    The address is rebuilt from its parsed parts: a well-formed host (no user or password),
    then path, query and fragment percent-encoded, so nothing in it can end a Markdown link
    target or an HTML attribute.
    """
    if len(url) > _MAX_URL or not url.isprintable():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
        return None
    host = parts.netloc.lower()
    if not valid_host(host):
        return None
    out = f"{parts.scheme.lower()}://{host}{quote(parts.path, safe=_URL_SAFE) or '/'}"
    if parts.query:
        out += "?" + quote(parts.query, safe=_URL_SAFE)
    if parts.fragment:
        out += "#" + quote(parts.fragment, safe=_URL_SAFE)
    return out


def display_form(url: str, width: int = 32) -> str:
    """How a link reads in a quote: without its scheme and 'www.', cut with '…' past `width`."""
    shown = re.sub(r"^[a-z]+://(www\.)?", "", url, flags=re.IGNORECASE).rstrip("/")
    return shown if len(shown) <= width else shown[: width - 1] + "…"
