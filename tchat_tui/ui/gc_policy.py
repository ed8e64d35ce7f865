"""Garbage collection around the console's start-up (no Textual here: the CLI imports it first)."""

from __future__ import annotations

import gc

THRESHOLDS = (700, 10, 100)
"""The console's collector thresholds (CPython's are 700, 10, 10). A full collection walks every
tracked object (tens of milliseconds with a flood's posts, lines and scorer state in memory), so
it runs about ten times less often; the young generations are collected as before (a larger
middle one measured longer pauses)."""

_managed = False
"""Whether the console manages the collector (the CLI, the bench); tests leave it alone."""


def pause_gc_for_startup() -> None:
    """Skip garbage collection while the console starts (the CLI calls this first thing).

    Start-up allocates hundreds of thousands of long-lived objects (modules, classes, styles);
    collecting them repeatedly only delays the first frame.
    """
    global _managed
    _managed = True
    gc.disable()


def settle_startup_memory() -> None:
    """After the first frame: move what start-up left alive into the permanent generation.

    `gc.freeze()` keeps those objects out of every later collection, so a full collection during
    a flood scans the chat's objects, not the whole of Textual. Does nothing unless
    `pause_gc_for_startup` paused the collector (tests and embedders keep theirs as it is).
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    gc.enable()


def freeze_long_lived() -> None:
    """After the database opened and the scorer warmed up, before the first post: freeze again.

    What loads after the first frame (sqlite-utils, the promo rules, the text tables) lives as
    long as the console; left in the collector it made every full collection during a flood
    cost tens of milliseconds. Only when `pause_gc_for_startup` put the console in charge.
    """
    if _managed:
        gc.freeze()
