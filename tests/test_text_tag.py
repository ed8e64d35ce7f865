"""The chat's tag: found only as a real hashtag entity (casefolded, NFC), added when missing,
refused when it can never be a hashtag, kept as written without its '#'."""

from __future__ import annotations

import pytest

from tchat_tui.domain.text.tag import ensure_tag, has_tag, is_valid_tag, normalize_tag

CAFE_NFD = "Cafe\u0301"
CAFE_NFC = "Caf\xe9"


@pytest.mark.parametrize(
    ("text", "tag", "expected"),
    [
        ("#FooChat rocks", "FooChat", True),
        ("Q1 #foochat", "#FooChat", True),  # case-insensitive
        ("#FOOCHAT", "foochat", True),
        ("#STRASSE", "stra\xdfe", True),  # casefold, not lower
        ("\uff03FooChat", "FooChat", True),  # fullwidth number sign
        ("#FooChat's", "FooChat", True),
        (f"#{CAFE_NFD}", CAFE_NFC, True),  # NFC on both sides
        (f"#{CAFE_NFC}", f"#{CAFE_NFD}", True),
        ("x#FooChat", "FooChat", False),  # glued to a word: not a hashtag
        ("#FooChat_", "FooChat", False),  # another tag
        ("#FooChats", "FooChat", False),
        ("#FooChat#more", "FooChat", False),
        ("https://example.com/#FooChat", "FooChat", False),  # inside a URL
        ("#FooChat://x", "FooChat", False),
        ("FooChat", "FooChat", False),
        ("", "FooChat", False),
        ("#123", "123", False),
        ("#FooChat", "", False),
    ],
)
def test_has_tag(text: str, tag: str, expected: bool) -> None:
    """A tag counts only as a real hashtag entity, compared casefolded and NFC."""
    assert has_tag(text, tag) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "#FooChat"),
        ("Hello", "Hello #FooChat"),
        ("Hello ", "Hello #FooChat"),  # no double space
        ("Hello\n", "Hello\n#FooChat"),
        ("Hello #foochat", "Hello #foochat"),  # already there, any case
        ("\uff03FooChat hi", "\uff03FooChat hi"),
        ("Hello x#FooChat", "Hello x#FooChat #FooChat"),
        ("Hello #FooChat_", "Hello #FooChat_ #FooChat"),
        ("see https://example.com/#FooChat", "see https://example.com/#FooChat #FooChat"),
    ],
)
def test_ensure_tag(text: str, expected: str) -> None:
    """The tag is appended only when missing, and the result carries it."""
    result = ensure_tag(text, "#FooChat")
    assert result == expected
    assert has_tag(result, "FooChat")


@pytest.mark.parametrize("tag", ["", "#", "123", "#foo bar", "foo-bar", "a.b"])
def test_ensure_tag_refuses_what_cannot_be_a_hashtag(tag: str) -> None:
    """A tag that can never be a hashtag entity is an error, not a silent miss."""
    assert not is_valid_tag(tag)
    with pytest.raises(ValueError):
        ensure_tag("Hello", tag)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("#FooChat", "FooChat"),
        ("\uff03FooChat", "FooChat"),
        ("  #FooChat ", "FooChat"),
        (f"#{CAFE_NFD}", CAFE_NFC),
        ("FooChat_", "FooChat_"),
    ],
)
def test_normalize_tag(tag: str, expected: str) -> None:
    """Tags are kept as written, NFC, without the '#'."""
    assert normalize_tag(tag) == expected
