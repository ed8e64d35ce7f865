"""The promo tracker's state as bytes: saved with the chat, read back by a restart.

A restart that reads it scores the next posts exactly as the uninterrupted run would have,
without scoring the whole chat again (27 s for 100,000 posts; reading this takes a fraction of
a second). Pure: the store keeps the bytes.

Layout: `MAGIC`, the header's length (4 bytes, little-endian), the header (JSON: every number,
handle and domain), the binary sections the header gives the lengths of (the tracker's arrays in
this machine's byte order, which the header names), and a CRC-32 of everything before it.
Nothing in it is executed or looked up by name: damaged or foreign bytes raise `StateError`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from array import array
from hashlib import blake2b
from typing import Any
from zlib import crc32

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.promo.authors import AuthorState, ReplyLinks
from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.tracker import PromoTracker

MAGIC = b"TPS1"
FORMAT = 2
"""Bump it whenever the tracker's state, or what the tracker makes of it, changes."""
_MACHINE = f"{sys.byteorder}-{array('I').itemsize}{array('i').itemsize}{array('q').itemsize}"


class StateError(TchatError, ValueError):
    """Saved promo state that cannot be read back (damaged, another format or machine)."""


def rules_fingerprint(rules: PromoRules) -> str:
    """What the saved state depends on in the rules (every weight, limit, list and pattern;
    not the file's name): state saved under other rules is never read back."""
    skip = {"source", "cache", "signal_memo", "keys"}  # `keys` derives from the lexicons
    text = ";".join(
        f"{f.name}={_canonical(getattr(rules, f.name))}"
        for f in dataclasses.fields(rules)
        if f.name not in skip
    )
    return f"f{FORMAT}-" + blake2b(text.encode(), digest_size=16).hexdigest()


def _canonical(value: object) -> str:
    """A value as text that is the same in every process (sets sorted, patterns by source)."""
    if isinstance(value, re.Pattern):
        return f"re({value.pattern!r},{value.flags})"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(map(_canonical, value))) + "}"
    if isinstance(value, dict):
        items = (f"{_canonical(k)}:{_canonical(v)}" for k, v in value.items())
        return "{" + ",".join(sorted(items)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(_canonical, value)) + "]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (_canonical(getattr(value, f.name)) for f in dataclasses.fields(value))
        return f"{type(value).__name__}(" + ",".join(fields) + ")"
    return repr(value)


def export_state(tracker: PromoTracker) -> bytes:
    """The tracker's state (see the module's docstring): everything `score` and `record` read,
    not the caches (pure functions of the rules and the text)."""
    objs: list[AuthorState] = list(tracker._authors.values())
    keys: list[str | None] = list(tracker._authors)
    at = {id(a): i for i, a in enumerate(objs)}
    window = tracker._window
    owners = array("i")
    for a in window.authors[window.start :]:
        # An author the caps forgot may still have posts in the window: kept, without a key.
        i = at.get(id(a))
        if i is None:
            i = at[id(a)] = len(objs)
            objs.append(a)
            keys.append(None)
        owners.append(i)
    parts: list[bytes] = []
    records = []
    for a in objs:
        mask = a.mask.to_bytes((a.mask.bit_length() + 7) // 8, "little")
        binary = (a.sketches.tobytes(), bytes(a.sizes), a.times.tobytes(), a.hashes.tobytes(), mask)
        parts += binary
        spray = None
        if a.spray is not None:
            s = a.spray
            spray = [s.domains, s.users, s.in_order, len(s.times) * s.times.itemsize]
            parts.append(s.times.tobytes())
        records.append(
            [
                a.handle,
                a.posts,
                a.promo,
                a.links,
                a.sprayed,
                a.coordinated,
                a.window,
                a.masked,
                list(a.domains.items()),
                spray,
                [len(b) for b in binary],
            ]
        )
    texts = tracker._texts
    hashes = array("q", texts)
    parts.append(hashes.tobytes())
    times = array("q", window.times[window.start :])
    parts += (times.tobytes(), owners.tobytes())
    header = {
        "format": FORMAT,
        "machine": _MACHINE,
        "history": tracker._history,
        "kept": tracker._kept,
        "hot": tracker._hot,
        "keys": keys,
        "authors": records,
        "texts": [v if isinstance(v, str) else sorted(v) for v in texts.values()],
        "promo_texts": [i for i, h in enumerate(texts) if h in texts.promo],
        "promo_posts": list(tracker._promo_posts),
        "shared_links": tracker._links.saved(),
        "text_bytes": len(hashes) * hashes.itemsize,
        "window": {
            "span": window.span,
            "active": window.active,
            "counts": list(window.counts.items()),
            "median": window.median,
            "since_median": window.since_median,
            "bytes": [len(times) * times.itemsize, len(owners) * owners.itemsize],
        },
    }
    # ASCII: a lone surrogate in a handle is escaped, not an error (JSON reads it back).
    head = json.dumps(header, separators=(",", ":")).encode()
    pieces = [MAGIC, len(head).to_bytes(4, "little"), head, *parts]
    crc = 0
    for piece in pieces:  # piece by piece: the joined state is copied once, not twice
        crc = crc32(piece, crc)
    pieces.append(crc.to_bytes(4, "little"))
    return b"".join(pieces)


def import_state(rules: PromoRules, data: bytes) -> PromoTracker:
    """A tracker under `rules` with the state `export_state` saved.

    Raises:
        StateError: the bytes are damaged, of another format or machine, or for another
            history size.
    """
    try:
        return _Reader(data).tracker(rules)
    except StateError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, OverflowError) as exc:
        raise StateError(f"saved promo state unreadable: {type(exc).__name__}") from None


