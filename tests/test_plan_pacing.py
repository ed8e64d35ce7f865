"""The plan's pacing: when each question is due (first_question_at, question_every_minutes),
bad pacing named by line, and the demo chat posting its questions when due."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest

from tchat_tui.domain.plan.check import check_plan
from tchat_tui.domain.plan.model import Plan, PlanError
from tchat_tui.domain.plan.read import load_plan, parse_plan
from tests.test_plan import BEFORE, DEMO_PLAN, plan_of

EIGHT = ", ".join(f'"Q number {i}?"' for i in range(1, 9))


def paced(pacing: str, questions: str = EIGHT, duration: int = 60) -> Plan:
    """BASE with these questions, this duration and the pacing lines before `questions`."""
    return plan_of(
        **{
            "duration_minutes = 60": f"duration_minutes = {duration}",
            '"One?", "Two?", "Three?", "Four?", "Five?", "Six?"': questions,
            "questions =": f"{pacing}\nquestions =",
        }
    )


def minutes_in(plan: Plan) -> list[float]:
    assert plan.start is not None
    return [(d - plan.start).total_seconds() / 60 for d in plan.question_due_times()]


@pytest.mark.parametrize(
    ("pacing", "expected"),
    [
        ("", [5 + i * 6.25 for i in range(8)]),  # the even spread, unchanged
        ("question_every_minutes = 7", [5 + i * 7 for i in range(8)]),
        ("question_every_minutes = 6.5", [5 + i * 6.5 for i in range(8)]),
        # first alone: spread evenly from Q1 until the closing, (60 - 5 - 7) / 8 = 6 apart
        ("first_question_at = 7", [7 + i * 6 for i in range(8)]),
        ("first_question_at = 0", [i * 55 / 8 for i in range(8)]),
        ("first_question_at = 6\nquestion_every_minutes = 7", [6 + i * 7 for i in range(8)]),
        (
            "first_question_at = 6.5\nquestion_every_minutes = 7.25",
            [6.5 + i * 7.25 for i in range(8)],
        ),
    ],
)
def test_due_times_follow_first_question_at_and_question_every_minutes(
    pacing: str, expected: list[float]
) -> None:
    """Q(i+1) is due at start + first + i * every; a field not given keeps its default."""
    plan = paced(pacing)
    assert minutes_in(plan) == pytest.approx(expected)
    assert plan.question_offsets() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("pacing", "message"),
    [
        ("question_every_minutes = 0", "p.toml:10: 'question_every_minutes' must be more than 0"),
        ("question_every_minutes = -7", "p.toml:10: 'question_every_minutes' must be more than 0"),
        ("first_question_at = -1", "p.toml:10: 'first_question_at' must be 0 or more minutes"),
        (
            'first_question_at = "06:00"',
            "p.toml:10: 'first_question_at' must be a number of minutes",
        ),
        ("question_every_minutes = true", "'question_every_minutes' must be a number of minutes"),
        ("question_every_minutes = nan", "'question_every_minutes' must be a number of minutes"),
        ("question_every_minutes = [7]", "p.toml:10: 'question_every_minutes' must be a number"),
        # 5 + 7 * 8 = 61: Q8 after the hour
        (
            "question_every_minutes = 8",
            "p.toml:10: Q8 would be due at 61:00, not before the end of the 60-minute chat",
        ),
        (
            "first_question_at = 11\nquestion_every_minutes = 7",
            "p.toml:11: Q8 would be due at 60:00, not before the end of the 60-minute chat",
        ),
        ("first_question_at = 55", "p.toml:10: 'first_question_at' must be under 55 minutes"),
    ],
)
def test_bad_pacing_is_one_clear_error(pacing: str, message: str) -> None:
    """Negative, zero, not a number, or the last question due after the hour: one line, named."""
    with pytest.raises(PlanError) as info:
        paced(pacing)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_pacing_fits_a_longer_chat() -> None:
    """What is too late for an hour fits 90 minutes."""
    assert minutes_in(paced("question_every_minutes = 8", duration=90))[-1] == 61


def _toml_value(value: object, key: str = "") -> str:
    if isinstance(value, str) and key != "start":  # TOML spells the start as a bare date-time
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def test_pacing_round_trips_through_to_dict() -> None:
    """to_dict keeps both fields under their TOML names: written back, the plan is due the same."""
    plan = paced("first_question_at = 6\nquestion_every_minutes = 7.5")
    data = plan.to_dict()
    assert (data["first_question_at"], data["question_every_minutes"]) == (6, 7.5)
    json.loads(json.dumps(data))  # stored with the chat as JSON
    lines = [
        f"{k} = {_toml_value(v, k)}" for k, v in data.items() if v is not None and k != "templates"
    ]
    lines += ["[templates]", *(f"{k} = {_toml_value(v)}" for k, v in data["templates"].items())]
    again = parse_plan("\n".join(lines) + "\n", "again.toml")
    assert again.to_dict() == data
    assert again.question_due_times() == plan.question_due_times()
    unset = plan_of().to_dict()
    assert unset["first_question_at"] is None and unset["question_every_minutes"] is None


def test_plan_check_reports_the_pacing() -> None:
    """`plan check` says when Q1 is due, the gap, the last question and the time left."""

    def pacing(plan: Plan) -> tuple[str, str]:
        (found,) = [f for f in check_plan(plan, BEFORE).findings if f.subject == "pacing"]
        return found.level, found.message

    assert pacing(paced("first_question_at = 6\nquestion_every_minutes = 7")) == (
        "ok",
        "Q1 due at +06:00, then one every 07:00 (set), Q8 at +55:00: 05:00 before the end",
    )
    assert pacing(paced("")) == (
        "ok",
        "Q1 due at +05:00, then one every 06:15 (spread evenly), Q8 at +48:45: 11:15 before the end",
    )
    level, message = pacing(paced("first_question_at = 9\nquestion_every_minutes = 7"))
    assert level == "warning" and "Q8 at +58:00: 02:00 before the end: little time" in message


DEMO_CHAT = DEMO_PLAN.parent / "chat.jsonl"


def test_demo_questions_are_posted_when_due() -> None:
    """The demo plan is paced as its rules post says (Q1 at 6:00, one every 7 minutes), so the
    host's Q1..Q8 in the demo chat are each posted within a minute of their due time."""
    plan = load_plan(DEMO_PLAN)
    assert (plan.first_question_at, plan.question_every_minutes) == (6, 7)
    assert "toutes les 7 min" in plan.templates["rules"]
    due = plan.question_due_times()
    posted: dict[int, datetime] = {}
    for line in DEMO_CHAT.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        author = {u["id"]: u["username"] for u in obj["includes"]["users"]}[
            obj["data"]["author_id"]
        ]
        m = re.match(r"Q(\d+): ", obj["data"]["text"])
        if author == plan.host and m:
            at = datetime.fromisoformat(obj["data"]["created_at"].replace("Z", "+00:00"))
            posted.setdefault(int(m.group(1)), at)  # the first post: French, then English
    assert sorted(posted) == list(range(1, 9))
    for n, at in posted.items():
        assert abs(at - due[n - 1]) < timedelta(minutes=1), f"Q{n} posted {at}, due {due[n - 1]}"
