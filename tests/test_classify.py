"""Questions, answers and audience questions as a chat writes them."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.domain.classify import Classification, Classifier, question_body
from tchat_tui.domain.post import Network, Post, Role
from tchat_tui.domain.roster import Roster
from tchat_tui.domain.text.own_words import own_words
from tchat_tui.pipeline.settings import demo_files
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
        ("#AidantsChat R1 the tag first, then the label", 1),
        ("#AidantsChat #Carers A2 two tags first", 2),
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


def test_the_host_teams_words_under_a_question_are_no_answer() -> None:
    """A host's reminder in the question's thread is no answer; her labelled answer is one."""
    c = Classifier(ROSTER, "AidantsChat")
    assert c.classify(make_post("10", "Q1: Who helps you? #AidantsChat", "hostess")).question_number
    note = make_post(
        "11", "(reminder: 'nobody' is an answer too) #AidantsChat", "hostess", reply_to="10"
    )
    assert c.classify(note).answers is None
    assert (
        c.classify(make_post("12", "A1 my sister #AidantsChat", "hostess", reply_to="10")).answers
        == 1
    )


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


# -- people the host announces (no plan, no --guest) ---------------------------------------------

DEMO_RULES = (
    "📌 Les règles : sujet « Aidants familiaux : tenir dans la durée / Family caregivers: going"
    " the distance », une question toutes les 7 min, répondez R1/A1… avec #AidantsChat dans"
    " chaque tweet. Invités : @dr_nhaddad @julien_aidant @meg_cares. Animation : @claire_morel 🙏"
)


def test_the_demo_rules_post_names_the_guests_not_the_host() -> None:
    """The demo's rules post gives its three guests; 'Animation' names only the host herself,
    and the co-moderator (tom_lefevre) is announced by nobody but himself: no co-moderator."""
    c = Classifier(Roster(host="claire_morel"), "AidantsChat")
    assert c.classify(make_post("1", DEMO_RULES, "claire_morel")).role is Role.HOST
    assert c.roster.guests == ("dr_nhaddad", "julien_aidant", "meg_cares")
    assert c.roster.co_moderators == ()
    assert c.roster.host == "claire_morel"
    tom = make_post("2", "Bonsoir ! Je co-anime avec @claire_morel ce soir.", "tom_lefevre")
    assert c.classify(tom).role is Role.PARTICIPANT
    assert c.classify(make_post("3", "Bonsoir !", "Meg_Cares")).role is Role.GUEST


@pytest.mark.parametrize(
    ("text", "guests", "comods"),
    [
        ("Our guests tonight are @ana, @ben and @cy! #T", ("ana", "ben", "cy"), ()),
        ("Please welcome our special guest @zoe 🎉 #T", ("zoe",), ()),
        ("Tonight we're joined by @ana & @ben. Co-hosted by @tom #T", ("ana", "ben"), ("tom",)),
        ("Guests: @ana @ben | co-host: @tom #T", ("ana", "ben"), ("tom",)),
        ("Nos invité·e·s ce soir : @ana et @ben #T", ("ana", "ben"), ()),
        ("Avec nous ce soir : @ana, @ben. Co-animation : @tom #T", ("ana", "ben"), ("tom",)),
        ("Invitée : @ana. Modération : @tom #T", ("ana",), ("tom",)),
        ("Nuestros invitados de hoy son @ana y @ben #T", ("ana", "ben"), ()),
        ("Invitadas: @ana, @bea #T", ("ana", "bea"), ()),
        ("Unsere Gäste heute: @ana und @ben #T", ("ana", "ben"), ()),
        ("Guests: @ana @hostess #T", ("ana",), ()),
        (
            "Nos invité·es : @ana (psychologue, Montréal), @ben (médecin) et @cy #T",
            ("ana", "ben", "cy"),
            (),
        ),
        # No guest keyword at all before the first question: the host's @-names are the guests.
        ("Convidados de hoje @ana @ben, divido a moderação com @tom #T", ("ana", "ben", "tom"), ()),
    ],
)
def test_the_host_announcing_people_adds_them(
    text: str, guests: tuple[str, ...], comods: tuple[str, ...]
) -> None:
    """A guest keyword then @handles, in the host's own post, in English, French, Spanish or
    German, with every other @handle of that post; never the host herself; before the first
    question and with no guest keyword, whoever the host @-names."""
    c = Classifier(Roster(host="hostess"), "T")
    c.classify(make_post("1", text, "hostess"))
    assert c.roster.guests == guests
    assert c.roster.co_moderators == comods


def test_later_posts_of_announced_guests_are_theirs_earlier_ones_are_not() -> None:
    """Arrival order: posts before the announcement keep their role; after it, the guest's posts
    are GUEST and questions addressed to her are audience questions."""
    c = Classifier(Roster(host="hostess"), "T")
    assert c.classify(make_post("1", "hello all", "ana")).role is Role.PARTICIPANT
    c.classify(make_post("2", "Our guest tonight is @ana #T", "hostess"))
    assert c.classify(make_post("3", "hello again", "ana")).role is Role.GUEST
    asked = c.classify(make_post("4", "@ana how do you rest? #T", "bob"))
    assert asked.role is Role.PARTICIPANT and asked.audience_question


def test_a_participant_naming_guests_changes_nothing() -> None:
    """Only the host announces the chat's people."""
    c = Classifier(Roster(host="hostess"), "T")
    c.classify(make_post("1", "Our guests tonight are @ana and @ben! Co-host: @me #T", "bob"))
    c.classify(make_post("2", "Guests: @ana", "guest_wannabe", reply_to="1"))
    assert c.roster == Roster(host="hostess")
    assert c.classify(make_post("3", "hi", "ana")).role is Role.PARTICIPANT


