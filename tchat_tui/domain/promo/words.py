"""Text and URL helpers for promo scoring: accent folding, lexicon regexes, domains, shingles."""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable
from itertools import chain
from urllib.parse import parse_qsl, urlsplit
from zlib import crc32

_PUNCT = {ord("’"): ord("'"), ord("ʼ"): ord("'"), 0x202F: ord(" "), 0xA0: ord(" ")}


def _build_fold_table() -> dict[int, int]:
    """Map each accented Latin letter to its base letter, one character to one character."""
    table: dict[int, int] = dict(_PUNCT)
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = ord(base)
    return table


_FOLD = _build_fold_table()


def lower(text: str) -> str:
    """Lower-case, one apostrophe and one space: the text lexicon regexes run on."""
    text = text.lower()
    if text.isascii():
        return text
    return text.replace("’", "'").replace("ʼ", "'").replace("\u202f", " ").replace("\xa0", " ")


_COMBINING = re.compile("[\u0300-\u036f]")
_FOLDED: dict[str, str] = {}


def fold(text: str) -> str:
    """Lower-case and strip accents, for word comparisons (the length may change)."""
    text = text.lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFD", text)).replace("’", "'")


def fold_word(word: str) -> str:
    """`fold` of a short text that comes back often (a hashtag), remembered (bounded memo)."""
    folded = _FOLDED.get(word)
    if folded is None:
        if len(_FOLDED) > 10_000:
            _FOLDED.clear()
        folded = _FOLDED[word] = fold(word)
    return folded


def _letter_pattern(token: str) -> str:
    """Escape a token; an accented letter also matches its bare form (`é` -> `[ée]`)."""
    out: list[str] = []
    for ch in token:
        base = _FOLD.get(ord(ch))
        if base is not None and chr(base).isalpha():
            out.append(f"[{ch}{chr(base)}]")
        elif ch == "'":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_SEP = r"[\s\-]*"
# A hyphen ends a word only before a French clitic ("achetez-le", "inscrivez-vous"): "buy-in" is
# not "buy".
_WORD_END = r"(?!\w|-(?!(?:le|la|les|lui|leur|vous|toi|nous|moi|en|y)(?!\w))\w)"
_NUMBER = r"\d+(?:[ .,]\d{3})*"


def phrase_atoms(phrase: str) -> list[str]:
    """One phrase as regex atoms: one per letter, separators, `#` numbers, `*`, the word end."""
    phrase = lower(phrase.strip())
    star = phrase.endswith("*")
    if star:
        phrase = phrase[:-1]
    atoms: list[str] = []
    for token in re.split(r"[\s\-]+", phrase):
        if not token:
            continue
        if atoms:
            # French puts a (narrow) space before ? ! : ; that writers often leave out.
            atoms.append(r"\s*" if not token[0].isalnum() else _SEP)
        if token == "#":
            atoms.append(_NUMBER)
        else:
            atoms.extend(_letter_pattern(ch) for ch in token)
    if star:
        atoms.append(r"\w*")
    elif phrase[-1:].isalnum() or phrase[-1:] == "#":
        atoms.append(_WORD_END)
    # No look-behind at the start: it would defeat the regex engine's first-character scan.
    # Callers check the start with `starts_word`.
    return atoms


def phrase_pattern(phrase: str) -> str:
    """The regex for one lexicon phrase: flexible separators, accents optional, `#`, `*`."""
    return "".join(phrase_atoms(phrase))


_Trie = dict[str, "_Trie"]


def _trie_regex(node: _Trie) -> str:
    """A regex for a trie of atoms: shared prefixes are matched once (fast for long lists)."""
    alts = [atom + _trie_regex(child) for atom, child in node.items() if atom]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:  # a phrase ends here; a longer one may go on (greedy: longest wins)
        body = f"(?:{body})?"
    return body


def trie_pattern(phrases: Iterable[str]) -> str:
    """One regex matching any of `phrases`, built as a trie of their atoms."""
    root: _Trie = {}
    for phrase in phrases:
        node = root
        for atom in phrase_atoms(phrase):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _trie_regex(root)


def phrase_key(phrase: str) -> tuple[tuple[str, ...], bool]:
    """The first one or two words of a phrase (folded letter runs), and whether a `*` cuts the
    first one ("inscri*"). Any text the phrase matches contains these words, in this order."""
    runs = _WORDS.findall(fold(phrase))
    if not runs:
        return ("",), False
    star = fold(phrase.strip()).startswith(runs[0] + "*")
    return (tuple(runs[:1]) if star else tuple(runs[:2])), star


def starts_word(text: str, start: int) -> bool:
    """True when a match at `start` begins a word (or does not begin with a letter at all)."""
    if start == 0 or not text[start].isalnum():
        return True
    before = text[start - 1]
    return not (before.isalnum() or before in "_@")


