"""`plan check`: every post the plan prepares measured on each network, and the plan's findings.

Every post (each `Qn: ... #tag` and each filled template) is measured with the same text rules as
the composer (`domain.text.check_text`); the tag, the numbering, the count and the start are
checked apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from tchat_tui.domain.people import NETWORK_NAMES, networks_missing
from tchat_tui.domain.plan.model import CLOSING_MINUTES, TEMPLATE_NAMES, Plan, clock_text
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import TextCheck, check_text
from tchat_tui.domain.text.tag import is_valid_tag

QUESTIONS_MIN, QUESTIONS_MAX = 6, 10
TAG_SHORT = 16
"""Longer tags eat every participant's characters and are hard to type."""
_QN_PREFIX = re.compile(r"^\s*[QqAaRr]\s?\d{1,2}\s*[:.\-–—/)]")


@dataclass(frozen=True)
class Finding:
    """One verdict of `plan check` beside the length table."""

    level: str
    """'ok', 'warning' or 'error' (an error makes `plan check` fail)."""
    subject: str
    """What it is about: 'tag', 'questions', 'start', 'Q3', 'templates'."""
    message: str


@dataclass(frozen=True)
class TextRow:
    """A post the plan prepares, measured on every network of the chat."""

    label: str
    """'Q1'... or the template's name."""
    text: str
    checks: tuple[TextCheck, ...]

    @property
    def ok(self) -> bool:
        """It fits and carries the tag everywhere."""
        return all(c.valid for c in self.checks)


@dataclass(frozen=True)
class PlanCheck:
    """Everything `plan check` reports."""

    rows: tuple[TextRow, ...]
    findings: tuple[Finding, ...]

    @property
    def failed(self) -> bool:
        """Something is over a limit or wrong: the plan is not ready."""
        return any(not r.ok for r in self.rows) or any(f.level == "error" for f in self.findings)


def prepared_posts(plan: Plan) -> list[tuple[str, str]]:
    """Every post the plan prepares, as posted: (label, text); templates get the tag if missing."""
    posts = [p for i in range(1, len(plan.questions) + 1) for p in plan.formatted_versions(i)]
    posts += [(name, plan.tagged(plan.filled_template(name))) for name in plan.templates]
    return posts


def check_plan(plan: Plan, now: datetime) -> PlanCheck:
    """Measure every prepared post and check the tag, the numbering, the count and the start."""
    rules = plan.rules()
    rows = tuple(
        TextRow(label, text, tuple(check_text(text, r, plan.tag) for r in rules))
        for label, text in prepared_posts(plan)
    )
    findings = tag_findings(plan.tag) + question_findings(plan) + start_findings(plan, now)
    findings += pacing_findings(plan)
    findings += people_findings(plan)
    missing = [n for n in TEMPLATE_NAMES if n not in plan.templates]
    if missing:
        findings.append(Finding("warning", "templates", f"no template for {', '.join(missing)}"))
    return PlanCheck(rows, tuple(findings))


_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Co", "Cn", "Zs", "Zl", "Zp"}


