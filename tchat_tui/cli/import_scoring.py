"""The import's promo scoring in a second process, one batch behind the parsing.

Scoring is the dearest step of an import (about half of its time on one core) and it is
sequential: every verdict depends on the posts before it. Parsing, classifying and storing are
the other half. A forked child takes over the pipeline's scorer (its state is the parent's at the
fork: the chat's history, the recent posts a reply may answer) and scores batch k while the
parent parses and classifies batch k+1; the parent stores batch k once its flags are back. The
child sees the same posts in the same order with the same question texts, so the verdicts are
those of the in-process pipeline (`tests/test_import_scoring.py` compares them post by post).

Posts cross the pipe as plain tuples without their payload (the scorer reads neither `raw` nor
the metrics); flags come back only for the posts that have one. Where `fork` is unavailable
(Windows, or a platform that refuses it), `start` returns None and the import scores in process.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Link, Network, Post, Role
from tchat_tui.pipeline.ingest import Pipeline

PR_SET_PDEATHSIG = 1
"""prctl(2): the signal this process gets when its parent ends (Linux)."""
PARENT_POLL = 0.5
"""Seconds between two looks at the parent's pid, where PR_SET_PDEATHSIG is not available."""

_Wire = tuple[Any, ...]
"""One post and what its scorer needs, as it crosses the pipe."""


class ScoringFailed(TchatError, RuntimeError):
    """The scoring process stopped (its error, in one line)."""


def _to_wire(item: ChatPost, question: str | None) -> _Wire:
    p, c = item.post, item.classification
    links = tuple((link.url, link.expanded_url) for link in p.links) if p.links else ()
    return (
        p.network._value_,
        p.native_id,
        p.author_id,
        p.author_handle,
        p.author_name,
        p.text,
        p.created_at,
        p.reply_to_id,
        p.reply_to_author_id,
        p.conversation_id,
        p.hashtags,
        links,
        p.mentions,
        p.is_repost,
        p.repost_of_id,
        p.lang,
        p.instance,
        c.role._value_,
        c.question_number,
        c.answers,
        c.audience_question,
        question,
    )


_NETWORKS = {n._value_: n for n in Network}
_ROLES = {r._value_: r for r in Role}
_VERDICTS: dict[tuple[str, int | None, int | None, bool], Classification] = {}
"""Classifications are immutable and few (role, question, answer, audience): shared."""


def _from_wire(w: _Wire) -> tuple[Post, Classification, str | None]:
    links = tuple(Link(url, expanded) for url, expanded in w[11]) if w[11] else ()
    post = Post(
        _NETWORKS[w[0]],
        w[1],
        w[2],
        w[3],
        w[4],
        w[5],
        w[6],
        w[7],
        w[8],
        w[9],
        w[10],
        links,
        w[12],
        w[13],
        w[14],
        w[15],
        w[16],
    )
    verdict = w[17:21]
    cls = _VERDICTS.get(verdict)
    if cls is None:
        cls = _VERDICTS[verdict] = Classification(_ROLES[w[17]], w[18], w[19], w[20])
    return post, cls, w[21]


def _die_with_parent(parent_pid: int) -> None:
    """End this process when its parent dies, whatever it is doing at that moment.

    The pipe's end-of-file is the first sign (`_serve`); this is the second, for a child busy
    scoring or blocked in a send: on Linux the kernel sends SIGKILL when the parent ends
    (PR_SET_PDEATHSIG), elsewhere a thread watches for the parent's pid to change. Either way a
    parent already gone before this ran (a kill right after the fork) is seen at once.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent_pid:
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL)
        os._exit(1)

    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _serve(
    conn: Connection,
    pipeline: Pipeline,
    gc_threshold: int,
    parent_end: Connection | None = None,
    parent_pid: int | None = None,
) -> None:
    """The child: score each batch in order, send back (index, level, score, reasons) per flag.

    It first closes its copy of the parent's end of the pipe (the fork copied it): with that
    copy open the pipe never reaches end-of-file, and a child whose parent was killed waits in
    `recv` for ever, holding the database's files open.
    """
    if parent_end is not None:
        parent_end.close()
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    # As in the parent during an import: what exists now is never examined again, and the young
    # generation is collected rarely (scoring makes many short-lived objects and no cycles).
    gc.freeze()
    gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
    scorer = pipeline.scorer
    assert scorer is not None
    parent_of, remember = pipeline.parent_of, pipeline._remember
    try:
        while (batch := conn.recv()) is not None:
            flags = []
            for i, wire in enumerate(batch):
                post, cls, question = _from_wire(wire)
                flag = scorer.score(post, cls, parent_of(post), question)
                remember(post)
                if flag.level != "none" or flag.score or flag.reasons:
                    flags.append((i, flag.level, flag.score, flag.reasons))
            conn.send(flags)
    except EOFError:  # the parent went away
        pass
    except BaseException as exc:  # reported to the parent, which stops the import
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({os.path.basename(last[0].filename)}:{last[0].lineno})" if last else ""
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}{where}"))
        except OSError:
            pass
    finally:
        conn.close()


class ScoringProcess:
    """The parent's side: `send` a batch, later `apply` its flags to the same items."""

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self._process = process
        self._conn = conn
        self._closed = False

    def send(self, items: Sequence[ChatPost], questions: Sequence[str | None]) -> None:
        """Hand a batch to the child (it scores while the caller prepares the next one)."""
        batch = [_to_wire(item, q) for item, q in zip(items, questions, strict=True)]
        try:
            self._conn.send(batch)
        except OSError as exc:  # the child is gone: say why, if it said
            raise self._failure() from exc

    def apply(self, items: Sequence[ChatPost]) -> None:
        """Wait for the flags of the oldest batch sent (these items) and set them."""
        try:
            reply = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise self._failure() from exc
        if isinstance(reply, tuple):
            raise ScoringFailed(f"scoring failed: {reply[1]}")
        for i, level, score, reasons in reply:
            item = items[i]
            item.promo_level, item.promo_score, item.promo_reasons = level, score, reasons

    def _failure(self) -> ScoringFailed:
        """Why the child stopped: its own error message if one is still in the pipe."""
        try:
            while self._conn.poll(1.0):
                reply = self._conn.recv()
                if isinstance(reply, tuple):
                    return ScoringFailed(f"scoring failed: {reply[1]}")
        except (EOFError, OSError):
            pass
        self._process.join(1.0)
        return ScoringFailed(f"the scoring process stopped (exit code {self._process.exitcode})")

    def close(self) -> None:
        """Tell the child to stop and wait for it (it is killed if it does not stop)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()


def start(pipeline: Pipeline, gc_threshold: int = 700) -> ScoringProcess | None:
    """Fork the scoring child for `pipeline` (whose scorer it takes over), or None.

    Call before any other thread starts (a fork copies only the calling thread). After this the
    parent's scorer is stale: the import prepares with `unscored` and never scores in process.
    """
    if pipeline.scorer is None or "fork" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe()
    process = ctx.Process(
        target=_serve,
        args=(child_end, pipeline, gc_threshold, parent_end, os.getpid()),
        name="import-scoring",
        daemon=True,
    )
    try:
        process.start()
    except OSError:
        parent_end.close()
        child_end.close()
        return None
    child_end.close()
    return ScoringProcess(process, parent_end)
