"""`tchat-live flag FILE`: score a recorded stream for self-promotion, one JSON object per post.

The stream is read in order through the project's own parser (`clients.recording_line`: X,
Mastodon and Bluesky lines) and classifier (`domain.classify`), so roles, answers and questions are judged as the console judges them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tchat_tui.clients.recording_line import parse_recording_line
from tchat_tui.clients.x.stream_line import MalformedLine
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.plan.model import PlanError
from tchat_tui.domain.plan.read import load_plan
from tchat_tui.domain.post import Post
from tchat_tui.domain.promo.authors import AuthorFlag
from tchat_tui.domain.promo.config import PromoRules, RulesError
from tchat_tui.domain.promo.signals import PromoResult
from tchat_tui.domain.promo.tracker import PromoTracker
from tchat_tui.domain.roster import Roster
from tchat_tui.domain.text.untrusted import json_text
from tchat_tui.pipeline.scoring import PromoScorer

_PARENTS_KEPT = 20_000


@dataclass(slots=True)
class StreamScorer:
    """Score posts of one chat in order: classify each, give it its context, score and record."""

    roster: Roster
    tag: str
    rules: PromoRules
    planned: tuple[str | tuple[str, ...], ...] = ()
    """The plan's questions, so a question posted without its label is still one."""
    classifier: Classifier = field(init=False)
    promo: PromoScorer = field(init=False)
    _parents: OrderedDict[str, Post] = field(init=False, default_factory=OrderedDict)

    def __post_init__(self) -> None:
        self.tag = self.tag.lstrip("#＃")
        self.classifier = Classifier(self.roster, self.tag, self.planned)
        self.promo = PromoScorer(self.tag, self.rules)

    @property
    def tracker(self) -> PromoTracker:
        """The chat's promo state (author flags)."""
        return self.promo.tracker

    def feed(self, post: Post) -> PromoResult:
        """Score one post in the chat's context (as the console's pipeline does) and record it."""
        cls = self.classifier.classify(post)
        parent = self._parents.get(post.reply_to_id) if post.reply_to_id else None
        question = self.classifier.question_text(cls.answers) if cls.answers is not None else None
        result = self.promo.result(post, cls, parent, question)
        self._parents[post.native_id] = post
        if len(self._parents) > _PARENTS_KEPT:
            self._parents.popitem(last=False)
        return result


@dataclass(slots=True)
class ParsedStream:
    """The posts of a recorded stream, and what was skipped."""

    posts: list[Post]
    malformed: int = 0
    first_error: str = ""


def read_stream(lines: Iterable[str]) -> ParsedStream:
    """Parse stream lines; blank keep-alives are ignored, malformed lines counted and skipped."""
    out = ParsedStream([])
    for number, line in enumerate(lines, 1):
        try:
            post = parse_recording_line(line)
        except MalformedLine as exc:
            out.malformed += 1
            if not out.first_error:
                out.first_error = f"line {number}: {exc}"
            continue
        if post is not None:
            out.posts.append(post)
    return out


def guess_tag(posts: list[Post]) -> str | None:
    """The hashtag most of the first posts carry (case-insensitive), as first written."""
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for post in posts[:500]:
        for tag in {h.casefold(): h for h in post.hashtags}.values():
            counts[tag.casefold()] += 1
            spelled.setdefault(tag.casefold(), tag)
    return spelled[counts.most_common(1)[0][0]] if counts else None


def score_posts(
    posts: Iterable[Post], roster: Roster, tag: str, rules: PromoRules
) -> Iterator[tuple[Post, PromoResult]]:
    """Score posts in order; the scorer (with its tracker) is the generator's state."""
    scorer = StreamScorer(roster, tag, rules)
    for post in posts:
        yield post, scorer.feed(post)


def post_line(post: Post, result: PromoResult, lang: str = "en") -> dict[str, Any]:
    """The JSON object printed for a post."""
    return {
        "id": post.native_id,
        "author": post.author_handle,
        "promo": result.promo,
        "level": result.level,
        "score": result.score,
        "reasons": result.reasons(lang) if result.signals else [],
    }


