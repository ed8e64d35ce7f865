"""The command line's shared parts: one-line argparse errors, option types, the roster options."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from tchat_tui.domain.post import Network

MODULES = {
    "plan": "plan",
    "import": "import_stream",
    "record": "record",
    "flag": "flag",
    "summary": "summary",
    "export": "export",
}
"""Subcommand name -> its module in `tchat_tui.cli`."""


SUBCOMMANDS = tuple(MODULES)


class OneLineParser(argparse.ArgumentParser):
    """argparse with bad input reported in one line (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print `tchat-live: message (see --help)` and exit 2."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def moderator_name(value: str) -> str:
    """A --moderator value: a name, never empty."""
    name = value.strip()
    if not name:
        raise argparse.ArgumentTypeError("a moderator's name cannot be empty")
    return name


def network_list(value: str) -> tuple[Network, ...]:
    """A --network value: comma-separated x, mastodon, bluesky."""
    try:
        return tuple(Network(v.strip().lower()) for v in value.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown network in {value!r} (use x, mastodon, bluesky)"
        ) from None


def replay_speed(value: str) -> float:
    """A --speed value: 0 (as fast as possible) or more."""
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
