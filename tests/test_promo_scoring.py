"""Promo scoring rules: content signals, pitfalls, mitigators, history, authors, drafts."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tchat_tui.domain.post import Link, Network, Post, Role
from tchat_tui.domain.promo.draft import score_draft
from tchat_tui.domain.promo.rules import default_rules
from tchat_tui.domain.promo.signals import PromoResult
from tchat_tui.domain.promo.tracker import PostContext, PromoTracker

RULES = default_rules()
T0 = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)
TAG = "TestChat"
_TAGS = re.compile(r"#(\w+)")
_MENTIONS = re.compile(r"@(\w+)")


def post(
    text: str,
    handle: str = "ada",
    *,
    n: int = 1,
    minute: float = 0,
    links: tuple[str, ...] = (),
    name: str | None = None,
    reply_to: Post | None = None,
    repost: bool = False,
) -> Post:
    """A post with hashtags and mentions taken from its text."""
    return Post(
        network=Network.X,
        native_id=f"{handle}-{n}",
        author_id=f"id-{handle}",
        author_handle=handle,
        author_name=name or handle.title(),
        text=text,
        created_at=T0 + timedelta(minutes=minute),
        reply_to_id=reply_to.native_id if reply_to else None,
        reply_to_author_id=reply_to.author_id if reply_to else None,
        hashtags=tuple(_TAGS.findall(text)),
        mentions=tuple(_MENTIONS.findall(text)),
        links=tuple(Link(f"https://t.co/x{i}", u) for i, u in enumerate(links)),
        is_repost=repost,
    )


def ctx(role: Role = Role.PARTICIPANT, **kw: object) -> PostContext:
    """A context in the test chat."""
    return PostContext(chat_tag=TAG, role=role, **kw)  # type: ignore[arg-type]


def score(p: Post, context: PostContext | None = None) -> PromoResult:
    """Score one post in an empty chat."""
    return PromoTracker(RULES).score(p, context or ctx())


# --- content signals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "signal", "quoted"),
    [
        ("Buy now, it ships today", "call_buy", "Buy"),
        ("Achetez-le vite", "call_buy", "Achetez"),
        ("commandez avant dimanche", "call_buy", "commandez"),
        ("Sign up here", "call_signup", "Sign up"),
        ("Inscrivez-vous ce soir", "call_signup", "Inscrivez-vous"),
        ("inscris-toi ce soir", "call_signup", "inscris-toi"),
        ("abonne-toi à la chaîne", "call_signup", "abonne-toi"),
        ("Abonnez vous !", "call_signup", "Abonnez vous"),
        ("telechargez le guide", "call_signup", "telechargez"),
        ("Check it out", "call_look", "Check it out"),
        ("Jetez un œil", "call_look", "Jetez un œil"),
        ("DM me for details", "call_contact", "DM me"),
        ("infos en MP", "call_contact", "en MP"),
        ("link in bio", "call_bio", "link in bio"),
        ("tout est dans le lien en bio", "call_bio", "lien en bio"),
        ("my new book is out", "own_product", "my new book"),
        ("ma formation démarre lundi", "own_product", "ma formation"),
        ("code promo ETE20", "offer", "code promo"),
        ("plus que 5 places", "offer", "plus que 5 places"),
        ("l’offre limitée se termine", "offer", "offre limitée"),
        ("get a free ebook", "free", "free ebook"),
        ("c'est gratuit", "free", "gratuit"),
        ("seulement 19,99 €", "price", "19,99 €"),
        ("seulement 19,99\u202f€ !", "price", "19,99 €"),
        ("only $4,000 a month", "price", "$4,000"),
        ("-30 % sur tout", "price", "-30 %"),
        ("-30\u202f% sur tout", "price", "-30 %"),
        ("RT if you agree", "engagement_bait", "RT if"),
        ("suivez-moi pour plus", "engagement_bait", "suivez-moi"),
    ],
)
def test_lexicon_signal(text: str, signal: str, quoted: str) -> None:
    """Each word list fires on its phrases (EN and FR) and the reason quotes the words as written."""
    result = score(post(text))
    hits = [s for s in result.signals if s.id == signal]
    assert hits, result.reasons()
    assert quoted in hits[0].reason_en.replace("\u202f", " ")


@pytest.mark.parametrize(
    "text",
    [
        "I bought it last year",
        "Je l'ai acheté l'an dernier",
        "we need buy-in from managers",
        "I subscribed to her newsletter",
        "je télécharge toujours le rapport",
        "Je me suis inscrite au MOOC",
        "Don't buy a new car",
        "ne cliquez jamais sur ces liens",
        "30% of people agree",
        "la remise en question est utile",
        "feel free to disagree",
    ],
)
def test_statements_are_not_calls(text: str) -> None:
    """First-person statements, negations and look-alike words give no call or offer signal."""
    result = score(post(text))
    assert not {"call_buy", "call_signup", "call_look", "offer", "free", "price"} & set(
        result.signal_ids
    ), result.reasons()


def test_links_are_judged_from_the_expanded_url() -> None:
    """A t.co wrapper is not a shortener; bit.ly is, and tracking parameters are named."""
    plain = score(post("see https://t.co/x0", links=("https://example.org/page",)))
    assert plain.signal_ids == ("link",)
    short = score(post("see", links=("https://bit.ly/abc",)))
    assert "shortener" in short.signal_ids
    tracked = score(post("see", links=("https://shop.example.com/p?utm_source=x",)))
    assert "tracking" in tracked.signal_ids
    assert "utm_source" in tracked.reasons()[1]
    amazon = score(post("see", links=("https://www.amazon.fr/dp/B01?tag=me-21",)))
    assert "tracking" in amazon.signal_ids
    affiliate = score(post("see", links=("https://amzn.to/3abc",)))
    assert {"shortener", "tracking"} <= set(affiliate.signal_ids)


@pytest.mark.parametrize(
    ("handle", "name", "url", "own"),
    [
        ("coach_sabine", "Sabine Coaching", "https://sabine-coaching.fr/x", True),
        ("acmeshop", "Acme", "https://www.acme.shop/promo", True),
        ("ada", "Ada", "https://adafruit.com/post", False),
        ("kim_codes", "Kim", "https://www.youtube.com/@kimcodes/videos", True),
        ("kim_codes", "Kim", "https://www.youtube.com/@someoneelse", False),
        ("bob", "Bob Smith", "https://example.com/bob", False),
    ],
)
def test_own_site(handle: str, name: str, url: str, own: bool) -> None:
    """Own site: the host (or a profile path) matches the handle or the display name."""
    result = score(post("read this", handle, links=(url,), name=name))
    assert ("own_site" in result.signal_ids) is own, result.reasons()


@pytest.mark.parametrize(
    "url", ["https://www.cyber.gouv.fr/guide", "https://doi.org/10.1/x", "https://www.who.int/a"]
)
def test_reference_links_weigh_little(url: str) -> None:
    """A reference source counts 0.3 instead of a link, and 'découvrez' alone stays below amber."""
    result = score(post("Découvrez le guide du ministère", links=(url,)))
    assert "reference_link" in result.signal_ids and "link" not in result.signal_ids
    assert result.level == "none"


def test_form_floods() -> None:
    """Hashtag stuffing (capped), mention stuffing, capitals and emoji floods."""
    tags = " ".join(f"#t{i}" for i in range(10))
    stuffed = score(post(f"hello #{TAG} {tags}"))
    [sig] = [s for s in stuffed.signals if s.id == "hashtag_stuffing"]
    assert sig.weight == 2.0
    assert "mention_stuffing" in score(post("hi @a @b @c @d @e")).signal_ids
    assert "capitals" in score(post("THIS IS THE BEST CHAT EVER")).signal_ids
    assert "emoji_flood" in score(post("yes 🎉🎉🎉🎉🎉")).signal_ids
    assert "emoji_flood" in score(post("wow!!!")).signal_ids
    assert score(post("THIS IS THE BEST CHAT EVER!!! 🎉🎉🎉🎉🎉")).level == "none"


# --- mitigators ---------------------------------------------------------------------------------


def test_link_asked_for_mitigates() -> None:
    """A parent asking for a link or source brings the score down by the mitigator's (fitted)
    weight."""
    parent = post("Vous avez une source ?", "paul")
    reply = post("Notre étude : https://t.co/x0", "asso", links=("https://asso.fr/etude",))
    plain = score(reply, ctx())
    asked = score(reply, ctx(parent=parent))
    assert "asked_for_link" in asked.signal_ids
    assert RULES.signals["asked_for_link"].weight < -1.0
    assert asked.score == pytest.approx(
        max(0.0, plain.score + RULES.signals["asked_for_link"].weight)
    )


@pytest.mark.parametrize(
    ("role", "signal"),
    [(Role.GUEST, "host_or_guest"), (Role.HOST, "chat_host"), (Role.COMODERATOR, "chat_host")],
)
def test_host_and_guests_are_mitigated(role: Role, signal: str) -> None:
    """The host's announcement with a sign-up link is not flagged in the stream."""
    text = "Next chat on the 5th! Book your seat for the reminder: https://t.co/x0"
    p = post(text, "testchat_host", links=("https://testchat.org/next",))
    result = score(p, ctx(role))
    assert signal in result.signal_ids
    assert result.level == "none"
    assert score(p).level != "none"


