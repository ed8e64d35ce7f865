"""The chat plan itself: tag, topic, start, people, questions and templates (`Plan`).

`plan_read` makes one from TOML, `plan_check` measures what it prepares, `plan_share` announces it;
`tchat_tui.domain.plan` gathers them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.people import display_handle
from tchat_tui.domain.post import Network

if TYPE_CHECKING:
    from tchat_tui.domain.text.rules import NetworkRules

# The text rules (regex, emoji tables) load on first use: the summary reads plans without them.

PLACEHOLDERS = ("tag", "topic", "host", "guests")
"""What a template may contain: `{tag}`, `{topic}`, `{host}`, `{guests}`."""
TEMPLATE_NAMES = ("welcome", "rules", "intro", "last_call", "thanks")
"""The templates a plan normally has (others are allowed and show in the command palette)."""
OPENING_MINUTES = 5
"""Welcome, rules and introductions before Q1."""
CLOSING_MINUTES = 5
"""Last call and thanks after the last question's answers."""

_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


class PlanError(TchatError, ValueError):
    """The plan cannot be read; the message names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class QuestionVersion:
    """One language's text of a question (`language` '' when the plan names none)."""

    language: str
    text: str


@dataclass
class Plan:
    """A chat plan. Handles are stored without '@'; the tag as written, with its '#'.

    A person (`host`, each guest and co-moderator) is one handle or several joined by ', ',
    each bare (every network) or for one network (`x:claire_morel`): `domain.people`."""

    tag: str
    topic: str
    host: str
    questions: list[str]
    """Each question's text (its first language's when it has several: `question_versions`)."""
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
    language: str | None = None
    """The chat's language for the recap (a language code: `fr`, `es-MX`), when the plan says."""
    templates: dict[str, str] = field(default_factory=dict)
    first_question_at: float | None = None
    """Minutes after the start when Q1 is due; None: after the opening (`OPENING_MINUTES`)."""
    question_every_minutes: float | None = None
    """Minutes between two questions; None: spread evenly from Q1 until the closing."""
    question_versions: dict[int, list[QuestionVersion]] = field(default_factory=dict)
    """Questions written in several languages, by number (from 1): one post per language.
    A question not listed has one text (`questions`)."""
    undo_seconds: float | None = None
    """How long each send waits, cancellable, before it goes out (0: at once); None: the
    console's default (5 s) unless `--undo` says."""

    @property
    def classic(self) -> bool:
        """The chat keeps the classic 140-character rule on X."""
        return self.limit == 140

    @property
    def tag_name(self) -> str:
        """The tag without '#'."""
        from tchat_tui.domain.text.tag import normalize_tag

        return normalize_tag(self.tag)

    def rules(self) -> list[NetworkRules]:
        """The counting rules of every network the chat uses."""
        from tchat_tui.domain.text.rules import rules_for

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
        from tchat_tui.domain.text.tag import ensure_tag

        try:
            return ensure_tag(text, self.tag)
        except ValueError:  # a tag that can never be a hashtag: `plan check` says so
            return text if self.tag in text else f"{text} {self.tag}".strip()

    def formatted_question(self, n: int) -> str:
        """Question `n` (from 1) as posted: `Qn: text #tag` (its first language)."""
        if not 1 <= n <= len(self.questions):
            raise IndexError(f"the plan has no question {n}")
        return self.tagged(f"Q{n}: {self.questions[n - 1]}")

    def versions(self, n: int) -> list[QuestionVersion]:
        """Question `n`'s texts, one per language (one unnamed version for a single text)."""
        if not 1 <= n <= len(self.questions):
            raise IndexError(f"the plan has no question {n}")
        return list(self.question_versions.get(n) or [QuestionVersion("", self.questions[n - 1])])

    def formatted_versions(self, n: int) -> list[tuple[str, str]]:
        """Question `n` as posted, one post per language: (label `Qn` or `Qn fr`, `Qn: text #tag`)."""
        return [
            (f"Q{n} {v.language}".strip(), self.tagged(f"Q{n}: {v.text}")) for v in self.versions(n)
        ]

    def question_texts(self) -> list[list[str]]:
        """Every question's texts, one per language, in order (what the classifier matches)."""
        return [[v.text for v in self.versions(n)] for n in range(1, len(self.questions) + 1)]

    def placeholder_values(self) -> dict[str, str]:
        """What each template placeholder becomes."""
        return {
            "tag": self.tag,
            "topic": self.topic,
            "host": f"@{display_handle(self.host, self.networks)}" if self.host else "",
            "guests": ", ".join(f"@{display_handle(g, self.networks)}" for g in self.guests),
        }

    def filled_template(self, name: str) -> str:
        """The template `name` with its placeholders filled (KeyError when the plan has none)."""
        return fill(self.templates[name], self.placeholder_values())

    def question_offsets(self) -> list[float]:
        """When each question is due, in minutes after the start (no start needed).

        Q1 is due at `first_question_at` (default: after the `OPENING_MINUTES` of welcome, rules
        and introductions), then one every `question_every_minutes`. Without that gap the
        questions are spread evenly from Q1 until the last `CLOSING_MINUTES` (last call and
        thanks), leaving the last question a gap of its own: with n questions the gap is
        (duration - CLOSING - first) / n.
        """
        n = len(self.questions)
        if not n:
            return []
        first = OPENING_MINUTES if self.first_question_at is None else self.first_question_at
        every = self.question_every_minutes
        if every is None:
            every = (self.duration_minutes - CLOSING_MINUTES - first) / n
        return [first + i * every for i in range(n)]

    def question_rows(self) -> list[tuple[int, list[tuple[str, str]], datetime | None]]:
        """Each question as the queue stores it: number, its (language, text) versions, due time."""
        due = self.question_due_times()
        return [
            (
                n,
                [(v.language, v.text) for v in self.versions(n)],
                due[n - 1] if n <= len(due) else None,
            )
            for n in range(1, len(self.questions) + 1)
        ]

    def question_due_times(self) -> list[datetime]:
        """When each question is due (`question_offsets` after the start); no start, no due times."""
        if self.start is None:
            return []
        return [self.start + timedelta(minutes=m) for m in self.question_offsets()]

    @property
    def end(self) -> datetime | None:
        """When the hour is over."""
        return self.start + timedelta(minutes=self.duration_minutes) if self.start else None

    def _written(self, n: int) -> str | list[str] | dict[str, str]:
        """Question `n` as the plan's TOML writes it: a text, a list, or texts by language."""
        versions = self.versions(n)
        if len(versions) == 1:
            return versions[0].text
        if any(v.language for v in versions):
            return {v.language: v.text for v in versions}
        return [v.text for v in versions]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (stored with the chat, so the summary knows the plan)."""
        return {
            "tag": self.tag,
            "topic": self.topic,
            "start": self.start.isoformat() if self.start else None,
            "timezone": self.timezone,
            "language": self.language,
            "duration_minutes": self.duration_minutes,
            "host": self.host,
            "guests": list(self.guests),
            "co_moderators": list(self.co_moderators),
            "networks": [n.value for n in self.networks],
            "limit": self.limit,
            "mastodon_limit": self.mastodon_limit,
            "questions": [self._written(n) for n in range(1, len(self.questions) + 1)],
            "templates": dict(self.templates),
            "first_question_at": self.first_question_at,
            "question_every_minutes": self.question_every_minutes,
        }


def clock_text(minutes: float) -> str:
    """Minutes after the start as "MM:SS" (`6.25` -> "06:15")."""
    seconds = round(minutes * 60)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def fill(template: str, values: dict[str, str]) -> str:
    """Replace the known `{placeholders}`; anything else in braces stays as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def placeholders_in(template: str) -> list[str]:
    """The `{names}` a template uses, known or not, in order."""
    return _PLACEHOLDER.findall(template)
