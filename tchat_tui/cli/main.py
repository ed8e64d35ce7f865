"""The command line: `tchat-live '#tag'` opens the console; subcommands cover before and after."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from tchat_tui import __version__
from tchat_tui.cli.subcommands import MODULES
from tchat_tui.domain.post import Network

SUBCOMMANDS = tuple(MODULES)

NO_TAG = (
    "tchat-live: no tag given. A shell reads '#tag' after a space as a comment, so quote it or drop"
    " the '#': tchat-live '#tag' or tchat-live tag (try: tchat-live --demo)"
)


class OneLineParser(argparse.ArgumentParser):
    """argparse with bad input reported in one line (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print `tchat-live: message (see --help)` and exit 2."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _name(value: str) -> str:
    name = value.strip()
    if not name:
        raise argparse.ArgumentTypeError("a moderator's name cannot be empty")
    return name


def _networks(value: str) -> tuple[Network, ...]:
    try:
        return tuple(Network(v.strip().lower()) for v in value.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown network in {value!r} (use x, mastodon, bluesky)"
        ) from None


def _speed(value: str) -> float:
    try:
        speed = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--speed takes a number, not {value!r}") from None
    if speed < 0:
        raise argparse.ArgumentTypeError("--speed must be 0 (as fast as possible) or more")
    return speed


def add_roster_options(parser: argparse.ArgumentParser) -> None:
    """--plan / --host / --guest / --comod, shared by the console, import and flag."""
    parser.add_argument(
        "--plan", type=Path, help="the chat plan (TOML): tag, host, guests, questions"
    )
    parser.add_argument("--host", help="the host's handle (without @)")
    parser.add_argument("--guest", action="append", default=[], help="a guest's handle (repeat)")
    parser.add_argument(
        "--comod", action="append", default=[], help="a co-moderator's handle (repeat)"
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
    p.add_argument("--speed", type=_speed, help="replay speed: N times real time, 0 = at once")
    add_roster_options(p)
    p.add_argument(
        "--db", type=Path, help="the chat database (default: one per tag in the data folder)"
    )
    p.add_argument("--dry-run", action="store_true", help="never send: record posts here only")
    p.add_argument(
        "--moderator",
        action="append",
        type=_name,
        default=[],
        help="a moderator's name; repeat for co-moderators sharing the terminal (first is on duty)",
    )
    p.add_argument(
        "--network", type=_networks, default=(Network.X,), help="networks: x,mastodon,bluesky"
    )
    p.add_argument("--classic", action="store_true", help="the classic 140 limit on X")
    p.add_argument("--new-chat", action="store_true", help="start a new chat in this database")
    p.add_argument("--version", action="version", version=f"tchat-live {__version__}")
    return p


def subcommand_parser(name: str) -> argparse.ArgumentParser:
    """Arguments of one subcommand (its module registers them)."""
    from tchat_tui.cli.subcommands import register

    p = OneLineParser(prog="tchat-live")
    sub = p.add_subparsers(dest="command", required=True)
    register(sub, name)
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
    settings = Settings(
        tag=tag or "",
        db_path=args.db,
        replay=args.replay,
        demo=args.demo,
        speed=args.speed,
        plan_path=args.plan,
        host=args.host,
        guests=tuple(args.guest),
        co_moderators=tuple(args.comod),
        moderators=tuple(args.moderator),
        dry_run=args.dry_run,
        networks=args.network,
        classic=args.classic,
        new_chat=args.new_chat,
    )
    from tchat_tui.ui.app import build_app

    try:
        # The database opens after the first frame; what it would refuse is checked here.
        app = build_app(settings)
    except (StoreError, SourceError, PlanError, TagError, OSError) as exc:
        print(f"tchat-live: {exc}", file=sys.stderr)
        return 2
    app.run()  # the app shuts the session down as it exits
    if app.error:
        print(f"tchat-live: {app.error}", file=sys.stderr)
    return int(app.return_code or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tchat-live` command."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in SUBCOMMANDS:
            args = subcommand_parser(args_list[0]).parse_args(args_list)
            return int(args.func(args))
        return run_console(console_parser().parse_args(args_list))
    except KeyboardInterrupt:
        print("tchat-live: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
