"""The same chat on Mastodon and Bluesky: build their sources and publishers for a session, and
check one draft against every target network's rules for the composer.

The network clients (httpx) are imported only when a network is connected, so the composer's
checks do not slow the console's start. Nothing here touches the network: connecting only builds objects (the sources talk to the
servers in their own threads), so an unreachable instance cannot hold up the screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import NetworkRules, TextCheck, check_text, rules_for
from tchat_tui.publish.base import Publisher
from tchat_tui.sources.base import Source

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

_LABEL = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}


class ChatSessionLike(Protocol):
    """What connecting needs from the open chat (a `ChatSession`)."""

    store: Store
    chat_id: int
    tag: str


class CredentialsLike(Protocol):
    """What connecting needs from `tchat_tui.credentials.Credentials`."""

    def get(self, network: str) -> dict[str, str]:
        """One network's credentials (empty when none)."""
        ...


def stored_uri(store: Store) -> Callable[[str], str | None]:
    """A post key -> the Mastodon status's global `uri` from its stored payload (or None)."""

    def lookup(key: str) -> str | None:
        row = store.post(key)
        if not row or not row.get("raw"):
            return None
        try:
            status = json.loads(row["raw"])
        except ValueError:
            return None
        uri = status.get("uri") if isinstance(status, dict) else None
        return str(uri) if uri else None

    return lookup


def _language(session: ChatSessionLike) -> str | None:
    plan = getattr(session, "plan", None)
    value = getattr(plan, "language", None) or getattr(plan, "lang", None)
    return str(value) if value else None


def _missing(network: str, values: Mapping[str, str], keys: Sequence[str]) -> str:
    from tchat_tui.clients.credentials import ENV_VARS

    names = [ENV_VARS.get(network, {}).get(k, k) for k in keys if not values.get(k)]
    return f"{_LABEL[Network(network)]}: set {' and '.join(names)}; dry-run"


def connect_mastodon(
    session: ChatSessionLike, credentials: CredentialsLike
) -> tuple[list[Source], dict[Network, Publisher], str]:
    """The hashtag stream of the configured instance and a publisher for its account."""
    from tchat_tui.clients.mastodon.api import InstanceInfo, host_of
    from tchat_tui.publish.mastodon import MastodonPublisher
    from tchat_tui.sources.mastodon import MastodonSource
    from tchat_tui.sources.resume import StoreCursor

    values = credentials.get("mastodon")
    if not values.get("instance") or not values.get("token"):
        return [], {}, _missing("mastodon", values, ("instance", "token"))
    host = host_of(values["instance"])
    info = InstanceInfo(host)
    source = MastodonSource(
        values["instance"],
        values["token"],
        session.tag,
        cursor=StoreCursor(session.store, session.chat_id, f"mastodon:{host}"),
        info=info,
    )
    publisher = MastodonPublisher(
        values["instance"],
        values["token"],
        info=info,
        language=_language(session),
        lookup_uri=stored_uri(session.store),
    )
    return [source], {Network.MASTODON: publisher}, f"Mastodon: #{session.tag} on {host}"


def connect_bluesky(
    session: ChatSessionLike, credentials: CredentialsLike
) -> tuple[list[Source], dict[Network, Publisher], str]:
    """Search polling plus the Jetstream live feed, and a publisher, sharing one login session."""
    from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, SessionFile
    from tchat_tui.publish.bluesky import BlueskyPublisher
    from tchat_tui.sources.bluesky.jetstream import JetstreamSource, profile_lookup
    from tchat_tui.sources.bluesky.search import BlueskySearchSource
    from tchat_tui.sources.resume import SeenIds, StoreCursor

    values = credentials.get("bluesky")
    if not values.get("handle") or not values.get("app_password"):
        return [], {}, _missing("bluesky", values, ("handle", "app_password"))
    auth = BlueskyAuth(
        values["handle"],
        values["app_password"],
        pds=values.get("pds") or None,
        session_file=SessionFile(),
    )
    known = SeenIds()  # both feeds drop what the other already delivered
    search = BlueskySearchSource(
        auth,
        session.tag,
        cursor=StoreCursor(session.store, session.chat_id, "bluesky:search"),
        known=known,
        interval=30.0,  # Jetstream is the live feed; search fills its gaps
    )
    live = JetstreamSource(
        session.tag,
        cursor=StoreCursor(session.store, session.chat_id, "bluesky:jetstream"),
        known=known,
        profiles=profile_lookup(auth),
    )
    publisher = BlueskyPublisher(auth, language=_language(session))
    return (
        [search, live],
        {Network.BLUESKY: publisher},
        f"Bluesky: #{session.tag} as @{auth.handle}",
    )


def network_rules(
    publishers: Mapping[Network, Publisher], *, classic: bool = False
) -> dict[Network, NetworkRules]:
    """Each network's counting rules: the publisher's own (a Mastodon instance's limit) or the defaults."""
    rules: dict[Network, NetworkRules] = {}
    for network, publisher in publishers.items():
        own = getattr(publisher, "rules", None)
        rules[network] = (
            own if isinstance(own, NetworkRules) else rules_for(network, classic=classic)
        )
    return rules


def check_for_networks(
    text: str,
    networks: Sequence[Network],
    tag: str | None,
    limits: Mapping[Network, NetworkRules | int] | None = None,
    *,
    classic: bool = False,
) -> list[TextCheck]:
    """One verdict per target network, in the given order, for the composer's counts.

    `limits` gives a network's rules (see `network_rules`) or just its length limit; a network
    not named counts by its defaults (X 280 or 140 classic, Mastodon 500, Bluesky 300).
    """
    checks: list[TextCheck] = []
    for network in networks:
        given = (limits or {}).get(network)
        if isinstance(given, NetworkRules):
            rules = given
        else:
            rules = rules_for(network, classic=classic, limit=given)
        checks.append(check_text(text, rules, tag))
    return checks