def author_line(flag: AuthorFlag, lang: str = "en") -> dict[str, Any]:
    """The JSON object printed for a flagged author."""
    return {
        "type": "author",
        "author": flag.handle,
        "level": flag.level,
        "promo_posts": flag.promo_posts,
        "posts": flag.posts,
        "top_domain": flag.top_domain,
        "top_domain_share": flag.top_domain_share,
        "reason": flag.reason_fr if lang.startswith("fr") and flag.reason_fr else flag.reason,
    }


def dumps(obj: dict[str, Any]) -> str:
    """One JSON line, readable accents, no raw control character: C0 escaped by JSON; DEL, C1
    and bidi controls escaped too (`domain.text.untrusted.json_text`), so no terminal acts on
    them; a lone surrogate replaced by U+FFFD (no UTF-8 writer takes it)."""
    return json_text(json.dumps(obj, ensure_ascii=False))


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `flag` subcommand."""
    from tchat_tui.cli.options import add_roster_options

    p = subparsers.add_parser(
        "flag",
        help="score a recorded stream for self-promotion (JSON lines)",
        description="Read a recorded stream (X, Mastodon and Bluesky lines) in order and print"
        " one JSON object per post: id, author, promo, level, score, reasons.",
    )
    p.add_argument("file", type=Path, help="the recorded stream")
    add_roster_options(p)
    p.add_argument("--tag", help="the chat's tag (default: from the plan or the file)")
    p.add_argument("--authors", action="store_true", help="add one line per flagged author")
    p.add_argument("--rules", type=Path, help="a promo rules file (TOML) instead of the default")
    p.add_argument("--lang", default="en", choices=("en", "fr"), help="language of the reasons")
    p.set_defaults(func=run)


def _roster_and_tag(
    args: argparse.Namespace,
) -> tuple[Roster, str | None, tuple[tuple[str, ...], ...]]:
    """The roster, tag and planned questions from --plan, or from --host/--guest/--comod and
    --tag (no questions)."""
    if args.plan is not None:
        plan = load_plan(args.plan)
        roster = Roster(plan.host, tuple(plan.guests), tuple(plan.co_moderators))
        return roster, args.tag or plan.tag, tuple(tuple(t) for t in plan.question_texts())
    roster = Roster(args.host, tuple(args.guest), tuple(getattr(args, "comod", ())))
    return roster, args.tag, ()


def run(args: argparse.Namespace) -> int:
    """Score the file and print JSON lines; a summary of skipped lines goes to stderr."""
    from tchat_tui.domain.promo.rules import load_rules

    prog = "tchat-live flag"
    try:
        rules = load_rules(args.rules)
    except RulesError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    try:
        roster, tag, planned = _roster_and_tag(args)
    except PlanError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    try:
        with args.file.open(encoding="utf-8", errors="replace", newline="") as fh:
            stream = read_stream(fh)
    except OSError as exc:
        print(f"{prog}: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if stream.malformed:
        print(
            f"{prog}: skipped {stream.malformed} malformed line(s) (first: {stream.first_error})",
            file=sys.stderr,
        )
    tag = tag or guess_tag(stream.posts)
    if not tag:
        if not stream.posts:
            print(f"{prog}: no posts in {args.file}", file=sys.stderr)
            return 1 if stream.malformed else 0
        print(f"{prog}: no hashtag in {args.file}; give --tag", file=sys.stderr)
        return 2
    scorer = StreamScorer(roster, tag, rules, planned)
    out = sys.stdout
    try:
        for post in stream.posts:
            out.write(dumps(post_line(post, scorer.feed(post), args.lang)) + "\n")
        if args.authors:
            for flag in scorer.tracker.author_flags():
                out.write(dumps(author_line(flag, args.lang)) + "\n")
        out.flush()
    except BrokenPipeError:
        return 0
    return 0
