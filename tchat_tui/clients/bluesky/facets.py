"""Bluesky rich-text facets: hashtags, mentions and links located by UTF-8 byte offsets.

A Bluesky post is plain `text` plus `facets`, each an `index{byteStart, byteEnd}` (end exclusive, in
UTF-8 bytes of the text) and features (`#tag`, `#mention` with a DID, `#link` with a URI). Without a
facet a hashtag is neither clickable nor indexed as a tag, so every outgoing post gets them here.
Hashtags and URLs are found by the project's twitter-text rules; mentions by the atproto handle rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tchat_tui.domain.post import Link
from tchat_tui.domain.text.rules import grapheme_count
from tchat_tui.domain.text.twitter.hashtags import extract_hashtags_with_indices
from tchat_tui.domain.text.twitter.urls import extract_urls_with_indices

TAG = "app.bsky.richtext.facet#tag"
MENTION = "app.bsky.richtext.facet#mention"
LINK = "app.bsky.richtext.facet#link"
MAX_TAG_GRAPHEMES = 64
MAX_TAG_BYTES = 640

# The atproto mention rule: '@' after start, whitespace or '(' and a domain-like handle.
_MENTION_RE = re.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9.-]+)\b")
_HANDLE_RE = re.compile(
    r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
)

Facet = dict[str, Any]
"""One facet as the lexicon spells it (JSON-ready)."""


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of code point `index` in `text`."""
    return len(text[:index].encode("utf-8"))


def is_handle(handle: str) -> bool:
    """Whether `handle` has the shape of an atproto handle (a domain name with a letter TLD)."""
    return len(handle) <= 253 and _HANDLE_RE.fullmatch(handle) is not None


def extract_handles_with_indices(text: str) -> list[tuple[str, int, int]]:
    """Bluesky mentions: (handle lowercased, start, end) in code points, the span covering '@'."""
    found: list[tuple[str, int, int]] = []
    for m in _MENTION_RE.finditer(text):
        handle = m.group(1).rstrip(".-")
        if not is_handle(handle):
            continue
        found.append((handle.lower(), m.start(), m.start() + 1 + len(handle)))
    return found


def mention_handles(text: str) -> list[str]:
    """The distinct handles a draft mentions, in order (to resolve to DIDs before posting)."""
    seen: dict[str, None] = {}
    for handle, _, _ in extract_handles_with_indices(text):
        seen.setdefault(handle, None)
    return list(seen)


def _span(text: str, start: int, end: int) -> dict[str, int]:
    head = byte_offset(text, start)
    return {"byteStart": head, "byteEnd": head + len(text[start:end].encode("utf-8"))}


def build_facets(text: str, dids: Mapping[str, str] | None = None) -> list[Facet]:
    """Facets for a draft: every hashtag, every link, and each mention whose handle has a DID.

    `dids` maps lowercased handles to DIDs (unresolved handles stay plain text). Facets come
    sorted by byte offset and never overlap (a hashtag or mention inside a URL is not one).
    """
    dids = {k.lower(): v for k, v in (dids or {}).items()}
    spans: list[tuple[int, int, dict[str, str]]] = []
    for url, start, end in extract_urls_with_indices(text):
        uri = url if re.match(r"(?i)https?://", url) else f"https://{url}"
        spans.append((start, end, {"$type": LINK, "uri": uri}))
    for tag, start, end in extract_hashtags_with_indices(text):
        if grapheme_count(tag) > MAX_TAG_GRAPHEMES or len(tag.encode()) > MAX_TAG_BYTES:
            continue
        spans.append((start, end, {"$type": TAG, "tag": tag}))
    for handle, start, end in extract_handles_with_indices(text):
        did = dids.get(handle)
        if did:
            spans.append((start, end, {"$type": MENTION, "did": did}))
    facets: list[Facet] = []
    last_end = -1
    for start, end, feature in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < last_end:
            continue
        last_end = end
        facets.append({"index": _span(text, start, end), "features": [feature]})
    return facets


@dataclass(frozen=True, slots=True)
class FacetText:
    """What a received post's facets say."""

    hashtags: tuple[str, ...] = ()
    """Facet tags then record `tags`, without '#', first spelling kept, no case duplicates."""
    links: tuple[Link, ...] = ()
    """The link text as shown and the facet's URI."""
    mentions: tuple[str, ...] = ()
    """Mentioned handles as written, without '@'."""
    mention_dids: tuple[str, ...] = ()


def read_facets(text: str, facets: Any, tags: Any = ()) -> FacetText:
    """Hashtags, links and mentions of a received record (malformed facets are skipped)."""
    data = text.encode("utf-8")
    hashtags: dict[str, str] = {}
    links: list[Link] = []
    mentions: list[str] = []
    dids: list[str] = []
    for facet in facets if isinstance(facets, list) else []:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index")
        try:
            start, end = int(index["byteStart"]), int(index["byteEnd"])  # type: ignore[index]
        except (TypeError, KeyError, ValueError):
            continue
        shown = data[start:end].decode("utf-8", errors="replace") if 0 <= start < end else ""
        for feature in facet.get("features") or []:
            if not isinstance(feature, dict):
                continue
            kind = feature.get("$type")
            if kind == TAG and isinstance(feature.get("tag"), str):
                tag = feature["tag"].lstrip("#＃")
                if tag:
                    hashtags.setdefault(tag.casefold(), tag)
            elif kind == LINK and isinstance(feature.get("uri"), str):
                links.append(Link(url=shown or feature["uri"], expanded_url=feature["uri"]))
            elif kind == MENTION and isinstance(feature.get("did"), str):
                dids.append(feature["did"])
                if shown.startswith("@"):
                    mentions.append(shown[1:])
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, str) and tag.lstrip("#＃"):
            hashtags.setdefault(tag.lstrip("#＃").casefold(), tag.lstrip("#＃"))
    return FacetText(tuple(hashtags.values()), tuple(links), tuple(mentions), tuple(dids))


def has_hashtag(text: str, facets: Any, tags: Any, wanted: str) -> bool:
    """Whether a record carries `wanted` as a tag facet or in `tags` (case-insensitive)."""
    key = wanted.lstrip("#＃").casefold()
    return any(tag.casefold() == key for tag in read_facets(text, facets, tags).hashtags)
