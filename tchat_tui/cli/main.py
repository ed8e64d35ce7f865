"""The command line: `tchat-live '#tag'` opens the console; subcommands cover before and after."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from tchat_tui.cli.console import console_parser, run_console
from tchat_tui.cli.options import MODULES, SUBCOMMANDS, OneLineParser


def register(subparsers: argparse._SubParsersAction[Any], name: str) -> None:
    """Register one subcommand (only its module is imported: start-up stays fast)."""
    module = importlib.import_module(f"tchat_tui.cli.{MODULES[name]}")
    module.register(subparsers)


def subcommand_parser(name: str) -> argparse.ArgumentParser:
    """Arguments of one subcommand (its module registers them)."""
    p = OneLineParser(prog="tchat-live")
    sub = p.add_subparsers(dest="command", required=True)
    register(sub, name)
    return p


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
