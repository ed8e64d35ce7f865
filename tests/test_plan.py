"""The chat plan: TOML in, a Plan out, every prepared post measured, bad input named by line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tchat_tui.domain.plan.check import check_plan, prepared_posts, question_findings, tag_findings
from tchat_tui.domain.plan.model import Plan, PlanError
from tchat_tui.domain.plan.read import load_plan, parse_plan
from tchat_tui.domain.plan.share import promotion_posts, when_text
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import check_text, rules_for

DEMO_PLAN = Path(__file__).resolve().parent.parent / "tchat_tui" / "data" / "demo" / "plan.toml"
BEFORE = datetime(2026, 11, 1, tzinfo=UTC)

BASE = """\
tag = "#CareChat"
topic = "Caring for a parent"
start = 2026-11-26T19:00:00+01:00
duration_minutes = 60
host = "claire"
guests = ["@nadia", "julien"]
co_moderators = ["tom"]
networks = ["x", "mastodon"]
limit = 280
questions = ["One?", "Two?", "Three?", "Four?", "Five?", "Six?"]

[templates]
welcome = "Welcome to {tag}! Tonight: {topic}, with {guests}. Host {host}"
thanks = "Thank you all"
"""


def plan_of(text: str = BASE, **replace: str) -> Plan:
    for old, new in replace.items():
        text = text.replace(old, new)
    return parse_plan(text, "p.toml")


def test_demo_plan_reads_and_fits() -> None:
    """The bundled demo plan parses, and every prepared post fits X with its tag."""
    plan = load_plan(DEMO_PLAN)
    assert plan.tag == "#AidantsChat"
    assert plan.start == datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    assert len(plan.questions) == 8 and plan.host == "claire_morel"
    report = check_plan(plan, BEFORE)
    assert not report.failed
    assert [r.label for r in report.rows][:2] == ["Q1", "Q2"]


def test_plan_fields() -> None:
    """Handles lose their '@'; templates fill {tag} {topic} {host} {guests}; classic is limit 140."""
    plan = plan_of()
    assert plan.guests == ["nadia", "julien"]
    assert plan.networks == [Network.X, Network.MASTODON]
    assert not plan.classic and plan_of(**{"limit = 280": "limit = 140"}).classic
    assert plan.formatted_question(2) == "Q2: Two? #CareChat"
    assert plan.filled_template("welcome") == (
        "Welcome to #CareChat! Tonight: Caring for a parent, with @nadia, @julien. Host @claire"
    )
    assert plan.to_dict()["start"] == "2026-11-26T19:00:00+01:00"


def test_tag_is_not_added_twice() -> None:
    """A question that already ends with the tag keeps one copy."""
    plan = plan_of(**{'"One?"': '"One? #carechat"'})
    assert plan.formatted_question(1) == "Q1: One? #carechat"


def test_local_start_takes_the_time_zone() -> None:
    """A local start plus `timezone` is an aware datetime in that zone (winter and summer time)."""
    text = BASE.replace("2026-11-26T19:00:00+01:00", "2026-07-02T19:00:00")
    plan = plan_of(text, **{"duration_minutes": 'timezone = "Europe/Paris"\nduration_minutes'})
    assert plan.start is not None and plan.start.utcoffset() == timedelta(hours=2)
    assert "Thursday 2 July 2026, 19:00-20:00 (Europe/Paris)" == when_text(plan)


@pytest.mark.parametrize(
    ("duration", "count", "first", "gap"),
    [(60, 6, 5, 50 / 6), (60, 8, 5, 50 / 8), (90, 10, 5, 8.0)],
)
def test_due_times_spread_after_the_opening(
    duration: int, count: int, first: float, gap: float
) -> None:
    """Q1 is due 5 minutes in; the rest evenly until 5 minutes before the end."""
    questions = ", ".join(f'"Q number {i}?"' for i in range(count))
    plan = plan_of(
        **{
            "duration_minutes = 60": f"duration_minutes = {duration}",
            '"One?", "Two?", "Three?", "Four?", "Five?", "Six?"': questions,
        }
    )
    due = plan.question_due_times()
    assert plan.start is not None and len(due) == count
    assert due[0] == plan.start + timedelta(minutes=first)
    assert due[1] - due[0] == timedelta(minutes=gap)
    assert due[-1] + timedelta(minutes=gap + 5) == plan.start + timedelta(minutes=duration)


def test_no_start_no_due_times() -> None:
    """A plan without a start has no due times and a warning."""
    plan = plan_of(**{"start = 2026-11-26T19:00:00+01:00\n": ""})
    assert plan.start is None and plan.question_due_times() == []
    assert any(
        f.subject == "start" and f.level == "warning" for f in check_plan(plan, BEFORE).findings
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('tag = "#A"\ntopic = ', "p.toml:2: not valid TOML"),
        ("tag = 3\n", "p.toml:1: 'tag' must be a string"),
        (BASE.replace('host = "claire"\n', ""), "missing field 'host'"),
        (
            BASE.replace("duration_minutes = 60", 'duration_minutes = "60"'),
            "p.toml:4: 'duration_minutes' must be a whole number",
        ),
        (
            BASE.replace("duration_minutes = 60", "duration_minutes = true"),
            "p.toml:4: 'duration_minutes' must be",
        ),
        (
            BASE.replace("duration_minutes = 60", "duration_minutes = 5"),
            "p.toml:4: 'duration_minutes' must be 20 to 600",
        ),
        (BASE.replace('"Three?"', "3"), "p.toml:10: 'questions' item 3 must be question texts"),
        (BASE.replace('"Three?"', '"  "'), "p.toml:10: question 3 is empty"),
        (BASE.replace("limit = 280", "limit = 500"), "p.toml:9: 'limit' must be 280 or 140"),
        (BASE.replace('"mastodon"]', '"myspace"]'), "p.toml:8: unknown network 'myspace'"),
        (
            BASE.replace("guests =", "guest ="),
            "p.toml:6: unknown field 'guest' (did you mean 'guests'?)",
        ),
        (
            BASE.replace('"julien"', '"julien aidant"'),
            "p.toml:6: 'guests': 'julien aidant' is not a handle",
        ),
        (BASE.replace("+01:00", ""), "p.toml:3: 'start' has no time zone"),
        (
            BASE.replace("2026-11-26T19:00:00+01:00", "2026-11-26"),
            "p.toml:3: 'start' must be a date and time",
        ),
        (
            BASE.replace("start =", 'timezone = "Mars/Olympus"\nstart ='),
            "p.toml:3: unknown time zone 'Mars/Olympus'",
        ),
        (
            BASE.replace("Thank you all", "Thanks {hots}"),
            "p.toml:14: template 'thanks' uses an unknown placeholder {hots}",
        ),
        (
            BASE.replace('thanks = "Thank you all"', "thanks = 1"),
            "p.toml:14: template 'thanks' must be a text",
        ),
    ],
)
def test_bad_plans_name_file_line_and_problem(text: str, message: str) -> None:
    """A TOML error, a missing field or a wrong type names the file, the line and what is wrong."""
    with pytest.raises(PlanError) as info:
        parse_plan(text, "p.toml")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("path_kind", "message"),
    [("missing", "no such plan file"), ("folder", "is a folder"), ("latin1", ":1: not UTF-8")],
)
def test_unreadable_plan_files(tmp_path: Path, path_kind: str, message: str) -> None:
    """A missing file, a folder or a non-UTF-8 file is one clear error."""
    path = tmp_path / "plan.toml"
    if path_kind == "folder":
        path.mkdir()
    elif path_kind == "latin1":
        path.write_bytes('topic = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(PlanError, match=message):
        load_plan(path)


@pytest.mark.parametrize(
    ("tag", "level", "words"),
    [
        ("#AidantsChat", "ok", "short, clear"),
        ("#Aidаnts", "error", "mixes Cyrillic and Latin"),  # Cyrillic а
        ("#Care\u200bChat", "error", "invisible"),
        ("#Care\u202eChat", "error", "invisible"),
        ("#ＣａｒｅChat", "error", "look-alike"),
        ("#𝐂are", "error", "look-alike"),
        ("#2026", "error", "only digits"),
        ("#Care-Chat", "error", "not a hashtag"),
        ("#aidantsfamiliaux", "warning", "CamelCase"),
        ("#TheVeryLongCaregiversChat", "warning", "characters"),
        ("#Chat2026", "ok", "one script"),
        ("#Café", "ok", "one script"),
        ("#日本語チャット", "ok", "one script"),
    ],
)
def test_tag_checks(tag: str, level: str, words: str) -> None:
    """The tag is short, clear, one script, with no invisible or look-alike character, not digits."""
    findings = tag_findings(tag)
    worst = "error" if any(f.level == "error" for f in findings) else findings[0].level
    assert worst == level
    assert any(words in f.message for f in findings)


@pytest.mark.parametrize(
    ("questions", "level", "words"),
    [
        ([f"q{i}?" for i in range(6)], "ok", "Q1..Q6"),
        ([f"q{i}?" for i in range(5)], "warning", "5 questions"),
        ([f"q{i}?" for i in range(11)], "warning", "11 questions"),
        (["Q1: first?"] + [f"q{i}?" for i in range(5)], "error", "own 'Qn:' prefix"),
        (["same?", "Same?", "c?", "d?", "e?", "f?"], "warning", "same text as Q1"),
    ],
)
def test_question_checks(questions: list[str], level: str, words: str) -> None:
    """Numbering is the plan's (no hand-written prefix), 6-10 questions, no duplicates."""
    plan = Plan(tag="#T", topic="t", host="h", questions=questions)
    findings = question_findings(plan)
    assert any(f.level == level and words in f.message for f in findings)


