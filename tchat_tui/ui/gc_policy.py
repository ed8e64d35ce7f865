"""Garbage collection around the console's start-up (no Textual here: the CLI imports it first)."""

from __future__ import annotations

import gc


def pause_gc_for_startup() -> None:
    """Skip garbage collection while the console starts (the CLI calls this first thing).

    Start-up allocates hundreds of thousands of long-lived objects (modules, classes, styles);
    collecting them repeatedly only delays the first frame.
    """
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
    gc.enable()