def test_configured_guests_and_comoderators_are_never_changed() -> None:
    """Guests (or co-moderators) given by `--guest`, a plan or the store stay as given."""
    c = Classifier(ROSTER, "T")
    c.classify(make_post("1", "Our guests: @ana @ben. Co-host: @tom #T", "hostess"))
    assert c.roster.guests == ROSTER.guests
    assert c.roster.co_moderators == ROSTER.co_moderators
    only_guests = Classifier(Roster(host="hostess", guests=("ana",)), "T")
    only_guests.classify(make_post("1", "Guests: @ben. Co-host: @tom, @ana #T", "hostess"))
    assert only_guests.roster.guests == ("ana",)
    assert only_guests.roster.co_moderators == ("tom",)


def test_a_replys_leading_mentions_are_not_guests() -> None:
    """X puts the thread's @handles before a reply's words: they are not an announcement."""
    c = Classifier(Roster(host="hostess"), "T")
    c.classify(make_post("1", "@ana @ben Guests: welcome! #T", "hostess", reply_to="0"))
    assert c.roster.guests == ()
    c.classify(make_post("2", "@ana thanks! Our guest @ben is next #T", "hostess", reply_to="0"))
    assert c.roster.guests == ("ben",)


def test_a_host_found_by_its_first_question_brings_its_earlier_announcement() -> None:
    """With no host given, the rules (with the guests) come before `Q1:`: once their author posts
    Q1 and becomes the host, the guests she announced join; nobody else's announcement does."""
    c = Classifier(Roster(), "T")
    c.classify(make_post("1", "Invités : @ana @ben. Co-animation : @tom #T", "boss"))
    c.classify(make_post("2", "Guests: @eve #T", "troll"))
    assert c.roster == Roster()
    assert c.classify(make_post("3", "hello", "ana")).role is Role.PARTICIPANT
    c.classify(make_post("4", "Q1: first? #T", "boss"))
    assert c.roster == Roster("boss", ("ana", "ben"), ("tom",))
    assert c.classify(make_post("5", "A1 yes", "ana")).role is Role.GUEST
    assert c.classify(make_post("6", "A1 yes", "eve")).role is Role.PARTICIPANT


def test_the_demo_imported_without_a_plan_knows_its_guests(tmp_path: Path) -> None:
    """QA's case: `tchat-live import chat.jsonl` with no plan stores the guests' later posts as
    GUEST and finds the audience questions addressed to them."""
    db = tmp_path / "demo.db"
    assert main(["import", str(demo_files()[0]), "--db", str(db)]) == 0
    con = sqlite3.connect(db)
    try:
        roles = dict(
            con.execute(
                "SELECT lower(author_handle), group_concat(DISTINCT role) FROM posts"
                " WHERE role != 'participant' GROUP BY lower(author_handle)"
            ).fetchall()
        )
        audience = con.execute("SELECT count(*) FROM posts WHERE audience_question").fetchone()[0]
    finally:
        con.close()
    assert roles == {
        "claire_morel": "host",
        "dr_nhaddad": "guest",
        "julien_aidant": "guest",
        "meg_cares": "guest",
    }
    assert audience >= 8


def on(network: Network, native_id: str, text: str, handle: str, **kw: object) -> Post:
    """`make_post`'s post, written by `network` (Mastodon: read on mastodon.example)."""
    instance = "mastodon.example" if network is Network.MASTODON else None
    return replace(make_post(native_id, text, handle), network=network, instance=instance, **kw)


