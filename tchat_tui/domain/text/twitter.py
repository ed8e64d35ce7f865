"""A port of twitter-text 3.x: URL, hashtag, mention and emoji extraction, and `parse_tweet`.

What X links, tags and counts. The regexes are ported in spirit from upstream
`rb/lib/twitter-text/regex.rb` (Apache-2.0, see NOTICE), the rest from `extractor.rb` and
`js/src/parseTweet.js`; the port passes the upstream conformance suite. Emoji sequences come from
the `emoji` package, so current Unicode sequences (a family with zero-width joiners) count once.

Indices returned by the `*_with_indices` functions are code-point offsets into the text as given;
`parse_tweet` ranges are UTF-16 code units, as upstream defines them. The chat's own rules (limits
per network, the draft check, tags) are in `tchat_tui.domain.text`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import regex

# --- character groups (twitter-text regex.rb) ------------------------------------------------

_UNICODE_SPACES = "\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_DIRECTIONAL = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVALID_CHARS = "\ufffe\ufeff\uffff"
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    "\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
# Unicode 16 Script=Cyrillic and General_Category=Pd, spelled out so the URL pattern can use the
# faster standard `re` (a test checks each character still has its property).
_CYRILLIC = (
    "\u0400-\u0484\u0487-\u052f\u1c80-\u1c8a\u1d2b\u1d78\u2de0-\u2dff\ua640-\ua69f"
    "\ufe2e\ufe2f\U0001e030-\U0001e06d\U0001e08f"
)
_DASH_PUNCTUATION = (
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c"
    "\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010d6e\U00010ead"
)
_PUNCTUATION = r"""!"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~\\"""
_CTRL = "\x00-\x1f\x7f"