def test_substantive_answer_mitigates() -> None:
    """A long answer without calls or offers earns -0.5."""
    words = "remote teams need clear written decisions shared openly every week with named owners"
    result = score(
        post(f"A1: {words} https://t.co/x0", links=("https://example.org/a",)),
        ctx(is_answer=True, question_text="How do remote teams decide?"),
    )
    assert "substantive_answer" in result.signal_ids


def test_off_topic_answer_and_tag_hijack() -> None:
    """An answer sharing no word with its question, or a tagged top-level post, with link + call."""
    p = post(f"Buy our crypto now https://t.co/x0 #{TAG}", links=("https://coin.io/",))
    off = score(
        p, ctx(is_answer=True, question_text="What helps you sleep when you travel for work?")
    )
    assert "off_topic_answer" in off.signal_ids
    assert "tag_hijack" in score(p, ctx()).signal_ids


# --- history -------------------------------------------------------------------------------------


def _pitch(n: int, to: Post) -> Post:
    return post(
        f"Great point! Acme rooms fix that, try it free today https://t.co/x0 #{TAG}",
        "acme",
        n=n,
        minute=n,
        links=("https://acme.io/rooms?utm_source=x",),
        reply_to=to,
    )


def test_repeated_pitches_escalate_and_flag_the_author() -> None:
    """Near-duplicates, the 3rd link to a domain and replies to 4 users turn red; author is red."""
    tracker = PromoTracker(RULES)
    people = [post(f"answer {i}", f"user{i}", n=i, minute=i) for i in range(5)]
    for p in people:
        tracker.score_and_record(p, ctx())
    results = [tracker.score_and_record(_pitch(i, people[i]), ctx()) for i in range(4)]
    assert results[0].level == "amber"
    assert "self_duplicate" in results[1].signal_ids
    assert "repeated_domain" in results[2].signal_ids
    assert "reply_spray" in results[3].signal_ids
    assert all(r.level == "red" for r in results[1:])
    flag = tracker.author_flag("x:id-acme")
    assert flag is not None and flag.level == "red"
    assert flag.reason.startswith("4 of 4 posts promotional (guide: at most 1 in 10)")
    assert "top domain acme.io, 100% of links" in flag.reason
    assert flag.reason_fr.startswith("4 messages promotionnels sur 4")
    assert flag.top_domain == "acme.io" and flag.top_domain_share == 1.0


