"""Connect the live networks a chat asks for, in one place: each network's sources to read and
publisher to post, the note for the header, and the counting rules of the connected publishers.

The network clients (tweepy, httpx) are imported only when a network is connected, so the console's
start does not pay for them. Nothing here touches the network: connecting only builds objects (the
sources talk to the servers in their own threads), so an unreachable server cannot hold up the
screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import NetworkRules, rules_for
from tchat_tui.pipeline.settings import Settings
from tchat_tui.publish.base import DryRunPublisher, Publisher
from tchat_tui.sources.base import Source

if TYPE_CHECKING:
    from tchat_tui.clients.credentials import Credentials
    from tchat_tui.store.database import Store

HOW_TO_CONNECT = (
    "no network configured: set TCHAT_X_BEARER_TOKEN (X), TCHAT_MASTODON_INSTANCE and"
    " TCHAT_MASTODON_TOKEN (Mastodon) or TCHAT_BLUESKY_HANDLE and TCHAT_BLUESKY_APP_PASSWORD"
    " (Bluesky), or try --demo"
)


class OpenChat(Protocol):
    """What connecting needs from the open chat (a `ChatSession`)."""

    store: Store
    chat_id: int
    tag: str
    settings: Settings


DRY_RUN_NOTE = "dry-run: posts are recorded here, never sent"


def connect_networks(
    session: OpenChat, replaying: bool
) -> tuple[list[Source], dict[Network, Publisher], str]:
    """Dry-run publishers always in replay and demo (and with --dry-run); else the live networks
    configured, a dry run for each network that is not. Sources, publishers, the header's note."""
    if replaying or session.settings.dry_run:
        publishers: dict[Network, Publisher] = {
            n: DryRunPublisher(n) for n in session.settings.networks
        }
        return [], publishers, DRY_RUN_NOTE
    sources, publishers, note = connect(session)
    for n in session.settings.networks:
        publishers.setdefault(n, DryRunPublisher(n))
    return sources, publishers, note


def header_note(network_note: str) -> str:
    """The network note short enough for the header: with no network configured, that sending
    is a dry run (how to connect one is in the empty stream, where there is room)."""
    if network_note == HOW_TO_CONNECT:
        return "no network configured: dry-run, posts are recorded here, never sent"
    return network_note


def connect(session: OpenChat) -> tuple[list[Source], dict[Network, Publisher], str]:
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
            s, p, note = connect_x(session, creds)
        elif network is Network.MASTODON:
            s, p, note = connect_mastodon(session, creds)
        else:
            s, p, note = connect_bluesky(session, creds)
        sources.extend(s)
        publishers.update(p)
        notes.append(note)
    if not notes:
        return [], {}, HOW_TO_CONNECT
    return sources, publishers, "; ".join(notes)


def connect_x(
    session: OpenChat, credentials: Credentials, *, meter: CostMeter | None = None
) -> tuple[list[Source], dict[Network, Publisher], str]:
    """The X source and publisher for `session`, and one line for the header.

    Reading needs `TCHAT_X_BEARER_TOKEN` (or the four posting keys, then by search only);
    posting needs the four OAuth 1.0a keys. Without them posting is dry-run, said plainly.
    The cost meter is `meter`, else the session's `cost_meter` attribute, else a new one.
    """
    from tchat_tui.clients.credentials import CredentialsError, redact_url
    from tchat_tui.clients.x.api import CAN_POST, ApiBaseError, check_api_base
    from tchat_tui.publish.x import XPublisher
    from tchat_tui.sources.resume import StoreCursor
    from tchat_tui.sources.x.gaps import SOURCE_NAME
    from tchat_tui.sources.x.source import XSource

    x = credentials.get("x")
    try:
        check_api_base(x.get("api_base"))
    except ApiBaseError as exc:
        raise CredentialsError(str(exc)) from None
    meter = meter or getattr(session, "cost_meter", None) or CostMeter()

    def clock() -> datetime:
        return session.settings.clock().astimezone(UTC)

    def origin(key: str) -> str:
        return credentials.origin("x", key)

    can_post = all(x.get(k) for k in CAN_POST)
    can_read = bool(x.get("bearer_token")) or can_post
    sources: list[Source] = []
    if can_read:
        sources.append(
            XSource(
                session.tag,
                x,
                cursor=StoreCursor(session.store, session.chat_id, SOURCE_NAME),
                meter=meter,
                clock=clock,
                origin=origin,
            )
        )
    publisher: Publisher
    if can_post:
        publisher = XPublisher(x, meter=meter, clock=clock, origin=origin)
    else:
        publisher = DryRunPublisher(Network.X)
    via = f" via {redact_url(x['api_base'])}" if x.get("api_base") else ""
    if not can_read:
        note = "X: dry-run (no credentials): nothing is read or sent"
    elif not can_post:
        missing = ", ".join(credentials.missing("x", *CAN_POST))
        reading = "filtered stream or recent search" if x.get("bearer_token") else "recent search"
        note = f"X: live ({reading}){via}; posting dry-run (missing {missing})"
    elif x.get("bearer_token"):
        note = f"X: live (filtered stream or recent search){via}; posting as the host"
    else:
        note = f"X: live (recent search, no bearer token){via}; posting as the host"
    return sources, {Network.X: publisher}, note


_LABEL = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}


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


def _language(session: OpenChat) -> str | None:
    plan = getattr(session, "plan", None)
    value = getattr(plan, "language", None) or getattr(plan, "lang", None)
    return str(value) if value else None


def _missing(network: str, values: Mapping[str, str], keys: Sequence[str]) -> str:
    from tchat_tui.clients.credentials import ENV_VARS

    names = [ENV_VARS.get(network, {}).get(k, k) for k in keys if not values.get(k)]
    return f"{_LABEL[Network(network)]}: set {' and '.join(names)}; dry-run"


def connect_mastodon(
    session: OpenChat, credentials: CredentialsLike
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
    session: OpenChat, credentials: CredentialsLike
) -> tuple[list[Source], dict[Network, Publisher], str]:
    """Search polling plus the Jetstream live feed, and a publisher, sharing one login session.

    Jetstream is `TCHAT_BLUESKY_JETSTREAM` (one URL or a comma list, tried in order), else the
    public instances; both feeds start from the chat's start when it is known.
    """
    from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, SessionFile
    from tchat_tui.clients.credentials import CredentialsError
    from tchat_tui.publish.bluesky import BlueskyPublisher
    from tchat_tui.sources.bluesky.jetstream import (
        JetstreamAddressError,
        JetstreamSource,
        jetstream_endpoints,
        profile_lookup,
    )
    from tchat_tui.sources.bluesky.search import BlueskySearchSource
    from tchat_tui.sources.resume import SeenIds, StoreCursor

    values = credentials.get("bluesky")
    if not values.get("handle") or not values.get("app_password"):
        return [], {}, _missing("bluesky", values, ("handle", "app_password"))
    try:
        endpoints = jetstream_endpoints(values.get("jetstream"))
    except JetstreamAddressError as exc:
        raise CredentialsError(str(exc)) from None
    start = getattr(session, "started_at", None)
    start = start if isinstance(start, datetime) else None
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
        start=start,
    )
    live = JetstreamSource(
        session.tag,
        cursor=StoreCursor(session.store, session.chat_id, "bluesky:jetstream"),
        known=known,
        profiles=profile_lookup(auth),
        endpoint=endpoints,
        start=start,
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
