"""`tchat-live record '#tag' --out FILE`: save what X delivers for a tag as a replay file.

One X filtered-stream line per post (the replay format), written and flushed as each post
arrives, so a recording cut short is still a valid file. Ctrl+C ends it cleanly with a count.
A post with a NUL or half a surrogate pair is written with U+FFFD in their place. A recording
that never reached X (unreachable, refused, rate-limited throughout) exits 1 and says why.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tchat_tui.clients.x.stream_line import clean_line
from tchat_tui.domain.post import Post
from tchat_tui.sources.base import SourceState

PROG = "tchat-live record"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `record` subcommand."""
    p = subparsers.add_parser(
        "record",
        help="save a live X stream to a replay file",
        description=(
            "Follow a tag on X (filtered stream, else recent search) and write each post as one"
            " filtered-stream line: the replay format. Needs TCHAT_X_BEARER_TOKEN."
        ),
    )
    p.add_argument("tag", help="the tag to follow, quoted: '#PyChat'")
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.add_argument("--max-posts", type=int, help="stop after this many posts")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    p.add_argument("--append", action="store_true", help="add to an existing file")
    p.add_argument(
        "--mode",
        choices=("auto", "stream", "search"),
        default="auto",
        help="filtered stream or recent search (default: the stream when the account has it)",
    )
    p.set_defaults(func=run)


class RecordingWriter:
    """The sink of a recording: each new post becomes one flushed line."""

    def __init__(
        self,
        out: IO[str],
        stop: threading.Event,
        max_posts: int | None,
        redact: Callable[[str], str] = str,
    ) -> None:
        self.out = out
        self.redact = redact
        """Hides the credentials (and the secret parts of addresses) in what is printed."""
        self.stop = stop
        self.max_posts = max_posts
        self.count = 0
        self.skipped = 0
        self.last_state = ""
        self.connected = False
        """Whether X was ever read: the source went live, or a post arrived."""
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def posts(self, posts: list[Post]) -> None:
        """Write the posts not written yet."""
        with self._lock:
            for post in posts:
                if self.max_posts is not None and self.count >= self.max_posts:
                    self.stop.set()
                    return
                self.connected = True
                if post.native_id in self._seen or not post.raw:
                    continue
                self._seen.add(post.native_id)
                # What is written stays UTF-8 and replays as read: NUL and lone surrogates
                # (escaped or not) become U+FFFD; a line that still cannot be written is skipped.
                try:
                    line = clean_line(post.raw.strip()) + "\n"
                    line.encode("utf-8")
                except UnicodeError:
                    self.skipped += 1
                    continue
                self.out.write(line)
                self.out.flush()
                self.count += 1
            if self.max_posts is not None and self.count >= self.max_posts:
                self.stop.set()

    def state(self, state: SourceState) -> None:
        """Say on stderr what the source is doing (once per change)."""
        if state.state == "live":
            self.connected = True
        text = state.state
        if state.until is not None:
            text += f" until {state.until.astimezone():%H:%M}"
        if state.detail:
            text += f" ({state.detail})"
        if text != self.last_state:
            self.last_state = text
            print(f"{PROG}: {self.redact(text)}", file=sys.stderr, flush=True)

    def malformed(self, count: int, example: str) -> None:
        """Count what could not be parsed (it is not written)."""
        self.skipped += count

    def edited(self, post: Post) -> None:
        """X edits are new versions; the recording keeps what arrived."""

    def deleted(self, key: str) -> None:
        """Not reported by X's stream."""


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Record until Ctrl+C, --max-posts or --duration; return the exit code."""
    from tchat_tui.clients.credentials import CredentialsError, load_credentials
    from tchat_tui.clients.x.api import CAN_POST, ApiBaseError, check_api_base
    from tchat_tui.domain.cost import CostMeter
    from tchat_tui.domain.text.tag import is_valid_tag, normalize_tag
    from tchat_tui.sources.base import SourceError
    from tchat_tui.sources.resume import MemoryCursor
    from tchat_tui.sources.x.source import XSource

    tag = normalize_tag(args.tag or "")
    if not is_valid_tag(tag):
        return _fail(f"not a hashtag: {args.tag!r} (write it quoted: '#PyChat')")
    if args.max_posts is not None and args.max_posts < 1:
        return _fail("--max-posts must be at least 1")
    if args.duration is not None and args.duration <= 0:
        return _fail("--duration must be a positive number of seconds")
    try:
        creds = load_credentials()
    except CredentialsError as exc:
        return _fail(str(exc))
    x = creds.get("x")
    if not x.get("bearer_token") and not all(x.get(k) for k in CAN_POST):
        return _fail("no X credentials: set TCHAT_X_BEARER_TOKEN (or a credentials file)")
    try:
        check_api_base(x.get("api_base"))
    except ApiBaseError as exc:
        return _fail(str(exc))
    out: Path = args.out
    if out.is_dir():
        return _fail(f"{out} is a directory")
    if out.exists() and out.stat().st_size > 0 and not args.append:
        return _fail(f"{out} exists: add --append, or choose another file")
    try:
        fh = out.open("a" if args.append else "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror}")

    stop = threading.Event()
    writer = RecordingWriter(fh, stop, args.max_posts, creds.redact)
    meter = CostMeter()
    source = XSource(
        tag,
        x,
        cursor=MemoryCursor(),
        meter=meter,
        mode=args.mode,
        initial_backfill=None,
        origin=lambda key: creds.origin("x", key),
    )
    failure: list[str] = []

    def work() -> None:
        try:
            source.run(writer, stop)
        except SourceError as exc:
            failure.append(creds.redact(str(exc)))
        except Exception as exc:  # one line for the user, never a traceback
            failure.append(creds.redact(f"{type(exc).__name__}: {exc}".splitlines()[0]))
        finally:
            stop.set()

    started = time.monotonic()
    thread = threading.Thread(target=work, name="record-x", daemon=True)
    thread.start()
    interrupted = False
    try:
        while thread.is_alive():
            thread.join(0.2)
            if args.duration is not None and time.monotonic() - started >= args.duration:
                stop.set()
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        try:
            thread.join(5.0)
        except KeyboardInterrupt:
            pass
    finally:
        stop.set()
        fh.close()
    spent = meter.spend()
    how = "interrupted: " if interrupted else ""
    print(
        f"{PROG}: {how}{writer.count} posts written to {out}"
        + (f", {writer.skipped} malformed skipped" if writer.skipped else "")
        + f" (about ${spent:.2f} of X reads, {datetime.now(UTC):%H:%M} UTC)",
        file=sys.stderr,
    )
    if failure:
        print(f"{PROG}: {failure[0]}", file=sys.stderr)
        return 1
    if not writer.connected:
        # Unreachable, refused or rate-limited from the first call on: nothing was recorded
        # because nothing was read, which is not a quiet chat.
        last = creds.redact(writer.last_state) or "no answer"
        print(f"{PROG}: never connected to X (last: {last})", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run `record` alone (the tests start it as a process)."""
    parser = argparse.ArgumentParser(prog="tchat-live")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["record", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
