"""The publisher contract every network implements, and the dry-run publisher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network, Post

OutboxRow = dict[str, Any]
"""An outbox row as stored: id, network, kind ('post' | 'reply' | 'repost'), text, in_reply_to
(native id), target_key, idempotency_key, status, remote_id, error, attempts, dry_run, moderator."""


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What a network said about one outbox row."""

    ok: bool
    remote_id: str | None = None
    error: str = ""
    """One line for the moderator; never contains a credential."""
    retryable: bool = True
    """False when retrying cannot help (reply refused, bad credentials, text rejected)."""
    reply_refused: bool = False
    """X refused the reply because the author did not mention the host: offer a mention post."""
    post: Post | None = None
    """The created post, normalized, when the network returns it (stored at once as outgoing)."""


class LookupFailed(TchatError):
    """`find_existing` could not ask the network: whether the post went out is unknown."""


class Publisher(Protocol):
    """Publishes outbox rows to one network."""

    network: Network
    dry_run: bool

    def publish(self, row: OutboxRow) -> PublishResult:
        """Send one row (post, reply or repost). Must not raise for network errors."""

    def find_existing(self, row: OutboxRow) -> str | None:
        """After an ambiguous failure or a restart: the remote id if the post already went out.

        Raises LookupFailed when the network cannot be asked (the outbox then does not resend).
        """


class DryRunPublisher:
    """Records instead of sending: the post is stored and shown as the host's, marked dry-run."""

    dry_run = True

    def __init__(self, network: Network = Network.X) -> None:
        self.network = network

    def publish(self, row: OutboxRow) -> PublishResult:
        """Pretend success with a local id that cannot collide with a network's."""
        return PublishResult(ok=True, remote_id=f"dry-{row['id']}")

    def find_existing(self, row: OutboxRow) -> str | None:
        """Nothing is ever sent, so nothing exists remotely."""
        return None
