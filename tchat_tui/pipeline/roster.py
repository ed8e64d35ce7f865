"""The chat's people as the session writes and reads them: every handle of the roster with its
role, and a roster completed from the roles a reopened chat's stored posts were classified as."""

from __future__ import annotations

from collections.abc import Sequence

from tchat_tui.domain.people import parse_person
from tchat_tui.domain.post import Network, Role
from tchat_tui.domain.roster import Roster


def roster_handles(roster: Roster) -> list[tuple[str, Role, Network | None]]:
    """(handle, role, network) of every handle of the roster's people: a bare handle is for
    every network (None)."""
    people: list[tuple[str, Role]] = []
    if roster.host:
        people.append((roster.host, Role.HOST))
    people += [(g, Role.GUEST) for g in roster.guests]
    people += [(c, Role.COMODERATOR) for c in roster.co_moderators]
    return [(h.name, role, h.network) for spec, role in people for h in parse_person(spec)]


def with_stored_roles(roster: Roster, stored: Sequence[tuple[str, str]]) -> Roster:
    """The roster completed with the people this chat's stored posts were classified as (a chat
    reopened without its plan or `--host`/`--guest`): the settings come first, so a host given
    on the command line stays the host."""
    if not stored:
        return roster
    named: set[str] = set()
    host = roster.host
    guests, comods = list(roster.guests), list(roster.co_moderators)
    for handle, role in stored:
        # Known by any of its handles (`x:claire`, a bare `claire`): already in the roster.
        if handle.casefold() in named or roster.role_of(handle) is not Role.PARTICIPANT:
            continue
        if role == Role.HOST.value and host is None:
            host = handle
        elif role == Role.GUEST.value:
            guests.append(handle)
        elif role == Role.COMODERATOR.value:
            comods.append(handle)
        else:
            continue
        named.add(handle.casefold())
    return Roster(host, tuple(guests), tuple(comods))
