"""Plan questions in several languages: read in every form, posted one post per language,
measured by `plan check`, listed by `plan share`, and recognised as one question."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tchat_tui.cli.plan import new_plan_text, render_share
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.plan.check import check_plan
from tchat_tui.domain.plan.model import PlanError, QuestionVersion
from tchat_tui.domain.plan.read import parse_plan
from tchat_tui.domain.roster import Roster
from tests.factories import T0, make_post

HEAD = 'tag = "#T"\ntopic = "Rest"\nhost = "hostess"\nstart = 2026-11-26T18:00:00Z\n'
EN = "What gets in the way of resting?"
FR = "Qu'est-ce qui vous empêche de vous reposer ?"


@pytest.mark.parametrize(
    ("written", "versions"),
    [
        (f'"{EN}"', [QuestionVersion("", EN)]),
        (
            f'{{ en = "{EN}", fr = "{FR}" }}',
            [QuestionVersion("en", EN), QuestionVersion("fr", FR)],
        ),
        (f'["{EN}", "{FR}"]', [QuestionVersion("", EN), QuestionVersion("", FR)]),
        (
            f'{{ text = {{ fr = "{FR}", en = "{EN}" }} }}',
            [QuestionVersion("fr", FR), QuestionVersion("en", EN)],
        ),
    ],
)
def test_a_question_is_one_text_a_list_or_texts_by_language(
    written: str, versions: list[QuestionVersion]
) -> None:
    """Every form of a question reads as its versions; the first is the question's text."""
    plan = parse_plan(HEAD + f'questions = ["One?", {written}]\n')
    assert plan.versions(2) == versions
    assert plan.questions[1] == versions[0].text
    assert [t for _, t in plan.formatted_versions(2)] == [f"Q2: {v.text} #T" for v in versions]
    assert plan.question_texts()[1] == [v.text for v in versions]
    again = plan.to_dict()["questions"]
    assert again[0] == "One?"  # a single text stays a text (the stored plan's old form)


def test_array_of_tables_form_and_round_trip() -> None:
    """`[[questions]] text = {...}` works too; to_dict writes the TOML form back."""
    plan = parse_plan(
        HEAD
        + f'[[questions]]\ntext = "One?"\n[[questions]]\ntext = {{ fr = "{FR}", en = "{EN}" }}\n'
    )
    assert plan.to_dict()["questions"] == ["One?", {"fr": FR, "en": EN}]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("3", "'questions' item 2 must be question texts"),
        ("[]", "'questions' item 2 must be question texts"),
        ('{ fr = "" , en = "x" }', "question 2 is empty"),
        ("{ fr = 3 }", "'questions' item 2 must be question texts"),
    ],
)
def test_a_bad_question_is_named_with_its_line(written: str, said: str) -> None:
    """A question that is no text, list or table of texts fails with the line and the item."""
    with pytest.raises(PlanError) as caught:
        parse_plan(HEAD + f'questions = ["One?", {written}]\n', "p.toml")
    assert f"p.toml:5: {said}" in str(caught.value)


def test_plan_check_measures_every_language_and_share_lists_them() -> None:
    """`plan check` measures each language's post (`Q2 fr`); `plan share` lists both."""
    more = ", ".join(f'"Question {n}?"' for n in range(3, 7))
    plan = parse_plan(HEAD + f'questions = ["One?", {{ en = "{EN}", fr = "{FR}" }}, {more}]\n')
    report = check_plan(plan, T0 - timedelta(days=1))
    assert [r.label for r in report.rows[:3]] == ["Q1", "Q2 en", "Q2 fr"]
    shared = render_share(plan)
    assert f"Q2: {EN} #T" in shared and f"Q2: {FR} #T" in shared
    assert f"**Q2:** {EN} / {FR}" in shared
    findings = " ".join(f.message for f in report.findings)
    assert "1 in several languages" in findings


def test_plan_new_shows_the_form_and_still_reads() -> None:
    """The plan `plan new` writes documents the form and parses."""
    text = new_plan_text("T", T0)
    assert 'fr = "' in text
    parse_plan(text)


def test_both_postings_are_one_question_and_answers_to_either_count() -> None:
    """The host posts Q2 in English, then in French without a label: both are Q2, and a reply to
    the French one answers Q2."""
    c = Classifier(Roster("hostess"), "T", ["What helps you rest at night?", [EN, FR]])
    en = c.classify(make_post("1", f"Q2: {EN} #T", "hostess", minute=1))
    fr = c.classify(make_post("2", f"Et en français : {FR} #T", "hostess", minute=2))
    assert (en.question_number, fr.question_number) == (2, 2)
    assert c.questions[2].post_ids == ["1", "2"]
    reply = c.classify(make_post("3", "@hostess la fatigue #T", "ada", minute=3, reply_to="2"))
    assert reply.answers == 2


def test_a_steered_queue_reaches_the_classifier() -> None:
    """`set_planned` replaces the texts a host's unlabelled post is matched against."""
    c = Classifier(Roster("hostess"), "T", ["What helps you rest at night?"])
    c.set_planned(["Which small habit protects your evenings?"])
    got = c.classify(make_post("1", "Which small habit protects your evenings? #T", "hostess"))
    assert got.question_number == 1