def test_the_host_asks_on_every_network_of_the_chat() -> None:
    """One host given per network (and a bare guest): her `Q1:` on Mastodon and on Bluesky are
    Q1, her account seen as each network writes it; the guest's words are a guest's everywhere."""
    roster = Roster(
        host="x:claire_morel, mastodon:claire@example.social, bluesky:claire.fr", guests=("nadia",)
    )
    c = Classifier(roster, "T")
    asked = [
        on(Network.MASTODON, "m1", "Q1: Why? #T", "Claire@example.social"),
        on(Network.BLUESKY, "b1", "Q1: Why? #T", "claire.fr"),
        on(Network.X, "x1", "Q1: Why? #T", "CLAIRE_MOREL"),
    ]
    assert [c.classify(p) for p in asked] == [Classification(Role.HOST, question_number=1)] * 3
    assert c.questions[1].post_ids == ["m1", "b1", "x1"]
    answers = [
        on(Network.MASTODON, "m2", "A1 because", "nadia@mastodon.example"),
        on(Network.BLUESKY, "b2", "A1 because", "nadia.bsky.social"),
        on(Network.MASTODON, "m3", "A1 because", "nadia@elsewhere.example"),
    ]
    assert [c.classify(p).role for p in answers] == [Role.GUEST, Role.GUEST, Role.PARTICIPANT]


def test_a_guest_announced_on_mastodon_is_the_account_mentioned() -> None:
    """`Invitée : @aminak` in a Mastodon status names `aminak@mamot.fr` (the status's mention):
    her statuses from mamot.fr are a guest's, a namesake on another instance is not."""
    c = Classifier(Roster(host="horizonfilles"), "T")
    welcome = on(
        Network.MASTODON,
        "w",
        "Bienvenue ! Invitée : @aminak #T",
        "horizonfilles@mastodon.example",
        mentions=("aminak@mamot.fr",),
    )
    assert c.classify(welcome).role is Role.HOST
    assert c.roster.guests == ("aminak@mamot.fr",)
    guest = on(Network.MASTODON, "g", "R1 oui #T", "aminak@mamot.fr")
    namesake = on(Network.MASTODON, "n", "R1 oui #T", "aminak@other.example")
    assert (c.classify(guest).role, c.classify(namesake).role) == (Role.GUEST, Role.PARTICIPANT)


def test_a_question_to_a_mastodon_guest_by_name_is_an_audience_question() -> None:
    """`@nadia ...?` addresses the guest `mastodon:nadia@toot.example` by her name."""
    c = Classifier(Roster(host="hostess", guests=("mastodon:nadia@toot.example",)), "T")
    post = on(Network.MASTODON, "q", "@nadia how do you cope? #T", "ada@mastodon.example")
    assert c.classify(post).audience_question


def test_a_mention_is_nobodys_guest_once_a_guest_keyword_was_seen() -> None:
    """After "Our guests: @ana", a later "thanks @zed" names no guest; nor does any @-name once
    the first question is out."""
    c = Classifier(Roster(host="hostess"), "T")
    c.classify(make_post("1", "Our guests tonight: @ana #T", "hostess"))
    c.classify(make_post("2", "Thanks @zed for the idea #T", "hostess"))
    assert c.roster.guests == ("ana",)
    d = Classifier(Roster(host="hostess"), "T")
    d.classify(make_post("1", "Q1: What brings you here? #T", "hostess"))
    d.classify(make_post("2", "Shout-out to @zed for the idea #T", "hostess"))
    assert d.roster.guests == ()


def test_someone_posting_the_next_question_is_a_co_moderator() -> None:
    """With no co-moderator given, a participant (or a guest only learned from the welcome) who
    posts the next question at the top level is a co-moderator, and it is the question; a
    participant's `Q1 ...` while Q1 is open stays an answer, and a reply never promotes."""
    c = Classifier(Roster(), "T")
    c.classify(make_post("0", "Welcome! Tonight with @caio and @ana #T", "hostess"))
    c.classify(make_post("1", "Q1: What blocks your students? #T", "hostess"))
    said = c.classify(make_post("2", "Q1 fear of failing, mostly #T", "pat"))
    assert said.answers == 1 and said.role is Role.PARTICIPANT
    reply = c.classify(make_post("3", "Q2: how do you grade? #T", "zed", reply_to="1"))
    assert reply.question_number is None
    posted = c.classify(make_post("4", "Pergunta 2 ➡️ Como vocês lidam com o erro? #T", "caio"))
    assert posted.question_number == 2 and posted.role is Role.COMODERATOR
    assert c.roster.co_moderators == ("caio",) and c.roster.guests == ("ana",)
    skipped = c.classify(make_post("5", "Q7: what else? #T", "pat"))
    assert skipped.question_number is None