_HASHTAG_LETTERS_AND_MARKS = r"\p{L}\p{M}"
_HASHTAG_NUMERALS = r"\p{Nd}"
_HASHTAG_SPECIAL = (  # joiners allowed inside a tag
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003"
    "\u0f0b\u0f0c\xb7"
)
_HASHTAG_ALNUM = _HASHTAG_LETTERS_AND_MARKS + _HASHTAG_NUMERALS + _HASHTAG_SPECIAL

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
def _url_regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compile (valid_url, valid_ascii_domain, valid_tco_url) on first use."""
    domain_chars = f"[^{_DIRECTIONAL}{_PUNCTUATION}{_UNICODE_SPACES}{_CTRL}{_INVALID_CHARS}]"
    subdomain = f"(?:(?:{domain_chars}(?:[_-]|{domain_chars})*)?{domain_chars}\\.)"
    domain_name = f"(?:(?:{domain_chars}(?:-|{domain_chars})*)?{domain_chars}\\.)"
    tld_end = "(?=[^0-9a-z@+\\-]|$)"
    gtld = f"(?:{_trie_pattern(_read_tlds('generic'))}{tld_end})"
    cctld = f"(?:{_trie_pattern(_read_tlds('country'))}{tld_end})"
    punycode = "(?:xn--[0-9a-z]+)"
    any_tld = f"(?:{gtld}|{cctld}|{punycode})"
    domain = f"(?:{subdomain}*{domain_name}{any_tld})"
    ascii_domain = f"(?:(?:[a-z0-9\\-_]|[{_LATIN_ACCENTS}])+\\.)+{any_tld}"

    cyrillic = _CYRILLIC
    path_chars = f"[a-z{cyrillic}0-9!*';:=+,.$/%#\\[\\]{_DASH_PUNCTUATION}_~&|@{_LATIN_ACCENTS}]"
    parens = f"\\((?:{path_chars}+|(?:{path_chars}*\\({path_chars}+\\){path_chars}*))\\)"
    path_end = f"(?:[a-z{cyrillic}0-9=_#/+\\-{_LATIN_ACCENTS}]|(?:{parens}))"
    path = f"(?:(?:{path_chars}*(?:{parens}{path_chars}*)*{path_end})|(?:{path_chars}+/))"
    query_chars = r"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@]"
    query_end = r"[a-z0-9_&=#/\-]"
    preceding = f"(?:[^A-Z0-9@＠$#＃{_INVALID_CHARS}]|[{_DIRECTIONAL}]|^)"
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


# Upstream consumes the character before '#'; a lookbehind finds the same tags (a tag always ends
# on a letter, mark or digit, which cannot start the next boundary) and lets the scan jump to '#'.
_HASHTAG_RE = regex.compile(
    f"([#＃])(?<=(?:\\A|[\ufe0e\ufe0f]|[^&{_HASHTAG_ALNUM}])[#＃])(?!\ufe0f|\u20e3)"
    f"([{_HASHTAG_ALNUM}]*[{_HASHTAG_LETTERS_AND_MARKS}][{_HASHTAG_ALNUM}]*)",
    regex.IGNORECASE,
)
_END_HASHTAG_RE = regex.compile("[#＃]|://")  # matched at the end of a tag
_HASH_SIGN_RE = re.compile("[#＃]")
_VALID_TAG_RE = regex.compile(
    f"[{_HASHTAG_ALNUM}]*[{_HASHTAG_LETTERS_AND_MARKS}][{_HASHTAG_ALNUM}]*", regex.IGNORECASE
)
_MENTION_RE = regex.compile(
    r"(?:[^a-z0-9_!#$%&*@＠]|^|(?:^|[^a-z0-9_+~.\-])[rR][tT]:?)"
    r"[@＠]([a-z0-9_]{1,20})(/[a-z][a-z0-9_\-]{0,24})?",
    regex.IGNORECASE | regex.MULTILINE,
)
_END_MENTION_RE = regex.compile(f"[@＠]|[{_LATIN_ACCENTS}]|://", regex.IGNORECASE)
_INVALID_URL_WITHOUT_PROTOCOL_PRECEDING = regex.compile(r"[-_./]\Z")
# A space-delimited token with a dot followed by something that may start a top-level domain.
_DOTTED_TOKEN_RE = re.compile(
    f"(?<![^{_UNICODE_SPACES}])[^{_UNICODE_SPACES}]*?"
    f"\\.[^{_PUNCTUATION}{_UNICODE_SPACES}{_CTRL}][^{_UNICODE_SPACES}]*"
)
_INVALID_CHAR_RE = re.compile(f"[{_INVALID_CHARS}]")

# --- URLs ------------------------------------------------------------------------------------


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
    valid_url, ascii_domain_re, tco_re = _url_regexes()
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


# --- hashtags and mentions -------------------------------------------------------------------


def extract_hashtags_with_indices(text: str) -> list[tuple[str, int, int]]:
    """Hashtag entities by the twitter-text rules: (tag without '#', start, end) in code points.

    The span covers the '#'. A tag inside a URL, glued to a letter (`x#tag`), all digits (`#123`),
    or followed by another '#' or by '://' is not a hashtag.
    """
    wide = "＃" in text
    if not wide and "#" not in text:
        return []
    # Every match starts at its hash sign, so trying the pattern at each hash sign past the
    # previous match finds what `finditer` finds, without trying it at every character.
    tags: list[tuple[str, int, int]] = []
    match = _HASHTAG_RE.match
    i = _next_hash_sign(text, 0, wide)
    while i >= 0:
        m = match(text, i)
        if m is None:
            i = _next_hash_sign(text, i + 1, wide)
            continue
        end = m.end()
        if not _END_HASHTAG_RE.match(text, end):
            tags.append((m.group(2), i, end))
        i = _next_hash_sign(text, end, wide)
    if not tags:
        return tags
    urls = extract_urls_with_indices(text)
    if not urls:
        return tags
    # Upstream: sort hashtags and URLs together, drop whatever overlaps the entity before it.
    entities = sorted(
        [(s, e, t) for t, s, e in tags] + [(s, e, None) for _, s, e in urls],
        key=lambda entity: entity[0],
    )
    kept: list[tuple[str, int, int]] = []
    prev_end = -1
    for start, end, tag in entities:
        if prev_end > start:
            continue
        prev_end = end
        if tag is not None:
            kept.append((tag, start, end))
    return kept


def _next_hash_sign(text: str, pos: int, wide: bool) -> int:
    """Index of the first '#' or '＃' at or after `pos`, or -1."""
    if not wide:
        return text.find("#", pos)
    m = _HASH_SIGN_RE.search(text, pos)
    return -1 if m is None else m.start()


def extract_hashtags(text: str) -> list[str]:
    """Hashtags in order, as written, without '#'."""
    return [tag for tag, _, _ in extract_hashtags_with_indices(text)]


_AT_SIGN_RE = re.compile("[@＠]")
_MENTION_REACH = 4
"""How far before its at sign a mention match may start: 'xRT:@' (boundary, R, T, colon)."""
_MENTION_END_SAFE = frozenset(
    ch for ch in map(chr, range(128)) if ch != ":" and not _END_MENTION_RE.match(ch)
)
"""ASCII characters after which a mention surely stands (`_END_MENTION_RE` cannot match)."""


def extract_mentions(text: str) -> list[str]:
    """Mentioned X handles in order, without '@' (lists such as @user/list are skipped)."""
    wide = "＠" in text
    if not wide and "@" not in text:
        return []
    # `_MENTION_RE.finditer` would try the pattern at every character; a match starts at most
    # `_MENTION_REACH` characters before an at sign, so only those starts are tried, in the same
    # order and never overlapping the previous match: the same matches, several times faster.
    names: list[str] = []
    match = _MENTION_RE.match
    pos = 0
    i = _next_at_sign(text, 0, wide)
    while i >= 0:
        for start in range(max(pos, i - _MENTION_REACH), i + 1):
            m = match(text, start)
            if m is not None:
                break
        else:
            i = _next_at_sign(text, i + 1, wide)
            continue
        pos = m.end()
        after = text[pos : pos + 1]
        ends = not after or after in _MENTION_END_SAFE or not _END_MENTION_RE.match(text, pos)
        if ends and not m.group(2):
            names.append(m.group(1))
        i = _next_at_sign(text, pos, wide)
    return names


def _next_at_sign(text: str, pos: int, wide: bool) -> int:
    """Index of the first '@' or '＠' at or after `pos`, or -1."""
    if not wide:
        return text.find("@", pos)
    m = _AT_SIGN_RE.search(text, pos)
    return -1 if m is None else m.start()


def is_valid_hashtag(name: str) -> bool:
    """Whether `#name` (name as given, without '#') would be a hashtag entity on its own."""
    return _VALID_TAG_RE.fullmatch(name) is not None


def invalid_characters(text: str) -> list[str]:
    """The characters that make a post invalid on X (U+FFFE, U+FEFF, U+FFFF), in order."""
    return _INVALID_CHAR_RE.findall(text)


# --- emoji -----------------------------------------------------------------------------------

# twemoji (which upstream counts with) takes these four only with U+FE0F; bare, they are text.
_TEXT_ONLY_BARE = {"\xa9", "\xae", "\u2122", "\u265f"}


@cache
def _emoji_trie() -> dict[str, Any]:
    """A trie of every emoji sequence in the `emoji` package's current Unicode data."""
    trie: dict[str, Any] = {}
    import emoji  # its table loads on the first emoji check, not with every import

    for sequence in emoji.EMOJI_DATA:
        if sequence in _TEXT_ONLY_BARE:
            continue
        node = trie
        for ch in sequence:
            node = node.setdefault(ch, {})
        node[""] = {}
    return trie