def test_over_limit_question_fails_the_check() -> None:
    """A question over the X limit is reported with its excess, and the plan is not ready."""
    long_q = "word " * 60
    plan = plan_of(**{'"Two?"': f'"{long_q.strip()}"'})
    report = check_plan(plan, BEFORE)
    row = next(r for r in report.rows if r.label == "Q2")
    x = next(c for c in row.checks if c.network is Network.X)
    expected = check_text(plan.formatted_question(2), rules_for("x"), "#CareChat")
    assert x.over_by == expected.over_by > 0
    assert not row.ok and report.failed


def test_classic_limit_measures_140() -> None:
    """With limit = 140 the X column counts the classic way against 140."""
    plan = plan_of(**{"limit = 280": "limit = 140"})
    row = check_plan(plan, BEFORE).rows[0]
    assert row.checks[0].limit == 140


def test_start_in_the_past_is_an_error() -> None:
    """Checking after the start says the start is in the past."""
    report = check_plan(plan_of(), datetime(2027, 1, 1, tzinfo=UTC))
    assert report.failed
    assert any(f.subject == "start" and "past" in f.message for f in report.findings)


def test_templates_are_measured_with_the_tag() -> None:
    """A template without {tag} is measured as sent: the tag is added."""
    posts = dict(prepared_posts(plan_of()))
    assert posts["thanks"] == "Thank you all #CareChat"


def test_promotion_posts_fit_every_network() -> None:
    """Each promotion post is the fullest variant that fits every network of the chat."""
    plan = plan_of()
    promos = promotion_posts(plan)
    assert [k for k, _ in promos] == ["announcement", "reminder", "teaser"]
    for _, text in promos:
        for rules in plan.rules():
            assert check_text(text, rules, plan.tag).valid
    long_topic = plan_of(**{"Caring for a parent": "care " * 60})
    announcement = dict(promotion_posts(long_topic)).get("announcement", "")
    assert announcement.endswith("#CareChat. Join us!")
