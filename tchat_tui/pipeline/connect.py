"""Connect the live networks a chat asks for: sources to read, publishers to post."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tchat_tui.domain.post import Network
from tchat_tui.publish.base import Publisher
from tchat_tui.sources.base import Source

if TYPE_CHECKING:
    from tchat_tui.pipeline.session import ChatSession

HOW_TO_CONNECT = (
    "no network configured: set TCHAT_X_BEARER_TOKEN (X), TCHAT_MASTODON_INSTANCE and"
    " TCHAT_MASTODON_TOKEN (Mastodon) or TCHAT_BLUESKY_HANDLE and TCHAT_BLUESKY_APP_PASSWORD"
    " (Bluesky), or try --demo"
)


def connect(session: ChatSession) -> tuple[list[Source], dict[Network, Publisher], str]:
    """Build the sources and publishers for the session's networks; a one-line note for the header."""
    from tchat_tui.clients.credentials import CredentialsError, load_credentials

    try:
        creds = load_credentials()
    except CredentialsError as exc:
        return [], {}, f"{exc}; dry-run"
    sources: list[Source] = []
    publishers: dict[Network, Publisher] = {}
    notes: list[str] = []
    for network in session.settings.networks:
        if not creds.get(network.value):
            continue
        if network is Network.X:
            from tchat_tui.pipeline.connect_x import connect_x

            s, p, note = connect_x(session, creds)
        elif network is Network.MASTODON:
            from tchat_tui.pipeline.connect_fediverse import connect_mastodon

            s, p, note = connect_mastodon(session, creds)
        else:
            from tchat_tui.pipeline.connect_fediverse import connect_bluesky

            s, p, note = connect_bluesky(session, creds)
        sources.extend(s)
        publishers.update(p)
        notes.append(note)
    if not notes:
        return [], {}, HOW_TO_CONNECT
    return sources, publishers, "; ".join(notes)
