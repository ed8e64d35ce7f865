"""The post an outbox row became, as the chat stores it when the network did not return one: a
dry run, or a live send found again by a lookup (a retry, a restart)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.people import handle_on
from tchat_tui.domain.post import Network, Post
from tchat_tui.domain.roster import Roster
from tchat_tui.publish.base import OutboxRow

if TYPE_CHECKING:
    from tchat_tui.store.database import Store


@dataclass(frozen=True, slots=True)
class HostIdentity:
    """Who a dry-run post is written by: the host as the chat knows her on that network."""

    author_id: str
    handle: str
    name: str
    instance: str | None = None


class OwnPosts:
    """Builds the host's post for a sent outbox row, written by the host as the chat knows her."""

    def __init__(
        self,
        store: Store,
        chat_id: int,
        classifier: Callable[[], Classifier],
        host_handle: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.chat_id = chat_id
        self.classifier = classifier
        """The pipeline's classifier (read each time: the outbox may set its roster's host)."""
        self.host_handle = host_handle
        self.clock = clock
        self._hosts: dict[Network, HostIdentity] = {}
        """Per network, the host author found among the stored posts (kept once found)."""

    def host(self, network: Network) -> HostIdentity:
        """The author of this network's dry-run posts: the chat's host as the chat knows her.

        The host author stored from the network (id, handle, display name), else the host's
        configured handle, else what the outbox was given (the moderator on duty).
        """
        found = self._hosts.get(network)
        if found is not None:
            return found
        classifier = self.classifier()
        roster = classifier.roster
        # The host's handle on this network (a plan may give one per network), in its forms.
        wanted = (
            roster.host_on(network)
            or handle_on(self.host_handle, network)
            or self.host_handle.lstrip("@")
        )
        row = self.store.chat_host(self.chat_id, network, wanted)
        if row is None:
            return HostIdentity(wanted, wanted, wanted)
        found = HostIdentity(
            str(row["author_id"]),
            str(row["handle"]),
            str(row["name"] or row["handle"]),
            row["instance"] if network is Network.MASTODON else None,
        )
        self._hosts[network] = found  # the stream's host: no need to ask again
        if roster.host is None:
            # A chat reopened without a plan: the host the classifier found then is the host.
            classifier.roster = Roster(found.handle, roster.guests, roster.co_moderators)
        return found

    def build(self, row: OutboxRow, remote_id: str) -> Post:
        """The row's post with the network's id `remote_id` (`dry-N` for a dry run)."""
        from tchat_tui.domain.text.twitter.hashtags import extract_hashtags
        from tchat_tui.domain.text.twitter.mentions import extract_mentions

        network = Network(row["network"])
        host = self.host(network)
        author_id = host.author_id
        if network is Network.BLUESKY and remote_id.startswith("at://did:"):
            # The record's address names its author: the host's DID, whatever the chat knows.
            author_id = remote_id[len("at://") :].split("/", 1)[0]
        kind = row["kind"]
        text = str(row["text"])
        if kind == "repost" and network is Network.X:
            # As X gives a retweet: `RT @author: ` and the original text.
            original = self.store.post(str(row["target_key"])) if row["target_key"] else None
            author = original["author_handle"] if original else None
            text = f"RT @{author}: {original['text']}" if original and author else f"RT {text}"
        return Post(
            network=network,
            native_id=remote_id,
            author_id=author_id,
            author_handle=host.handle,
            author_name=host.name,
            text=text,
            created_at=self.clock(),
            reply_to_id=row["in_reply_to"] if kind == "reply" else None,
            hashtags=tuple(extract_hashtags(text)),
            mentions=tuple(extract_mentions(text)),
            is_repost=kind == "repost",
            repost_of_id=row["in_reply_to"] if kind == "repost" else None,
            instance=host.instance,
        )
