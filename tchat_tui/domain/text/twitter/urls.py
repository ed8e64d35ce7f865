"""URLs as X links them, with or without protocol (upstream `extract_urls_with_indices`).

The top-level domains come from package data, compiled into a trie so the pattern never
rescans shared prefixes; the URL patterns compile on first use (see `length.prepare`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import regex

from tchat_tui.domain.text.twitter.characters import (
    CONTROL,
    CYRILLIC,
    DASH_PUNCTUATION,
    DIRECTIONAL,
    INVALID_CHARACTERS,
    LATIN_ACCENTS,
    PUNCTUATION,
    UNICODE_SPACES,
)

_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_DOMAIN_LABEL_LENGTH = 63
_URL_PROTOCOL_LENGTH = len("https://")


def _trie_pattern(words: Iterable[str]) -> str:
    """An alternation of `words` as a trie, so the engine never rescans shared prefixes.

    Greedy with backtracking, it matches like an alternation ordered longest first.
    """
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        children = sorted((ch, child) for ch, child in node.items() if ch)
        leaves = [re.escape(ch) for ch, child in children if list(child) == [""]]
        branches = [re.escape(ch) + build(child) for ch, child in children if list(child) != [""]]
        if len(leaves) == 1:
            branches.append(leaves[0])
        elif leaves:
            branches.append("[" + "".join(leaves) + "]")
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + build(root) + ")"


def _read_tlds(kind: str) -> list[str]:
    """Top-level domains shipped as package data (generated from the conformance tld_lib.yml)."""
    data = resources.files("tchat_tui").joinpath("data", f"tlds_{kind}.txt")
    lines = data.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def url_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compile (valid_url, valid_ascii_domain, valid_tco_url) on first use."""
    domain_chars = f"[^{DIRECTIONAL}{PUNCTUATION}{UNICODE_SPACES}{CONTROL}{INVALID_CHARACTERS}]"
    subdomain = f"(?:(?:{domain_chars}(?:[_-]|{domain_chars})*)?{domain_chars}\\.)"
    domain_name = f"(?:(?:{domain_chars}(?:-|{domain_chars})*)?{domain_chars}\\.)"
    tld_end = "(?=[^0-9a-z@+\\-]|$)"
    gtld = f"(?:{_trie_pattern(_read_tlds('generic'))}{tld_end})"
    cctld = f"(?:{_trie_pattern(_read_tlds('country'))}{tld_end})"
    punycode = "(?:xn--[0-9a-z]+)"
    any_tld = f"(?:{gtld}|{cctld}|{punycode})"
    domain = f"(?:{subdomain}*{domain_name}{any_tld})"
    ascii_domain = f"(?:(?:[a-z0-9\\-_]|[{LATIN_ACCENTS}])+\\.)+{any_tld}"

    cyrillic = CYRILLIC
    path_chars = f"[a-z{cyrillic}0-9!*';:=+,.$/%#\\[\\]{DASH_PUNCTUATION}_~&|@{LATIN_ACCENTS}]"
    parens = f"\\((?:{path_chars}+|(?:{path_chars}*\\({path_chars}+\\){path_chars}*))\\)"
    path_end = f"(?:[a-z{cyrillic}0-9=_#/+\\-{LATIN_ACCENTS}]|(?:{parens}))"
    path = f"(?:(?:{path_chars}*(?:{parens}{path_chars}*)*{path_end})|(?:{path_chars}+/))"
    query_chars = r"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@]"
    query_end = r"[a-z0-9_&=#/\-]"
    preceding = f"(?:[^A-Z0-9@＠$#＃{INVALID_CHARACTERS}]|[{DIRECTIONAL}]|^)"
    valid_url = (
        f"(({preceding})"  # 1 whole, 2 preceding character
        f"((https?://)?"  # 3 URL, 4 protocol
        f"({domain})"  # 5 domain
        f"(?::([0-9]+))?"  # 6 port
        f"(/{path}*)?"  # 7 path
        f"(\\?{query_chars}*{query_end})?))"  # 8 query
    )
    tco = f"^https?://t\\.co/([a-z0-9]+)(?:\\?{query_chars}*{query_end})?"
    flags = re.IGNORECASE | re.MULTILINE
    return (
        re.compile(valid_url, flags),
        re.compile(ascii_domain, flags),
        re.compile(tco, flags),
    )


