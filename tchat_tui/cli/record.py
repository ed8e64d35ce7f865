"""`tchat-live record '#tag' --out FILE`: save what the networks deliver for a tag as a replay file.

One line per post, written and flushed as each post arrives, so a recording cut short is still a
valid file: X's filtered-stream object as today, a Mastodon status or a Bluesky post in an
envelope that names its network (`tchat_tui.clients.recording_line`). `--network` follows one
network or several at once, through the console's own sources (`record_sources`). Ctrl+C ends
it cleanly with a count. A post with a NUL or half a surrogate pair is written with U+FFFD in
their place. A network never reached (unreachable, refused, rate-limited throughout) makes the
recording exit 1 and say why; with several, the others go on meanwhile.
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

from tchat_tui.cli.record_sources import LABEL, RecordedSource
from tchat_tui.clients.recording_line import recording_line
from tchat_tui.domain.post import Network, Post
from tchat_tui.sources.base import SourceState

PROG = "tchat-live record"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `record` subcommand."""
    from tchat_tui.cli.options import network_list

    p = subparsers.add_parser(
        "record",
        help="save a live stream (X, Mastodon, Bluesky) to a replay file",
        description=(
            "Follow a tag on the networks given (X: filtered stream, else recent search; Mastodon:"
            " the instance's hashtag stream; Bluesky: search and Jetstream) and write each post"
            " as one line: the replay format. Credentials as the console's (TCHAT_X_BEARER_TOKEN,"
            " TCHAT_MASTODON_INSTANCE and TCHAT_MASTODON_TOKEN, TCHAT_BLUESKY_HANDLE and"
            " TCHAT_BLUESKY_APP_PASSWORD, or the credentials file); they are never written."
        ),
    )
    p.add_argument("tag", help="the tag to follow, quoted: '#PyChat'")
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.add_argument(
        "--network",
        type=network_list,
        default=(Network.X,),
        help="networks to follow, comma-separated: x,mastodon,bluesky (default: x)",
    )
    p.add_argument("--max-posts", type=int, help="stop after this many posts")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    p.add_argument("--append", action="store_true", help="add to an existing file")
    p.add_argument(
        "--mode",
        choices=("auto", "stream", "search"),
        default="auto",
        help="X: filtered stream or recent search (default: the stream when the account has it)",
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
        self.connected: set[Network] = set()
        """The networks ever read: a source went live, or a post arrived."""
        self.last_state: dict[str, str] = {}
        """Each source's last state as printed."""
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def posts(self, posts: list[Post]) -> None:
        """Write the posts not written yet."""
        with self._lock:
            if self.out.closed:  # a source still stopping after the end
                return
            for post in posts:
                if self.max_posts is not None and self.count >= self.max_posts:
                    self.stop.set()
                    return
                self.connected.add(post.network)
                if post.key in self._seen or not post.raw:
                    continue
                self._seen.add(post.key)
                # What is written stays UTF-8 and replays as read: NUL and lone surrogates
                # (escaped or not) become U+FFFD; a line that still cannot be written is skipped.
                try:
                    line = recording_line(post) + "\n"
                    line.encode("utf-8")
                except (UnicodeError, ValueError):  # MalformedLine is a ValueError
                    self.skipped += 1
                    continue
                self.out.write(line)
                self.out.flush()
                self.count += 1
            if self.max_posts is not None and self.count >= self.max_posts:
                self.stop.set()

    def state(self, network: Network, state: SourceState) -> None:
        """Say on stderr what a source is doing (once per change), after its network's name."""
        if state.state == "live":
            with self._lock:
                self.connected.add(network)
        text = state.state
        if state.until is not None:
            text += f" until {state.until.astimezone():%H:%M}"
        if state.detail:
            text += f" ({state.detail})"
        if self.last_state.get(state.source) != text:
            self.last_state[state.source] = text
            print(f"{PROG}: {LABEL[network]}: {self.redact(text)}", file=sys.stderr, flush=True)

    def malformed(self, count: int, example: str) -> None:
        """Count what could not be parsed (it is not written)."""
        with self._lock:
            self.skipped += count

    def close(self) -> None:
        """Close the file; what a source still hands over after this is not written."""
        with self._lock:
            self.out.close()


class NetworkSink:
    """One source's sink: hands everything to the writer, saying which network it reads."""

    def __init__(self, writer: RecordingWriter, network: Network) -> None:
        self.writer = writer
        self.network = network
        self.last_state = ""
        """This source's last state as printed."""

    def posts(self, posts: list[Post]) -> None:
        """New posts: written once each."""
        self.writer.posts(posts)

    def state(self, state: SourceState) -> None:
        """The source's state, printed after the network's name."""
        self.writer.state(self.network, state)
        self.last_state = self.writer.last_state.get(state.source, "")

    def malformed(self, count: int, example: str) -> None:
        """Counted, not written."""
        self.writer.malformed(count, example)

    def edited(self, post: Post) -> None:
        """An edit is a new version; the recording keeps what arrived first."""

    def deleted(self, key: str) -> None:
        """The recording keeps what arrived."""


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Record until Ctrl+C, --max-posts or --duration; return the exit code."""
    from tchat_tui.cli.record_sources import CannotRecord, record_sources
    from tchat_tui.clients.credentials import CredentialsError, load_credentials
    from tchat_tui.domain.cost import CostMeter
    from tchat_tui.domain.text.tag import is_valid_tag, normalize_tag

    tag = normalize_tag(args.tag or "")
    if not is_valid_tag(tag):
        return _fail(f"not a hashtag: {args.tag!r} (write it quoted: '#PyChat')")
    if args.max_posts is not None and args.max_posts < 1:
        return _fail("--max-posts must be at least 1")
    if args.duration is not None and args.duration <= 0:
        return _fail("--duration must be a positive number of seconds")
    networks: tuple[Network, ...] = tuple(dict.fromkeys(args.network))
    if not networks:
        return _fail("--network names no network (use x, mastodon, bluesky)")
    try:
        creds = load_credentials()
    except CredentialsError as exc:
        return _fail(str(exc))
    meter = CostMeter()
    try:
        sources = record_sources(tag, networks, creds, meter=meter, x_mode=args.mode)
    except CannotRecord as exc:
        return _fail(creds.redact(str(exc)))
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
    failures: list[tuple[Network, str]] = []
    """Each source that stopped on an error: its network and why (one line)."""
    threads = [_start(s, writer, stop, failures, creds.redact) for s in sources]
    started = time.monotonic()
    interrupted = False
    try:
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(0.2 / len(threads))
            if args.duration is not None and time.monotonic() - started >= args.duration:
                stop.set()
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        try:
            for thread in threads:
                thread.join(5.0)
        except KeyboardInterrupt:
            pass
    finally:
        stop.set()
        writer.close()
    how = "interrupted: " if interrupted else ""
    cost = ""
    if Network.X in networks:
        cost = f"about ${meter.spend():.2f} of X reads, "
    print(
        f"{PROG}: {how}{writer.count} posts written to {out}"
        + (f", {writer.skipped} malformed skipped" if writer.skipped else "")
        + f" ({cost}{datetime.now(UTC):%H:%M} UTC)",
        file=sys.stderr,
    )
    for _, failure in failures:
        print(f"{PROG}: {failure}", file=sys.stderr)
    failed = {network for network, _ in failures}
    never = [n for n in networks if n not in writer.connected]
    for network in never:
        if network in failed:
            continue  # said above, with why
        # Unreachable, refused or rate-limited from the first call on: nothing was recorded
        # because nothing was read, which is not a quiet chat.
        said = [t.sink.last_state for t in threads if t.recorded.network is network]
        last = creds.redact("; ".join(s for s in said if s)) or "no answer"
        print(f"{PROG}: never connected to {LABEL[network]} (last: {last})", file=sys.stderr)
    return 1 if failures or never else 0


class SourceThread(threading.Thread):
    """A source running in its own thread, with the sink it writes to."""

    def __init__(
        self, recorded: RecordedSource, sink: NetworkSink, target: Callable[[], None]
    ) -> None:
        super().__init__(target=target, name=f"record-{recorded.source.name}", daemon=True)
        self.recorded = recorded
        self.sink = sink


def _start(
    recorded: RecordedSource,
    writer: RecordingWriter,
    stop: threading.Event,
    failures: list[tuple[Network, str]],
    redact: Callable[[str], str],
) -> SourceThread:
    """Run one source in a thread; its failure is one line in `failures`, never a traceback.

    With one source, its end ends the recording; with several, the others go on.
    """
    from tchat_tui.sources.base import SourceError

    sink = NetworkSink(writer, recorded.network)
    label = LABEL[recorded.network]

    def said(message: str) -> None:
        named = message if message.startswith(label) else f"{label}: {message}"
        failures.append((recorded.network, redact(named.splitlines()[0])))

    def work() -> None:
        try:
            recorded.source.run(sink, stop)
        except SourceError as exc:
            said(str(exc))
        except Exception as exc:  # one line for the user, never a traceback
            said(f"{type(exc).__name__}: {exc}")

    thread = SourceThread(recorded, sink, work)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    """Run `record` alone (the tests start it as a process)."""
    parser = argparse.ArgumentParser(prog="tchat-live")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["record", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
