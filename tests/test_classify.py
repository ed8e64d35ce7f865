"""Questions, answers and audience questions as a chat writes them."""

from __future__ import annotations

import pytest

from tchat_tui.domain.classify import Classifier, Roster, own_words, question_body
from tchat_tui.domain.post import Role
from tests.factories import make_post

ROSTER = Roster(host="hostess", guests=("Guest1", "guest2"), co_moderators=("mod",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@hostess @guest1 A3 we share the load", "A3 we share the load"),
        ("＠hostess, R2 : oui", "R2 : oui"),
        ("no mentions here", "no mentions here"),
        ("Thanks @hostess!", "Thanks @hostess!"),
        ("  \u3000 @hostess\nA1 oui", "A1 oui"),
        ("\t indented words", "indented words"),
        ("@", "@"),
        ("", ""),
    ],
)
def test_own_words_drop_only_leading_reply_mentions(text: str, expected: str) -> None:
    """X prefixes replies with the thread's @mentions; the author's words start after them."""
    assert own_words(text) == expected


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("A1 We take turns. #AidantsChat", 1),
        ("A1: We take turns #AidantsChat", 1),
        ("a1: lowercase works", 1),
        ("R1 : en français #AidantsChat", 1),
        ("A3. short", 3),
        ("A 4 - spaced", 4),
        ("A10/ double digit", 10),
        ("@hostess @guest1 A3 after the automatic mentions", 3),
        ("Avant tout, merci", None),
        ("A1B2 is a product code", None),
        ("RT this please", None),
    ],
)
def test_answer_labels(text: str, answers: int | None) -> None:
    """An answer is labelled An / Rn at the start of the author's own words, in any common form."""
    c = Classifier(ROSTER, "AidantsChat")
    assert c.classify(make_post("1", text, "ada")).answers == answers


def test_reply_to_a_question_post_answers_it_without_label() -> None:
    """A bare reply to the question's post (or to any of its language versions) is an answer."""
    c = Classifier(ROSTER, "AidantsChat")
    assert (
        c.classify(make_post("10", "Q2: Who helps you? #AidantsChat", "hostess")).question_number
        == 2
    )
    assert (
        c.classify(make_post("11", "Q2 : Qui vous aide ? #AidantsChat", "hostess")).question_number
        == 2
    )
    assert c.classify(make_post("12", "@hostess my sister", reply_to="10")).answers == 2
    assert c.classify(make_post("13", "@hostess ma sœur", reply_to="11")).answers == 2
    assert (
        c.classify(make_post("14", "deep in thread", reply_to="99", conversation="10")).answers == 2
    )
    assert c.questions[2].post_ids == ["10", "11"]


@pytest.mark.parametrize(
    ("handle", "text", "question"),
    [
        ("hostess", "Q1: What is hard? #AidantsChat", 1),
        ("mod", "Q5 - co-moderators post questions too", 5),
        ("ada", "Q1: a participant quoting the question", None),
        ("guest1", "Q2: guests do not post the questions", None),
    ],
)
def test_only_the_host_side_posts_questions(handle: str, text: str, question: int | None) -> None:
    """`Qn:` makes a question only from the host or a co-moderator."""
    c = Classifier(ROSTER, "AidantsChat")
    assert c.classify(make_post("1", text, handle)).question_number == question


def test_without_roster_first_question_poster_becomes_host() -> None:
    """With no host given, the author of the first strict `Qn:` post is taken as the host."""
    c = Classifier(Roster(), "Tag")
    assert c.classify(make_post("1", "Q1: first? #Tag", "boss")).question_number == 1
    assert c.roster.host == "boss"
    assert c.classify(make_post("2", "Q1: me too", "other")).question_number is None


def test_retweets_are_neither_questions_nor_answers() -> None:
    """A retweet of a question or answer is not itself one."""
    c = Classifier(ROSTER, "T")
    cls = c.classify(make_post("1", "RT @hostess: Q1: hi", "hostess", repost_of="0"))
    assert cls.question_number is None and cls.answers is None


@pytest.mark.parametrize(
    ("text", "reply_to", "audience"),
    [
        ("@guest1 how do you cope with guilt? #T", None, True),
        ("Question pour @guest2 : comment faire ? #T", None, True),
        ("A question for our guests: where to start? #T", None, True),
        ("@hostess @guest1 A2 we cope. And you? #T", None, True),
        ("Is anyone else tired? #T", None, False),
        ("@guest1 great answer! #T", None, False),
        ("what about https://x.io/?q=1 #T", None, False),
        ("and what about respite care?", "g1post", True),
    ],
)
def test_audience_questions(text: str, reply_to: str | None, audience: bool) -> None:
    """A participant's question addressed to the host or a guest is an audience question."""
    c = Classifier(ROSTER, "T")
    c.classify(make_post("g1post", "We use respite care.", "guest1"))
    assert c.classify(make_post("5", text, "ada", reply_to=reply_to)).audience_question is audience


def test_roles_are_case_insensitive() -> None:
    """Handles match whatever their case."""
    assert ROSTER.role_of("GUEST1") is Role.GUEST
    assert ROSTER.role_of("@Hostess") is Role.HOST
    assert ROSTER.role_of("MOD") is Role.COMODERATOR
    assert ROSTER.role_of("someone") is Role.PARTICIPANT


def test_question_body_and_current_question() -> None:
    """The queue shows the question's words; the current question is the last posted."""
    assert question_body("Q3: What helps? #AidantsChat #care") == "What helps?"
    c = Classifier(ROSTER, "T")
    c.classify(make_post("1", "Q1: one", "hostess", minute=1))
    c.classify(make_post("2", "Q2: two", "hostess", minute=8))
    c.classify(make_post("3", "Q1: one again (FR)", "hostess", minute=9))
    assert c.current_question() == 2
