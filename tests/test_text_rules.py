"""Text rules beyond the upstream suite: emoji of current Unicode, Mastodon and Bluesky counting,
and the one check the composer and plan checker share (the tag's own rules: test_text_tag.py)."""

from __future__ import annotations

import random
import unicodedata

import emoji
import pytest
import regex

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import check_text, grapheme_count, rules_for, text_length
from tchat_tui.domain.text.tag import ensure_tag, has_tag
from tchat_tui.domain.text.twitter.characters import CYRILLIC, DASH_PUNCTUATION
from tchat_tui.domain.text.twitter.emoji_sequences import (
    _TEXT_ONLY_BARE,
    extract_emoji_with_indices,
)
from tchat_tui.domain.text.twitter.hashtags import extract_hashtags
from tchat_tui.domain.text.twitter.length import weighted_length
from tchat_tui.domain.text.twitter.mentions import extract_mentions
from tchat_tui.domain.text.twitter.urls import extract_urls

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # man woman girl boy
CANE_RIGHT = "\U0001f9d1\U0001f3fe\u200d\U0001f9af\u200d\u27a1\ufe0f"  # Unicode 15.1
SHAKING_FACE = "\U0001fae8"  # Unicode 15.0
FLAG_FR = "\U0001f1eb\U0001f1f7"
KEYCAP_1 = "1\ufe0f\u20e3"
LONG_URL = "https://example.org/" + "segment/" * 10
CAFE_NFD = "Cafe\u0301"
CAFE_NFC = "Caf\xe9"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello", 5),
        ("e\u0301", 1),  # NFC first
        ("\u65e5\u672c", 4),  # CJK weighs 2
        ("\u2014\u2019", 2),  # dashes and quotes are in the light ranges
        ("\u2026", 2),  # the ellipsis is not
        (FAMILY, 2),
        (CANE_RIGHT, 2),
        (SHAKING_FACE, 2),
        (FLAG_FR, 2),
        (KEYCAP_1, 2),
        ("\xa9", 1),  # bare copyright sign is text
        ("\xa9\ufe0f", 2),  # with the emoji selector it is an emoji
        (f"see {LONG_URL}", 4 + 23),
        ("example.com", 23),
    ],
)
def test_weighted_length_v3(text: str, expected: int) -> None:
    """X counts NFC text, 23 per URL, 2 per CJK character and 2 per whole emoji sequence."""
    assert weighted_length(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("\u65e5\u672c", 2), (FAMILY, 7), (f"see {LONG_URL}", 27), ("e\u0301", 1)],
)
def test_weighted_length_classic(text: str, expected: int) -> None:
    """The classic 140 rule: every code point weighs 1, URLs still 23."""
    assert weighted_length(text, classic=True) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"a {FAMILY} b", [FAMILY]),
        (f"{CANE_RIGHT}{SHAKING_FACE}", [CANE_RIGHT, SHAKING_FACE]),
        (f"{FLAG_FR}{FLAG_FR[0]}", [FLAG_FR]),  # a lone regional indicator is a letter
        (f"x{KEYCAP_1} 2\u20e3", [KEYCAP_1, "2\u20e3"]),
        ("\xa9 \xae \u2122", []),
        ("caf\xe9 na\xefve \u65e5\u672c", []),
    ],
)
def test_emoji_sequences(text: str, expected: list[str]) -> None:
    """Emoji sequences of current Unicode are found whole, longest first."""
    assert [e for e, _, _ in extract_emoji_with_indices(text)] == expected


def test_emoji_start_class_covers_the_data() -> None:
    """Every emoji sequence in the emoji package can be found from its start (or its keycap)."""
    for sequence in emoji.EMOJI_DATA:
        if sequence in _TEXT_ONLY_BARE:
            continue
        found = extract_emoji_with_indices(f"a {sequence} b")
        assert found == [(sequence, 2, 2 + len(sequence))], ascii(sequence)


