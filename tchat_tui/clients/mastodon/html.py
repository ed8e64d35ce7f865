"""Mastodon status HTML -> the plain text a moderator reads, with its links, hashtags and mentions.

Mastodon sends `content` as a small HTML subset: `<p>` paragraphs, `<br>`, hashtag anchors
(`<a class="mention hashtag" rel="tag">#<span>Tag</span></a>`), mention h-cards and links whose
visible text is shortened with `invisible` / `ellipsis` spans. Links keep their full text and href.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from tchat_tui.domain.post import Link

_BLOCKS = {"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED = {"script", "style", "template"}


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What a status's HTML says in plain text."""

    text: str
    links: tuple[Link, ...] = ()
    """Ordinary links: the full URL as text and the href."""
    hashtags: tuple[str, ...] = ()
    """Hashtag anchors as written (case kept), without `#`."""
    mentions: tuple[str, ...] = ()
    """Mention anchors as shown, without `@` (usually the bare username)."""


class _Anchor:
    """An `<a>` being read."""

    __slots__ = ("href", "classes", "rel", "parts")

    def __init__(self, href: str, classes: set[str], rel: set[str]) -> None:
        self.href = href
        self.classes = classes
        self.rel = rel
        self.parts: list[str] = []


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[Link] = []
        self.hashtags: list[str] = []
        self.mentions: list[str] = []
        self.anchor: _Anchor | None = None
        self.skip_depth = 0
        self.pending_break = ""

    def _emit(self, text: str) -> None:
        if not text:
            return
        if self.pending_break and self.out:
            self.out.append(self.pending_break)
        self.pending_break = ""
        self.out.append(text)
        if self.anchor is not None:
            self.anchor.parts.append(text)

    def _break(self, kind: str) -> None:
        # Paragraph breaks win over line breaks; nothing is emitted before the first text.
        if kind == "\n\n" or not self.pending_break:
            self.pending_break = kind
        elif self.pending_break == "\n" and kind == "\n":
            self.out.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip_depth += 1
            return
        if tag == "br":
            self._break("\n")
        elif tag in _BLOCKS:
            self._break("\n\n")
        elif tag == "a":
            values = {name: value or "" for name, value in attrs}
            self.anchor = _Anchor(
                values.get("href", ""),
                set(values.get("class", "").split()),
                set(values.get("rel", "").split()),
            )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._break("\n")
        elif tag not in _SKIPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in _BLOCKS:
            self._break("\n\n")
        elif tag == "a" and self.anchor is not None:
            self._close_anchor(self.anchor)
            self.anchor = None

    def _close_anchor(self, anchor: _Anchor) -> None:
        shown = "".join(anchor.parts).strip()
        if not shown:
            return
        if "hashtag" in anchor.classes or "tag" in anchor.rel:
            if shown[0] in "#＃" and len(shown) > 1:
                self.hashtags.append(shown[1:])
        elif "mention" in anchor.classes or "u-url" in anchor.classes:
            if shown[0] in "@＠" and len(shown) > 1:
                self.mentions.append(shown[1:])
        elif anchor.href:
            self.links.append(Link(url=shown, expanded_url=anchor.href))

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        # Raw newlines in HTML source are whitespace; only tags make line breaks.
        self._emit(data.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))


def html_to_text(html: str) -> HtmlText:
    """Plain text of a Mastodon status's HTML `content`: `<p>` -> blank line, `<br>` -> newline."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    if reader.anchor is not None:  # unclosed <a> at the end
        reader._close_anchor(reader.anchor)
    text = "".join(reader.out)
    lines = [line.strip(" \t") for line in text.split("\n")]
    return HtmlText(
        text="\n".join(lines).strip("\n"),
        links=tuple(reader.links),
        hashtags=tuple(reader.hashtags),
        mentions=tuple(reader.mentions),
    )
