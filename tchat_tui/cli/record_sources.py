"""The live sources `record` follows: for each network asked, the console's own sources
(`pipeline.connect` builds the same ones), with their resume points in memory.

Credentials come from the same place as the console's (`clients.credentials`); a network
without them is refused before anything starts, naming the settings to give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tchat_tui.clients.credentials import ENV_VARS, Credentials
from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network
from tchat_tui.sources.base import Source

LABEL = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}
"""A network as messages name it."""


class CannotRecord(TchatError):
    """A network cannot be recorded (no credentials, a bad address); the message is one line."""


@dataclass(frozen=True, slots=True)
class RecordedSource:
    """One source of a recording and the network it reads."""

    network: Network
    source: Source


def _need(creds: Credentials, network: Network, *keys: str) -> None:
    values = creds.get(network.value)
    missing = [ENV_VARS[network.value][k] for k in keys if not values.get(k)]
    if missing:
        raise CannotRecord(
            f"no {LABEL[network]} credentials: set {' and '.join(missing)} (or a credentials file)"
        )


def record_sources(
    tag: str,
    networks: Sequence[Network],
    creds: Credentials,
    *,
    meter: CostMeter,
    x_mode: str = "auto",
) -> list[RecordedSource]:
    """Every source to follow for `networks`, built without touching a network.

    Raises:
        CannotRecord: a network has no credentials, or a bad API, instance or Jetstream address.
    """
    found: list[RecordedSource] = []
    for network in dict.fromkeys(networks):
        if network is Network.X:
            found.append(RecordedSource(network, _x(tag, creds, meter, x_mode)))
        elif network is Network.MASTODON:
            found.append(RecordedSource(network, _mastodon(tag, creds)))
        else:
            found.extend(RecordedSource(network, s) for s in _bluesky(tag, creds))
    return found


def _x(tag: str, creds: Credentials, meter: CostMeter, mode: str) -> Source:
    from tchat_tui.clients.x.api import CAN_POST, ApiBaseError, check_api_base
    from tchat_tui.sources.resume import MemoryCursor
    from tchat_tui.sources.x.source import XSource

    x = creds.get("x")
    if not x.get("bearer_token") and not all(x.get(k) for k in CAN_POST):
        raise CannotRecord("no X credentials: set TCHAT_X_BEARER_TOKEN (or a credentials file)")
    try:
        check_api_base(x.get("api_base"))
    except ApiBaseError as exc:
        raise CannotRecord(str(exc)) from None
    return XSource(
        tag,
        x,
        cursor=MemoryCursor(),
        meter=meter,
        mode=mode,
        initial_backfill=None,
        origin=lambda key: creds.origin("x", key),
    )


def _mastodon(tag: str, creds: Credentials) -> Source:
    from tchat_tui.clients.mastodon.api import InstanceInfo, host_of
    from tchat_tui.sources.mastodon import MastodonSource

    _need(creds, Network.MASTODON, "instance", "token")
    values = creds.get("mastodon")
    try:
        host = host_of(values["instance"])
    except ValueError:  # a bad port or IPv6 address
        raise CannotRecord("TCHAT_MASTODON_INSTANCE is not an instance's address") from None
    return MastodonSource(values["instance"], values["token"], tag, info=InstanceInfo(host))


def _bluesky(tag: str, creds: Credentials) -> list[Source]:
    """Search and the Jetstream live feed, sharing one login and the posts already seen, as
    the console's (without a chat start: search reads its latest page, Jetstream from now)."""
    from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, SessionFile
    from tchat_tui.sources.bluesky.jetstream import (
        JetstreamAddressError,
        JetstreamSource,
        jetstream_endpoints,
        profile_lookup,
    )
    from tchat_tui.sources.bluesky.search import BlueskySearchSource
    from tchat_tui.sources.resume import SeenIds

    _need(creds, Network.BLUESKY, "handle", "app_password")
    values = creds.get("bluesky")
    try:
        endpoints = jetstream_endpoints(values.get("jetstream"))
    except JetstreamAddressError as exc:
        raise CannotRecord(str(exc)) from None
    auth = BlueskyAuth(
        values["handle"],
        values["app_password"],
        pds=values.get("pds") or None,
        session_file=SessionFile(),
    )
    known = SeenIds()
    search = BlueskySearchSource(auth, tag, known=known, interval=30.0)
    live = JetstreamSource(tag, known=known, profiles=profile_lookup(auth), endpoint=endpoints)
    return [search, live]