@pytest.mark.parametrize(
    ("constant", "prop"),
    [
        pytest.param(CYRILLIC, r"\p{Script=Cyrillic}", id="cyrillic"),
        pytest.param(DASH_PUNCTUATION, r"\p{Pd}", id="dash-punctuation"),
    ],
)
def test_spelled_out_classes_keep_their_property(constant: str, prop: str) -> None:
    """The classes written out for the stdlib `re` only hold characters of their property."""
    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    members = "".join(regex.findall(f"[{constant}]", every))
    assert members
    assert regex.fullmatch(f"{prop}+", members)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello\r\nworld", 11),
        (CAFE_NFD, 4),
        (FAMILY + CANE_RIGHT + FLAG_FR, 3),
        ("\u0915\u094d\u0937\u093f", 1),  # Devanagari conjunct
        ("\u1100\u1161\u11a8", 1),  # Hangul jamo
    ],
)
def test_grapheme_count(text: str, expected: int) -> None:
    """Graphemes are what a reader sees as one character."""
    assert grapheme_count(text) == expected


def test_grapheme_count_matches_full_rules_on_random_text() -> None:
    """The fast path counts exactly what `regex` `\\X` counts."""
    pool = list(
        "ab \t\r\n\x00\u0301\u200d\u200b\u0600\u0915\u094d\u0937\u093f\u1100\u1161\u11a8\uac00"
        "\xe9\U0001f468\U0001f469\U0001f3fe\ufe0f\U0001f1eb\U0001f1f7\U0001f44d"
    )
    rng = random.Random(20261127)
    for _ in range(20000):
        sample = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        assert grapheme_count(sample) == len(regex.findall(r"\X", sample)), ascii(sample)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 500, 500),
        (f"see {LONG_URL}", 4 + 23),  # any URL counts 23
        ("see example.org/path", 20),  # without protocol, as written
        ("@alice@example.social hi", 9),  # a remote mention counts as @alice
        ("@alice hi", 9),
        (f"{FAMILY} {FLAG_FR}", 3),
        (CAFE_NFD, 4),
    ],
)
def test_mastodon_length(text: str, expected: int) -> None:
    """Mastodon counts graphemes, 23 per URL, and only the user part of a mention."""
    assert text_length(text, rules_for(Network.MASTODON)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 300, 300),
        (f"see {LONG_URL}", 4 + len(LONG_URL)),  # URLs count as written
        ("@alice.bsky.social hi", 21),
        (f"{FAMILY} {FLAG_FR}", 3),
        (CAFE_NFD, 4),
    ],
)
def test_bluesky_length(text: str, expected: int) -> None:
    """Bluesky counts graphemes of the text as written."""
    assert text_length(text, rules_for("bluesky")) == expected


@pytest.mark.parametrize(
    ("network", "kwargs", "limit", "classic"),
    [
        ("x", {}, 280, False),
        ("x", {"classic": True}, 140, True),
        ("x", {"limit": 25000}, 25000, False),
        (Network.MASTODON, {}, 500, False),
        ("mastodon", {"limit": 1000}, 1000, False),
        ("bluesky", {}, 300, False),
    ],
)
def test_rules_for(network: str, kwargs: dict[str, object], limit: int, classic: bool) -> None:
    """Limits: X 280 (140 classic), Mastodon 500 or the instance's, Bluesky 300."""
    rules = rules_for(network, **kwargs)  # type: ignore[arg-type]
    assert (rules.network, rules.limit, rules.classic, rules.url_weight) == (
        Network(network),
        limit,
        classic,
        23,
    )


@pytest.mark.parametrize(
    ("network", "kwargs"),
    [("myspace", {}), ("x", {"limit": 0}), ("mastodon", {"url_weight": 0})],
)
def test_rules_for_refuses_bad_input(network: str, kwargs: dict[str, object]) -> None:
    """An unknown network, a limit or a URL weight below 1 is refused."""
    with pytest.raises(ValueError):
        rules_for(network, **kwargs)  # type: ignore[arg-type]


def test_mastodon_instance_url_weight() -> None:
    """An instance's characters_reserved_per_url replaces the default 23."""
    rules = rules_for("mastodon", limit=1000, url_weight=30)
    assert text_length(f"see {LONG_URL}", rules) == 4 + 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#a #b #a", ["a", "b", "a"]),
        ("#PyChat's #PyChat_ x#no #123", ["PyChat", "PyChat_"]),
        ("\u65e5\u672c\u8a9e\u306e #\u30bf\u30b0", ["\u30bf\u30b0"]),
        ("\u65e5\u672c\u8a9e\u306e#\u30bf\u30b0", []),  # glued to a letter, any script
    ],
)
def test_extract_hashtags(text: str, expected: list[str]) -> None:
    """Hashtags in order, as written, without '#'."""
    assert extract_hashtags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@alice and @bob_2", ["alice", "bob_2"]),
        ("mail a@example.com", []),
        ("RT @alice: hi", ["alice"]),
        ("@alice/list", []),
    ],
)
def test_extract_mentions(text: str, expected: list[str]) -> None:
    """Mentioned handles, without '@'."""
    assert extract_mentions(text) == expected


