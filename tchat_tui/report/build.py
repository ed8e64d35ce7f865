"""Build the after-chat `Summary` of one chat from its database (a handful of SQL aggregates)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from tchat_tui.domain.chat_zone import chat_zone
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.plan.model import fill
from tchat_tui.domain.post import Link, Network, Role
from tchat_tui.domain.roster import Roster
from tchat_tui.domain.summary import (
    TOP_ANSWERS,
    TOP_CONTRIBUTORS,
    Contributor,
    CostSummary,
    MinuteCount,
    QuestionSummary,
    Stats,
    Summary,
    SummaryPost,
)
from tchat_tui.report.chat_plan import chat_plan
from tchat_tui.report.words import language_of
from tchat_tui.store import summary_queries as q
from tchat_tui.store.database import Store

_HOST, _COMODERATOR, _GUEST, _PARTICIPANT = (
    Role.HOST.value,
    Role.COMODERATOR.value,
    Role.GUEST.value,
    Role.PARTICIPANT.value,
)
_ROLES = {0: _HOST, 1: _COMODERATOR, 2: _GUEST, 3: _PARTICIPANT}
_PLAN_ROLES = {Role.HOST: _HOST, Role.GUEST: _GUEST, Role.COMODERATOR: _COMODERATOR}
"""A role the plan gives (a participant has none: the stored rank says)."""
"""`queries.ROLE_RANK` -> role name (plain strings: compared once per author)."""


class SummaryError(TchatError):
    """The summary cannot be made (no such chat...); the message is one line for the user."""


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _post(row: dict[str, Any], engagement: int) -> SummaryPost:
    return SummaryPost(
        native_id=str(row["native_id"]),
        network=str(row["network"]),
        author_handle=str(row["author_handle"]),
        author_name=str(row["author_name"] or row["author_handle"]),
        role=str(row["role"] or Role.PARTICIPANT.value),
        text=str(row["text"] or ""),
        created_at=datetime.fromisoformat(row["created_at"]),
        starred=bool(row["starred"]),
        engagement=engagement,
        answers=row["answers"],
        instance=row["instance"],
        links=tuple(Link(str(u), str(e)) for u, e in _pairs(row["links"])),
        reply=row["reply_to_key"] is not None,
    )


def _pairs(value: str | None) -> list[tuple[object, object]]:
    """The stored links ([[url, expanded], ...]); none when the column does not parse."""
    try:
        data = json.loads(value or "[]")
    except json.JSONDecodeError:
        return []
    if not isinstance(data, list):
        return []
    return [(p[0], p[1]) for p in data if isinstance(p, list) and len(p) == 2]


def resolve_chat(store: Store, chat_id: int | None) -> int:
    """The chat asked for, or the newest one.

    Raises:
        SummaryError: the database has no chat, or not that one.
    """
    ids = store.chat_ids()
    if not ids:
        raise SummaryError(f"{store.path} has no chat yet")
    if chat_id is None:
        return ids[-1]
    if chat_id not in ids:
        known = ", ".join(map(str, ids))
        raise SummaryError(f"{store.path} has no chat {chat_id} (its chats: {known})")
    return chat_id


def build_summary(
    store: Store,
    chat_id: int | None = None,
    *,
    top_answers: int = TOP_ANSWERS,
    first_timers: Collection[str] | None = None,
    zone: tzinfo | None = None,
    language: str | None = None,
) -> Summary:
    """The summary of a chat (the newest when `chat_id` is None).

    Args:
        first_timers: author keys of the participants in their first chat with this tag, as the
            caller knows them; None when no earlier chat with the tag is known: then nobody is
            called a first-timer.
        zone: the chat's time zone; None: the plan's, else UTC.
        language: the recap's language; None: the plan's `language`, else most posts' own.

    Raises:
        SummaryError: the database has no such chat.
    """
    db = store.db
    chat = resolve_chat(store, chat_id)
    row = q.chat_row(db, chat) or {}
    plan = chat_plan(store, chat)
    known = None if first_timers is None else frozenset(first_timers)
    with q.read_snapshot(db):
        s = _build(store, chat, row, plan, top_answers, known)
        lang = language or plan.get("language")
        if not isinstance(lang, str):
            lang = q.main_language(db, chat)
    s = replace(s, language=language_of(lang))
    return replace(s, zone=zone) if zone is not None else s


def _build(
    store: Store,
    chat: int,
    row: dict[str, Any],
    plan: dict[str, Any],
    top_answers: int,
    first_timers: frozenset[str] | None,
) -> Summary:
    db = store.db
    quoted = _quoted(store, chat, top_answers)
    minutes: list[MinuteCount] = []
    reposts = 0
    for m, repost, n in q.per_minute(db, chat):
        if repost:
            reposts += n
        else:
            minutes.append(MinuteCount(datetime.fromisoformat(m + ":00+00:00"), n))
    peak = max(minutes, key=lambda m: m.posts, default=None)  # the earliest of equal minutes

    # The plan's people in every network's forms (`x:claire, mastodon:claire@example.social`).
    roster = Roster(
        str(plan["host"]) if plan.get("host") else None,
        tuple(str(g) for g in plan.get("guests") or ()),
        tuple(str(c) for c in plan.get("co_moderators") or ()),
    )
    answers_by = quoted.answers_by
    replies_by = q.replies_by_author(db, chat)
    authors = [a for a in q.author_figures(db, chat) if a["posts"]]
    authors.sort(key=lambda a: (-a["posts"], -answers_by.get(a["author_key"], 0), a["first_at"]))
    people: list[Contributor] = []
    per_network: dict[str, int] = {}
    for a in authors:
        key, network, posts = a["author_key"], str(a["network"]), int(a["posts"])
        handle = str(a["handle"] or key)
        role = (
            _PLAN_ROLES.get(roster.role_of(handle, Network(network))) or _ROLES[int(a["role_rank"])]
        )
        per_network[network] = per_network.get(network, 0) + posts
        people.append(
            Contributor(
                handle=handle,
                name=str(a["name"] or handle),
                network=network,
                role=role,
                posts=posts,
                answers=answers_by.get(key, 0),
                first_time=first_timers is not None
                and role == _PARTICIPANT
                and key in first_timers,
                thank=not (a["flagged"] or a["muted"]),
                replies=replies_by.get(key, 0),
                instance=_instance(network, key),
            )
        )
    # Participants ranked by what they brought to the conversation: answers and replies. A muted
    # account, or one flagged as promotion, is not put forward in public.
    busiest = sorted(
        (p for p in people if not p.host_team and p.thank),
        key=lambda p: (-(p.answers + p.replies), -p.posts),
    )

    mod = q.moderation(db, chat)
    stats = Stats(
        posts=sum(m.posts for m in minutes),
        reposts=reposts,
        participants=len(people),
        first_time_participants=(
            None if first_timers is None else sum(p.first_time for p in people)
        ),
        answers=sum(quoted.answers_by.values()),
        audience_questions=quoted.audience,
        starred=len(quoted.highlights),
        peak_minute=peak.minute if peak else None,
        peak_posts=peak.posts if peak else 0,
        per_network=dict(sorted(per_network.items())),
        hidden=int(mod["hidden"]),
        deleted=int(mod["deleted"]),
        flagged=int(mod["flagged"]),
        flagged_red=int(mod["red"]),
        muted_authors=sum(bool(a["muted"]) for a in authors),
    )

    def with_role(role: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.handle for p in people if p.role == role))

    host = plan.get("host") or next(iter(with_role(_HOST)), None)
    guests = tuple(plan.get("guests") or ()) or with_role(_GUEST)
    comods = tuple(plan.get("co_moderators") or ()) or with_role(_COMODERATOR)
    tag = "#" + str(row.get("tag") or plan.get("tag") or "").lstrip("#＃")
    topic = str(row.get("topic") or plan.get("topic") or "")
    # Without a planned start, the chat spans the minutes it has posts in.
    start = _time(row.get("started_at")) or (minutes[0].minute if minutes else None)
    if row.get("started_at") and start is not None:
        end: datetime | None = start + timedelta(minutes=int(row.get("duration_minutes") or 60))
    else:
        end = minutes[-1].minute + timedelta(minutes=1) if minutes else None
    limit = int(plan.get("limit") or 280)
    return Summary(
        chat_id=chat,
        tag=tag,
        topic=topic,
        start=start,
        end=end,
        zone=chat_zone(plan),
        host=host,
        guests=tuple(guests),
        co_moderators=tuple(comods),
        networks=tuple(plan.get("networks") or per_network or ("x",)),
        stats=stats,
        questions=quoted.questions,
        highlights=quoted.highlights,
        top_contributors=tuple(busiest[:TOP_CONTRIBUTORS]),
        participants=tuple(dict.fromkeys(p.handle for p in people)),
        first_timers=(
            None
            if first_timers is None
            else tuple(dict.fromkeys(p.handle for p in people if p.first_time))
        ),
        to_thank=tuple(dict.fromkeys(p.handle for p in busiest)),
        per_minute=tuple(minutes),
        limit=limit,
        classic=limit == 140,
        thanks_template=_thanks(plan, tag, topic, host, guests),
        cost=_cost(store, chat),
        host_team=tuple(p for p in people if p.host_team),
        everyone=tuple(people),
    )


def _instance(network: str, author_key: str) -> str | None:
    """A Mastodon author's instance, from their key (`mastodon:INSTANCE:ID`)."""
    if network != "mastodon":
        return None
    instance = author_key.partition(":")[2].rpartition(":")[0]
    return instance or None


