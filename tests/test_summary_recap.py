"""The recap people publish: clean quotes, real links, names, the chat's language, a phone-sized
chart; the private report apart; thank-you drafts that can be posted as they are."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tchat_tui.cli.main import main
from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.plan.read import parse_plan
from tchat_tui.domain.post import Link, Network, Role
from tchat_tui.domain.summary import Contributor, Stats, Summary, SummaryPost
from tchat_tui.domain.text.rules import check_text, rules_for
from tchat_tui.report.build import build_summary
from tchat_tui.report.chart import chart_table, posts_per_minute_svg
from tchat_tui.report.links import display_form, profile_link, web_link
from tchat_tui.report.quote import Piece, clean_text, quote_pieces
from tchat_tui.report.render import render
from tchat_tui.report.thanks import MAX_MENTIONS, thanks_drafts
from tchat_tui.report.words import words_for
from tchat_tui.store.database import Store
from tests.factories import T0, make_post
from tests.test_summary import PLAN, build_chat


def _post(text: str, *, reply: bool = False, links: tuple[Link, ...] = ()) -> SummaryPost:
    return SummaryPost("1", "x", "ada", "Ada", "participant", text, T0, links=links, reply=reply)


@pytest.mark.parametrize(
    ("text", "reply", "clean"),
    [
        ("@claire_morel A1: my sister #AidantsChat", True, "A1: my sister"),
        ("@claire_morel @dr_nhaddad A1 my sister #aidantschat ", True, "A1 my sister"),
        ("@meg_cares how did you start? #AidantsChat", False, "@meg_cares how did you start?"),
        ("A1 #AidantsChat is my Thursday #AidantsChat", False, "A1 #AidantsChat is my Thursday"),
        ("A1 naps #AidantsChat #répit", False, "A1 naps #AidantsChat #répit"),
        ("@claire_morel #AidantsChat", True, "#AidantsChat"),
        ("#AidantsChat", False, "#AidantsChat"),
    ],
)
def test_quotes_lose_the_automatic_mentions_and_the_tag(text: str, reply: bool, clean: str) -> None:
    """A reply's leading mentions and the trailing chat tag go; a mention someone wrote to
    address a guest stays, and so does anything when nothing else would be left."""
    assert clean_text(_post(text, reply=reply), "#AidantsChat") == clean


def test_links_are_expanded_from_the_entities() -> None:
    """A t.co link reads as its display form and points at the stored full address; one whose
    address is not http(s) stays as the t.co text, unlinked."""
    links = (
        Link("https://t.co/abc", "https://www.drees.example/publications/etudes-et-resultats/2021"),
        Link("https://t.co/bad", "javascript:alert(1)"),
    )
    post = _post("Report https://t.co/abc and https://t.co/bad #T", links=links)
    assert quote_pieces(post, "#T") == (
        Piece("Report "),
        Piece(
            "drees.example/publications/etud…",
            "https://www.drees.example/publications/etudes-et-resultats/2021",
        ),
        Piece(" and "),
        Piece("https://t.co/bad"),
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a b?q=<x>\"'#f", "https://example.org/a%20b?q=%3Cx%3E%22%27#f"),
        ("HTTP://Example.ORG", "http://example.org/"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("https://user:pw@example.org/", None),
        ("https://exa mple.org/", None),
        ("https://example.org/\x1b[31m", None),
        ("//example.org/x", None),
    ],
)
def test_web_links_are_http_and_encoded(url: str, safe: str | None) -> None:
    """Only http(s) with a valid host; quotes, angle brackets and spaces percent-encoded."""
    assert web_link(url) == safe


def test_display_form() -> None:
    """Without scheme and www., cut with an ellipsis."""
    assert display_form("https://www.example.org/") == "example.org"
    assert display_form("https://example.org/" + "x" * 40) == "example.org/" + "x" * 19 + "…"


@pytest.mark.parametrize(
    ("network", "handle", "instance", "link"),
    [
        ("x", "claire_morel", None, "https://x.com/claire_morel"),
        ("x", "sixteen_chars_xx", None, None),
        ("mastodon", "nadia", "toot.example", "https://toot.example/@nadia"),
        ("mastodon", "nadia@home.example", "toot.example", "https://home.example/@nadia"),
        ("mastodon", "nadia", None, None),
        ("mastodon", "nadia", "evil.example/x?", None),
        ("bluesky", "Nadia.bsky.social", None, "https://bsky.app/profile/nadia.bsky.social"),
        ("bluesky", "nadia", None, None),
    ],
)
def test_profile_links(network: str, handle: str, instance: str | None, link: str | None) -> None:
    """Each handle links to its network's profile page, built from valid parts only."""
    assert profile_link(network, handle, instance) == link


