"""The chat plan: tag, topic, start, people, questions and templates, read from TOML and checked.

Every post the plan prepares (each `Qn: ... #tag` and each filled template) is measured with the
same text rules as the composer (`domain.text.check_text`), on every network the chat uses.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tchat_tui.domain.post import Network
from tchat_tui.domain.text import (
    NetworkRules,
    TextCheck,
    check_text,
    ensure_tag,
    is_valid_tag,
    normalize_tag,
    rules_for,
)

PLACEHOLDERS = ("tag", "topic", "host", "guests")
"""What a template may contain: `{tag}`, `{topic}`, `{host}`, `{guests}`."""
TEMPLATE_NAMES = ("welcome", "rules", "intro", "last_call", "thanks")
"""The templates a plan normally has (others are allowed and show in the command palette)."""
OPENING_MINUTES = 5
"""Welcome, rules and introductions before Q1."""
CLOSING_MINUTES = 5
"""Last call and thanks after the last question's answers."""
QUESTIONS_MIN, QUESTIONS_MAX = 6, 10
TAG_SHORT = 16
"""Longer tags eat every participant's characters and are hard to type."""

_REQUIRED = ("tag", "topic", "host", "questions")
_KNOWN = (
    "tag topic start timezone duration_minutes host guests co_moderators networks limit"
    " mastodon_limit questions templates"
).split()
_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_KEY_LINE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
_TABLE_LINE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
_HANDLE = re.compile(r"^[\w.@-]{1,100}$")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
_QN_PREFIX = re.compile(r"^\s*[QqAaRr]\s?\d{1,2}\s*[:.\-–—/)]")


class PlanError(ValueError):
    """The plan cannot be read; the message names the file, the line and what is wrong."""


@dataclass
class Plan:
    """A chat plan. Handles are stored without '@'; the tag as written, with its '#'."""

    tag: str
    topic: str
    host: str
    questions: list[str]
    start: datetime | None = None
    """Aware datetime (the plan's own time zone), or None when not planned yet."""
    duration_minutes: int = 60
    guests: list[str] = field(default_factory=list)
    co_moderators: list[str] = field(default_factory=list)
    networks: list[Network] = field(default_factory=lambda: [Network.X])
    limit: int = 280
    """The X limit: 280, or 140 for a chat that keeps the classic rule."""
    mastodon_limit: int = 500
    """The Mastodon instance's limit (`max_characters`)."""
    timezone: str | None = None
    """IANA zone name when the plan gives one (`Europe/Paris`)."""
    templates: dict[str, str] = field(default_factory=dict)

    @property
    def classic(self) -> bool:
        """The chat keeps the classic 140-character rule on X."""
        return self.limit == 140

    @property
    def tag_name(self) -> str:
        """The tag without '#'."""
        return normalize_tag(self.tag)

    def rules(self) -> list[NetworkRules]:
        """The counting rules of every network the chat uses."""
        out = []
        for net in self.networks:
            if net is Network.X:
                out.append(rules_for(net, classic=self.classic))
            elif net is Network.MASTODON:
                out.append(rules_for(net, limit=self.mastodon_limit))
            else:
                out.append(rules_for(net))
        return out

    def tagged(self, text: str) -> str:
        """`text` with the chat's tag appended when missing (as the composer does)."""
        try:
            return ensure_tag(text, self.tag)
        except ValueError:  # a tag that can never be a hashtag: `plan check` says so
            return text if self.tag in text else f"{text} {self.tag}".strip()

    def formatted_question(self, n: int) -> str:
        """Question `n` (from 1) as posted: `Qn: text #tag`."""
        if not 1 <= n <= len(self.questions):
            raise IndexError(f"the plan has no question {n}")
        return self.tagged(f"Q{n}: {self.questions[n - 1]}")

    def placeholder_values(self) -> dict[str, str]:
        """What each template placeholder becomes."""
        return {
            "tag": self.tag,
            "topic": self.topic,
            "host": f"@{self.host}" if self.host else "",
            "guests": ", ".join(f"@{g}" for g in self.guests),
        }

    def filled_template(self, name: str) -> str:
        """The template `name` with its placeholders filled (KeyError when the plan has none)."""
        return fill(self.templates[name], self.placeholder_values())

    def question_due_times(self) -> list[datetime]:
        """When each question is due: Q1 after the opening, the rest evenly until the closing.

        The first `OPENING_MINUTES` are for the welcome, rules and introductions, the last
        `CLOSING_MINUTES` for the last call and thanks; question i is due at
        start + OPENING + (i - 1) * (duration - OPENING - CLOSING) / n. No start, no due times.
        """
        if self.start is None or not self.questions:
            return []
        span = self.duration_minutes - OPENING_MINUTES - CLOSING_MINUTES
        gap = timedelta(minutes=span / len(self.questions))
        first = self.start + timedelta(minutes=OPENING_MINUTES)
        return [first + i * gap for i in range(len(self.questions))]

    @property
    def end(self) -> datetime | None:
        """When the hour is over."""
        return self.start + timedelta(minutes=self.duration_minutes) if self.start else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (stored with the chat, so the summary knows the plan)."""
        return {
            "tag": self.tag,
            "topic": self.topic,
            "start": self.start.isoformat() if self.start else None,
            "timezone": self.timezone,
            "duration_minutes": self.duration_minutes,
            "host": self.host,
            "guests": list(self.guests),
            "co_moderators": list(self.co_moderators),
            "networks": [n.value for n in self.networks],
            "limit": self.limit,
            "mastodon_limit": self.mastodon_limit,
            "questions": list(self.questions),
            "templates": dict(self.templates),
        }


def fill(template: str, values: dict[str, str]) -> str:
    """Replace the known `{placeholders}`; anything else in braces stays as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