def tag_findings(tag: str) -> list[Finding]:
    """Is the tag short, clear, made of one script, free of invisible and look-alike characters?"""
    name = tag.strip().lstrip("#＃")
    out: list[Finding] = []

    def bad(message: str) -> None:
        out.append(Finding("error", "tag", message))

    invisible = sorted({ch for ch in name if unicodedata.category(ch) in _INVISIBLE_CATEGORIES})
    if invisible:
        bad(f"invisible or control characters: {', '.join(_char_name(c) for c in invisible)}")
    lookalike = sorted(
        {ch for ch in name if ch not in invisible and unicodedata.normalize("NFKC", ch) != ch}
    )
    if lookalike:
        bad(f"look-alike characters: {', '.join(_char_name(c) for c in lookalike)}")
    scripts = sorted({_script(ch) for ch in name if ch.isalpha()} - {""})
    if len(scripts) > 1:
        bad(f"mixes {' and '.join(scripts)} letters (look-alikes such as Cyrillic 'а' for 'a')")
    if name and name.isdigit():
        bad("only digits: it would not be a hashtag")
    elif not is_valid_tag(name) and not invisible:
        bad("not a hashtag: use letters, digits and '_' only")
    if out:
        return out
    if len(name) > TAG_SHORT:
        out.append(
            Finding(
                "warning", "tag", f"{len(name)} characters: a short tag (≤ {TAG_SHORT}) leaves room"
            )
        )
    if len(name) >= 8 and (name.islower() or name.isupper()):
        out.append(
            Finding("warning", "tag", "write it in CamelCase (#AidantsChat) so it reads clearly")
        )
    if not out:
        out.append(Finding("ok", "tag", f"#{name}: short, clear, one script, nothing hidden"))
    return out


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name ('LATIN SMALL LETTER A' -> 'Latin')."""
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
        return "CJK"
    return name.split(" ")[0].title() if name else ""


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed').title()}"


def question_findings(plan: Plan) -> list[Finding]:
    """Numbering 1..n (no 'Qn:' written by hand), 6-10 questions, no duplicates."""
    out: list[Finding] = []
    n = len(plan.questions)
    if n == 0:  # a plan built in code: `read` refuses one with no question
        return [Finding("error", "questions", "no questions: a chat needs at least one")]
    if not QUESTIONS_MIN <= n <= QUESTIONS_MAX:
        out.append(
            Finding(
                "warning",
                "questions",
                f"{n} questions: an hour holds {QUESTIONS_MIN}-{QUESTIONS_MAX}",
            )
        )
    for i in range(1, n + 1):
        for v in plan.versions(i):
            if _QN_PREFIX.match(v.text):
                where = f"Q{i} {v.language}".strip()
                what = "starts with its own 'Qn:' prefix: the plan numbers 1..n"
                out.append(Finding("error", where, what))
    seen: dict[str, int] = {}
    for i, q in enumerate(plan.questions, 1):
        folded = q.casefold()
        if folded in seen:
            out.append(Finding("warning", f"Q{i}", f"same text as Q{seen[folded]}"))
        seen.setdefault(folded, i)
    if not out:
        several = len(plan.question_versions)
        langs = f" ({several} in several languages, one post each)" if several else ""
        out.append(Finding("ok", "questions", f"{n} questions, numbered Q1..Q{n}{langs}"))
    return out


def start_findings(plan: Plan, now: datetime) -> list[Finding]:
    """The start is planned and still ahead."""
    if plan.start is None:
        return [Finding("warning", "start", "no start: add start = 2026-11-26T19:00:00+01:00")]
    if plan.start <= now:
        return [Finding("error", "start", f"{plan.start.isoformat()} is in the past")]
    return [Finding("ok", "start", f"{plan.start.isoformat()}, in {_ahead(plan.start - now)}")]


def pacing_findings(plan: Plan) -> list[Finding]:
    """When the questions are due (minutes after the start), and the time left after the last."""
    offsets = plan.question_offsets()
    if not offsets:
        return []
    n = len(offsets)
    how = "set" if plan.question_every_minutes is not None else "spread evenly"
    message = f"Q1 due at +{clock_text(offsets[0])}"
    if n > 1:
        message += f", then one every {clock_text(offsets[1] - offsets[0])} ({how})"
        message += f", Q{n} at +{clock_text(offsets[-1])}"
    left = plan.duration_minutes - offsets[-1]
    message += f": {clock_text(left)} before the end"
    if left < CLOSING_MINUTES:
        message += f": little time for Q{n}'s answers, the last call and the thanks"
        return [Finding("warning", "pacing", message)]
    return [Finding("ok", "pacing", message)]


def _ahead(delta: timedelta) -> str:
    days, seconds = delta.days, delta.seconds
    if days:
        return f"{days} day{'s' if days > 1 else ''} {seconds // 3600} h"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


_EXAMPLES = {
    Network.X: "x:NAME",
    Network.MASTODON: "mastodon:NAME@INSTANCE",
    Network.BLUESKY: "bluesky:NAME.bsky.social",
}


def people_findings(plan: Plan) -> list[Finding]:
    """Every person has a handle on every network the chat uses (a bare handle counts on each
    network where it can be a handle: `claire_morel` cannot be one on Bluesky)."""
    out: list[Finding] = []
    people = [("host", plan.host)] + [("guest", g) for g in plan.guests]
    people += [("co-moderator", c) for c in plan.co_moderators]
    for role, spec in people:
        missing = networks_missing(spec, plan.networks)
        if missing:
            names = " or ".join(NETWORK_NAMES[n] for n in missing)
            add = ", ".join(_EXAMPLES[n] for n in missing)
            out.append(
                Finding(
                    "warning",
                    "people",
                    f"{role} {spec} has no {names} handle: not recognised there (add {add})",
                )
            )
    return out