def test_a_question_after_a_preamble_is_the_next_or_the_open_one_posted_again() -> None:
    """ "Oops, forgot the tag 🙈 Q.2 ...?" is Q2's posting (the next, or the open one posted
    again); a teaser after a preamble is not; another number is not."""
    c = Classifier(Roster(host="hostess"), "T")
    c.classify(make_post("1", "Q1: What brings you here? #T", "hostess"))
    teaser = c.classify(make_post("2", "Thanks all! Q.2 in two minutes! #T", "hostess"))
    assert teaser.question_number is None
    late = c.classify(
        make_post("3", "Oups, j'ai oublié le mot-clic 🙈 Q.2 Quels signaux ? #T", "hostess")
    )
    assert late.question_number == 2
    again = c.classify(make_post("4", "Forgot the tag, sorry 🤦 Q2 Which signs? #T", "hostess"))
    assert again.question_number == 2 and c.questions[2].post_ids == ["3", "4"]
    wrong = c.classify(make_post("5", "Great! By the way: Q5 was my favourite? #T", "hostess"))
    assert wrong.question_number is None


def test_a_question_in_the_authors_own_thread_opens_like_a_top_level_post() -> None:
    """A host who posts each question as a reply to her own welcome post is the host and those
    are the questions; the same label in a reply to someone else is not."""
    c = Classifier(Roster(), "T")
    welcome = make_post("1", "Bienvenue au #T ! Les questions suivent dans ce fil", "gen")
    c.classify(welcome)
    q1 = replace(
        make_post("2", "Q1 : Qu'est-ce qui donne le goût de lire ? #T", "gen", reply_to="1"),
        reply_to_author_id=welcome.author_id,
    )
    got = c.classify(q1)
    assert got.question_number == 1 and got.role is Role.HOST and c.roster.host == "gen"
    other = replace(
        make_post("3", "Q2 : et vous ? #T", "zed", reply_to="2"),
        reply_to_author_id=q1.author_id,
    )
    assert c.classify(other).question_number is None


def test_guests_nobody_named_are_the_people_the_audience_keeps_asking() -> None:
    """No plan, no announcement: once three people have asked priya something, she is taken for
    a guest, and a fourth question to her is the audience's; with a guest named, never."""
    c = Classifier(Roster("hostess"), "T")
    c.classify(make_post("1", "Q1: What is dry this summer? #T", "hostess"))
    c.classify(make_post("2", "A1 the soil, everywhere #T", "priya"))
    asks = []
    for i, who in enumerate(("ana", "bo", "cy", "di"), start=3):
        post = make_post(str(i), f"@priya how deep do you mulch {i}? #T", who, reply_to="2")
        asks.append(c.classify(post).audience_question)
    assert asks == [False, False, True, True]
    assert "priya" in c.roster.guests
    named = Classifier(Roster("hostess"), "T")
    named.classify(make_post("1", "Welcome! Our guests tonight: @jess #T", "hostess"))
    named.classify(make_post("2", "Q1: What is dry? #T", "hostess", minute=1))
    named.classify(make_post("3", "A1 soil #T", "priya", minute=2))
    for i, who in enumerate(("ana", "bo", "cy", "di"), start=4):
        post = make_post(str(i), f"@priya how deep {i}? #T", who, reply_to="3", minute=3)
        assert not named.classify(post).audience_question


def test_the_open_question_in_another_language_without_a_label_is_that_question() -> None:
    """The host's French Q1, then minutes later the English version with no number (as a reply
    to her own post): question 1 too; an English follow-up question later is not."""
    c = Classifier(ROSTER, "T")
    fr = replace(make_post("1", "Q1 : Qu'est-ce qui vous aide le soir ? #T", "hostess"), lang="fr")
    assert c.classify(fr).question_number == 1
    en = make_post("2", "And in English: what helps you in the evening? #T", "hostess", minute=1)
    assert (
        c.classify(
            replace(en, lang="en", reply_to_id="1", reply_to_author_id="id-hostess")
        ).question_number
        == 1
    )
    later = make_post(
        "3", "Love these answers, who else naps after dinner? #T", "hostess", minute=9
    )
    assert c.classify(replace(later, lang="en")).question_number is None
    same = make_post("4", "Et vous, qui fait la sieste après le dîner ? #T", "hostess", minute=2)
    assert c.classify(replace(same, lang="fr")).question_number is None