def test_extract_urls_in_a_draft() -> None:
    """URLs with and without protocol, trailing punctuation left out."""
    draft = "Lire https://example.org/rapport?id=42. et example.com, merci."
    assert extract_urls(draft) == ["https://example.org/rapport?id=42", "example.com"]


@pytest.mark.parametrize(
    ("text", "network", "kwargs", "tag", "valid", "reason"),
    [
        ("Q1 is live #FooChat", "x", {}, "FooChat", True, ""),
        ("no tag needed", "x", {}, None, True, ""),
        ("a" * 283 + " #FooChat", "x", {}, "FooChat", False, "over the X limit by 12 (292/280)"),
        ("Q1 is live", "x", {}, "#FooChat", False, "missing the tag #FooChat"),
        (
            "a" * 292,
            "x",
            {},
            "FooChat",
            False,
            "over the X limit by 12 (292/280); missing the tag #FooChat",
        ),
        ("a" * 141, "x", {"classic": True}, None, False, "over the X limit by 1 (141/140)"),
        ("x#FooChat", "x", {}, "FooChat", False, "missing the tag #FooChat"),
        (
            "bad \ufffe #FooChat",
            "x",
            {},
            "FooChat",
            False,
            "contains characters X refuses (U+FFFE)",
        ),
        ("", "x", {}, "FooChat", False, "empty; missing the tag #FooChat"),
        ("   ", "bluesky", {}, None, False, "empty"),
        ("a" * 501, "mastodon", {}, None, False, "over the Mastodon limit by 1 (501/500)"),
        ("a" * 501, "mastodon", {"limit": 1000}, None, True, ""),
        ("a" * 301, "bluesky", {}, None, False, "over the Bluesky limit by 1 (301/300)"),
        (
            FAMILY * 300,
            "bluesky",
            {},
            None,
            False,
            f"over the Bluesky size limit by {len(FAMILY.encode()) * 300 - 3000} bytes",
        ),
    ],
)
def test_check_text(
    text: str,
    network: str,
    kwargs: dict[str, object],
    tag: str | None,
    valid: bool,
    reason: str,
) -> None:
    """One verdict for composer and plan checker: fits the network and carries the tag."""
    result = check_text(text, rules_for(network, **kwargs), tag)  # type: ignore[arg-type]
    assert (result.valid, result.reason) == (valid, reason)
    assert result.over_by == max(0, result.length - result.limit)
    assert result.network is Network(network)


def test_check_text_fields() -> None:
    """The verdict carries length, limit, how far over and whether the tag is there."""
    result = check_text("a" * 283 + " #FooChat", rules_for("x"), "#foochat")
    assert (result.length, result.limit, result.over_by, result.has_tag) == (292, 280, 12, True)


def test_check_text_agrees_with_nfc_input() -> None:
    """A decomposed draft gets the same verdict as its NFC form."""
    draft = f"{CAFE_NFD} #FooChat"
    nfc = unicodedata.normalize("NFC", draft)
    for network in ("x", "mastodon", "bluesky"):
        rules = rules_for(network)
        assert check_text(draft, rules, "FooChat") == check_text(nfc, rules, "FooChat")


def test_any_input_gets_a_verdict_and_ensure_tag_always_tags() -> None:
    """Untrusted text (lone surrogates, controls, odd URLs) never breaks the check or ensure_tag."""
    pool = list("ab.#@/:-_ \n\r\t\u0301\u200d\ud800\udc00\ufffe\ufeff\u202a\u2066\xe9\u65e5") + [
        "http://",
        ".com",
        "t.co/",
        "xn--",
        "@a@b.c",
        "#FooChat",
        "\uff03",
        FAMILY,
        FLAG_FR,
        KEYCAP_1,
    ]
    every_rules = [rules_for(n) for n in ("x", "mastodon", "bluesky")]
    rng = random.Random(5)
    for _ in range(3000):
        sample = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        for rules in every_rules:
            assert check_text(sample, rules, "FooChat").length >= 0
        assert has_tag(ensure_tag(sample, "FooChat"), "FooChat"), ascii(sample)
