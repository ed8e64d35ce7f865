"""`tchat-live plan new|check|share`: write, check and share the chat plan before the hour."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tchat_tui.domain.plan.check import PlanCheck, check_plan
from tchat_tui.domain.plan.model import Plan, PlanError
from tchat_tui.domain.plan.read import load_plan, parse_plan
from tchat_tui.domain.plan.share import promotion_posts, when_text
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import TextCheck
from tchat_tui.domain.text.tag import is_valid_tag, normalize_tag

_NET_NAMES = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}
_SHOWN = 64
"""Characters of each post shown in the check table."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `plan` subcommand and its `new`, `check` and `share` actions."""
    p = subparsers.add_parser(
        "plan",
        help="create, check and share a chat plan",
        description="Prepare the chat: write a plan, check every post it prepares, share it.",
    )
    actions = p.add_subparsers(dest="action", required=True)
    new = actions.add_parser("new", help="write a commented TOML plan to fill in")
    new.add_argument("tag", help="the chat's tag: '#tag' (quoted) or tag")
    new.add_argument(
        "--out", type=Path, help="where to write it (default: <tag>-plan.toml; - prints)"
    )
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.add_argument("--now", type=_aware, help=argparse.SUPPRESS)
    check = actions.add_parser("check", help="lengths on every network, tag, numbering, start")
    check.add_argument("plan", type=Path, help="the plan (TOML)")
    check.add_argument("--now", type=_aware, help="check the start against this time (ISO 8601)")
    share = actions.add_parser("share", help="the questions to share in advance, promotion posts")
    share.add_argument("plan", type=Path, help="the plan (TOML)")
    p.set_defaults(func=run)