def _cost(store: Store, chat: int) -> CostSummary | None:
    """The cost meter's saved totals; None for a chat the meter never counted (older chats)."""
    rows = q.cost_rows(store.db, chat)
    if not rows:
        return None
    totals = {str(r["kind"]): (int(r["count"] or 0), float(r["usd"] or 0.0)) for r in rows}
    read_on = max((str(r["prices_read_on"]) for r in rows if r["prices_read_on"]), default="")
    # Reads of the host's own data (users/me) only happen live; a replay or a dry run estimates.
    live = bool(totals.get("owned_read", (0, 0.0))[0]) or q.ran_live_on_x(store.db, chat)
    return CostSummary.from_totals(totals, read_on, if_run_live=not live)


def _thanks(
    plan: dict[str, Any], tag: str, topic: str, host: str | None, guests: tuple[str, ...]
) -> str | None:
    """The plan's `thanks` template, filled."""
    templates = plan.get("templates")
    thanks = templates.get("thanks") if isinstance(templates, dict) else None
    if not isinstance(thanks, str):
        return None
    values = {
        "tag": tag,
        "topic": topic,
        "host": f"@{host}" if host else "",
        "guests": ", ".join(f"@{g}" for g in guests),
    }
    return fill(thanks, values)


@dataclass
class _Quoted:
    """What the ordered pass over answers, questions, stars and audience questions yields."""

    questions: tuple[QuestionSummary, ...]
    highlights: tuple[SummaryPost, ...]
    answers_by: dict[str, int]
    """Author key -> answers written."""
    audience: int


