"""Whether a stored handle is a well-formed handle of its network (syntax only, no lookup).

Reports link to people and posts only through handles that pass here: a handle that does not is
shown as text, never put in a link, since a network would never have given it.
"""

from __future__ import annotations

import re

_X = re.compile(r"[A-Za-z0-9_]{1,15}")
"""X usernames: letters, digits and underscore, 1 to 15."""
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?")
"""A DNS name of two labels or more whose last label starts with a letter (the atproto handle
rule; Mastodon instances too, when given without a port)."""
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}(?::[0-9]{{1,5}})?")
"""A host as an address holds it: a DNS name or IPv4 address, with a port or not."""
_MASTODON_USER = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?")
"""Mastodon's username rule (`[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?`, case-insensitive)."""
_MAX_DOMAIN = 253


def valid_domain(value: str) -> bool:
    """A DNS name of two labels or more (at most 253 characters), no port."""
    return len(value) <= _MAX_DOMAIN and _DOMAIN.fullmatch(value) is not None


def valid_host(value: str) -> bool:
    """A host name or IPv4 address, with a port or not ('social.example', '127.0.0.1:8080')."""
    return len(value) <= _MAX_DOMAIN + 6 and _HOST.fullmatch(value) is not None


def valid_handle(network: str, handle: str) -> bool:
    """Whether `handle` (without '@') is a well-formed handle on `network`.

    X: `^[A-Za-z0-9_]{1,15}$`. Mastodon: `user` (an account of the instance read) or
    `user@domain` (the domain may carry a port). Bluesky: a domain handle ('ada.bsky.social').
    Any other network: no handle is known to be well-formed.
    """
    if network == "x":
        return _X.fullmatch(handle) is not None
    if network == "mastodon":
        user, at, domain = handle.partition("@")
        if _MASTODON_USER.fullmatch(user) is None:
            return False
        return not at or valid_host(domain)
    if network == "bluesky":
        return valid_domain(handle)
    return False