def test_one_promotional_post_never_flags_an_author() -> None:
    """A single promotional post among others leaves the author unflagged."""
    tracker = PromoTracker(RULES)
    tracker.score_and_record(_pitch(1, post("q", "bob")), ctx())
    assert tracker.author_flag("x:id-acme") is None
    assert tracker.author_flags() == []


def test_same_text_from_several_accounts() -> None:
    """The same normalised text from a second account fires; each copy counts its accounts."""
    tracker = PromoTracker(RULES)
    text = "I lost 12 lbs in 3 weeks with SlimTea, no diet needed! Check it out {} #TestChat"
    results = [
        tracker.score_and_record(post(text.format(f"https://t.co/{h}"), h, minute=i), ctx())
        for i, h in enumerate(["lisa", "tina", "jo"])
    ]
    assert "cross_author_duplicate" not in results[0].signal_ids
    assert "same text from 3 accounts" in results[2].reasons()[-2]


def test_score_does_not_change_state_and_record_does() -> None:
    """Scoring twice gives the same result; recording is what builds history."""
    tracker = PromoTracker(RULES)
    p = _pitch(1, post("q", "bob"))
    first, second = tracker.score(p, ctx()), tracker.score(p, ctx())
    assert first == second
    tracker.record(p, first)
    assert "repeat_promoter" in tracker.score(replace(p, native_id="acme-2"), ctx()).signal_ids


def test_history_is_bounded() -> None:
    """An author's kept history never exceeds the configured size."""
    tracker = PromoTracker(RULES)
    for i in range(300):
        tracker.score_and_record(post(f"message number {i} about things", "ada", n=i), ctx())
    state = tracker._authors["x:id-ada"]
    assert len(state.history) <= RULES.author["history"]
    assert len(state.times) <= RULES.author["history"]


def test_reposts_are_not_scored() -> None:
    """A repost is someone else's words: no signals, no history."""
    tracker = PromoTracker(RULES)
    result = tracker.score_and_record(post("RT Buy now! code promo", repost=True), ctx())
    assert result.level == "none" and not result.signals
    assert tracker.author_flag("x:id-ada") is None


# --- explanations and drafts ----------------------------------------------------------------------


def test_reasons_state_weights_and_version_in_both_languages() -> None:
    """Reasons carry the weight (French decimal comma) and end with the rules version."""
    result = score(post("Achetez ma formation", links=("https://ada.fr/formation",)))
    en, fr = result.reasons("en"), result.reasons("fr")
    assert "call to buy: 'Achetez' (+2.0)" in en
    assert "appel à acheter : « Achetez » (+2,0)" in fr
    assert en[-1] == f"rules v{RULES.version}" and fr[-1] == f"règles v{RULES.version}"
    assert result.promo and result.rules_version == RULES.version


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Next #TestChat Thursday, sign up here: https://testchat.org/next", "amber"),
        ("Thanks everyone, see you next week #TestChat", "none"),
        ("My new course is -30 % with code CHAT30, last chance! https://bit.ly/x", "red"),
    ],
)
def test_draft_warning(text: str, level: str) -> None:
    """The host's draft is warned from 2.0, on content signals only."""
    result = score_draft(text, TAG, RULES, author_handle="testchat_host")
    assert result.level == level, result.reasons()