def _quoted(store: Store, chat: int, top: int) -> _Quoted:
    """The questions with their answers, the highlights and the audience questions."""
    db = store.db
    ids: dict[int, tuple[str, ...]] = {}
    answerers: dict[int, int] = {}
    answers_by: Counter[str] = Counter()
    tops: dict[int, list[tuple[int, int]]] = {}
    for number, answer_ids, authors in q.answers(db, chat):
        ids[number] = answer_ids
        answerers[number] = len(set(authors))
        answers_by.update(authors)
        if top:
            tops[number] = q.top_answers(db, chat, number, top)
    postings: dict[int, list[tuple[str, str]]] = {}
    starred: list[tuple[str, str, int]] = []
    audience = 0
    for row in q.noted_posts(db, chat):
        if row["question_number"] is not None:
            postings.setdefault(row["question_number"], []).append(
                (row["created_at"], row["native_id"])
            )
        if row["starred"] and not row["author_muted"]:  # a muted author is quoted nowhere
            starred.append((row["created_at"], row["native_id"], row["rid"]))
        audience += bool(row["audience_question"])
    starred.sort()
    wanted = [k for group in tops.values() for k, _ in group] + [k for _, _, k in starred]
    rows = q.posts_by_rowid(db, wanted)
    out = []
    for qrow in q.questions(db, chat):
        n = int(qrow["number"])
        posted = sorted(postings.get(n, []))
        out.append(
            QuestionSummary(
                number=n,
                text=str(qrow["text"] or ""),
                post_id=posted[0][1] if posted else None,
                post_ids=tuple(p[1] for p in posted),
                posted_at=_time(posted[0][0]) if posted else None,
                answer_ids=ids.get(n, ()),
                answerers=answerers.get(n, 0),
                # The best few answers, quoted in the order they were written.
                top_answers=tuple(
                    sorted(
                        (_post(rows[k], e) for k, e in tops.get(n, ()) if k in rows),
                        key=lambda p: (p.created_at, p.native_id),
                    )
                ),
            )
        )
    highlights = tuple(_post(rows[k], 0) for _, _, k in starred if k in rows)
    return _Quoted(tuple(out), highlights, dict(answers_by), audience)
