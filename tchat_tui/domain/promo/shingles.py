"""Near-duplicate hashing: a post's word 3-grams as a small sketch of hashes, and an author's
filter of them."""

from __future__ import annotations

import sys
from array import array
from zlib import crc32

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


def word_ids(word_list: list[str]) -> list[int]:
    """Each word as a CRC-32 number (non-zero): Python's string hash changes from run to run,
    and what is kept of a text (its sketch, its `text_key`) must not, since the scorer's state
    is saved and read again by another process."""
    return list(map(_CRC_OF, word_list))


def text_key(ids: list[int]) -> int:
    """A normalised text's hash from its `word_ids` (the same in every process: a tuple of
    ints hashes without the per-run seed)."""
    return hash(tuple(ids))


def shingles(word_list: list[str], ids: list[int] | None = None) -> frozenset[int]:
    """Hashes of the word 3-grams of a text, at most SKETCH of them (the smallest).

    Full-width hashes (their low 32 bits are what an author's history keeps: see `low32`).
    `ids`: the words' `word_ids`, when the caller has them already.
    """
    if ids is None:
        ids = word_ids(word_list)
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