def test_links_in_the_recap_are_safe(tmp_path: Path) -> None:
    """Md and HTML: the expanded link is in the href, escaped; a t.co never shows."""
    store, chat = build_chat(tmp_path / "c.db")
    odd = 'https://example.org/x?a=1&b="2"'
    post = replace(
        make_post("40", "@claire see https://t.co/zz #CareChat", "ada", minute=6.2, reply_to="1"),
        links=(Link("https://t.co/zz", odd),),
    )
    store.add_posts(chat, [ChatPost(post, Classification(Role.PARTICIPANT, answers=1))])
    store.set_starred(chat, "x:40", "tom", True)
    s = build_summary(store)
    md, html = render(s, "md"), render(s, "html")
    assert "see [example.org/x?a=1\\&b=%222%22](<https://example.org/x?a=1&b=%222%22>)" in md
    assert (
        '<a href="https://example.org/x?a=1&amp;b=%222%22">example.org/x?a=1&amp;b=%222%22</a>'
        in html
    )
    assert "t.co" not in md and "t.co" not in html
    assert "⭐: see [example.org" in md, "the reply's leading mention is gone"


def _french_chat(path: Path, plan: dict[str, object] | None = None) -> Store:
    store = Store.open(path)
    chat = store.ensure_chat("AidantsChat", started_at=T0, plan_json=json.dumps(plan or {}))
    posts = []
    for i, (handle, lang) in enumerate(
        [("claire", "fr"), ("ada", "fr"), ("bob", "fr"), ("cyd", "en"), ("dan", "und")]
    ):
        post = replace(
            make_post(str(i + 1), f"R1 bonjour {i} #AidantsChat", handle, minute=i), lang=lang
        )
        role = Role.HOST if handle == "claire" else Role.PARTICIPANT
        posts.append(ChatPost(post, Classification(role=role, answers=None if i == 0 else 1)))
    store.add_posts(chat, posts)
    store.set_planned_questions(chat, [(1, "Qu'est-ce qui vous aide ?", None)])
    return store


def test_labels_and_dates_in_the_chat_language(tmp_path: Path) -> None:
    """Most posts declare French: labels, day and month are French, in the zone given."""
    store = _french_chat(tmp_path / "fr.db")
    s = build_summary(store, zone=ZoneInfo("Europe/Paris"))
    assert s.language == "fr"
    md = render(s, "md")
    assert "jeudi 26 novembre 2026, 19:00-20:00 (Europe/Paris)" in md
    assert "## Chiffres" in md and "| Réponses | 4 |" in md and "## Merci" in md
    html = render(s, "html")
    assert '<html lang="fr">' in html and "Messages par minute" in html


@pytest.mark.parametrize(
    ("plan", "option", "language", "day"),
    [
        ({"language": "es"}, None, "es", "jueves, 26 de noviembre de 2026"),
        ({"language": "pt-BR"}, None, "pt", "quinta-feira, 26 de novembro de 2026"),
        ({"language": "es"}, "en", "en", "Thursday 26 November 2026"),
        ({"language": "xx"}, None, "en", "Thursday 26 November 2026"),
    ],
)
def test_the_plan_or_the_option_chooses_the_language(
    tmp_path: Path, plan: dict[str, object], option: str | None, language: str, day: str
) -> None:
    """The plan's `language`, else the posts'; the caller's choice above both; English for a
    language the recap does not speak."""
    s = build_summary(_french_chat(tmp_path / "c.db", plan), language=option)
    assert s.language == language
    assert day in render(s, "md")


def test_numbers_are_grouped_the_language_way() -> None:
    """1,234 / 1 234 / 1.234."""
    assert [words_for(x).number(1234) for x in ("en", "fr", "es", "pt")] == [
        "1,234",
        "1\u202f234",
        "1.234",
        "1.234",
    ]


def test_the_chart_reads_on_a_phone_and_in_words(tmp_path: Path) -> None:
    """A 360-wide copy of the chart (drawn 1:1 on a 390 px phone, 12 px labels), shown by a media
    query in place of the wide one; and the chart as a sentence and a table."""
    store, _ = build_chat(tmp_path / "c.db")
    s = build_summary(store)
    html = render(s, "html")
    assert '<svg class="wide"' in html and '<svg class="narrow"' in html
    assert "@media (max-width: 600px)" in html and "svg.narrow { display: block; }" in html
    narrow = posts_per_minute_svg(s, words_for("en"), 360, 200, label_minutes=15)
    assert 'viewBox="0 0 360 200"' in narrow
    assert set(re.findall(r'font-size="(\d+)"', narrow)) == {"12"}
    sentence, rows = chart_table(s, words_for("en"))
    assert sentence == "11 posts between 19:00 and 20:00; the busiest minute was 19:06 (2 posts)."
    assert rows[1] == ("19:05-19:10", 6, "Q1") and rows[4] == ("19:20-19:25", 2, "Q2")
    assert sum(n for _, n, _ in rows) == 11
    assert "<details><summary>The chart as a table</summary>" in html