# Where an emoji may start: a superset of the first characters in the data (checked by
# `test_emoji_start_class_covers_the_data`), plus U+20E3 to find keycaps from their end.
_EMOJI_START_RE = re.compile("[\xa9\xae\u203c-\u3299\U0001f000-\U0001faff\u20e3]")
_KEYCAP_BASES = "#*0123456789"


def extract_emoji_with_indices(text: str) -> list[tuple[str, int, int]]:
    """Emoji sequences (ZWJ, modifiers, flags, keycaps, tags), longest first, with indices."""
    if text.isascii():
        return []
    trie = _emoji_trie()
    found: list[tuple[str, int, int]] = []
    n = len(text)
    pos = 0
    while (m := _EMOJI_START_RE.search(text, pos)) is not None:
        i = m.start()
        if text[i] == "\u20e3":  # a keycap: its base is one or two characters back
            i -= 2 if text[i - 1 : i] == "\ufe0f" else 1
            if i < pos or text[i] not in _KEYCAP_BASES:
                pos = m.end()
                continue
        best = -1
        node: Any = trie
        for j in range(i, n):
            node = node.get(text[j])
            if node is None:
                break
            if "" in node:
                best = j + 1
        if best > i:
            found.append((text[i:best], i, best))
            pos = best
        else:
            pos = i + 1
    return found


def prepare() -> None:
    """Build the URL patterns and the emoji trie now (about 0.1 s) rather than on first use."""
    _url_regexes()
    _emoji_trie()


# --- weighted length (twitter-text parse_tweet) ----------------------------------------------


@dataclass(frozen=True)
class WeightConfig:
    """A twitter-text weighting config (upstream `config/v1.json`...`v3.json`)."""

    max_weighted_length: int
    scale: int
    default_weight: int
    transformed_url_length: int
    ranges: tuple[tuple[int, int, int], ...]
    """(first code point, last code point, weight), checked in order."""
    emoji_parsing: bool


CONFIG_V1 = WeightConfig(140, 1, 1, 23, (), False)
CONFIG_V2 = WeightConfig(
    280,
    100,
    200,
    23,
    ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100)),
    False,
)
CONFIG_V3 = replace(CONFIG_V2, emoji_parsing=True)


