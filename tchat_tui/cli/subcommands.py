"""Subcommands of `tchat-live`: each module exposes `register(subparsers)` setting `func=run`."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

MODULES = {
    "plan": "plan",
    "import": "import_stream",
    "record": "record",
    "flag": "flag",
    "summary": "summary",
    "export": "export",
}
"""Subcommand name -> module in this package."""


def register(subparsers: argparse._SubParsersAction[Any], name: str) -> None:
    """Register one subcommand (only its module is imported: start-up stays fast)."""
    module = importlib.import_module(f"tchat_tui.cli.{MODULES[name]}")
    module.register(subparsers)
