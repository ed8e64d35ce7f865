"""Subcommands of `tchat-live`: each module exposes `register(subparsers)` setting `func=run`."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

MODULES = ("plan", "import_cmd", "record", "flag", "summary", "export")


def load_all(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register every subcommand that is installed."""
    for name in MODULES:
        module = importlib.import_module(f"tchat_tui.commands.{name}")
        module.register(subparsers)