@dataclass(frozen=True)
class ParsedTweet:
    """What upstream `parseTweet` reports; ranges are inclusive UTF-16 code-unit indices."""

    weighted_length: int
    valid: bool
    permillage: int
    display_range_start: int
    display_range_end: int
    valid_range_start: int
    valid_range_end: int


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _char_weight(cp: int, config: WeightConfig) -> int:
    for first, last, weight in config.ranges:
        if first <= cp <= last:
            return weight
    return config.default_weight


@cache
def _outside_ranges(config: WeightConfig) -> tuple[re.Pattern[str], int | None]:
    """A class of the characters outside every weight range, and the ranges' common weight."""
    spans = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b, _ in config.ranges)
    weights = {weight for _, _, weight in config.ranges}
    return re.compile(f"[^{spans}]"), weights.pop() if len(weights) == 1 else None


def _run_weight(run: str, config: WeightConfig) -> int:
    """Scaled weight of characters that are neither URL nor emoji."""
    if not config.ranges:
        return config.default_weight * len(run)
    outside, common = _outside_ranges(config)
    if common is None:
        return sum(_char_weight(ord(ch), config) for ch in run)
    heavy = len(outside.findall(run))
    return heavy * config.default_weight + (len(run) - heavy) * common


def _entities(text: str, config: WeightConfig) -> list[tuple[int, int, int]]:
    """(start, end, scaled weight) of the URLs and emoji that count as one unit, in the order
    upstream's character walk meets them (a URL wins over an emoji at the same index)."""
    urls = {start: end for _, start, end in extract_urls_with_indices(text)}
    emojis = (
        {start: end for _, start, end in extract_emoji_with_indices(text)}
        if config.emoji_parsing
        else {}
    )
    url_weight = config.transformed_url_length * config.scale
    found: list[tuple[int, int, int]] = []
    pos = 0
    for start in sorted(urls.keys() | emojis.keys()):
        if start < pos:
            continue
        if start in urls:
            found.append((start, urls[start], url_weight))
        else:
            found.append((start, emojis[start], config.default_weight))
        pos = found[-1][1]
    return found


def parse_tweet(text: str, config: WeightConfig = CONFIG_V3) -> ParsedTweet:
    """Weighted length, validity, permillage and valid/display ranges, as twitter-text has them.

    NFC first; URLs count `transformed_url_length`; with emoji parsing a whole emoji sequence is one
    unit of the default weight; U+FFFE, U+FEFF and U+FFFF make the text invalid. The valid range
    ends before the first invalid character or the first character past the limit.
    """
    norm = unicodedata.normalize("NFC", text)
    n = len(norm)
    limit = config.max_weighted_length * config.scale
    bad = _INVALID_CHAR_RE.search(norm)
    first_invalid = bad.start() if bad else n
    weighted = 0
    units = 0  # UTF-16 units inside the valid range so far
    valid_end = 0
    growing = True  # the valid range stops for good at the limit or at an invalid character
    pos = 0
    for start, end, weight in [*_entities(norm, config), (n, n, 0)]:
        if pos < start:
            run = norm[pos:start]
            run_weight = _run_weight(run, config)
            if growing and weighted + run_weight <= limit and first_invalid >= start:
                units += _utf16_len(run)
                valid_end = units - 1
            elif growing:
                partial = weighted
                for k, ch in enumerate(run):
                    partial += _char_weight(ord(ch), config)
                    if pos + k == first_invalid or partial > limit:
                        growing = False
                        break
                    units += 2 if ord(ch) > 0xFFFF else 1
                    valid_end = units - 1
            weighted += run_weight
        if start < end:
            weighted += weight
            if growing and weighted <= limit and not start <= first_invalid < end:
                units += _utf16_len(norm[start:end])
                valid_end = units - 1
            else:
                growing = False
        pos = end
    length = weighted // config.scale
    offset = _utf16_len(text) - _utf16_len(norm)
    return ParsedTweet(
        weighted_length=length,
        valid=first_invalid == n and 0 < length <= config.max_weighted_length,
        permillage=length * 1000 // config.max_weighted_length,
        display_range_start=0,
        display_range_end=max(_utf16_len(text) - 1, 0),
        valid_range_start=0,
        valid_range_end=max(valid_end + offset, 0),
    )


def weighted_length(text: str, *, classic: bool = False) -> int:
    """X weighted length: config v3 by default, the classic 140 rule (v1) with `classic=True`."""
    return parse_tweet(text, CONFIG_V1 if classic else CONFIG_V3).weighted_length
