"""`tchat-live '#tag'`: the console's arguments, turned into Settings and the app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tchat_tui import __version__
from tchat_tui.cli.options import (
    SUBCOMMANDS,
    OneLineParser,
    add_roster_options,
    moderator_name,
    network_list,
    replay_speed,
    undo_seconds,
)
from tchat_tui.domain.post import Network

NO_TAG = (
    "tchat-live: no tag given. A shell reads '#tag' after a space as a comment, so quote it or drop"
    " the '#': tchat-live '#tag' or tchat-live tag (try: tchat-live --demo)"
)


def console_parser() -> argparse.ArgumentParser:
    """Arguments of the console itself."""
    p = OneLineParser(
        prog="tchat-live",
        description="Console for the host of a hashtag chat. Subcommands: "
        + ", ".join(SUBCOMMANDS),
        epilog="Run 'tchat-live SUBCOMMAND --help' for plan, import, record, flag, summary, export.",
    )
    p.add_argument("tag", nargs="?", help="the chat's tag: '#tag' (quoted) or tag")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--demo", action="store_true", help="play the bundled demo chat (10x speed)")
    src.add_argument("--replay", type=Path, help="play a recorded stream (X filtered-stream lines)")
    p.add_argument(
        "--speed", type=replay_speed, help="replay speed: N times real time, 0 = at once"
    )
    p.add_argument(
        "--practice",
        action="store_true",
        help="rehearse as the host on --replay: the recorded host's and co-moderators' own posts"
        " are held back, yours are the host's (--demo always rehearses)",
    )
    add_roster_options(p)
    p.add_argument(
        "--db", type=Path, help="the chat database (default: one per tag in the data folder)"
    )
    p.add_argument("--dry-run", action="store_true", help="never send: record posts here only")
    p.add_argument(
        "--moderator",
        action="append",
        type=moderator_name,
        default=[],
        help="a moderator's name; repeat for co-moderators sharing the terminal (first is on duty)",
    )
    p.add_argument(
        "--join",
        action="store_true",
        help="open beside the console already running on this chat (same machine, same"
        " database): your own cursor, filters, composer and --moderator name",
    )
    p.add_argument(
        "--network", type=network_list, default=(Network.X,), help="networks: x,mastodon,bluesky"
    )
    p.add_argument("--classic", action="store_true", help="the classic 140 limit on X")
    p.add_argument("--new-chat", action="store_true", help="start a new chat in this database")
    p.add_argument(
        "--undo",
        type=undo_seconds,
        metavar="SECONDS",
        help="how long each send waits, cancellable with ctrl+z, before it goes out"
        " (default: the plan's undo_seconds, else 5; 0: at once)",
    )
    p.add_argument("--version", action="version", version=f"tchat-live {__version__}")
    return p


def run_console(args: argparse.Namespace) -> int:
    """Open the console."""
    from tchat_tui.ui.gc_policy import pause_gc_for_startup, settle_startup_memory

    pause_gc_for_startup()  # until the first frame (the main screen settles it)
    try:
        return _console(args)
    finally:
        settle_startup_memory()  # an error before the first frame: back to normal


def _console(args: argparse.Namespace) -> int:
    from tchat_tui.domain.plan.model import PlanError
    from tchat_tui.pipeline.settings import Settings, TagError
    from tchat_tui.sources.base import SourceError
    from tchat_tui.store.errors import StoreError

    tag = args.tag
    if not tag and not args.demo and not args.plan:
        print(NO_TAG, file=sys.stderr)
        return 2
    if args.speed is not None and not (args.demo or args.replay):
        print("tchat-live: --speed goes with --demo or --replay", file=sys.stderr)
        return 2
    if args.practice and not (args.demo or args.replay):
        print(
            "tchat-live: --practice goes with --replay FILE (the demo always rehearses)",
            file=sys.stderr,
        )
        return 2
    if args.join and args.new_chat:
        print(
            "tchat-live: --join opens the running chat; --new-chat starts another", file=sys.stderr
        )
        return 2
    settings = Settings(
        tag=tag or "",
        db_path=args.db,
        replay=args.replay,
        demo=args.demo,
        speed=args.speed,
        practice=args.demo or args.practice,
        plan_path=args.plan,
        host=args.host,
        guests=tuple(args.guest),
        co_moderators=tuple(args.comod),
        moderators=tuple(args.moderator),
        dry_run=args.dry_run,
        networks=args.network,
        classic=args.classic,
        new_chat=args.new_chat,
        join=args.join,
        undo_seconds=args.undo,
    )
    from tchat_tui.ui.app import build_app

    try:
        # The database opens after the first frame; what it would refuse is checked here.
        app = build_app(settings)
    except (StoreError, SourceError, PlanError, TagError, OSError) as exc:
        print(f"tchat-live: {exc}", file=sys.stderr)
        return 2
    app.run()  # the app shuts the session down as it exits
    code = int(app.return_code or 0)
    if app.error:
        print(f"tchat-live: {app.error}", file=sys.stderr)
    elif code:  # Textual printed the error; what is stored stays stored
        where = app.kept.splitlines()[0].removeprefix("tchat-live: ") if app.kept else ""
        print(f"tchat-live: the console stopped on an error (above); {where}", file=sys.stderr)
    elif app.kept:
        print(app.kept)  # where the chat is and how to summarize it, once the terminal is back
    return code
