"""The one normalized post every network's payload becomes, and the author it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Network(StrEnum):
    """Where a post lives."""

    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"


class Role(StrEnum):
    """An author's part in the chat."""

    HOST = "host"
    GUEST = "guest"
    COMODERATOR = "co-moderator"
    PARTICIPANT = "participant"


@dataclass(frozen=True, slots=True)
class Link:
    """A link in a post: what was written (t.co on X) and where it really goes."""

    url: str
    """The URL as it appears in the text (a t.co wrapper on X)."""
    expanded_url: str
    """The destination (X `expanded_url`/`unwound_url`, Mastodon href, Bluesky link facet)."""


@dataclass(frozen=True, slots=True)
class Post:
    """A post from any network, normalized.

    `native_id` is the network's own id (X snowflake, Mastodon status id, Bluesky AT-URI);
    `key` is unique across networks and instances.
    """

    network: Network
    native_id: str
    author_id: str
    author_handle: str
    author_name: str
    text: str
    created_at: datetime
    """Aware UTC datetime."""
    reply_to_id: str | None = None
    """Native id of the post this one replies to."""
    reply_to_author_id: str | None = None
    conversation_id: str | None = None
    """Native id of the thread's root post."""
    hashtags: tuple[str, ...] = ()
    """Hashtags as written, without `#`."""
    links: tuple[Link, ...] = ()
    mentions: tuple[str, ...] = ()
    """Mentioned handles, without `@`."""
    is_repost: bool = False
    repost_of_id: str | None = None
    lang: str | None = None
    instance: str | None = None
    """Mastodon host or Bluesky service; None on X."""
    raw: str = ""
    """The payload as received (JSON text), kept in the database."""
    metrics: dict[str, int] = field(default_factory=dict)
    """Public engagement counts when the network gives them (like_count, retweet_count...)."""
    key: str = field(init=False, repr=False, compare=False)
    """Unique key across networks: `x:<id>`, `mastodon:<host>:<id>`, `bluesky:<at-uri>`."""
    author_key: str = field(init=False, repr=False, compare=False)
    """Unique author key across networks."""

    def __post_init__(self) -> None:
        # Computed once: the pipeline and the store ask for the keys several times per post.
        if self.network is Network.X:
            prefix = "x:"
        elif self.network == Network.MASTODON and self.instance:
            prefix = f"mastodon:{self.instance}:"
        else:
            prefix = f"{Network(self.network).value}:"
        object.__setattr__(self, "key", f"{prefix}{self.native_id}")
        object.__setattr__(self, "author_key", f"{prefix}{self.author_id}")

    @property
    def reply_to_key(self) -> str | None:
        """Key of the parent post, if any."""
        if self.reply_to_id is None:
            return None
        return make_key(self.network, self.reply_to_id, self.instance)


def make_key(network: Network | str, native_id: str, instance: str | None = None) -> str:
    """Build the cross-network key of a post or an author."""
    if network is Network.X:
        return f"x:{native_id}"
    net = network if isinstance(network, Network) else Network(network)
    if net is Network.MASTODON and instance:
        return f"{net.value}:{instance}:{native_id}"
    return f"{net.value}:{native_id}"