class _Reader:
    """The sections of saved state, read in the order `export_state` wrote them."""

    def __init__(self, data: bytes) -> None:
        view = memoryview(data)
        if len(data) < 12 or bytes(view[:4]) != MAGIC:
            raise StateError("not saved promo state")
        if crc32(view[:-4]) != int.from_bytes(view[-4:], "little"):
            raise StateError("saved promo state damaged (checksum)")
        size = int.from_bytes(view[4:8], "little")
        self.header: dict[str, Any] = json.loads(bytes(view[8 : 8 + size]))
        self.view = view
        self.at = 8 + size
        self.end = len(data) - 4

    def take(self, n: int) -> memoryview:
        """The next `n` bytes."""
        if not 0 <= n <= self.end - self.at:
            raise StateError("saved promo state truncated")
        piece = self.view[self.at : self.at + n]
        self.at += n
        return piece

    def tracker(self, rules: PromoRules) -> PromoTracker:
        h = self.header
        if h["format"] != FORMAT or h["machine"] != _MACHINE:
            raise StateError("saved promo state of another format or machine")
        tracker = PromoTracker(rules)
        history = tracker._history
        if h["history"] != history:
            raise StateError("saved promo state for another history size")
        objs: list[AuthorState] = []
        authors = tracker._authors
        for key, record in zip(h["keys"], h["authors"], strict=True):
            a = self._author(record, history)
            objs.append(a)
            if key is not None:
                authors[str(key)] = a
        tracker._kept, tracker._hot = int(h["kept"]), int(h["hot"])
        texts = tracker._texts
        hashes = array("q")
        hashes.frombytes(self.take(int(h["text_bytes"])))
        for text_hash, who in zip(hashes, h["texts"], strict=True):
            texts[text_hash] = who if isinstance(who, str) else set(map(str, who))
            texts.order.append(text_hash)
        texts.promo.update(hashes[i] for i in h["promo_texts"])
        tracker._promo_posts = dict.fromkeys(map(str, h["promo_posts"]))
        tracker._links.restore(h.get("shared_links", []))
        w = h["window"]
        window = tracker._window
        if w["span"] != window.span:
            raise StateError("saved promo state for another rate window")
        times, owners = array("q"), array("i")
        times.frombytes(self.take(int(w["bytes"][0])))
        owners.frombytes(self.take(int(w["bytes"][1])))
        if len(times) != len(owners) or self.at != self.end:
            raise StateError("saved promo state inconsistent")
        window.times = times
        window.authors = [objs[i] for i in owners]
        window.active = int(w["active"])
        window.counts = {int(k): int(v) for k, v in w["counts"]}
        window.median = float(w["median"])
        window.since_median = int(w["since_median"])
        return tracker

    def _author(self, record: list[Any], history: int) -> AuthorState:
        handle, posts, promo, links, sprayed, coordinated, window, masked, domains, spray, sizes = (
            record
        )
        a = AuthorState(str(handle), history)
        a.sketches.frombytes(self.take(sizes[0]))
        a.sizes = bytearray(self.take(sizes[1]))
        a.times.frombytes(self.take(sizes[2]))
        a.hashes.frombytes(self.take(sizes[3]))
        a.mask = int.from_bytes(self.take(sizes[4]), "little")
        if sum(a.sizes) != len(a.sketches):
            raise StateError("saved promo state inconsistent")
        a.posts, a.promo, a.links = int(posts), int(promo), int(links)
        a.sprayed, a.coordinated = bool(sprayed), bool(coordinated)
        a.window, a.masked = int(window), int(masked)
        a.domains = {str(d): int(n) for d, n in domains}
        if spray is not None:
            trail = a.spray = ReplyLinks()
            trail.domains = [str(d) for d in spray[0]]
            trail.users = [str(u) for u in spray[1]]
            trail.in_order = bool(spray[2])
            trail.times.frombytes(self.take(int(spray[3])))
            if not len(trail.domains) == len(trail.users) == len(trail.times):
                raise StateError("saved promo state inconsistent")
        return a
