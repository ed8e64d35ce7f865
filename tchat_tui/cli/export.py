"""`tchat-live export --db PATH --format csv|json`: the transcript, one row per post."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `export` subcommand."""
    p = subparsers.add_parser(
        "export",
        help="the transcript as CSV or JSON",
        description="Export a chat's posts in time order: author, role, time, network, the"
        " question each is or answers, promo flag, starred, hidden, author muted.",
    )
    p.add_argument("--db", type=Path, required=True, help="the chat database")
    p.add_argument("--format", choices=("csv", "json"), required=True, help="csv or json")
    p.add_argument("--out", type=Path, help="write to this file (default: print)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--chat", type=int, help="which chat of the database (default: the newest)")
    p.add_argument(
        "--visible-only",
        action="store_true",
        help="leave out hidden, deleted and never-sent (dry-run) posts, and muted authors' posts",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the transcript."""
    from tchat_tui.report.build import SummaryError, resolve_chat
    from tchat_tui.report.files import ReportError, check_writable, open_chat_database, write_output
    from tchat_tui.report.transcript import export_rows, to_csv, to_json

    try:
        check_writable(args.out, args.force)
        store = open_chat_database(args.db)
        try:
            chat = resolve_chat(store, args.chat)
            rows = export_rows(store, chat, visible_only=args.visible_only)
            chunks = to_csv(rows) if args.format == "csv" else to_json(rows)
            write_output(args.out, chunks, args.force)
        finally:
            store.close()
    except (ReportError, SummaryError) as exc:
        print(f"tchat-live export: {exc}", file=sys.stderr)
        return 2
    if args.out is not None and str(args.out) != "-":
        print(f"Wrote {args.out}", file=sys.stderr)
    return 0