# --- reading ---------------------------------------------------------------------------------


def load_plan(path: str | Path) -> Plan:
    """Read and parse a plan file.

    Raises:
        PlanError: the file cannot be read, is not TOML, or a field is missing or wrong.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"{p}: no such plan file") from None
    except IsADirectoryError:
        raise PlanError(f"{p}: is a folder, not a plan file") from None
    except UnicodeDecodeError as exc:
        line = p.read_bytes()[: exc.start].count(b"\n") + 1
        raise PlanError(f"{p}:{line}: not UTF-8 text") from None
    except OSError as exc:
        raise PlanError(f"{p}: cannot read the plan: {exc.strerror}") from None
    return parse_plan(text, str(p))


def parse_plan(text: str, source_name: str = "plan.toml") -> Plan:
    """Parse a plan's TOML text.

    Raises:
        PlanError: `source:line: what is wrong` for a TOML error, a missing field or a wrong type.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_WHERE.search(msg)
        line = text.count("\n") + 1
        if m and m.group(1):
            line = int(m.group(1))
        what = _TOML_WHERE.sub("", msg)
        raise PlanError(f"{source_name}:{line}: not valid TOML: {what}") from None
    return _Reader(data, text, source_name).plan()


class _Reader:
    """Turns the TOML table into a Plan, naming the line of the first problem."""

    def __init__(self, data: dict[str, Any], text: str, source: str) -> None:
        self.data = data
        self.source = source
        self.lines = _key_lines(text)
        self.first_table = next(
            (i for i, line in enumerate(text.splitlines(), 1) if _TABLE_LINE.match(line)),
            text.count("\n") + 1,
        )

    def fail(self, key: str, what: str) -> PlanError:
        line = self.lines.get(key, self.lines.get(key.split(".")[0], self.first_table))
        return PlanError(f"{self.source}:{line}: {what}")

    def get(self, key: str, kind: type | tuple[type, ...], what: str, default: Any = None) -> Any:
        if key not in self.data:
            if key in _REQUIRED:
                raise self.fail(key, f"missing field '{key}' ({what})")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
            raise self.fail(key, f"'{key}' must be {what}, not {_describe(value)}")
        return value

    def strings(self, key: str, what: str, check: Callable[[str], str] | None = None) -> list[str]:
        values = self.get(key, list, f"a list of {what}", [])
        out = []
        for i, v in enumerate(values, 1):
            if not isinstance(v, str):
                raise self.fail(key, f"'{key}' item {i} must be {what}, not {_describe(v)}")
            out.append(check(v) if check else v)
        return out

    def handle(self, key: str) -> Callable[[str], str]:
        def check(value: str) -> str:
            handle = value.strip().lstrip("@＠")
            if not _HANDLE.match(handle):
                raise self.fail(key, f"'{key}': {value!r} is not a handle (write it without @)")
            return handle

        return check

    def plan(self) -> Plan:
        for key in self.data:
            if key not in _KNOWN:
                close = difflib.get_close_matches(key, _KNOWN, 1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise self.fail(key, f"unknown field '{key}'{hint}")
        tag = self.get("tag", str, 'a string such as "#MyChat"').strip()
        if not normalize_tag(tag):
            raise self.fail("tag", "'tag' is empty")
        tag = "#" + normalize_tag(tag)
        host = self.handle("host")(self.get("host", str, "the host's handle, without @"))
        questions = [
            q.strip() for q in self.strings("questions", "question texts, without 'Qn:' or the tag")
        ]
        for i, q in enumerate(questions, 1):
            if not q:
                raise self.fail("questions", f"question {i} is empty")
        duration = self.get("duration_minutes", int, "a whole number of minutes", 60)
        if not 20 <= duration <= 600:
            raise self.fail(
                "duration_minutes", f"'duration_minutes' must be 20 to 600, not {duration}"
            )
        limit = self.get("limit", int, "280 or 140 (the classic rule)", 280)
        if limit not in (140, 280):
            raise self.fail("limit", f"'limit' must be 280 or 140 (the classic rule), not {limit}")
        mastodon_limit = self.get("mastodon_limit", int, "a number of characters", 500)
        if mastodon_limit < 1:
            raise self.fail("mastodon_limit", "'mastodon_limit' must be at least 1")
        return Plan(
            tag=tag,
            topic=self.get("topic", str, "a string: what the chat is about").strip(),
            host=host,
            questions=questions,
            start=self.start(),
            duration_minutes=duration,
            guests=self.strings("guests", "handles", self.handle("guests")),
            co_moderators=self.strings("co_moderators", "handles", self.handle("co_moderators")),
            networks=self.networks(),
            limit=limit,
            mastodon_limit=mastodon_limit,
            timezone=self.data.get("timezone"),
            templates=self.templates(),
        )

    def start(self) -> datetime | None:
        zone_name = self.get("timezone", str, 'an IANA time zone such as "Europe/Paris"')
        zone = None
        if zone_name is not None:
            try:
                zone = ZoneInfo(zone_name)
            except (ZoneInfoNotFoundError, ValueError):
                raise self.fail("timezone", f"unknown time zone {zone_name!r}") from None
        value = self.data.get("start")
        if value is None:
            return None
        if not isinstance(value, datetime):
            hint = "a date and time such as 2026-11-26T19:00:00+01:00"
            if isinstance(value, date | time):
                hint += " (a date and a time, both)"
            raise self.fail("start", f"'start' must be {hint}, not {_describe(value)}")
        if value.tzinfo is None:
            if zone is None:
                raise self.fail(
                    "start",
                    "'start' has no time zone: add an offset (2026-11-26T19:00:00+01:00)"
                    ' or a line timezone = "Europe/Paris"',
                )
            return value.replace(tzinfo=zone)
        return value.astimezone(zone) if zone else value

    def networks(self) -> list[Network]:
        names = self.strings("networks", "network names (x, mastodon, bluesky)") or ["x"]
        out: list[Network] = []
        for name in names:
            try:
                net = Network(name.strip().lower())
            except ValueError:
                raise self.fail(
                    "networks", f"unknown network {name!r} (use x, mastodon, bluesky)"
                ) from None
            if net not in out:
                out.append(net)
        return out

    def templates(self) -> dict[str, str]:
        table = self.get("templates", dict, "a table [templates] of texts", {})
        out: dict[str, str] = {}
        for name, text in table.items():
            key = f"templates.{name}"
            if not isinstance(text, str):
                raise self.fail(key, f"template '{name}' must be a text, not {_describe(text)}")
            for ph in _PLACEHOLDER.findall(text):
                if ph not in PLACEHOLDERS:
                    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    raise self.fail(
                        key,
                        f"template '{name}' uses an unknown placeholder {{{ph}}} (known: {known})",
                    )
            out[name] = text.strip()
        return out


def _key_lines(text: str) -> dict[str, int]:
    """Line of each key's first appearance: `key` at the top, `table.key` inside a table."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        t = _TABLE_LINE.match(line)
        if t:
            table = t.group(1)
            lines.setdefault(table, number)
            continue
        k = _KEY_LINE.match(line)
        if k:
            key = next(g for g in k.groups() if g is not None)
            lines.setdefault(f"{table}.{key}" if table else key, number)
    return lines


def _describe(value: object) -> str:
    kinds = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a text",
        list: "a list",
        dict: "a table",
        datetime: "a date-time",
        date: "a date",
        time: "a time",
    }
    kind = next((v for k, v in kinds.items() if isinstance(value, k)), type(value).__name__)
    shown = repr(value) if isinstance(value, str | int | float) else ""
    return f"{kind} {shown}".strip() if len(shown) <= 40 else kind


# --- checking --------------------------------------------------------------------------------


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
    posts = [(f"Q{i}", plan.formatted_question(i)) for i in range(1, len(plan.questions) + 1)]
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
    if not QUESTIONS_MIN <= n <= QUESTIONS_MAX:
        out.append(
            Finding(
                "warning",
                "questions",
                f"{n} questions: an hour holds {QUESTIONS_MIN}-{QUESTIONS_MAX}",
            )
        )
    for i, q in enumerate(plan.questions, 1):
        if _QN_PREFIX.match(q):
            out.append(
                Finding("error", f"Q{i}", "starts with its own 'Qn:' prefix: the plan numbers 1..n")
            )
    seen: dict[str, int] = {}
    for i, q in enumerate(plan.questions, 1):
        folded = q.casefold()
        if folded in seen:
            out.append(Finding("warning", f"Q{i}", f"same text as Q{seen[folded]}"))
        seen.setdefault(folded, i)
    if not out:
        out.append(Finding("ok", "questions", f"{n} questions, numbered Q1..Q{n}"))
    return out


def start_findings(plan: Plan, now: datetime) -> list[Finding]:
    """The start is planned and still ahead."""
    if plan.start is None:
        return [Finding("warning", "start", "no start: add start = 2026-11-26T19:00:00+01:00")]
    if plan.start <= now:
        return [Finding("error", "start", f"{plan.start.isoformat()} is in the past")]
    return [Finding("ok", "start", f"{plan.start.isoformat()}, in {_ahead(plan.start - now)}")]


def _ahead(delta: timedelta) -> str:
    days, seconds = delta.days, delta.seconds
    if days:
        return f"{days} day{'s' if days > 1 else ''} {seconds // 3600} h"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


# --- sharing ---------------------------------------------------------------------------------

_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def when_text(plan: Plan) -> str:
    """'Thursday 26 November 2026, 19:00-20:00 (Europe/Paris)', in the plan's own time zone."""
    start, end = plan.start, plan.end
    if start is None or end is None:
        return "date to be announced"
    zone = plan.timezone or start.strftime("UTC%z").replace("UTC+0000", "UTC")
    if len(zone) == 8 and zone.startswith("UTC"):
        zone = f"{zone[:6]}:{zone[6:]}"
    day = f"{_WEEKDAYS[start.weekday()]} {start.day} {_MONTHS[start.month - 1]} {start.year}"
    return f"{day}, {start:%H:%M}-{end:%H:%M} ({zone})"


def fits(plan: Plan, text: str) -> bool:
    """The text fits every network of the chat and carries the tag."""
    return all(check_text(text, r, plan.tag).valid for r in plan.rules())


def promotion_posts(plan: Plan) -> list[tuple[str, str]]:
    """Posts that announce the chat, each the fullest variant that fits every network.

    Returns (kind, text) pairs: the plan's own `promo` template when it has one, an announcement,
    a reminder for the day, and a teaser with Q1. A kind with no variant that fits is left out.
    """
    if plan.start is None:
        when, time_of_day = "soon", "soon"
    else:
        when = when_text(plan)
        time_of_day = f"at {plan.start:%H:%M}"
    tag, topic = plan.tag, plan.topic
    guests = ", ".join(f"@{g}" for g in plan.guests)
    with_guests = f" with {guests}" if guests else ""
    n = len(plan.questions)
    kinds: list[tuple[str, list[str]]] = []
    if "promo" in plan.templates:
        kinds.append(("promo", [plan.tagged(plan.filled_template("promo"))]))
    kinds.append(
        (
            "announcement",
            [
                f"📅 {when}: {tag} on “{topic}”{with_guests}, hosted by @{plan.host}."
                f" {n} questions, answer with A1, A2… and {tag}. Join us!",
                f"📅 {when}: {tag} on “{topic}”{with_guests}. Join us!",
                f"📅 {when}: {tag} on “{topic}”. Join us!",
                f"📅 {when}: {tag}. Join us!",
            ],
        )
    )
    kinds.append(
        (
            "reminder",
            [
                f"⏰ Today {time_of_day}: {tag} on “{topic}”{with_guests}."
                f" Bring your questions, answer with A1, A2… and {tag}!",
                f"⏰ Today {time_of_day}: {tag} on “{topic}”{with_guests}!",
                f"⏰ Today {time_of_day}: {tag}!",
            ],
        )
    )
    if plan.questions:
        kinds.append(
            (
                "teaser",
                [
                    f"Coming up on {tag}, {when}: “{plan.questions[0]}” Think about your A1!",
                    f"Coming up on {tag}: “{plan.questions[0]}”",
                ],
            )
        )
    out = []
    for kind, variants in kinds:
        text = next((v for v in map(plan.tagged, variants) if fits(plan, v)), None)
        if text is not None:
            out.append((kind, text))
    return out