def test_private_report_only_with_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--private adds moderation, each flag and its reasons, muted authors, audience questions
    with who claimed and answered them and when, the unanswered ones, the cost; without it
    none of that is printed, in md or html."""
    store, chat = build_chat(tmp_path / "care.db")
    store.set_muted(chat, "x:id-cyd", "tom", True)
    asked = [
        make_post("50", "@nadia is respite paid for? #CareChat", "dee", minute=15),
        make_post("51", "@nadia where do I start? #CareChat", "eli", minute=16),
    ]
    store.add_posts(
        chat, [ChatPost(p, Classification(Role.PARTICIPANT, audience_question=True)) for p in asked]
    )
    store.db.execute(
        "UPDATE posts SET promo_reasons = ? WHERE key = 'x:11'", ["[\"offer: 'Buy now' (+2.0)\"]"]
    )
    store.claim(chat, "x:50", "tom")
    store.mark_answered(chat, "x:50", "tom")
    store.save_costs(chat, {"post_read": (100, 0.5)}, "2026-08")
    store.close()
    db = str(tmp_path / "care.db")
    for fmt in ("md", "html"):
        assert main(["summary", "--db", db, "--format", fmt]) == 0
        public = capsys.readouterr().out
        assert main(["summary", "--db", db, "--format", fmt, "--private"]) == 0
        private = capsys.readouterr().out
        assert private.startswith(public.removesuffix("</body>\n</html>\n"))
        for words in (
            "Flagged as promotion",
            "offer: ",
            "Buy now",
            "Muted authors",
            "cyd",
            "claimed by tom; answered by tom at",
            "To follow up",
            "where do I start",
            "Cost on X",
            "$0.50",
        ):
            assert words in private, (fmt, words)
            assert words not in public or words == "cyd", (fmt, words)
        follow = private.split("To follow up", 1)[1]
        assert "where do I start" in follow and "respite is paid" not in follow
        assert "is respite paid for" not in follow


def _crowd(tmp_path: Path, n: int = 30) -> Store:
    """A chat of `n` participants answering, a guest, an allowed promo account, a muted one."""
    store = Store.open(tmp_path / "crowd.db")
    plan = {"host": "claire", "guests": ["nadia"], "networks": ["x", "mastodon"]}
    chat = store.ensure_chat("CareChat", started_at=T0, plan_json=json.dumps(plan))
    posts = [
        ChatPost(
            make_post("1", "Q1: hi? #CareChat", "claire"),
            Classification(Role.HOST, question_number=1),
        )
    ]
    posts.append(
        ChatPost(
            make_post("2", "A1 me #CareChat", "nadia", minute=1),
            Classification(Role.GUEST, answers=1),
        )
    )
    for i in range(n):
        handle = f"participant_{i:02d}"
        for k in range(1 + (n - i) // 10):
            post = make_post(f"{100 + i * 10 + k}", f"A1 {k} #CareChat", handle, minute=2 + i / 10)
            posts.append(ChatPost(post, Classification(Role.PARTICIPANT, answers=1)))
    promo = make_post("900", "A1 buy my course #CareChat", "shop_promo", minute=3)
    posts.append(ChatPost(promo, Classification(Role.PARTICIPANT, answers=1), promo_level="amber"))
    for k in range(5):
        loud = make_post(f"91{k}", f"A1 loud {k} #CareChat", "loud_muted", minute=3 + k)
        posts.append(ChatPost(loud, Classification(Role.PARTICIPANT, answers=1)))
    masto = replace(
        make_post("950", "A1 from mastodon #CareChat", "zoe", minute=4),
        network=Network.MASTODON,
        instance="toot.example",
    )
    posts.append(ChatPost(masto, Classification(Role.PARTICIPANT, answers=1)))
    store.add_posts(chat, posts)
    store.record_action(chat, "tom", "allow", "x:900", "amber")
    store.set_muted(chat, "x:id-loud_muted", "tom", True)
    return store


def test_thanks_mention_few_and_never_a_promo_or_muted_account(tmp_path: Path) -> None:
    """At most MAX_MENTIONS a draft, every draft within its network's limit with the tag; guests
    and the most active first; the allowed promo account and the muted one never; everyone else
    said to be left out."""
    s = build_summary(_crowd(tmp_path))
    drafts = thanks_drafts(s)
    texts = [t for _, t in drafts.posts]
    mentioned = [w for t in texts for w in t.split() if w.startswith("@")]
    for network, text in drafts.posts:
        assert len([w for w in text.split() if w.startswith("@")]) <= MAX_MENTIONS
        assert check_text(text, rules_for(network), "#CareChat").valid, text
    assert "@nadia" in mentioned and "@participant_00" in mentioned
    assert "@shop_promo" not in mentioned and "@loud_muted" not in mentioned
    assert set(drafts.never) == {"@shop_promo", "@loud_muted"}
    assert "@participant_29" in drafts.left_out and "@participant_00" not in drafts.left_out
    assert ("mastodon", "Thanks for your answers: @zoe@toot.example #CareChat") in drafts.posts


def test_thanks_welcome_first_timers_only_when_known(tmp_path: Path) -> None:
    """First-timers get their own draft when the caller knows them; else no such draft."""
    s = build_summary(_crowd(tmp_path))
    assert not any("first time" in t for _, t in thanks_drafts(s).posts)
    keys = {"x:id-participant_28", "x:id-participant_29"}
    s = build_summary(Store.open(tmp_path / "crowd.db"), first_timers=keys)
    welcome = [t for _, t in thanks_drafts(s).posts if "first time" in t]
    assert welcome == [
        "Welcome to those who joined for the first time: @participant_28 @participant_29 #CareChat"
    ]


def test_thanks_in_the_chat_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A French chat is thanked in French; who is left out goes to stderr, never stdout."""
    _french_chat(tmp_path / "fr.db").close()
    assert main(["summary", "--db", str(tmp_path / "fr.db"), "--thanks"]) == 0
    out = capsys.readouterr()
    assert "Merci d'avoir participé au #AidantsChat !" in out.out
    assert "Merci pour vos réponses : @ada @bob @cyd @dan #AidantsChat" in out.out
    assert "left out" not in out.out