def _aware(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {value!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    """Run `plan new`, `plan check` or `plan share`."""
    try:
        if args.action == "new":
            return run_new(args)
        plan = load_plan(args.plan)
    except PlanError as exc:
        print(f"tchat-live plan: {exc}", file=sys.stderr)
        return 2
    if args.action == "check":
        now = args.now or datetime.now(UTC)
        report = check_plan(plan, now)
        sys.stdout.write(render_check(plan, report, str(args.plan)))
        return 1 if report.failed else 0
    sys.stdout.write(render_share(plan))
    return 0


# --- new -------------------------------------------------------------------------------------


def run_new(args: argparse.Namespace) -> int:
    """Write a new plan for the tag; refuse to overwrite without --force."""
    name = normalize_tag(args.tag)
    if not is_valid_tag(name):
        print(
            f"tchat-live plan: {args.tag!r} is not a hashtag (letters, digits, '_', not only digits)",
            file=sys.stderr,
        )
        return 2
    now = args.now or datetime.now(UTC).astimezone()
    text = new_plan_text(name, now)
    parse_plan(text, "new plan")  # what we write must read back
    if args.out is not None and str(args.out) == "-":
        sys.stdout.write(text)
        return 0
    out: Path = args.out or Path(f"{name.casefold()}-plan.toml")
    if out.exists() and not args.force:
        print(f"tchat-live plan: {out} exists (use --force to overwrite it)", file=sys.stderr)
        return 2
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"tchat-live plan: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"Wrote {out}: fill it in, then run: tchat-live plan check {out}")
    return 0


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def new_plan_text(tag: str, now: datetime) -> str:
    """A commented plan for `#tag`, starting a week from `now` at 19:00 in `now`'s offset."""
    day = (now + timedelta(days=7)).replace(hour=19, minute=0, second=0, microsecond=0)
    start = day.isoformat(timespec="seconds")
    return f"""\
# The plan of the {tag} chat: check it with `tchat-live plan check FILE`,
# share it with `tchat-live plan share FILE`, use it with `tchat-live --plan FILE`.

# The tag: short, clear (CamelCase), one script, no look-alike or invisible characters.
tag = {_toml_str("#" + tag)}
topic = "What the hour is about, in a few words"

# When: an offset date-time, or a local one plus a line: timezone = "Europe/Paris"
start = {start}
duration_minutes = 60
# When the questions are due, in minutes after the start. Default: Q1 after 5 minutes (welcome,
# rules, introductions), the others spread evenly until the last 5 (last call, thanks).
# first_question_at = 5
# question_every_minutes = 7   # "a question every 7 minutes"
# Each send waits this long in the composer (ctrl+z cancels it) before it goes out; 0: at once.
# undo_seconds = 5

# Handles without @. Guests are invited speakers; co-moderators share the console.
# A bare handle is matched on every network; give one per network as "x:NAME",
# "mastodon:NAME@INSTANCE", "bluesky:NAME.bsky.social", and one person's handles as a list
# (host = ["x:claire", "mastodon:claire@example.social"]).
host = "your_handle"
guests = ["first_guest", "second_guest"]
co_moderators = []

# Where the chat happens: x, mastodon, bluesky. limit: 280, or 140 for the classic rule on X.
networks = ["x"]
limit = 280
# mastodon_limit = 500   # your instance's limit, when it is not 500

# 6 to 10 questions, without the "Qn:" prefix or the tag: both are added when posted.
questions = [
    "What brought you to this topic, and what keeps you here?",
    "What is the hardest part of it for you today?",
    "Which tools, people or resources help you most?",
    "What is a mistake you made, and what did it teach you?",
    "If you could change one thing tomorrow, what would it be?",
    "One tip for someone who is just starting out?",
]
# A question in several languages is posted once per language, all counted as the same question:
#   {{ fr = "Qu'est-ce qui vous aide le plus ?", en = "What helps you most?" }}

# Posts for the hour. Placeholders: {{tag}} {{topic}} {{host}} {{guests}}. The tag is added when missing.
[templates]
welcome = "Welcome to {{tag}}! 👋 For the next hour we talk about {{topic}}. Say hello!"
rules = "How it works: a question every few minutes (Q1, Q2…), answer with A1, A2… and always add {{tag}}. Our guests: {{guests}}. Host: {{host}}"
intro = "Let's start with introductions: who are you and where are you joining from? {{tag}}"
last_call = "Last call! A few minutes left to answer or to ask {{guests}} your questions. {{tag}}"
thanks = "Thank you all for this {{tag}}, and a big thank you to {{guests}}! The summary follows soon."
"""


# --- check -----------------------------------------------------------------------------------


def _cell(check: TextCheck) -> str:
    if check.valid:
        verdict = "ok"
    elif check.over_by:
        verdict = f"over by {check.over_by}"
    else:
        verdict = "no tag" if not check.has_tag else "refused"
    return f"{check.length}/{check.limit} {verdict}"


def _clip(text: str, width: int = _SHOWN) -> str:
    flat = safe_line(text)
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def safe_line(text: str) -> str:
    """One terminal line: newlines shown as '⏎', other control characters as '�'."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append(" ⏎ ")
        elif ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def render_check(plan: Plan, report: PlanCheck, source: str) -> str:
    """The check as text: the length table, then the verdicts, then one line to sum up."""
    nets = [_NET_NAMES[n] for n in plan.networks]
    header = ["", *nets, "Text"]
    table = [[row.label, *(_cell(c) for c in row.checks), _clip(row.text)] for row in report.rows]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header) - 1)]
    lines = [f"Plan {source}: {plan.tag}, {when_text(plan)}", ""]
    for cells in [header, *table]:
        lines.append(
            "  ".join([c.ljust(w) for c, w in zip(cells, widths, strict=False)] + [cells[-1]])
        )
    problems = [(row, c) for row in report.rows for c in row.checks if not c.valid]
    if problems:
        lines.append("")
        lines += [f"{row.label} on {_NET_NAMES[c.network]}: {c.reason}" for row, c in problems]
    lines.append("")
    for f in report.findings:
        lines.append(f"{f.level:<8}{f.subject:<11}{safe_line(f.message)}")
    lines.append("")
    over = len({row.label for row, _ in problems})
    errors = sum(f.level == "error" for f in report.findings)
    if report.failed:
        lines.append(f"Not ready: {over} post(s) over or without the tag, {errors} error(s).")
    else:
        lines.append(f"Ready: all {len(report.rows)} posts fit on {', '.join(nets)}.")
    return "\n".join(lines) + "\n"


# --- share -----------------------------------------------------------------------------------


def render_share(plan: Plan) -> str:
    """The questions in Markdown and in plain text, then promotion posts that fit."""
    shown = plan.placeholder_values()  # each person's handle for the plan's first network
    guests = shown["guests"]
    people = f"Host: {shown['host']}" + (f" · Guests: {guests}" if guests else "")
    md_people = f"**Host:** {shown['host']}" + (f" · **Guests:** {guests}" if guests else "")
    md = [
        f"## {plan.tag}: {plan.topic}",
        "",
        f"**When:** {when_text(plan)}  ",
        md_people,
        "",
        f"Answer each question with A1, A2… and always include {plan.tag}.",
        "",
    ]
    md += [
        f"- **Q{i}:** {' / '.join(v.text for v in plan.versions(i))}"
        for i in range(1, len(plan.questions) + 1)
    ]
    plain = [f"{plan.tag}: {plan.topic}", when_text(plan), people, ""]
    plain += [t for i in range(1, len(plan.questions) + 1) for _, t in plan.formatted_versions(i)]
    promos = promotion_posts(plan)
    out = ["# Markdown", "", *md, "", "# Plain text", "", *plain, "", "# Promotion posts", ""]
    if promos:
        for kind, text in promos:
            out += [f"[{kind}]", text, ""]
    else:
        out += ["(none fits: shorten the topic or the guest list)", ""]
    return "\n".join(safe_line(line) for line in out).rstrip("\n") + "\n"
