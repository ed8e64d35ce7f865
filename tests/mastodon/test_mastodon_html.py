"""Mastodon HTML content becomes the plain text a moderator reads."""

from __future__ import annotations

import pytest

from tchat_tui.clients.mastodon.html import html_to_text

TAG = '<a href="https://m.example/tags/FinMariageEnfants" class="mention hashtag" rel="tag">#<span>FinMariageEnfants</span></a>'
MENTION = '<span class="h-card"><a href="https://mamot.fr/@aminak" class="u-url mention">@<span>aminak</span></a></span>'
LINK = (
    '<a href="https://exemple.fr/un/lien/tres/long" rel="nofollow noopener" target="_blank">'
    '<span class="invisible">https://</span><span class="ellipsis">exemple.fr/un/lien/t</span>'
    '<span class="invisible">res/long</span></a>'
)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Bonjour</p><p>à tous</p>", "Bonjour\n\nà tous"),
        ("<p>ligne 1<br>ligne 2<br/>ligne 3</p>", "ligne 1\nligne 2\nligne 3"),
        ("<p>a<br><br>b</p>", "a\n\nb"),
        (f"<p>R1 oui {TAG}</p>", "R1 oui #FinMariageEnfants"),
        (f"<p>{MENTION} merci</p>", "@aminak merci"),
        (f"<p>voir {LINK}</p>", "voir https://exemple.fr/un/lien/tres/long"),
        ("<p>l&#39;école &amp; la santé &lt;3</p>", "l'école & la santé <3"),
        ("<p>source\nwrapped</p>", "source wrapped"),
        ("<p>x<script>alert(1)</script>y</p>", "xy"),
        ("plain text", "plain text"),
        ("", ""),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    """Paragraphs become blank lines, <br> newlines, entities characters; links show in full."""
    assert html_to_text(html).text == text


def test_entities_are_collected() -> None:
    """Hashtags keep their case, mentions their username, links their href."""
    found = html_to_text(f"<p>{MENTION} {TAG} {LINK}</p>")
    assert found.hashtags == ("FinMariageEnfants",)
    assert found.mentions == ("aminak",)
    assert [(link.url, link.expanded_url) for link in found.links] == [
        ("https://exemple.fr/un/lien/tres/long", "https://exemple.fr/un/lien/tres/long")
    ]
