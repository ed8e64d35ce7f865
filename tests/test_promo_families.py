"""The spam families of issue 13 (income promises, bio pointers, dating bots, essay services,
giveaways, follow trains, spam networks) in several languages, and the hard negatives that stay
unflagged. Texts are written here, not taken from the judgement corpus."""

from __future__ import annotations

import pytest

from tchat_tui.domain.post import Role
from tchat_tui.domain.promo.rules import default_rules
from tchat_tui.domain.promo.state import export_state, import_state
from tchat_tui.domain.promo.tracker import PostContext, PromoTracker
from tests.factories import make_post

CTX = PostContext("T", Role.PARTICIPANT)


def level(text: str, links: tuple[str, ...] = ()) -> str:
    """The level of one participant's post in a fresh chat."""
    tracker = PromoTracker(default_rules())
    return tracker.score(make_post("1", text, "someone", links=links), CTX).level


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Tired of your boss? I earn up to $900 a week with forex signals 📈 DM me #T", "income"),
        ("¿Sin dinero? Yo gano 200 USD con bitcoin 💰 escríbeme por DM #T", "income"),
        ("Professora, ganhe renda extra com cripto 💸 chama no direct #T", "income"),
        ("@bo so true!! my whole story is on my profile, link in my bio ✨ #T", "bio"),
        ("@bo yo también 😍 mira mi perfil, link en bio #T", "bio"),
        ("@bo bonne idée 🌸 tout est sur mon profil, va voir mon profil #T", "bio"),
        ("hey cutie 😘 lonely tonight? see my pics 💋 #T", "dating"),
        ("oi 😘 tô sozinha e entediada, me chama aqui 💋 #T", "dating"),
        ("@bo Stressed student? We write your essay, plagiarism-free, DM us #T", "essay"),
        ("@bo Rédaction de mémoire et rapport de stage, devis gratuit en DM #T", "essay"),
        ("🎁 GIVEAWAY 🎁 win a tablet! To enter: follow + RT + tag 2 friends #T", "giveaway"),
        ("🎁 SORTEO: para participar dale RT y menciona a 2 amigos #T", "giveaway"),
        ("🚂 FOLLOW TRAIN 🚂 drop your handle, follow everyone who retweets #T #F4F", "train"),
        ("@bo dentro 🚂 sigo de vuelta a todos #T", "train"),
    ],
)
def test_a_family_post_is_flagged(text: str, family: str) -> None:
    assert level(text) != "none", family


@pytest.mark.parametrize(
    "text",
    [
        "A3 I made a checklist for new grads, happy to share it, DM me #T",
        "A2 we write everything down in a shared log, it saves the handover #T",
        "A1 my sister works from home and naps at noon #T",
        "@bo the report from the ministry has the figures, page 12 #T",
        "A4 in my bio I list my pronouns, nothing else #T",
    ],
)
def test_plain_talk_is_not_flagged(text: str) -> None:
    assert level(text) == "none"


def test_retweets_of_a_flagged_post_are_the_network() -> None:
    tracker = PromoTracker(default_rules())
    spam = make_post("1", "💸 Earn 3% daily passive income with our bot 👉 #T", "net1")
    assert tracker.score_and_record(spam, CTX).promo
    talk = make_post("2", "A1 naps, honestly #T", "ada", minute=1)
    tracker.score_and_record(talk, CTX)
    rt = make_post("3", "RT @net1: 💸 Earn 3% daily passive income", "net2", repost_of="1")
    result = tracker.score_and_record(rt, CTX)
    assert result.promo and result.signal_ids == ("network_repost",)
    assert "spam network" in result.reasons()[0]
    fine = make_post("4", "RT @ada: A1 naps, honestly #T", "net2", repost_of="2")
    assert not tracker.score_and_record(fine, CTX).promo
    # The flagged posts are saved with the state: a restart still knows the network.
    back = import_state(tracker.rules, export_state(tracker))
    again = make_post("5", "RT @net1: 💸 Earn 3% daily passive income", "net3", repost_of="1")
    assert back.score(again, CTX).promo
    assert export_state(back) == export_state(tracker)


@pytest.mark.parametrize(
    "text",
    [
        "A2 les parents célibataires ont tout à gagner à en parler https://example.org/guide #T",
        "A1 pour participer au groupe, il suffit de venir le mardi #T",
        "A3 we use WhatsApp groups for the night team https://example.org/how #T",
        "A2 I follow all the maintainers' blogs, their tips help #T",
    ],
)
def test_family_words_in_plain_talk_are_not_flagged(text: str) -> None:
    assert level(text, links=("https://example.org/x",) if "https" in text else ()) == "none"


