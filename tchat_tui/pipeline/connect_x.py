"""X for a console session: which source and publisher the credentials allow, and the header note."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tchat_tui.clients.credentials import Credentials, CredentialsError
from tchat_tui.clients.x.api import CAN_POST, ApiBaseError, check_api_base
from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.post import Network
from tchat_tui.publish.base import DryRunPublisher, Publisher
from tchat_tui.publish.x import XPublisher
from tchat_tui.sources.base import Source
from tchat_tui.sources.resume import StoreCursor
from tchat_tui.sources.x.gaps import SOURCE_NAME
from tchat_tui.sources.x.source import XSource

if TYPE_CHECKING:
    from tchat_tui.pipeline.session import ChatSession


def connect_x(
    session: ChatSession, credentials: Credentials, *, meter: CostMeter | None = None
) -> tuple[list[Source], dict[Network, Publisher], str]:
    """The X source and publisher for `session`, and one line for the header.

    Reading needs `TCHAT_X_BEARER_TOKEN` (or the four posting keys, then by search only);
    posting needs the four OAuth 1.0a keys. Without them posting is dry-run, said plainly.
    The cost meter is `meter`, else the session's `cost_meter` attribute, else a new one.
    """
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
    via = f" via {x['api_base']}" if x.get("api_base") else ""
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
