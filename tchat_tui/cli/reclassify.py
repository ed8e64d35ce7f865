"""`tchat-live reclassify --db PATH`: judge a stored chat again with the current rules.

After a rules change (question and answer labels, audience questions, promo word lists), an
existing database still holds the old verdicts. This reads every post of each chat in time order,
as the console would have met them, classifies and scores them with the chat's plan people (and
the roles the chat found), and writes back the judgement columns only: stars, hides, allows,
claims and notes are moderator decisions and stay as they are. One line per chat says what
changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Post
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.roster import with_stored_roles
from tchat_tui.pipeline.scoring import make_scorer
from tchat_tui.report.files import ReportError, open_chat_database
from tchat_tui.store.consoles import check_no_other_console
from tchat_tui.store.database import Store
from tchat_tui.store.errors import StoreError
from tchat_tui.store.rows import row_to_post

PARENTS_KEPT = 5_000
"""Recent posts kept to find a reply's parent for the scorer, as the console's pipeline does."""


@dataclass
class Tally:
    """Before and after counts of one chat's judgement."""

    posts: int = 0
    questions: tuple[int, int] = (0, 0)
    answers: tuple[int, int] = (0, 0)
    audience: tuple[int, int] = (0, 0)
    flagged: tuple[int, int] = (0, 0)
    changed: int = 0

    def line(self, tag: str, chat: int) -> str:
        """The one-line report."""

        def pair(name: str, v: tuple[int, int]) -> str:
            return f"{name} {v[0]} -> {v[1]}"

        return (
            f"reclassified #{tag} (chat {chat}): {self.posts} posts, {self.changed} changed; "
            + ", ".join(
                (
                    pair("question postings", self.questions),
                    pair("answers", self.answers),
                    pair("audience questions", self.audience),
                    pair("flagged", self.flagged),
                )
            )
            + "; moderator decisions kept"
        )


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add `reclassify` to the command line."""
    p = subparsers.add_parser(
        "reclassify",
        help="judge a stored chat again with the current rules (moderator decisions are kept)",
    )
    p.add_argument("--db", type=Path, required=True, help="the chat database")
    p.add_argument("--chat", type=int, help="only this chat (its number in the database)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Reclassify each chat of the database; one line per chat, or a one-line refusal."""
    try:
        check_no_other_console(args.db)
        store = open_chat_database(args.db)
    except (ReportError, StoreError) as exc:
        print(f"tchat-live: {exc}", file=sys.stderr)
        return 2
    try:
        chats = [args.chat] if args.chat is not None else store.chat_ids()
        if args.chat is not None and args.chat not in store.chat_ids():
            print(f"tchat-live: {args.db} has no chat {args.chat}", file=sys.stderr)
            return 2
        for chat in chats:
            row = store.chat(chat)
            print(reclassify_chat(store, chat).line(str(row["tag"]), chat))
    finally:
        store.close()
    return 0


def reclassify_chat(store: Store, chat: int) -> Tally:
    """Judge every post of `chat` again and store what changed."""
    row = store.chat(chat)
    tag = str(row["tag"])
    plan = json.loads(row["plan_json"]) if row.get("plan_json") else {}
    roster = Roster(
        str(plan["host"]) if plan.get("host") else None,
        tuple(str(g) for g in plan.get("guests") or ()),
        tuple(str(c) for c in plan.get("co_moderators") or ()),
    )
    roster = with_stored_roles(roster, store.chat_roles(chat))
    classifier = Classifier(roster, tag, [_texts(q) for q in plan.get("questions") or ()])
    scorer = make_scorer(tag, roster)
    parents: OrderedDict[str, Post] = OrderedDict()
    tally = Tally()
    before = [0, 0, 0, 0]
    after = [0, 0, 0, 0]
    changed: list[ChatPost] = []
    for stored in store.iter_posts(chat):
        post = row_to_post(stored)
        cls = classifier.classify(post)
        parent = parents.get(post.reply_to_id) if post.reply_to_id else None
        question = classifier.question_text(cls.answers) if cls.answers is not None else None
        flag = scorer.score(post, cls, parent, question)
        parents[post.native_id] = post
        if len(parents) > PARENTS_KEPT:
            parents.popitem(last=False)
        tally.posts += 1
        old = (
            stored["question_number"],
            stored["answers"],
            bool(stored["audience_question"]),
            stored["promo_level"] in ("amber", "red"),
        )
        new = (cls.question_number, cls.answers, cls.audience_question, flag.level != "none")
        for i in range(4):
            before[i] += old[i] is not None and old[i] is not False
            after[i] += new[i] is not None and new[i] is not False
        reasons = tuple(json.loads(stored["promo_reasons"])) if stored["promo_reasons"] else ()
        if (
            stored["role"] != cls.role.value
            or old[:3] != new[:3]
            or stored["promo_level"] != flag.level
            or reasons != flag.reasons
        ):
            changed.append(
                ChatPost(
                    post,
                    cls,
                    promo_level=flag.level,
                    promo_score=flag.score,
                    promo_reasons=flag.reasons,
                )
            )
    store.update_judgement(chat, changed)
    tally.changed = len(changed)
    tally.questions = (before[0], after[0])
    tally.answers = (before[1], after[1])
    tally.audience = (before[2], after[2])
    tally.flagged = (before[3], after[3])
    return tally


def _texts(question: object) -> str | list[str]:
    """A stored plan's question: a text, or its texts one per language (a list or a table)."""
    if isinstance(question, dict):
        return [str(t) for t in question.values()]
    if isinstance(question, list):
        return [str(t) for t in question]
    return str(question)
