"""A post as the recap quotes it: what its author wrote, with its links readable.

A reply's leading mentions were added by the network (X and Mastodon put the replied-to
accounts first), the chat's tag at the end is in every post: both are noise in a recap, so they
go. A link a network shortened (t.co) is shown in its display form and points at its full
address, from the stored entities only, and only when that address is http(s) with a valid host
(`report.links.web_link`). The pieces are still untrusted text: the renderers escape them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tchat_tui.domain.post import Link
from tchat_tui.domain.summary import SummaryPost
from tchat_tui.report.links import display_form, web_link

_LEADING_MENTIONS = re.compile(r"^\s*(?:[@＠][\w.@-]+[\s,:]*)+", re.UNICODE)
"""A run of mentions at the start (`@claire_morel @dr_nhaddad `), with what separates them."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a quote: text, or a link's display form and its safe address."""

    text: str
    href: str | None = None


def _without_tag(text: str, tag: str) -> str:
    """The text without the chat's tag (and what follows it but spaces) at its end."""
    name = re.escape(tag.lstrip("#＃"))
    trailing = re.compile(rf"(?:\s*[#＃]{name}\b)+\s*$", re.IGNORECASE)
    cut = trailing.sub("", text)
    return cut if cut.strip() else text


def clean_text(post: SummaryPost, tag: str) -> str:
    """The words the author wrote: a reply's leading mentions and the trailing tag removed
    (kept when nothing else would be left)."""
    text = post.text
    if post.reply:
        rest = _LEADING_MENTIONS.sub("", text, count=1)
        if rest.strip():
            text = rest
    return _without_tag(text, tag).strip()


def quote_pieces(post: SummaryPost, tag: str) -> tuple[Piece, ...]:
    """The cleaned text in pieces, each of the post's links in its display form with its
    address (a link whose address is not safe stays as the text it was)."""
    text = clean_text(post, tag)
    links: dict[str, Link] = {link.url: link for link in post.links if link.url}
    if not links:
        return (Piece(text),)
    pattern = re.compile("|".join(re.escape(u) for u in sorted(links, key=len, reverse=True)))
    pieces: list[Piece] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            pieces.append(Piece(text[at : match.start()]))
        href = web_link(links[match.group()].expanded_url or match.group())
        pieces.append(Piece(display_form(href), href) if href else Piece(match.group()))
        at = match.end()
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return tuple(pieces)
