"""The after-chat summary: what the renderers (Markdown, HTML, JSON) show, and the thank-you posts.

The figures come from SQL aggregates (`report.queries`); this module only holds them, ranks
answers and drafts thanks. Hidden, deleted and never-sent (dry-run) posts are not in any figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from tchat_tui.domain.cost import LABELS, PRICES
from tchat_tui.domain.post import Link, Role

TOP_ANSWERS = 5
"""Answers shown under each question in Markdown and HTML (JSON lists them all)."""
TOP_CONTRIBUTORS = 10


@dataclass(frozen=True, slots=True)
class SummaryPost:
    """A post quoted in the summary."""

    native_id: str
    network: str
    author_handle: str
    author_name: str
    role: str
    text: str
    created_at: datetime
    starred: bool = False
    engagement: int = 0
    """Likes + reposts + quotes + replies, when the network gave them."""
    answers: int | None = None
    instance: str | None = None
    links: tuple[Link, ...] = ()
    """The post's links as the network gave them (t.co on X, with the full address)."""
    reply: bool = False
    """A reply: its leading mentions were added by the network, not written."""

    @property
    def url(self) -> str | None:
        """The post on its network's website."""
        return post_url(self.network, self.native_id, self.author_handle, self.instance)


def post_url(network: str, native_id: str, handle: str, instance: str | None = None) -> str | None:
    """A link to a post: x.com status, Mastodon `@user/id` on its instance, bsky.app post."""
    if network == "x":
        return f"https://x.com/{handle}/status/{native_id}"
    if network == "mastodon" and instance:
        return f"https://{instance}/@{handle.split('@')[0]}/{native_id}"
    if network == "bluesky" and native_id.startswith("at://"):
        parts = native_id[len("at://") :].split("/")
        if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
            return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return None


def answer_rank(post: SummaryPost) -> tuple[int, int, int, datetime, str]:
    """Sort key of an answer: starred first, then guests, then by engagement, then by time.

    `report.queries` orders answers in SQL by the same rule; a test keeps the two equal.
    """
    return (
        -int(post.starred),
        -int(post.role == Role.GUEST.value),
        -post.engagement,
        post.created_at,
        post.native_id,
    )


def rank_answers(posts: Iterable[SummaryPost]) -> list[SummaryPost]:
    """Answers in the summary's order."""
    return sorted(posts, key=answer_rank)


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    """A question and what it drew."""

    number: int
    text: str
    post_id: str | None
    """Native id of its first posting (None when planned but never posted)."""
    post_ids: tuple[str, ...] = ()
    """Every posting (a bilingual chat posts each question twice)."""
    posted_at: datetime | None = None
    answer_ids: tuple[str, ...] = ()
    """Native ids of all its answers, in the summary's order."""
    answerers: int = 0
    top_answers: tuple[SummaryPost, ...] = ()

    @property
    def answer_count(self) -> int:
        """How many answers it drew."""
        return len(self.answer_ids)


@dataclass(frozen=True, slots=True)
class Contributor:
    """One author's part in the chat."""

    handle: str
    name: str
    network: str
    role: str
    posts: int
    answers: int
    first_time: bool = False
    """First chat with this tag (only ever set when an earlier chat with the tag is known)."""
    thank: bool = True
    """Worth a thank-you: not muted, no post flagged as promotion (allowed ones included)."""
    replies: int = 0
    """Replies to other posts that are not answers to a question."""
    instance: str | None = None
    """The Mastodon instance the author was read from."""

    @property
    def host_team(self) -> bool:
        """The host, a guest or a co-moderator."""
        return self.role != Role.PARTICIPANT.value


@dataclass(frozen=True, slots=True)
class MinuteCount:
    """Posts written in one minute."""

    minute: datetime
    posts: int


@dataclass(frozen=True, slots=True)
class Stats:
    """The chat's figures (original posts; reposts counted apart)."""

    posts: int
    reposts: int
    participants: int
    first_time_participants: int | None
    """None when no earlier chat with the tag is known (then nobody is called a first-timer)."""
    answers: int
    audience_questions: int
    starred: int
    peak_minute: datetime | None
    peak_posts: int
    per_network: dict[str, int]
    hidden: int
    """Posts hidden by a moderator: counted here, absent everywhere else."""
    deleted: int
    """Posts their authors deleted."""
    flagged: int
    """Posts the promo scorer flagged amber or red (hidden or not)."""
    flagged_red: int
    muted_authors: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {
            "posts": self.posts,
            "reposts": self.reposts,
            "participants": self.participants,
            "first_time_participants": self.first_time_participants,
            "answers": self.answers,
            "audience_questions": self.audience_questions,
            "starred": self.starred,
            "peak_minute": self.peak_minute.isoformat() if self.peak_minute else None,
            "peak_minute_posts": self.peak_posts,
            "per_network": dict(self.per_network),
            "hidden": self.hidden,
            "deleted": self.deleted,
            "flagged": self.flagged,
            "flagged_red": self.flagged_red,
            "muted_authors": self.muted_authors,
        }


@dataclass(frozen=True, slots=True)
class CostLine:
    """What one kind of billable event cost: posts read, posts created..."""

    kind: str
    """A key of `domain.cost.PRICES`."""
    count: int
    usd: float

    @property
    def label(self) -> str:
        """How the kind is named: 'posts read'."""
        return LABELS.get(self.kind, self.kind.replace("_", " "))


