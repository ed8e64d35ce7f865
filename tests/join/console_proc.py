"""One console as a process, for the tests and the benchmark of consoles sharing a chat: the real
app (`build_app`, MainScreen, the inbox's drain) run headless, driven by lines on stdin.

    python tests/join/console_proc.py --db DB --tag TAG [--join] [--moderator NAME]
        [--replay FILE --speed N] [--plan FILE] [--dry-run]

stdin, one command a line (KEY is a stored post's key; it is selected first, as the cursor would):
    star KEY | hide KEY | claim KEY | answered KEY | mute KEY | allow KEY   the moderation keys
    reply KEY TEXT      the composer's send of a reply to KEY
    watch KEY           print `STATE KEY starred hidden claimed_by answered muted` on each change
    dump PATH           write JSON: when each post entered the stream pane (wall clock), and for
                        the reader when each was stored (`stored`)
    quit                leave as ctrl+q does
stdout: `READY <pid> reading|joined`, `ROLE reading` when a joined console took the reading over,
`NOTE <text>` for each notice on the screen, `OK <command>` after each command, `STATE ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def say(line: str) -> None:
    """One line to the test, at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


SEEN: dict[str, float] = {}
"""Post key -> wall-clock time it entered the stream pane."""
STORED: dict[str, float] = {}
"""Post key -> wall-clock time this console's pipeline committed it (the reader)."""


def instrument() -> None:
    """Note when posts are stored and when they reach the stream pane."""
    from tchat_tui.pipeline.runner import PipelineRunner
    from tchat_tui.ui.widgets.stream import StreamPane

    add = StreamPane.add

    def timed_add(self: StreamPane, new: Any) -> int:
        entries = list(new)
        now = time.time()
        for e in entries:
            SEEN.setdefault(e.key, now)
        return add(self, entries)

    StreamPane.add = timed_add  # type: ignore[method-assign]
    posts = PipelineRunner.posts

    def timed_posts(self: PipelineRunner, batch: list[Any]) -> None:
        before = len(self.fresh)
        posts(self, batch)
        now = time.time()
        for cp in list(self.fresh)[before:]:
            STORED.setdefault(cp.post.key, now)

    PipelineRunner.posts = timed_posts  # type: ignore[method-assign]


def state_of(screen: Any, key: str) -> str:
    """A post's state as this screen shows it."""
    entry = screen.stream.by_key.get(key)
    if entry is None:
        return "absent"
    muted = entry.author_key in screen.stream.muted
    return (
        f"starred={int(entry.starred)} hidden={int(entry.hidden)}"
        f" claimed_by={entry.claimed_by or '-'} answered={int(entry.answered)} muted={int(muted)}"
    )


async def run(args: argparse.Namespace) -> int:
    """Open the console headless and obey stdin until `quit`."""
    import importlib

    importlib.import_module("tchat_tui.ui")  # the console's Textual settings, as the CLI does
    from tchat_tui.domain.post import Network
    from tchat_tui.pipeline.settings import Settings
    from tchat_tui.ui.app import build_app
    from tchat_tui.ui.screens.main import MainScreen

    instrument()
    settings = Settings(
        tag=args.tag,
        db_path=args.db,
        replay=args.replay,
        speed=args.speed,
        plan_path=args.plan,
        moderators=(args.moderator,),
        host=args.host,
        dry_run=args.dry_run,
        networks=(Network.X,),
        join=args.join,
    )
    app = build_app(settings)
    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(commands.put_nowait, "quit")

    threading.Thread(target=read_stdin, daemon=True).start()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        while not screen.ready:
            if app.error:
                say(f"ERROR {app.error}")
                return 2
            await pilot.pause(0.02)
        notify = screen.notify

        def noted(message: str, **kw: Any) -> None:
            say("NOTE " + " ".join(str(message).split()))
            notify(message, **kw)

        screen.notify = noted  # type: ignore[method-assign]
        session = app.session
        reading = session.heartbeat.reading
        say(f"READY {os.getpid()} {'reading' if reading else 'joined'}")
        watched: dict[str, str] = {}
        while True:
            try:
                line = await asyncio.wait_for(commands.get(), 0.02)
            except TimeoutError:
                line = ""
            if not reading and session.heartbeat.reading:
                reading = True
                say("ROLE reading")
            for key, before in watched.items():
                now = state_of(screen, key)
                if now != before:
                    watched[key] = now
                    say(f"STATE {key} {now}")
            if not line:
                continue
            verb, _, rest = line.partition(" ")
            if verb == "quit":
                break
            if verb == "dump":
                Path(rest).write_text(json.dumps({"seen": SEEN, "stored": STORED}))
            elif verb == "watch":
                watched[rest] = state_of(screen, rest)
                say(f"STATE {rest} {watched[rest]}")
            else:
                key, _, text = rest.partition(" ")
                entry = screen.stream.by_key.get(key)
                if entry is None or entry not in screen.stream.rows:
                    say(f"NOTE no post {key} in the stream")
                else:
                    screen.stream.move_cursor(screen.stream.rows.index(entry))
                    if verb == "reply":
                        screen.sending.send(text, "reply", entry)
                    else:
                        getattr(screen, f"action_{verb}")()
            await pilot.pause()
            say(f"OK {verb}")
        await app.action_quit()
        await pilot.pause(0.1)
    return 0


def main() -> int:
    """Parse the arguments and run."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--tag", required=True)
    ap.add_argument("--join", action="store_true")
    ap.add_argument("--moderator", default="host")
    ap.add_argument("--replay", type=Path)
    ap.add_argument("--speed", type=float)
    ap.add_argument("--plan", type=Path)
    ap.add_argument("--host")
    ap.add_argument("--dry-run", action="store_true")
    return asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
