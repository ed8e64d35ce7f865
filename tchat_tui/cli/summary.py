"""`tchat-live summary --db PATH`: the after-chat summary in Markdown, HTML or JSON; thank-you drafts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tchat_tui.domain.post import Network
from tchat_tui.domain.summary import TOP_ANSWERS, Summary, thanks_posts
from tchat_tui.domain.text.untrusted import neutral


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `summary` subcommand."""
    p = subparsers.add_parser(
        "summary",
        help="the after-chat summary (Markdown, HTML, JSON) or thank-you posts",
        description="Summarize a chat from its database: figures, questions and their answers,"
        " highlights, contributors, moderation counts, and what the hour cost on X (estimated at"
        " pay-per-use prices, when the console counted it). Hidden posts are left out.",
    )
    p.add_argument("--db", type=Path, required=True, help="the chat database")
    p.add_argument(
        "--format", choices=("md", "html", "json"), default="md", help="output format (md)"
    )
    p.add_argument("--out", type=Path, help="write to this file (default: print)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--chat", type=int, help="which chat of the database (default: the newest)")
    p.add_argument(
        "--answers",
        type=int,
        default=TOP_ANSWERS,
        metavar="N",
        help=f"answers shown under each question in md/html ({TOP_ANSWERS})",
    )
    p.add_argument(
        "--thanks",
        action="store_true",
        help="draft thank-you posts mentioning the participants, each within the limit",
    )
    p.add_argument(
        "--no-folder",
        action="store_true",
        help="first-time participants: ignore the other databases of the folder",
    )
    p.set_defaults(func=run)


def thanks_text(s: Summary) -> str:
    """The thank-you drafts, one post a block: the plan's thanks, then the mentions.

    The handles are the participants' own: unsafe code points in them become U+FFFD
    (`domain.text.untrusted`), so the drafts are safe to print to a terminal.
    """
    from tchat_tui.domain.text.rules import rules_for  # the text rules load only for thanks

    rules = []
    for name in s.networks:
        try:
            net = Network(name)
        except ValueError:
            continue
        rules.append(rules_for(net, classic=s.classic))
    rules = rules or [rules_for(Network.X, classic=s.classic)]
    posts = []
    if s.thanks_template:
        posts.append(s.thanks_template)
    posts += thanks_posts(s.to_thank, s.tag, rules)
    if not posts:
        return "No participant to thank.\n"
    blocks = [f"--- {i}/{len(posts)}\n{neutral(text)}" for i, text in enumerate(posts, 1)]
    return "\n\n".join(blocks) + "\n"


def run(args: argparse.Namespace) -> int:
    """Build the summary and write it (or the thank-you drafts)."""
    from tchat_tui.report.build import SummaryError, build_summary
    from tchat_tui.report.files import ReportError, check_writable, open_chat_database, write_output
    from tchat_tui.report.render import render

    if args.answers < 0:
        print("tchat-live summary: --answers must be 0 or more", file=sys.stderr)
        return 2
    try:
        check_writable(args.out, args.force)
        store = open_chat_database(args.db)
        try:
            summary = build_summary(
                store, args.chat, top_answers=args.answers, look_in_folder=not args.no_folder
            )
        finally:
            store.close()
        text = thanks_text(summary) if args.thanks else render(summary, args.format)
        write_output(args.out, [text], args.force)
    except (ReportError, SummaryError) as exc:
        print(f"tchat-live summary: {exc}", file=sys.stderr)
        return 2
    if args.out is not None and str(args.out) != "-":
        print(f"Wrote {args.out}", file=sys.stderr)
    return 0