def compile_lexicon(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One merged regex for a word list (a trie of the phrases), or None when empty."""
    unique = {lower(p.strip()) for p in phrases if p.strip()}
    if not unique:
        return None
    return re.compile(trie_pattern(sorted(unique)))


def compile_product_lexicon(
    possessives: Iterable[str], products: Iterable[str]
) -> re.Pattern[str] | None:
    """`my (new) book` / `ma formation`: a possessive followed directly by a product noun."""
    poss = sorted({lower(p) for p in possessives if p.strip()})
    prods = sorted({lower(p) for p in products if p.strip()})
    if not poss or not prods:
        return None
    return re.compile(rf"(?:{trie_pattern(poss)})\s+(?:{trie_pattern(prods)})")


def compile_subjects(words: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching when the text just before a call ends with a subject ("I", "je", "j'")."""
    alts = sorted({lower(w.strip()) for w in words if w.strip()}, key=len, reverse=True)
    if not alts:
        return None
    body = "|".join(_letter_pattern(a) for a in alts)
    return re.compile(rf"(?:^|[^\w'’])(?:{body})\s*$")


# --- links and domains ------------------------------------------------------------------------

_ENTITY = re.compile(r"[hH][tT][tT][pP][sS]?://\S+|[wW][wW][wW]\.\S+|[@＠#＃]\w+")
_NON_WORD = re.compile(r"[^\w]+")
_WORDS = re.compile(r"[^\W\d_]+")
_ASCII_WORDS = re.compile(r"[a-zA-Z]+")


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


def squash(text: str) -> str:
    """Letters and digits only, folded: `Coach-X` -> `coachx`."""
    return _NON_WORD.sub("", fold(text)).replace("_", "")


def identity(handle: str, name: str, generic: frozenset[str]) -> tuple[str, str, list[str]]:
    """An author's handle and display name squashed, and the name's distinctive words."""
    words = [squash(w) for w in re.split(r"[\s\-_.|,]+", name)]
    return squash(handle), squash(name), [w for w in words if len(w) >= 4 and w not in generic]


def site_candidates(
    url: str, host: str, generic: frozenset[str], profile_hosts: frozenset[str]
) -> list[str]:
    """The parts of a link that could name its owner: host labels, or a profile's path."""
    if host_matches(host, profile_hosts):
        return [squash(url_first_segment(url))]
    return [squash(lab) for lab in host.split(".")[:-1] if lab not in generic]


def own_site_match(candidates: list[str], who: tuple[str, str, list[str]]) -> bool:
    """True when a link's owner candidates match the author's handle or display name."""
    handle_sq, name_sq, name_words = who
    for cand in candidates:
        if len(cand) < 4:
            continue
        for whole in (handle_sq, name_sq):
            if _same_or_inside(cand, whole):
                return True
        if any(w == cand or (len(w) >= 5 and w in cand) for w in name_words):
            return True
    return False


def _same_or_inside(a: str, b: str) -> bool:
    """Equal (4+ letters), or the shorter one (5+ letters) inside the other."""
    if len(a) < 4 or len(b) < 4:
        return False
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 5 and short in long


def strip_entities(text: str) -> str:
    """The text without URLs, @mentions and #hashtags (for capitals, words and duplicates)."""
    return _ENTITY.sub(" ", text)


def words(text: str) -> list[str]:
    """Folded words (letters, with an inner apostrophe kept) of a text without entities."""
    return words_of_bare(strip_entities(text))


def words_of_bare(bare: str) -> list[str]:
    """Folded words of a text already stripped of entities (digits and punctuation dropped)."""
    folded = fold(bare)
    # On ASCII text `[^\W\d_]` is `[a-zA-Z]`, which the regex engine checks much faster.
    return (_ASCII_WORDS if folded.isascii() else _WORDS).findall(folded)


class _TokenWords(dict[str, tuple[str, ...]]):
    """`words` of each whitespace-separated token, remembered (bounded: a chat reuses its
    tokens, such as its tag, the host's handle and everyday words)."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        if len(self) > 100_000:
            self.clear()
        value = self[token] = tuple(words(token))
        return value


_TOKEN_WORDS = _TokenWords().__getitem__


def fast_words(text: str) -> list[str]:
    """`words(text)`, from remembered tokens.

    Equal to `words(text)`: no entity, letter run or folding step crosses whitespace (URLs and
    mentions end at a space, folding maps characters one by one and a space is no letter), so
    the words of a text are its tokens' words in order.
    """
    return list(chain.from_iterable(map(_TOKEN_WORDS, text.split())))


def normalised(text: str) -> str:
    """Text for duplicate checks: folded, no URLs, mentions, hashtags, digits or punctuation."""
    return " ".join(words(text))


SKETCH = 16
"""Shingles kept per post: the smallest hashes (a bottom-k sketch), so that comparing a post with
an author's history costs the same for long posts; short posts (most chat posts) keep them all."""

MASK_BITS = 4096
"""Size of an author's shingle filter (a one-hash Bloom filter held in one Python int)."""

_LOW32 = 0xFFFFFFFF
_MASK_OF = MASK_BITS - 1


class _CrcMemo(dict[str, int]):
    """CRC-32 of each word, remembered (a chat reuses its words; the memo is bounded)."""

    def __missing__(self, word: str) -> int:
        if len(self) > 100_000:
            self.clear()
        value = self[word] = crc32(word.encode()) or 1
        return value


_CRC = _CrcMemo()
_CRC_OF = _CRC.__getitem__


def shingles(word_list: list[str]) -> frozenset[int]:
    """Hashes of the word 3-grams of a text, at most SKETCH of them (the smallest).

    Full-width hashes (their low 32 bits are what an author's history keeps: see `low32`).
    """
    # Words become CRC-32 numbers first: Python's string hash changes from run to run, and the
    # sketch (and so the flags) must not.
    ids = list(map(_CRC_OF, word_list))
    if len(ids) < 3:
        return frozenset({hash(tuple(ids))}) if ids else frozenset()
    hashes = set(map(hash, zip(ids, ids[1:], ids[2:], strict=False)))
    if len(hashes) > SKETCH:
        return frozenset(sorted(hashes)[:SKETCH])
    return frozenset(hashes)


def low32(sketch: frozenset[int]) -> frozenset[int]:
    """A sketch cut to 32-bit numbers, as an author's history keeps it (64 bytes a post); two
    different 3-grams share a 32-bit value once in four billion."""
    return frozenset(map(_LOW32.__and__, sketch))


_LITTLE_ENDIAN = sys.byteorder == "little"


def low32_bytes(sketch: frozenset[int]) -> bytes:
    """`low32(sketch)` packed as `array("I")` bytes (in C: no Python int per shingle)."""
    if _LITTLE_ENDIAN:
        return memoryview(array("q", sketch)).cast("B").cast("I")[::2].tobytes()
    return array("I", map(_LOW32.__and__, sketch)).tobytes()


def shingle_mask(sketch: frozenset[int]) -> int:
    """The post's bits in an author's shingle filter (one bit per shingle, MASK_BITS wide)."""
    mask = 0
    for h in sketch:
        mask |= 1 << (h & _MASK_OF)
    return mask


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def stems(word_list: Iterable[str], stop: frozenset[str]) -> set[str]:
    """Content-word stems (first 5 letters of words of 4+ letters, stop-words removed)."""
    out: set[str] = set()
    for w in word_list:
        w = w.split("'")[-1].split("’")[-1]
        if len(w) >= 4 and w not in stop:
            out.add(w[:5])
    return out


EMOJI = re.compile(
    "[\U0001f300-\U0001faff\U0001f000-\U0001f2ff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff]"
)
EXCLAIMS = re.compile(r"[!！]{3,}")
PRICE = re.compile(
    r"(?<![\w])(?:[$€£]\s?(?:\d{1,3}(?:[,. ]\d{3})+|\d{1,6})(?:[.,]\d{1,2})?(?!\d)k?"
    r"|(?:\d{1,3}(?:[,. ]\d{3})+|\d{1,6})(?:[.,]\d{1,2})?\s?(?:€|\$|£|eur|euros?|usd|dollars?|chf)"
    r"(?![\w])"
    r"|-\s?\d{1,2}(?:[.,]\d+)?\s?%"
    r"|\d{1,2}\s?%\s?(?:off|de r[ée]duction|de remise|de rabais|discount))",
    re.IGNORECASE,
)


def may_have_price(lowered: str) -> bool:
    """False when no currency sign, `%` or currency word is in the lower-cased text: every
    alternative of PRICE needs one (`ſ` is the one lower-case letter that `re.IGNORECASE` matches
    with another letter of these words). Blanking URLs or mentions cannot add one."""
    return (
        "%" in lowered
        or "€" in lowered
        or "$" in lowered
        or "£" in lowered
        or "eur" in lowered
        or "usd" in lowered
        or "dollar" in lowered
        or "chf" in lowered
        or "ſ" in lowered
    )


def find_price(lowered: str) -> re.Match[str] | None:
    """`PRICE.search` on lower-cased text (as `lower` makes it), skipped when `may_have_price`
    says it cannot match."""
    return PRICE.search(lowered) if may_have_price(lowered) else None
