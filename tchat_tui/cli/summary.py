"""`tchat-live summary --db PATH`: the public recap (Markdown, HTML, JSON), the private report,
thank-you drafts."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from tchat_tui.domain.summary import TOP_ANSWERS
from tchat_tui.domain.text.untrusted import neutral

LANGUAGES = ("en", "fr", "es", "pt")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `summary` subcommand."""
    p = subparsers.add_parser(
        "summary",
        help="the after-chat recap (Markdown, HTML, JSON), the private report, thank-you posts",
        description="The recap of a chat from its database, ready to publish: figures, the"
        " posts-per-minute chart, questions with their best answers, highlights, contributors."
        " Hidden posts are left out. --private adds what the host team keeps: moderation,"
        " flagged posts and why, muted authors, audience questions to follow up, the cost on X.",
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
        help=f"answers quoted under each question in md/html ({TOP_ANSWERS})",
    )
    p.add_argument(
        "--private",
        action="store_true",
        help="add the private report (moderation, flags, muted authors, audience questions,"
        " cost): not for publishing",
    )
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        help="the recap's language (default: the plan's, else the one most posts are in)",
    )
    p.add_argument(
        "--thanks",
        action="store_true",
        help="draft thank-you posts (a few mentions each; who is left out goes to stderr)",
    )
    p.add_argument(
        "--no-folder",
        action="store_true",
        help="first-time participants: ignore the other databases of the folder",
    )
    p.set_defaults(func=run)


def thanks_text(drafts: list[tuple[str, str]]) -> str:
    """The thank-you drafts, one post a block headed by its network.

    The handles are the participants' own: unsafe code points in them become U+FFFD
    (`domain.text.untrusted`), so the drafts are safe to print to a terminal.
    """
    if not drafts:
        return "No participant to thank.\n"
    blocks = [
        f"--- {i}/{len(drafts)} ({network})\n{neutral(text)}"
        for i, (network, text) in enumerate(drafts, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def run(args: argparse.Namespace) -> int:
    """Build the summary and write it (or the thank-you drafts)."""
    from tchat_tui.domain.chat_zone import chat_zone
    from tchat_tui.pipeline.settings import data_dir
    from tchat_tui.report.build import SummaryError, build_summary, resolve_chat
    from tchat_tui.report.chat_plan import chat_plan
    from tchat_tui.report.earlier_chats import earlier_first_timers
    from tchat_tui.report.files import ReportError, check_writable, open_chat_database, write_output
    from tchat_tui.report.private import build_private
    from tchat_tui.report.render import render

    if args.answers < 0:
        print("tchat-live summary: --answers must be 0 or more", file=sys.stderr)
        return 2
    try:
        check_writable(args.out, args.force)
        store = open_chat_database(args.db)
        try:
            chat = resolve_chat(store, args.chat)
            # The first-timer rule: None until an earlier chat with the tag is known.
            firsts = earlier_first_timers(
                store, chat, look_in_folder=not args.no_folder, data_dir=data_dir()
            )
            summary = build_summary(
                store, chat, top_answers=args.answers, first_timers=firsts, language=args.language
            )
            summary = replace(summary, zone=chat_zone(chat_plan(store, chat)))
            private = build_private(store, chat) if args.private else None
        finally:
            store.close()
        if args.thanks:
            from tchat_tui.report.thanks import thanks_drafts

            drafts = thanks_drafts(summary)
            text = thanks_text(drafts.posts)
            for what, handles in (
                ("left out to keep mentions few", drafts.left_out),
                ("never mentioned (flagged as promotion or muted)", drafts.never),
            ):
                if handles:
                    print(
                        neutral(f"# {what} ({len(handles)}): {', '.join(handles)}"),
                        file=sys.stderr,
                    )
        else:
            text = render(summary, args.format, private)
        write_output(args.out, [text], args.force)
    except (ReportError, SummaryError) as exc:
        print(f"tchat-live summary: {exc}", file=sys.stderr)
        return 2
    if args.out is not None and str(args.out) != "-":
        print(f"Wrote {args.out}", file=sys.stderr)
    return 0
