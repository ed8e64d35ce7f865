"""The people a recap names: display name, handle, and where their profile is."""

from __future__ import annotations

from dataclasses import dataclass

from tchat_tui.domain.post import Role
from tchat_tui.domain.summary import Contributor, Summary, SummaryPost
from tchat_tui.report.words import Words


@dataclass(frozen=True, slots=True)
class Person:
    """Someone named in the recap (untrusted: the renderers escape every part)."""

    handle: str
    name: str
    network: str
    instance: str | None = None

    @classmethod
    def of(cls, c: Contributor) -> Person:
        """A contributor as named in the recap."""
        return cls(c.handle, c.name, c.network, c.instance)


def person_of(p: SummaryPost) -> Person:
    """A quoted post's author."""
    return Person(p.author_handle, p.author_name, p.network, p.instance)


_TEAM = (
    ("host", Role.HOST.value),
    ("guests", Role.GUEST.value),
    ("co_moderators", Role.COMODERATOR.value),
)


def team_lines(s: Summary, w: Words) -> list[tuple[str, list[Person]]]:
    """('Host', [claire]), ('Guests', [...]), ('Co-moderators', [...]): those who posted, with
    their names; the plan's handles for a role nobody in it posted."""
    planned = {
        Role.HOST.value: [s.host] if s.host else [],
        Role.GUEST.value: list(s.guests),
        Role.COMODERATOR.value: list(s.co_moderators),
    }
    network = s.networks[0] if s.networks else "x"
    out = []
    for key, role in _TEAM:
        persons = [Person.of(c) for c in s.host_team if c.role == role]
        if not persons:
            persons = [Person(str(h), "", network) for h in planned[role]]
        if persons:
            out.append((w(key), persons))
    return out
