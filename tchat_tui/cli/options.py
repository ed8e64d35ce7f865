"""The command line's shared parts: one-line argparse errors, option types, the roster options."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from tchat_tui.domain.people import HandleError, check_person
from tchat_tui.domain.post import Network

MODULES = {
    "plan": "plan",
    "import": "import_stream",
    "record": "record",
    "flag": "flag",
    "summary": "summary",
    "export": "export",
    "reclassify": "reclassify",
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


def undo_seconds(value: str) -> float:
    """An --undo value: 0 (no undo window) to 60 seconds."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--undo takes a number of seconds, not {value!r}"
        ) from None
    if not 0 <= seconds <= 60:
        raise argparse.ArgumentTypeError("--undo must be 0 (send at once) to 60 seconds")
    return seconds


def person(value: str) -> str:
    """A --host/--guest/--comod value: a handle, or one person's handles separated by commas
    (`x:claire_morel,mastodon:claire@example.social`), kept as the chat keeps them."""
    try:
        return check_person(value)
    except HandleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _MoreHandles(argparse.Action):
    """--host repeated: more handles of the same host (one per network), never a second host."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        before = getattr(namespace, self.dest, None)
        setattr(namespace, self.dest, f"{before}, {values}" if before else values)


PERSON_HELP = (
    "bare for every network, or per network: x:NAME, mastodon:NAME@INSTANCE, bluesky:HANDLE;"
    " one person's handles joined by commas"
)


def add_roster_options(parser: argparse.ArgumentParser) -> None:
    """--plan / --host / --guest / --comod, shared by the console, import and flag."""
    parser.add_argument(
        "--plan", type=Path, help="the chat plan (TOML): tag, host, guests, questions"
    )
    parser.add_argument(
        "--host",
        type=person,
        action=_MoreHandles,
        help=f"the host's handle, without @ (repeat for her handle on each network; {PERSON_HELP})",
    )
    parser.add_argument(
        "--guest",
        type=person,
        action="append",
        default=[],
        help=f"a guest's handle (repeat for each guest; {PERSON_HELP})",
    )
    parser.add_argument(
        "--comod",
        type=person,
        action="append",
        default=[],
        help="a co-moderator's handle (repeat for each; as --guest)",
    )
