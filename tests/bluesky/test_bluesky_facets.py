"""Bluesky facets: UTF-8 byte offsets for hashtags, mentions and links, with accents and emoji."""

from __future__ import annotations

import pytest

from tchat_tui.clients.bluesky.facets import (
    build_facets,
    byte_offset,
    extract_handles_with_indices,
    mention_handles,
    read_facets,
)

DIDS = {"aminak.bsky.social": "did:plc:amina", "horizonfilles.bsky.social": "did:plc:host"}


def spans(text: str) -> list[tuple[int, int, str, str]]:
    """(byteStart, byteEnd, kind, value) of each facet built for `text`."""
    out = []
    for facet in build_facets(text, DIDS):
        (feature,) = facet["features"]
        kind = feature["$type"].rsplit("#", 1)[1]
        value = feature.get("tag") or feature.get("did") or feature.get("uri")
        out.append((facet["index"]["byteStart"], facet["index"]["byteEnd"], kind, value))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "R1 Éducation des filles = levier n°1 👩🏾‍🎓 #FinMariageEnfants",
            [(55, 73, "tag", "FinMariageEnfants")],
        ),
        (
            "Merci @aminak.bsky.social ! Q2 arrive dans 2 min #FinMariageEnfants",
            [(6, 25, "mention", "did:plc:amina"), (49, 67, "tag", "FinMariageEnfants")],
        ),
        ("#Éducation d'abord", [(0, 11, "tag", "Éducation")]),  # É is 2 bytes
        ("🇸🇳 #FinMariageEnfants", [(9, 27, "tag", "FinMariageEnfants")]),  # a flag is 8 bytes
        ("日本語 #タグ", [(10, 17, "tag", "タグ")]),  # CJK: 3 bytes each
        ("(@horizonfilles.bsky.social) merci", [(1, 27, "mention", "did:plc:host")]),
        (
            "bravo @aminak.bsky.social.",
            [(6, 25, "mention", "did:plc:amina")],
        ),  # the final dot is not the handle's
        ("@unknown.bsky.social salut", []),  # not resolved: plain text
        ("mail me at a@aminak.bsky.social", []),  # an address is not a mention
        ("voir unicef.org/fr/mariage ✔", [(5, 26, "link", "https://unicef.org/fr/mariage")]),
        ("lien https://exemple.fr/été#ancre", [(5, 35, "link", "https://exemple.fr/été#ancre")]),
        ("#123 n'est pas un tag, #R2D2 oui", [(23, 28, "tag", "R2D2")]),
        ("é" * 10 + " #" + "a" * 65, []),  # longer than 64 graphemes
    ],
)
def test_facet_byte_offsets(text: str, expected: list[tuple[int, int, str, str]]) -> None:
    """Each facet covers the bytes of '#tag', '@handle' or the URL as written."""
    assert spans(text) == expected
    data = text.encode()
    for start, end, kind, _ in expected:
        assert data[start:end].decode()[0] in "#@" or kind == "link"


@pytest.mark.parametrize(
    ("text", "index", "offset"), [("abc", 2, 2), ("éa", 1, 2), ("👩🏾‍🎓x", 4, 15), ("", 0, 0)]
)
def test_byte_offset(text: str, index: int, offset: int) -> None:
    """Code point index -> UTF-8 byte offset."""
    assert byte_offset(text, index) == offset


def test_mention_handles_are_distinct_and_lowercased() -> None:
    """Handles to resolve before posting: each once, lowercased, in order."""
    assert mention_handles("@AminaK.bsky.social @tom.example.com @aminak.bsky.social @x") == [
        "aminak.bsky.social",
        "tom.example.com",
    ]
    assert extract_handles_with_indices("@Tom.Example.com")[0] == ("tom.example.com", 0, 16)


def test_read_facets_round_trips_what_build_facets_wrote() -> None:
    """Reading our own facets back gives the hashtags, the links and the mentions as written."""
    text = "Merci @aminak.bsky.social 👩🏾‍🎓 unicef.org/fr #FinMariageEnfants"
    found = read_facets(text, build_facets(text, DIDS), ["finmariageenfants", "EndChildMarriage"])
    assert found.hashtags == ("FinMariageEnfants", "EndChildMarriage")
    assert [(link.url, link.expanded_url) for link in found.links] == [
        ("unicef.org/fr", "https://unicef.org/fr")
    ]
    assert found.mentions == ("aminak.bsky.social",) and found.mention_dids == ("did:plc:amina",)


@pytest.mark.parametrize(
    "facets",
    [
        None,
        "x",
        [{"index": {"byteStart": "a"}}],
        [{"index": {"byteStart": 0, "byteEnd": 3}, "features": "no"}],
        [1],
    ],
)
def test_read_facets_ignores_malformed_facets(facets: object) -> None:
    """Garbage facets from the network are skipped, never raised."""
    assert read_facets("#abc", facets).hashtags == ()
