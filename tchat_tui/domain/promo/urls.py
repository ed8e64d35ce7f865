"""Links as promo scoring reads them: a URL's host, query parameters and registrable domain."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit


def url_host(url: str) -> str:
    """The lower-case host of a URL (with or without scheme), without `www.` or a port."""
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def url_params(url: str) -> list[tuple[str, str]]:
    """The query parameters of a URL (lower-case names), empty on a malformed URL."""
    try:
        query = urlsplit(url if "://" in url else "http://" + url).query
    except ValueError:
        return []
    return [(k.lower(), v) for k, v in parse_qsl(query, keep_blank_values=True)]


def url_first_segment(url: str) -> str:
    """The first path segment of a URL, without a leading `@` (`youtube.com/@ada/...` -> `ada`)."""
    try:
        path = urlsplit(url if "://" in url else "http://" + url).path
    except ValueError:
        return ""
    seg = path.strip("/").split("/", 1)[0]
    return seg.lstrip("@~").lower()


def host_matches(host: str, suffixes: frozenset[str]) -> str | None:
    """The entry of `suffixes` that `host` equals or ends with (`.`-aligned), if any."""
    if host in suffixes:
        return host
    parts = host.split(".")
    for i in range(1, len(parts)):
        cand = ".".join(parts[i:])
        if cand in suffixes:
            return cand
    return None


def registrable_domain(host: str, two_part: frozenset[str]) -> str:
    """The domain an owner registers: `shop.acme.co.uk` -> `acme.co.uk`, `a.b.com` -> `b.com`."""
    parts = host.split(".")
    if len(parts) <= 2:
        return host
    if ".".join(parts[-2:]) in two_part:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])
