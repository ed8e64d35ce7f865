"""Who is still waiting: the chat's participants with what the team did for them, and the audience
questions nobody answered yet.

A participant waits until the team reaches them: a reply or a mention from the host, a guest or
a co-moderator (the console's own posts are the host's), a retweet by one of them, a star on one
of their posts, or a moderator marking them acknowledged. Waiting participants come first; among
them, those with an open audience question, then the longest waiting (the earliest first post).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tchat_tui.domain.first_timers import FirstTimers

TEAM_REPLIERS = ("host", "guest", "co-moderator")
"""Roles whose replies, mentions and retweets reach a participant."""


@dataclass(frozen=True, slots=True)
class Acknowledged:
    """A moderator marked a person acknowledged (thanked, welcomed, answered off the stream)."""

    moderator: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TeamTouch:
    """One thing the team did for an author: a reply, a mention or a retweet, by whose role."""

    author_key: str
    """The author reached."""
    kind: str
    """'reply', 'mention' or 'retweet'."""
    role: str
    """The role of the team member who did it."""


@dataclass(frozen=True, slots=True)
class Participant:
    """A participant of the chat and what the team did for them."""

    author_key: str
    network: str
    handle: str
    name: str
    posts: int
    """Original posts (not retweets), visible."""
    answers: int
    """Of them, answers to a chat question."""
    first_post_at: datetime
    last_post_at: datetime
    replied_by: tuple[str, ...] = ()
    """Roles of the team members who replied to or mentioned them."""
    retweeted_by: tuple[str, ...] = ()
    """Roles of the team members who retweeted one of their posts."""
    starred: bool = False
    """A moderator starred one of their posts."""
    acknowledged: Acknowledged | None = None
    first_timer: bool = False
    open_questions: int = 0
    """Their audience questions nobody answered yet."""

    @property
    def waiting(self) -> bool:
        """Nobody on the team has reached them yet."""
        return not (self.replied_by or self.retweeted_by or self.starred or self.acknowledged)


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """An audience question not answered yet (not marked answered, no reply from the team)."""

    key: str
    author_key: str
    handle: str
    text: str
    asked_at: datetime
    claimed_by: str | None = None

    def age(self, now: datetime) -> timedelta:
        """How long it has waited (never negative)."""
        return max(now - self.asked_at, timedelta(0))


@dataclass(frozen=True, slots=True)
class ChatPeople:
    """The people pane's content: participants waiting first, open questions oldest first."""

    participants: tuple[Participant, ...]
    questions: tuple[OpenQuestion, ...]
    first_timers: FirstTimers | None = None

    @property
    def waiting(self) -> tuple[Participant, ...]:
        """The participants nobody on the team has reached yet."""
        return tuple(p for p in self.participants if p.waiting)

    @property
    def unclaimed(self) -> tuple[OpenQuestion, ...]:
        """The open audience questions nobody claimed."""
        return tuple(q for q in self.questions if not q.claimed_by)


def waiting_first(p: Participant) -> tuple[bool, bool, datetime, str]:
    """The people pane's order: waiting first; among them those with an open question; then the
    earliest first post (the longest wait); then by handle."""
    return (not p.waiting, p.open_questions == 0, p.first_post_at, p.handle.casefold())


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def chat_people(
    rows: Iterable[Mapping[str, Any]],
    touches: Iterable[TeamTouch],
    acknowledged: Mapping[str, Acknowledged],
    questions: Iterable[OpenQuestion],
    first_timers: FirstTimers | None = None,
) -> ChatPeople:
    """Put together the participants (one row each: author_key, network, handle, name, instance,
    posts, answers, starred, first_at, last_at), what the team did, the acknowledgements and the
    open questions; sorted waiting first (`waiting_first`)."""
    replied: dict[str, list[str]] = {}
    retweeted: dict[str, list[str]] = {}
    for t in touches:
        into = retweeted if t.kind == "retweet" else replied
        roles = into.setdefault(t.author_key, [])
        if t.role not in roles:
            roles.append(t.role)
    open_qs = tuple(sorted(questions, key=lambda q: (bool(q.claimed_by), q.asked_at, q.key)))
    asked: dict[str, int] = {}
    for q in open_qs:
        asked[q.author_key] = asked.get(q.author_key, 0) + 1
    people = []
    for r in rows:
        key, network, handle = str(r["author_key"]), str(r["network"]), str(r["handle"] or "")
        first = first_timers is not None and first_timers.is_first_timer(
            key, network, handle, r.get("instance"), "participant"
        )
        people.append(
            Participant(
                author_key=key,
                network=network,
                handle=handle,
                name=str(r.get("name") or handle),
                posts=int(r["posts"]),
                answers=int(r["answers"] or 0),
                first_post_at=_time(r["first_at"]),
                last_post_at=_time(r["last_at"]),
                replied_by=_ordered(replied.get(key, ())),
                retweeted_by=_ordered(retweeted.get(key, ())),
                starred=bool(r.get("starred")),
                acknowledged=acknowledged.get(key),
                first_timer=first,
                open_questions=asked.get(key, 0),
            )
        )
    people.sort(key=waiting_first)
    return ChatPeople(tuple(people), open_qs, first_timers)


def _ordered(roles: Iterable[str]) -> tuple[str, ...]:
    """Roles in the team's order: host, guest, co-moderator."""
    have = set(roles)
    return tuple(r for r in TEAM_REPLIERS if r in have)