_INVALID_URL_WITHOUT_PROTOCOL_PRECEDING = regex.compile(r"[-_./]\Z")
# A space-delimited token with a dot followed by something that may start a top-level domain.
_DOTTED_TOKEN_RE = re.compile(
    f"(?<![^{UNICODE_SPACES}])[^{UNICODE_SPACES}]*?"
    f"\\.[^{PUNCTUATION}{UNICODE_SPACES}{CONTROL}][^{UNICODE_SPACES}]*"
)


def _encoded_domain_length(domain: str) -> int | None:
    """Length of the domain once each label is punycode-encoded; None if a label is invalid."""
    total = len(domain.split(".")) - 1
    for label in domain.split("."):
        if label.isascii():
            encoded = len(label)
        elif label[:4].lower() == "xn--":
            return None  # a punycode label cannot hold non-ASCII characters
        else:
            try:
                encoded = 4 + len(label.encode("punycode"))
            except UnicodeError:
                return None
        if not 1 <= encoded <= _MAX_DOMAIN_LABEL_LENGTH:
            return None
        total += encoded
    return total


def _is_valid_domain(url_length: int, domain: str, has_protocol: bool) -> bool:
    """Upstream `is_valid_domain`: labels encode to 1-63 characters and the URL stays <= 4096."""
    encoded = _encoded_domain_length(domain)
    if encoded is None:
        return False
    url_length += max(0, encoded - len(domain))
    if not has_protocol:
        url_length += _URL_PROTOCOL_LENGTH
    return url_length <= _MAX_URL_LENGTH


def extract_urls_with_indices(text: str) -> list[tuple[str, int, int]]:
    """URLs as X links them, with or without protocol: (url, start, end) in code points."""
    return list(_urls_with_indices(text))


@lru_cache(maxsize=64)
def _urls_with_indices(text: str) -> tuple[tuple[str, int, int], ...]:
    # One check asks for the URLs of the same draft several times (length, tags, Mastodon).
    if "." not in text:
        return ()
    urls: list[tuple[str, int, int]] = []
    for token in _DOTTED_TOKEN_RE.finditer(text):
        # No URL spans a space, so scanning each dotted token (from the character before it,
        # which may be the URL's preceding character) finds what a scan of the whole text finds.
        _scan_urls(text, max(token.start() - 1, 0), token.end(), urls)
    return tuple(urls)


def _scan_urls(text: str, pos: int, endpos: int, urls: list[tuple[str, int, int]]) -> None:
    """Upstream `extract_urls_with_indices` over text[pos:endpos], appending to `urls`."""
    valid_url, ascii_domain_re, tco_re = url_patterns()
    for m in valid_url.finditer(text, pos, endpos):
        before, url, protocol, domain, path = m.group(2, 3, 4, 5, 7)
        start, end = m.span(3)
        if not protocol:
            if _INVALID_URL_WITHOUT_PROTOCOL_PRECEDING.search(before):
                continue
            last: int | None = None
            for a in ascii_domain_re.finditer(domain):
                if not _is_valid_domain(len(url), a.group(), False):
                    continue
                last = len(urls)
                urls.append((a.group(), start + a.start(), start + a.end()))
            if last is None:
                continue
            if path:
                found = urls[last]
                urls[last] = (url.replace(domain, found[0], 1), found[1], end)
        else:
            tco = tco_re.match(url)
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group()
                end = start + len(url)
            if not _is_valid_domain(len(url), domain, True):
                continue
            urls.append((url, start, end))


def extract_urls(text: str) -> list[str]:
    """URLs as X links them, in order."""
    return [url for url, _, _ in extract_urls_with_indices(text)]
