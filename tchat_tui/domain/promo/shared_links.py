"""The same link from several accounts: a spam network's mark ("accounts that retweet each
other's spam, the same link or text across accounts").

The text index catches accounts that post the same words; networks that paraphrase each other
still share one landing page. Each participant's non-reference links are kept by page (host and
path, query and fragment aside: tracking parameters differ per account); a link that another
account of the chat already posted fires `shared_link`, and a retweet of a post carrying such a
link is the network amplifying itself. Links of the host team and guests are not kept (their
sign-up page is shared by design).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from tchat_tui.domain.post import Post

KEPT_PAGES = 5000
"""Pages remembered (the oldest are forgotten first)."""
NETWORK_MOST = 6
"""A page more accounts than this posted is a resource the chat passes around, not a network
(the networks that hijack chat tags are a handful of accounts)."""


def _page_of(url: str) -> tuple[str, str] | None:
    """(host, `host/path`) of a link, the query and fragment aside; None for no URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    return (host, host + parts.path.rstrip("/").lower()) if host else None


def _page(url: str, domains: list[str]) -> str | None:
    """`host/path` of a link whose host is one of `domains` (the post's non-reference links)."""
    found = _page_of(url)
    if found is None or not any(found[0] == d or found[0].endswith("." + d) for d in domains):
        return None
    return found[1]


def post_urls(post: Post) -> list[str]:
    """The post's links, expanded where the network says where they go."""
    return [link.expanded_url or link.url for link in post.links] if post.links else []


class SharedLinks:
    """Which accounts of the chat posted each page."""

    def __init__(self) -> None:
        self._accounts: dict[str, set[str]] = {}

    def others(
        self, urls: list[str], domains: list[str], author: str, flagged: Callable[[str], bool]
    ) -> int:
        """How many other accounts already posted one of these pages (the most for any), when
        one of them was flagged in this chat and they are a handful; else 0."""
        best = 0
        for url in urls:
            page = _page(url, domains)
            seen = self._accounts.get(page) if page else None
            if seen:
                others = seen - {author}
                if len(others) < NETWORK_MOST and any(map(flagged, others)):
                    best = max(best, len(others))
        return best

    def add(self, urls: list[str], domains: list[str], author: str) -> None:
        """Remember that `author` posted these pages."""
        for url in urls:
            page = _page(url, domains)
            if page is None:
                continue
            seen = self._accounts.get(page)
            if seen is None:
                if len(self._accounts) >= KEPT_PAGES:
                    del self._accounts[next(iter(self._accounts))]
                seen = self._accounts[page] = set()
            seen.add(author)

    def saved(self) -> list[list[object]]:
        """The pages and their accounts, oldest page first (for the saved promo state)."""
        return [[page, sorted(accounts)] for page, accounts in self._accounts.items()]

    def restore(self, saved: list[list[object]]) -> None:
        """Take back what `saved` returned."""
        self._accounts = {str(page): set(map(str, who)) for page, who in saved}  # type: ignore[call-overload]

    def spread(self, urls: list[str], flagged: Callable[[str], bool]) -> int:
        """The most accounts that posted any of these pages (any host: a retweet's links), a
        handful with one of them flagged; else 0."""
        best = 0
        for url in urls:
            found = _page_of(url)
            seen = self._accounts.get(found[1]) if found else None
            if seen and len(seen) <= NETWORK_MOST and any(map(flagged, seen)):
                best = max(best, len(seen))
        return best
