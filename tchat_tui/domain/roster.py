"""The chat's people as the host gave them: the host, the guests and the co-moderators, each by
one or several handles (per network)."""

from __future__ import annotations

from dataclasses import dataclass

from tchat_tui.domain.people import PeopleIndex, handle_on
from tchat_tui.domain.post import Network, Role


@dataclass(frozen=True)
class Roster:
    """The chat's people: each one a handle or several (`domain.people`: per network, as
    `x:claire_morel, mastodon:claire@example.social`, or bare for every network; any case)."""

    host: str | None = None
    guests: tuple[str, ...] = ()
    co_moderators: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The lookup tables, built once: role_of runs for every post.
        people = [(c, Role.COMODERATOR) for c in self.co_moderators]
        people += [(g, Role.GUEST) for g in self.guests]
        if self.host:
            people.append((self.host, Role.HOST))
        object.__setattr__(self, "_index", PeopleIndex(people))
        object.__setattr__(self, "_role_of_handle", {})

    def role_of(
        self, handle: str, network: Network | None = None, instance: str | None = None
    ) -> Role:
        """The role of the author with this handle, as `network` writes it (`instance`: the
        Mastodon instance the post was read from); without a network, in any network's form."""
        key = (handle, network, instance)
        seen: dict[tuple[str, Network | None, str | None], Role]
        seen = self._role_of_handle  # type: ignore[attr-defined]
        role = seen.get(key)
        if role is None:
            index: PeopleIndex[Role] = self._index  # type: ignore[attr-defined]
            role = seen[key] = index.get(handle, network, instance) or Role.PARTICIPANT
        return role

    def host_on(self, network: Network) -> str | None:
        """The host's handle on `network` as written (the per-network one, else the bare one)."""
        return handle_on(self.host, network) if self.host else None

    def speakers(self) -> set[str]:
        """Names (folded) by which the audience addresses the host and the guests in `@name`:
        the X name, the Mastodon name without its instance, the Bluesky handle's first label."""
        found: set[str] | None = getattr(self, "_speakers", None)
        if found is None:
            speaking = [(p, True) for p in (self.host or "", *self.guests) if p]
            found = PeopleIndex(speaking).short_names()
            object.__setattr__(self, "_speakers", found)
        return found
