"""Reading a chat plan from TOML: a `Plan`, or a `PlanError` naming the file, the line and the fault."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tchat_tui.domain.people import HandleError, check_person
from tchat_tui.domain.plan.model import (
    CLOSING_MINUTES,
    PLACEHOLDERS,
    Plan,
    PlanError,
    QuestionVersion,
    clock_text,
    placeholders_in,
)
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.tag import normalize_tag

_REQUIRED = ("tag", "topic", "host", "questions")
_KNOWN = (
    "tag topic start timezone language duration_minutes host guests co_moderators networks limit"
    " mastodon_limit questions templates first_question_at question_every_minutes undo_seconds"
).split()
_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_KEY_LINE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
_TABLE_LINE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")


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

    def person(self, key: str, value: object, item: int | None = None) -> str:
        """One person: a handle, handles separated by commas, or a list of handles (one per
        network, `x:claire`, `mastodon:claire@example.social`); kept as `check_person` says."""
        where = f"'{key}'" if item is None else f"'{key}' item {item}"
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ", ".join(value)
        if not isinstance(value, str):
            what = "a handle or a list of one person's handles (one per network)"
            raise self.fail(key, f"{where} must be {what}, not {_describe(value)}")
        try:
            return check_person(value)
        except HandleError as exc:
            raise self.fail(key, f"'{key}': {exc}") from None

    def people(self, key: str) -> list[str]:
        """A list of people (`guests`, `co_moderators`), each as `person` reads it."""
        values = self.get(key, list, "a list of handles", [])
        return [self.person(key, v, i) for i, v in enumerate(values, 1)]

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
        host = self.person("host", self.get("host", (str, list), "the host's handle, without @"))
        versions = self.questions()
        questions = [vs[0].text for vs in versions]
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
        plan = Plan(
            tag=tag,
            topic=self.get("topic", str, "a string: what the chat is about").strip(),
            host=host,
            questions=questions,
            start=self.start(),
            duration_minutes=duration,
            guests=self.people("guests"),
            co_moderators=self.people("co_moderators"),
            networks=self.networks(),
            limit=limit,
            mastodon_limit=mastodon_limit,
            timezone=self.data.get("timezone"),
            language=self.get("language", str, 'a language code such as "fr"'),
            templates=self.templates(),
            first_question_at=self.minutes("first_question_at", "after the start", zero=True),
            question_every_minutes=self.minutes("question_every_minutes", "between questions"),
            question_versions={i: vs for i, vs in enumerate(versions, 1) if len(vs) > 1},
            undo_seconds=self.undo_seconds(),
        )
        self.check_pacing(plan)
        return plan

    def questions(self) -> list[list[QuestionVersion]]:
        """Each question's texts: a text; a list of texts (one per language); a table of texts by
        language (`{fr = "...", en = "..."}`); or a table whose `text` is one of these."""
        what = "question texts, without 'Qn:' or the tag"
        values = self.get("questions", list, f"a list of {what}", [])
        if not values:
            # a chat is its questions: without one the console has nothing to post
            raise self.fail("questions", "'questions' is empty: a chat needs at least one question")
        out = []
        for i, value in enumerate(values, 1):
            if isinstance(value, dict) and set(value) == {"text"}:
                value = value["text"]
            if isinstance(value, str):
                pairs = [("", value)]
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                pairs = [("", v) for v in value]
            elif (
                isinstance(value, dict)
                and value
                and all(isinstance(v, str) for v in value.values())
            ):
                pairs = [(str(k).strip(), v) for k, v in value.items()]
            else:
                raise self.fail(
                    "questions",
                    f"'questions' item {i} must be question texts (a text, a list of texts, or texts"
                    f' by language: {{fr = "...", en = "..."}}), not {_describe(value)}',
                )
            versions = [QuestionVersion(lang, text.strip()) for lang, text in pairs]
            if any(not v.text for v in versions):
                raise self.fail("questions", f"question {i} is empty")
            out.append(versions)
        return out

    def undo_seconds(self) -> float | None:
        """How long a send waits before the outbox (0: no window), 0 to 60 seconds."""
        key = "undo_seconds"
        value = self.get(key, (int, float), "a number of seconds (such as 5, or 0 for none)")
        if value is None:
            return None
        if isinstance(value, bool) or value != value or not 0 <= value <= 60:
            raise self.fail(key, f"'{key}' must be 0 to 60 seconds (0: send at once), not {value}")
        return float(value)

    def minutes(self, key: str, what: str, zero: bool = False) -> float | None:
        """An optional number of minutes (int or float): > 0, or >= 0 with `zero`."""
        value: float | None = self.get(
            key, (int, float), f"a number of minutes {what} (such as 7 or 6.5)"
        )
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be a number of minutes {what}, not true/false")
        if value != value or value in (float("inf"), float("-inf")):
            raise self.fail(key, f"'{key}' must be a number of minutes {what}, not {value}")
        if value < 0 or (value == 0 and not zero):
            least = "0 or more" if zero else "more than 0"
            raise self.fail(key, f"'{key}' must be {least} minutes {what}, not {value}")
        return value

    def check_pacing(self, plan: Plan) -> None:
        """Every question is due before the end of the hour."""
        first = plan.first_question_at
        if plan.question_every_minutes is None and first is not None:
            latest = plan.duration_minutes - CLOSING_MINUTES
            if first >= latest:
                raise self.fail(
                    "first_question_at",
                    f"'first_question_at' must be under {latest} minutes, not {first}: the"
                    f" questions are spread until the last {CLOSING_MINUTES} minutes"
                    " (or set question_every_minutes)",
                )
        offsets = plan.question_offsets()
        if offsets and offsets[-1] >= plan.duration_minutes:
            n = len(offsets)
            every = plan.question_every_minutes is not None and n > 1
            raise self.fail(
                "question_every_minutes" if every else "first_question_at",
                f"Q{n} would be due at {clock_text(offsets[-1])}, not before the end of the"
                f" {plan.duration_minutes}-minute chat"
                + (": shorten first_question_at or question_every_minutes" if every else ""),
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
            for ph in placeholders_in(text):
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