@pytest.mark.parametrize(
    "text",
    [
        "@bo haha relatable 😅 I found a way out. The whole story is up top on my page 👆 #T",
        "@bo uni budgets 🙄 I quit waiting. Check my pinned, it's how I pay my bills now #T",
        "@bo nadie te reconoce 💫 toca mi foto de perfil y lee lo primero que aparece #T",
        "Conselho? Pare de implorar vaga 🙏 A resposta tá lá em cima no meu @ 💫 #T",
        "@bo Zo herkenbaar 😢 Alles staat op mijn profiel 🌼 #T",
        "@bo 2 weeks off 😍 DM me and I'll send you the link 💌 #T",
        "@bo amiga, escríbeme al DM y te paso el enlace de lo que hago 🏡 #T",
    ],
)
def test_pointers_to_the_authors_profile_in_new_words_are_bio_calls(text: str) -> None:
    """The shape ("my pinned", "mi perfil" after a pointing verb or a place; a link promised in
    private messages), not a set phrase, makes the bio call."""
    result = PromoTracker(default_rules()).score(make_post("1", text, "someone"), CTX)
    assert "call_bio" in result.signal_ids


@pytest.mark.parametrize(
    "text",
    [
        "A1 There is no direct link between the two, see the paper #T",
        "A2 I wrote about it on my blog last year #T",
        "@bo the form is in my bag, I'll bring it Tuesday #T",
    ],
)
def test_talk_about_ones_own_page_or_a_direct_link_is_no_bio_call(text: str) -> None:
    result = PromoTracker(default_rules()).score(make_post("1", text, "someone"), CTX)
    assert "call_bio" not in result.signal_ids


def test_a_network_that_paraphrases_shares_one_landing_page() -> None:
    """Different words, one page (tracking parameters aside): from the second account on, the
    shared link is a reason, and a retweet of a post carrying it is the network; the host's
    sign-up link shared by several people is not kept."""
    tracker = PromoTracker(default_rules())
    page = "https://jobs-now.example/signup?ref="
    one = make_post(
        "1", "Still job hunting? Sign up, start tomorrow 💸 #T", "n1", links=(page + "a",)
    )
    first = tracker.score_and_record(one, CTX)
    assert "shared_link" not in first.signal_ids
    two = make_post(
        "2", "Remote roles, zero experience needed #T", "n2", links=(page + "b",), minute=1
    )
    second = tracker.score_and_record(two, CTX)
    assert "shared_link" in second.signal_ids
    assert "2 accounts" in " ".join(second.reasons())
    rt = make_post("3", "RT @n1: Still job hunting?", "n3", repost_of="1", links=(page + "a",))
    assert tracker.score_and_record(rt, CTX).signal_ids == ("network_repost",)
    back = import_state(tracker.rules, export_state(tracker))
    three = make_post("4", "No boss, no CV 🙌 #T", "n4", links=(page + "c",), minute=2)
    assert "shared_link" in back.score(three, CTX).signal_ids
    host = PostContext("T", Role.HOST)
    signup = "https://chat.example/next"
    tracker.score_and_record(
        make_post("5", "Next chat: sign up #T", "hostess", links=(signup,)), host
    )
    fan = make_post("6", "See you there! #T", "ada", links=(signup,), minute=3)
    assert "shared_link" not in tracker.score(fan, CTX).signal_ids


def test_a_page_the_whole_chat_passes_around_is_a_resource_not_a_network() -> None:
    """Eight people share one article (one of them was flagged earlier for another post): past a
    handful of accounts the page is no reason; and a page nobody flagged shares none."""
    tracker = PromoTracker(default_rules())
    spam = make_post("0", "💸 Earn 3% daily passive income with our bot 👉 #T", "p0")
    assert tracker.score_and_record(spam, CTX).promo
    article = ("https://news.example/heat-report",)
    fired = []
    for i in range(8):
        p = make_post(
            str(i + 1),
            f"@hostess this one is worth a read {i} #T",
            f"p{i}",
            links=article,
            minute=i,
        )
        fired.append("shared_link" in tracker.score_and_record(p, CTX).signal_ids)
    assert fired[0] is False and fired[-1] is False
    quiet = PromoTracker(default_rules())
    for i in range(3):
        p = make_post(str(i), f"@hostess worth a read {i} #T", f"q{i}", links=article, minute=i)
        assert "shared_link" not in quiet.score_and_record(p, CTX).signal_ids
