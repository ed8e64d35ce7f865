"""Which question an answer answers, beyond its label: a participant's `Q3 ...`, an answer ahead
of its question, a thread that goes on, and a reaction that is not an answer."""

from __future__ import annotations

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.roster import Roster
from tests.factories import make_post

ROSTER = Roster(host="hostess", guests=("guest1",))


def chat_at_q5() -> Classifier:
    """A chat where Q1..Q5 are out."""
    c = Classifier(ROSTER, "T")
    for n in range(1, 6):
        c.classify(make_post(f"q{n}", f"Q{n}: question {n}? #T", "hostess", minute=n * 7))
    return c


def test_a_participants_q_label_is_an_answer_once_the_question_is_out() -> None:
    """`Q3 my answer is ...` by a participant answers Q3 (out); `Q7 ...` (not out) is no answer."""
    c = chat_at_q5()
    mine = c.classify(make_post("1", "Q3 my answer is: sleep first #T", "ada", minute=40))
    assert mine.answers == 3 and mine.question_number is None
    assert c.classify(make_post("2", "Q7 is it coming soon? #T", "bob", minute=40)).answers is None


def test_an_answer_ahead_of_its_question_counts_for_the_open_one() -> None:
    """`A6` while only Q5 is out answers Q5; when others write A6 too, Q6 was out: it stays 6."""
    c = chat_at_q5()
    assert c.classify(make_post("1", "A6 more naps #T", "ada", minute=40)).answers == 5
    assert c.classify(make_post("2", "A6 fewer shifts #T", "bob", minute=40)).answers == 6
    assert c.classify(make_post("3", "A7 and more pay #T", "cid", minute=40)).answers == 7


def test_a_thread_goes_on_with_its_answer() -> None:
    """A reply to one's own answer continues it; a reply to someone else's answer is talk."""
    c = chat_at_q5()
    c.classify(make_post("1", "A2 (1/2) I nap before the shift #T", "ada", minute=40))
    assert (
        c.classify(make_post("2", "and I keep the room dark #T", "ada", reply_to="1")).answers == 2
    )
    other = c.classify(make_post("3", "@ada same here, blackout blinds #T", "bob", reply_to="1"))
    assert other.answers is None


def test_a_reaction_to_the_question_is_not_an_answer() -> None:
    """ "Great question!" in reply to the question is not an answer; "my sister" is."""
    c = chat_at_q5()
    assert (
        c.classify(make_post("1", "@hostess great question 👀 #T", "ada", reply_to="q4")).answers
        is None
    )
    assert (
        c.classify(make_post("2", "@hostess boa pergunta #T", "bob", reply_to="q4")).answers is None
    )
    assert c.classify(make_post("3", "@hostess my sister #T", "cid", reply_to="q4")).answers == 4


def test_teasers_are_not_question_posts() -> None:
    """The host's countdown carries a number but is not the question; the question that follows is."""
    c = Classifier(ROSTER, "T")
    assert (
        c.classify(make_post("1", "Q1 coming up in a minute! #T", "hostess")).question_number
        is None
    )
    assert c.classify(make_post("2", "Q1 What keeps you going? #T", "hostess")).question_number == 1
    assert c.current_question() == 1


def test_the_plan_names_a_question_posted_without_its_label() -> None:
    """A host's post carrying a planned question's words is that question; a participant's is not."""
    c = Classifier(ROSTER, "T", ["What keeps you going on a hard night?"])
    assert (
        c.classify(
            make_post("1", "Ready? What keeps you going on a hard night? #T", "ada")
        ).question_number
        is None
    )
    host = c.classify(make_post("2", "Oops! What keeps you going on a hard night? #T", "hostess"))
    assert host.question_number == 1