@dataclass(frozen=True, slots=True)
class CostSummary:
    """The cost meter's totals for the chat: an estimate at X's pay-per-use prices."""

    lines: tuple[CostLine, ...]
    prices_read_on: str
    """When the prices were read from X's pricing page ('2026-08'); '' when not saved."""
    if_run_live: bool = False
    """Nothing was read or posted on X for real (a replay or a dry run): what it would have cost."""

    @property
    def total_usd(self) -> float:
        """The estimated spend over every kind."""
        return sum(line.usd for line in self.lines)

    @classmethod
    def from_totals(
        cls, totals: dict[str, tuple[int, float]], prices_read_on: str, *, if_run_live: bool
    ) -> CostSummary | None:
        """From kind -> (count, USD), in the price table's order; None when nothing was counted."""
        order = {kind: i for i, kind in enumerate(PRICES)}
        kinds = sorted(
            (k for k, (n, _) in totals.items() if n), key=lambda k: (order.get(k, len(order)), k)
        )
        if not kinds:
            return None
        lines = tuple(CostLine(k, totals[k][0], totals[k][1]) for k in kinds)
        return cls(lines, prices_read_on, if_run_live)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: total, per kind count and USD, the prices' date, how it was estimated."""
        return {
            "estimated": True,
            "if_run_live": self.if_run_live,
            "currency": "USD",
            "total_usd": round(self.total_usd, 6),
            "prices_read_on": self.prices_read_on,
            "kinds": [
                {
                    "kind": line.kind,
                    "label": line.label,
                    "count": line.count,
                    "usd": round(line.usd, 6),
                }
                for line in self.lines
            ],
        }


@dataclass(frozen=True)
class Summary:
    """Everything the summary shows about one chat."""

    chat_id: int
    tag: str
    """With its '#'."""
    topic: str
    start: datetime | None
    end: datetime | None
    zone: tzinfo
    """The time zone the summary shows times in (the plan's, else UTC)."""
    host: str | None
    guests: tuple[str, ...]
    co_moderators: tuple[str, ...]
    networks: tuple[str, ...]
    stats: Stats
    questions: tuple[QuestionSummary, ...]
    highlights: tuple[SummaryPost, ...]
    top_contributors: tuple[Contributor, ...]
    """Participants (not the host team), most answers and replies first."""
    participants: tuple[str, ...]
    """Handles of everyone who wrote a visible post, most active first."""
    first_timers: tuple[str, ...] | None
    """None when no earlier chat with the tag is known."""
    to_thank: tuple[str, ...]
    """Participants (not host, co-moderators or guests, nor muted or spam-flagged), busiest first."""
    per_minute: tuple[MinuteCount, ...]
    limit: int = 280
    classic: bool = False
    thanks_template: str | None = None
    """The plan's filled `thanks` template, when there is one."""
    cost: CostSummary | None = None
    """What the hour cost on X (estimated), when the console's cost meter counted anything."""
    language: str = "en"
    """The chat's language for labels and dates (the plan's, else most posts')."""
    host_team: tuple[Contributor, ...] = ()
    """The host, guests and co-moderators who posted, with their figures."""
    everyone: tuple[Contributor, ...] = ()
    """Every author of a visible post, busiest first (the thank-you drafts choose among them)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """'#Tag: topic'."""
        return f"{self.tag}: {self.topic}" if self.topic else self.tag

    def local(self, dt: datetime) -> datetime:
        """A time in the summary's time zone."""
        return dt.astimezone(self.zone)

    def to_json(self) -> dict[str, Any]:
        """The JSON summary: questions with their answers' native ids, participants, stats."""

        def iso(dt: datetime | None) -> str | None:
            return self.local(dt).isoformat() if dt else None

        return {
            "chat": {
                "id": self.chat_id,
                "tag": self.tag,
                "topic": self.topic,
                "start": iso(self.start),
                "end": iso(self.end),
                "host": self.host,
                "guests": list(self.guests),
                "co_moderators": list(self.co_moderators),
                "networks": list(self.networks),
            },
            "stats": {**self.stats.to_dict(), "peak_minute": iso(self.stats.peak_minute)},
            "questions": [
                {
                    "number": q.number,
                    "text": q.text,
                    "post_id": q.post_id,
                    "post_ids": list(q.post_ids),
                    "posted_at": iso(q.posted_at),
                    "answer_count": q.answer_count,
                    "answerers": q.answerers,
                    "answers": list(q.answer_ids),
                }
                for q in self.questions
            ],
            "highlights": [
                {
                    "post_id": p.native_id,
                    "network": p.network,
                    "author": p.author_handle,
                    "role": p.role,
                    "created_at": iso(p.created_at),
                    "text": p.text,
                    "url": p.url,
                }
                for p in self.highlights
            ],
            "top_contributors": [
                {
                    "handle": c.handle,
                    "network": c.network,
                    "role": c.role,
                    "posts": c.posts,
                    "answers": c.answers,
                    "replies": c.replies,
                    "first_time": c.first_time,
                }
                for c in self.top_contributors
            ],
            "participants": list(self.participants),
            "first_time_participants": (
                None if self.first_timers is None else list(self.first_timers)
            ),
            "language": self.language,
            "to_thank": list(self.to_thank),
            "posts_per_minute": [
                {"minute": iso(m.minute), "posts": m.posts} for m in self.per_minute
            ],
            "cost": self.cost.to_dict() if self.cost else None,
        }