def test_top_contributors_rank_answers_and_replies(tmp_path: Path) -> None:
    """A participant who mostly replies to others counts: answers + replies, the team apart."""
    store, chat = build_chat(tmp_path / "c.db")
    replies = [
        ChatPost(
            make_post(f"6{i}", f"@bob so true {i} #CareChat", "zed", minute=30 + i, reply_to="4"),
            Classification(Role.PARTICIPANT),
        )
        for i in range(3)
    ]
    store.add_posts(chat, replies)
    s = build_summary(store)
    assert [(c.handle, c.answers, c.replies) for c in s.top_contributors][:2] == [
        ("zed", 0, 3),
        ("bob", 2, 0),
    ]
    assert all(not c.host_team for c in s.top_contributors)


def test_renderers_accept_a_summary_built_by_hand() -> None:
    """Contributors and posts from any caller render (positional Contributor as before)."""
    c = Contributor("ada", "Ada L.", "x", "participant", 3, 2, False, True)
    s = Summary(
        1,
        "#T",
        "",
        T0,
        T0 + timedelta(hours=1),
        ZoneInfo("UTC"),
        None,
        (),
        (),
        ("x",),
        Stats(1, 0, 1, None, 1, 0, 0, None, 0, {}, 0, 0, 0, 0, 0),
        (),
        (),
        (c,),
        ("ada",),
        None,
        ("ada",),
        (),
        everyone=(c,),
    )
    assert "**Ada L.** [@ada](<https://x.com/ada>)" in render(s, "md")


def test_a_plan_file_may_name_the_language(tmp_path: Path) -> None:
    """`language = "es"` in the plan is kept with the chat and read by the recap."""
    plan = parse_plan('language = "es"\n' + PLAN, "plan.toml")
    assert plan.language == "es" and plan.to_dict()["language"] == "es"
    store = Store.open(tmp_path / "c.db")
    store.ensure_chat("CareChat", started_at=plan.start, plan_json=json.dumps(plan.to_dict()))
    assert build_summary(store).language == "es"


def test_without_a_planned_zone_the_recap_uses_the_local_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The plan's zone first; else this computer's, at the chat's own date (summer time in
    July, winter time in November)."""
    import time

    from tchat_tui.domain.chat_zone import chat_zone

    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        july, november = T0.replace(month=7), T0
        local = chat_zone({})
        assert july.astimezone(local).utcoffset() == timedelta(hours=2)
        assert november.astimezone(local).utcoffset() == timedelta(hours=1)
        assert chat_zone({"timezone": "America/Toronto"}) == ZoneInfo("America/Toronto")
    finally:
        monkeypatch.undo()
        time.tzset()
