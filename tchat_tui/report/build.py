"""Build the after-chat `Summary` of one chat from its database (a handful of SQL aggregates)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tchat_tui.domain.plan import fill
from tchat_tui.domain.post import Role
from tchat_tui.domain.summary import (
    TOP_ANSWERS,
    TOP_CONTRIBUTORS,
    Contributor,
    MinuteCount,
    QuestionSummary,
    Stats,
    Summary,
    SummaryPost,
)
from tchat_tui.report import queries as q
from tchat_tui.store.store import Store

_ROLES = {0: Role.HOST, 1: Role.COMODERATOR, 2: Role.GUEST, 3: Role.PARTICIPANT}


class SummaryError(Exception):
    """The summary cannot be made (no such chat...); the message is one line for the user."""


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _zone(plan: dict[str, Any]) -> tzinfo:
    """The plan's time zone: its name, else its start's offset, else UTC."""
    name = plan.get("timezone")
    if isinstance(name, str):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    start = plan.get("start")
    if isinstance(start, str):
        try:
            offset = datetime.fromisoformat(start).tzinfo
        except ValueError:
            offset = None
        if offset is not None:
            return offset
    return UTC


def _post(row: dict[str, Any]) -> SummaryPost:
    return SummaryPost(
        native_id=str(row["native_id"]),
        network=str(row["network"]),
        author_handle=str(row["author_handle"]),
        author_name=str(row["author_name"] or row["author_handle"]),
        role=str(row["role"] or Role.PARTICIPANT.value),
        text=str(row["text"] or ""),
        created_at=datetime.fromisoformat(row["created_at"]),
        starred=bool(row["starred"]),
        engagement=int(row["engagement"] or 0),
        answers=row["answers"],
        instance=row["instance"],
    )


def chat_ids(store: Store) -> list[int]:
    """The ids of the chats in the database, oldest first."""
    return [int(r[0]) for r in store.db.execute("SELECT id FROM chats ORDER BY id").fetchall()]


def resolve_chat(store: Store, chat_id: int | None) -> int:
    """The chat asked for, or the newest one.

    Raises:
        SummaryError: the database has no chat, or not that one.
    """
    ids = chat_ids(store)
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
    look_in_folder: bool = True,
) -> Summary:
    """The summary of a chat (the newest when `chat_id` is None).

    First-time participants are those whose first stored post anywhere is newer than this chat's
    first post, in this database and (with `look_in_folder`) in the other `*.db` of its folder.

    Raises:
        SummaryError: the database has no such chat.
    """
    db = store.db
    chat = resolve_chat(store, chat_id)
    row = q.chat_row(db, chat) or {}
    try:
        plan = json.loads(row.get("plan_json") or "{}")
    except json.JSONDecodeError:
        plan = {}
    if not isinstance(plan, dict):
        plan = {}
    fig = q.figures(db, chat)
    mod = q.moderation(db, chat)
    minutes = [
        MinuteCount(datetime.fromisoformat(m + ":00+00:00"), n) for m, n in q.per_minute(db, chat)
    ]
    peak = max(minutes, key=lambda m: m.posts, default=None)  # the earliest of equal minutes

    start = _time(row.get("started_at")) or _time(fig["first_at"])
    if row.get("started_at") and start is not None:
        end: datetime | None = start + timedelta(minutes=int(row.get("duration_minutes") or 60))
    else:
        end = _time(fig["last_at"])

    plan_people = {
        **{str(h).casefold(): Role.COMODERATOR for h in plan.get("co_moderators") or ()},
        **{str(h).casefold(): Role.GUEST for h in plan.get("guests") or ()},
    }
    if plan.get("host"):
        plan_people[str(plan["host"]).casefold()] = Role.HOST

    known: set[str] = set()
    if mod["first_any"]:
        known = q.known_before(db, mod["first_any"])
        if look_in_folder:
            for other in q.sibling_databases(store.path):
                known |= q.known_before_in(other, mod["first_any"])

    people: list[Contributor] = []
    for c in q.contributors(db, chat):
        handle = str(c["handle"])
        role = plan_people.get(handle.casefold(), _ROLES[int(c["role_rank"])])
        people.append(
            Contributor(
                handle=handle,
                name=str(c["name"] or handle),
                network=str(c["network"]),
                role=role.value,
                posts=int(c["posts"]),
                answers=int(c["answers"]),
                first_time=c["author_key"] not in known,
                thank=not (c["red"] or c["muted"]),
            )
        )

    def with_role(role: Role) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.handle for p in people if p.role == role.value))

    host = plan.get("host") or next(iter(with_role(Role.HOST)), None)
    guests = tuple(plan.get("guests") or ()) or with_role(Role.GUEST)
    comods = tuple(plan.get("co_moderators") or ()) or with_role(Role.COMODERATOR)
    participants = tuple(dict.fromkeys(p.handle for p in people))
    first_timers = tuple(dict.fromkeys(p.handle for p in people if p.first_time))

    stats = Stats(
        posts=int(fig["posts"]),
        reposts=int(fig["reposts"]),
        participants=len(people),
        first_time_participants=sum(p.first_time for p in people),
        answers=int(fig["answers"]),
        audience_questions=int(fig["audience_questions"]),
        starred=int(fig["starred"]),
        peak_minute=peak.minute if peak else None,
        peak_posts=peak.posts if peak else 0,
        per_network=q.per_network(db, chat),
        hidden=int(mod["hidden"]),
        deleted=int(mod["deleted"]),
        flagged=int(mod["flagged"]),
        flagged_red=int(mod["flagged_red"]),
        muted_authors=int(mod["muted_authors"]),
    )

    tag = "#" + str(row.get("tag") or plan.get("tag") or "").lstrip("#＃")
    topic = str(row.get("topic") or plan.get("topic") or "")
    templates = plan.get("templates") if isinstance(plan.get("templates"), dict) else {}
    thanks = templates.get("thanks") if templates else None
    thanks_text = None
    if isinstance(thanks, str):
        values = {
            "tag": tag,
            "topic": topic,
            "host": f"@{host}" if host else "",
            "guests": ", ".join(f"@{g}" for g in guests),
        }
        thanks_text = fill(thanks, values)
    limit = int(plan.get("limit") or 280)
    networks = tuple(plan.get("networks") or stats.per_network or ("x",))
    return Summary(
        chat_id=chat,
        tag=tag,
        topic=topic,
        start=start,
        end=end,
        zone=_zone(plan),
        host=host,
        guests=tuple(guests),
        co_moderators=tuple(comods),
        networks=networks,
        stats=stats,
        questions=_questions(store, chat, top_answers),
        highlights=tuple(_post(r) for r in q.highlights(db, chat)),
        top_contributors=tuple(people[:TOP_CONTRIBUTORS]),
        participants=participants,
        first_timers=first_timers,
        to_thank=tuple(
            dict.fromkeys(p.handle for p in people if p.role == Role.PARTICIPANT.value and p.thank)
        ),
        per_minute=tuple(minutes),
        limit=limit,
        classic=limit == 140,
        thanks_template=thanks_text,
    )


def _questions(store: Store, chat: int, top: int) -> tuple[QuestionSummary, ...]:
    db = store.db
    postings: dict[int, list[dict[str, Any]]] = {}
    for p in q.question_postings(db, chat):
        postings.setdefault(int(p["number"]), []).append(p)
    counts = q.answer_counts(db, chat)
    ids = q.answer_ids(db, chat)
    tops: dict[int, list[SummaryPost]] = {}
    for r in q.top_answers(db, chat, top) if top > 0 else []:
        tops.setdefault(int(r["answers"]), []).append(_post(r))
    out = []
    for row in q.questions(db, chat):
        n = int(row["number"])
        posted = postings.get(n, [])
        out.append(
            QuestionSummary(
                number=n,
                text=str(row["text"] or ""),
                post_id=str(posted[0]["native_id"]) if posted else None,
                post_ids=tuple(str(p["native_id"]) for p in posted),
                posted_at=_time(posted[0]["created_at"]) if posted else None,
                answer_ids=tuple(ids.get(n, ())),
                answerers=counts.get(n, (0, 0))[1],
                top_answers=tuple(tops.get(n, ())),
            )
        )
    return tuple(out)
