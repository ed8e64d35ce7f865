"""`tchat-live import FILE --db PATH`: load a recorded stream through the console's own pipeline."""

from __future__ import annotations

import argparse
import gc
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.post import Post

if TYPE_CHECKING:
    from tchat_tui.pipeline.session import ChatSession

BATCH = 1000
IMPORT_GC_THRESHOLD = 100_000
"""Allocations between two young-generation collections during an import (default 700)."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `import` subcommand."""
    from tchat_tui.cli.options import add_roster_options

    p = subparsers.add_parser(
        "import",
        help="load a recorded stream into a chat database",
        description=(
            "Load a recorded stream (X, Mastodon and Bluesky lines, as `record` writes them; one"
            " chat even across networks) with the console's pipeline."
        ),
    )
    p.add_argument("file", type=Path, help="the recorded stream")
    p.add_argument(
        "--db", type=Path, help="the chat database (default: the tag's, in the data folder)"
    )
    p.add_argument("--tag", help="the chat's tag (default: from the plan or the file)")
    add_roster_options(p)
    p.add_argument("--new-chat", action="store_true", help="start a new chat in this database")
    p.set_defaults(func=run)


def guess_tag(posts: list[Post]) -> str | None:
    """The chat's tag in a recording: the hashtag most posts carry."""
    counts: Counter[str] = Counter()
    for post in posts:
        counts.update({h.casefold(): h for h in post.hashtags}.values())
    if not counts:
        return None
    folded: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for tag, n in counts.items():
        folded[tag.casefold()] += n
        spelled.setdefault(tag.casefold(), tag)
    return spelled[folded.most_common(1)[0][0]]


def estimate_lines(path: Path, sample: int = 1 << 16) -> int:
    """About how many lines a file has: its size over the mean length of its first lines."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(sample)
    except OSError:
        return 0
    if not head:
        return 0
    lines = head.count(b"\n") + (not head.endswith(b"\n"))
    return lines if size <= len(head) else round(size * lines / len(head))


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the import with rare cyclic garbage collections.

    An import makes millions of short-lived objects and no cycles; with the default thresholds
    the collector runs every 700 allocations and, as batches wait in the writer's queue, keeps
    re-examining them (about a tenth of the import's time). Restored when the import ends.
    """
    thresholds = gc.get_threshold()
    gc.freeze()  # what exists now (modules, the session) is never examined again
    gc.set_threshold(IMPORT_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class BatchWriter:
    """Stores prepared batches in a thread while the next batch is parsed and classified.

    sqlite3 releases the GIL while SQLite works, so parsing and storing overlap on two cores.
    """

    def __init__(self, session: ChatSession) -> None:
        self.session = session
        self.stored = 0
        self.error: BaseException | None = None
        self._queue: queue.Queue[list[ChatPost] | None] = queue.Queue(maxsize=4)
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()
        self._finished = False

    def _run(self) -> None:
        while (items := self._queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                s = self.session
                self.stored += len(s.store.add_posts(s.chat_id, items, checked=True))
            except BaseException as exc:  # re-raised in the importing thread
                self.error = exc

    def put(self, items: list[ChatPost]) -> None:
        """Queue a prepared batch (blocks while four are waiting)."""
        if self.error is not None:
            raise self.error
        self._queue.put(items)

    def finish(self) -> int:
        """Wait for every queued batch; return how many posts were stored."""
        if not self._finished:
            self._finished = True
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise self.error
        return self.stored


def run(args: argparse.Namespace) -> int:
    """Import the file; print what was stored and skipped."""
    from tchat_tui.cli import import_scoring
    from tchat_tui.domain.plan.model import PlanError
    from tchat_tui.pipeline.session import ChatSession
    from tchat_tui.pipeline.settings import Settings, TagError
    from tchat_tui.sources.base import SourceError
    from tchat_tui.sources.replay import ReplayStats, check_replay_file, read_posts
    from tchat_tui.store.errors import StoreError
    from tchat_tui.store.precheck import check_folder_exists

    try:
        check_replay_file(args.file)
        if args.db is not None:  # never a folder the user named by mistake: Store.open makes it
            check_folder_exists(args.db)
        tag = args.tag
        if not tag and not args.plan:
            tag = guess_tag(list(islice(read_posts(args.file), 500)))
            if not tag:
                print(f"tchat-live import: no hashtag in {args.file}; give --tag", file=sys.stderr)
                return 2
        settings = Settings(
            tag=tag or "",
            db_path=args.db,
            plan_path=args.plan,
            host=args.host,
            guests=tuple(args.guest),
            co_moderators=tuple(args.comod),
            dry_run=True,
            new_chat=args.new_chat,
        )
        session = ChatSession(settings)
        session.warm_up()
    except (SourceError, StoreError, PlanError, TagError, OSError) as exc:
        print(f"tchat-live import: {exc}", file=sys.stderr)
        return 2
    stats = ReplayStats()
    stored = 0
    tty = sys.stderr.isatty()
    started = last = time.perf_counter()
    # Nothing sends during an import, so whether an own post may come back is known now; asking
    # per batch would also wait for the writer, which holds the store while it stores a batch.
    match_outbox = session.store.has_sent_posts()
    prepare = session.pipeline.prepare
    # Forked first: a fork copies only the calling thread, so before the writer's thread starts.
    scoring = import_scoring.start(session.pipeline, IMPORT_GC_THRESHOLD)
    writer = BatchWriter(session)
    waiting: list[ChatPost] | None = None
    """The batch the scoring process has, stored once its flags are back."""
    bulk = session.store.bulk_load(estimate_lines(args.file))
    with _fewer_collections(), bulk:
        try:
            posts = read_posts(args.file, stats)
            while True:
                batch = list(islice(posts, BATCH))
                if not batch:
                    break
                if scoring is None:
                    writer.put(prepare(batch, match_outbox=match_outbox))
                else:
                    questions: list[str | None] = []
                    items = prepare(batch, match_outbox=match_outbox, unscored=questions)
                    scoring.send(items, questions)
                    if waiting is not None:
                        scoring.apply(waiting)
                        writer.put(waiting)
                    waiting = items
                now = time.perf_counter()
                if tty and now - last > 0.2:
                    rate = stats.posts / max(now - started, 1e-9)
                    print(
                        f"\rimporting: {stats.posts} posts read, {writer.stored} stored,"
                        f" {stats.malformed} malformed ({rate:,.0f}/s)",
                        end="",
                        file=sys.stderr,
                    )
                    last = now
            if scoring is not None and waiting is not None:
                scoring.apply(waiting)
                writer.put(waiting)
            stored = writer.finish()
        except (StoreError, import_scoring.ScoringFailed) as exc:
            print(f"\ntchat-live import: {exc}", file=sys.stderr)
            return 2
        finally:
            if scoring is not None:
                scoring.close()
            writer.finish()
            session.store.close()
    elapsed = time.perf_counter() - started
    if tty:
        print("\r" + " " * 78 + "\r", end="", file=sys.stderr)
    duplicates = stats.posts - stored
    print(
        f"imported {args.file} into {session.db_path} (#{session.tag}, chat {session.chat_id}):"
        f" {stored} stored, {duplicates} already there, {stats.malformed} malformed lines skipped"
        f" ({stats.posts / max(elapsed, 1e-9):,.0f} posts/s)"
    )
    for example in stats.examples:
        print(f"  skipped {example}", file=sys.stderr)
    return 0
