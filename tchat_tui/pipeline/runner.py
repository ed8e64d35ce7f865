"""The sources' threads and the screen's queues: runs each source, hands its batches to the
pipeline, and queues what was stored and the sources' states for the screen to drain."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.post import Post
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.sources.base import Source, SourceSink, SourceState


class PipelineRunner(SourceSink):
    """Runs sources in threads, feeds the pipeline, and queues results for the screen.

    The screen drains `fresh` and `events` on a short timer: workers never touch widgets.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.fresh: deque[ChatPost] = deque()
        """Newly stored posts, waiting for the screen."""
        self.events: deque[SourceState] = deque()
        """Source state changes, waiting for the screen."""
        self.malformed_count = 0
        self.last_malformed = ""
        self.edits: deque[str] = deque()
        self.stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()  # start() runs in a worker, shutdown() on quit
        self.on_stored: Callable[[list[ChatPost]], None] | None = None
        """Called in the source's thread after each stored batch (cost estimates, counters)."""

    # SourceSink
    def posts(self, posts: list[Post]) -> None:
        """Store a batch from a source and queue the new posts for the screen."""
        fresh = self.pipeline.process(posts)
        self.fresh.extend(fresh)
        if self.on_stored is not None and fresh:
            self.on_stored(fresh)

    def state(self, state: SourceState) -> None:
        """Queue a source state for the header."""
        self.events.append(state)

    def malformed(self, count: int, example: str) -> None:
        """Count skipped lines."""
        self.malformed_count += count
        self.last_malformed = example

    def edited(self, post: Post) -> None:
        """Apply an edit to the stored post."""
        edited_at = post.created_at
        if self.pipeline.store.update_post_text(post.key, post.text, edited_at, post.raw):
            self.edits.append(post.key)

    def deleted(self, key: str) -> None:
        """Mark a stored post deleted."""
        if self.pipeline.store.mark_deleted(key):
            self.edits.append(key)

    def start(self, source: Source) -> threading.Thread | None:
        """Run a source in a daemon thread; None once the runner is stopping."""

        def target() -> None:
            try:
                source.run(self, self.stop)
            except Exception as exc:  # a source failure must reach the screen, not kill the app
                self.events.append(SourceState(source.name, "failed", _one_line(exc)))

        t = threading.Thread(target=target, name=f"source-{source.name}", daemon=True)
        with self._threads_lock:
            if self.stop.is_set():  # a console quitting while it opens starts nothing
                return None
            t.start()
            self._threads.append(t)
        return t

    def shutdown(self, timeout: float = 2.0) -> None:
        """Ask every source to stop and wait a little for them."""
        with self._threads_lock:
            self.stop.set()
            threads = list(self._threads)
        for t in threads:
            t.join(timeout)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
