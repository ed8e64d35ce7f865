"""First-timers: the authors of a chat never seen in an earlier chat with the same tag.

The rule, in one place (`store.first_timers.first_timers` finds the earlier chats and builds a
`FirstTimers`; the people pane, the stream's marker and the closing thanks read it):

- An earlier chat is a chat with the same tag (any case), in this database or in another chat
  database of the data folder or of this database's folder (imported chats included), that has
  posts, whose first post is older than this chat's first post, and that is not a copy of this
  chat (it does not hold this chat's first post).
- An author was seen when one of their posts is in an earlier chat: the same account (its key:
  network, instance and account id) or the same handle on the same network (any case, with or
  without '@'; a Mastodon account read without its domain is `name@` the instance it was read
  from). The same handle on another network is another person.
- With no earlier chat at all, nobody is a first-timer (the console says "no earlier chat with
  this tag" instead: everybody would be one).
- The host and the co-moderators run the chat: never first-timers; guests and participants can be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tchat_tui.domain.people import folded_form
from tchat_tui.domain.post import Network

TEAM_ROLES = frozenset({"host", "co-moderator"})
"""Roles never called first-timers: the people who run the chat."""


def author_identity(network: str, handle: str, instance: str | None = None) -> str:
    """The author's handle as their network identifies them: '@network:folded handle'.

    X: the name, folded. Mastodon: `name@instance` (a local account, written without its domain,
    gets the instance it was read from). Bluesky: the full domain handle. A handle a network
    would not write is folded as it is. The '@' keeps these apart from author keys.
    """
    name = handle.strip().lstrip("@＠")
    try:
        net: Network | None = Network(network)
    except ValueError:
        net = None
    if net is Network.MASTODON and "@" not in name and instance:
        name = f"{name}@{instance}"
    folded = (folded_form(name, net) if net is not None else None) or name.casefold()
    return f"@{network}:{folded}"


@dataclass(frozen=True, slots=True)
class EarlierChat:
    """One earlier chat with the tag: where it is stored and when it began."""

    where: str
    """The database's file name."""
    chat_id: int
    first_post_at: datetime


@dataclass(frozen=True, slots=True)
class FirstTimers:
    """Who in a chat is here for the first time with this tag, and against which earlier chats."""

    tag: str
    earlier: tuple[EarlierChat, ...]
    """The earlier chats with the tag, oldest first (none: nobody is a first-timer)."""
    seen: frozenset[str]
    """Author keys and identities (`author_identity`) with a post in an earlier chat."""
    authors: frozenset[str] = frozenset()
    """Author keys of this chat's first-timers when the rule was run (later arrivals: ask
    `is_first_timer`)."""
    unreadable: tuple[str, ...] = field(default=())
    """Files of the folders that looked like chat databases but could not be read."""

    @property
    def any_earlier(self) -> bool:
        """Whether an earlier chat with this tag exists at all."""
        return bool(self.earlier)

    def is_first_timer(
        self, author_key: str, network: str, handle: str, instance: str | None, role: str
    ) -> bool:
        """Whether this author is here for the first time (False with no earlier chat, and for
        the host and the co-moderators). `instance`: the Mastodon instance the post was read
        from (None: read from the author's key)."""
        if not self.earlier or role in TEAM_ROLES:
            return False
        if author_key in self.seen:
            return False
        if instance is None and author_key.startswith("mastodon:"):
            # The key is 'mastodon:<instance>:<account id>' (an instance may hold a port's ':').
            instance = author_key.removeprefix("mastodon:").rpartition(":")[0] or None
        return author_identity(network, handle, instance) not in self.seen

    def note(self, count: int | None = None) -> str:
        """One line for the host: how many first-timers (`count`, else `authors`), against what."""
        if not self.earlier:
            return f"no earlier chat with #{self.tag}"
        n = len(self.earlier)
        chats = "1 earlier chat" if n == 1 else f"{n} earlier chats"
        count = len(self.authors) if count is None else count
        return f"{count} first-timer{'s' if count != 1 else ''} ({chats} with #{self.tag})"
