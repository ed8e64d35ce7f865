"""The chat's people on every network: handles per network or bare, matched in each network's forms."""

from __future__ import annotations

import pytest

from tchat_tui.domain.people import (
    Handle,
    HandleError,
    check_person,
    display_handle,
    networks_missing,
    parse_handle,
)
from tchat_tui.domain.post import Network, Role
from tchat_tui.domain.roster import Roster

X, M, B = Network.X, Network.MASTODON, Network.BLUESKY


@pytest.mark.parametrize(
    ("written", "handle"),
    [
        ("x:claire_morel", Handle(X, "claire_morel")),
        ("X:@Claire_Morel", Handle(X, "Claire_Morel")),
        ("twitter:claire", Handle(X, "claire")),
        ("mastodon:claire@example.social", Handle(M, "claire@example.social")),
        ("mastodon:@claire@127.0.0.1:8080", Handle(M, "claire@127.0.0.1:8080")),
        ("bluesky:claire.bsky.social", Handle(B, "claire.bsky.social")),
        ("bsky:@claire.fr", Handle(B, "claire.fr")),
        ("@claire", Handle(None, "claire")),
        ("claire@127.0.0.1:8080", Handle(None, "claire@127.0.0.1:8080")),
    ],
)
def test_a_handle_names_its_network_or_none(written: str, handle: Handle) -> None:
    """`network:handle` is for that network; a bare one (even with a port's ':') for every one."""
    assert parse_handle(written) == handle


def test_a_person_is_kept_as_its_handles_joined() -> None:
    """One person's handles, without '@', the network names as the chat spells them."""
    assert check_person("@claire") == "claire"
    assert check_person("twitter:@claire_m ,mastodon:claire@example.social") == (
        "x:claire_m, mastodon:claire@example.social"
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("julien aidant", "'julien aidant' is not a handle"),
        ("x:claire.morel", "'x:claire.morel' is not an X handle"),
        ("mastodon:claire@exa mple.social", "is not a Mastodon handle"),
        ("bluesky:claire_morel.bsky.social", "is not a Bluesky handle"),
        ("x:", "'x:' is not an X handle"),
        (" , ", "is not a handle"),
    ],
)
def test_a_handle_that_is_none_on_its_network_is_refused(written: str, message: str) -> None:
    """A per-network handle must be one there; a bare one somewhere: one line saying which."""
    with pytest.raises(HandleError, match=message):
        check_person(written)


CASES = [
    # (roster host, author handle as the network writes it, network, instance read, host?)
    ("claire", "Claire", X, None, True),
    ("claire", "claire@mastodon.example", M, "mastodon.example", True),
    ("claire", "claire@127.0.0.1:8080", M, "127.0.0.1:8080", True),
    ("claire", "claire@other.example", M, "mastodon.example", False),
    ("claire", "claire", M, None, True),
    ("claire", "Claire.bsky.social", B, None, True),
    ("claire", "claire.fr", B, None, False),
    ("x:Claire_Morel", "claire_morel", X, None, True),
    ("x:claire_morel", "claire_morel@mastodon.example", M, "mastodon.example", False),
    ("mastodon:claire@example.social", "Claire@Example.Social", M, "mastodon.example", True),
    ("mastodon:claire@example.social", "claire@example.social", M, "example.social", True),
    ("mastodon:claire@example.social", "claire", X, None, False),
    ("mastodon:claire@127.0.0.1:8080", "claire@127.0.0.1:8080", M, "127.0.0.1:8080", True),
    ("mastodon:claire@127.0.0.1:8080", "claire@127.0.0.1", M, "127.0.0.1", False),
    ("mastodon:claire", "claire@127.0.0.1:8080", M, "127.0.0.1:8080", True),
    ("mastodon:claire", "claire@elsewhere.example", M, "127.0.0.1:8080", False),
    ("bluesky:claire.bsky.social", "@Claire.BSKY.social", B, None, True),
    ("bluesky:claire", "claire.bsky.social", B, None, True),
    ("bluesky:claire.fr", "CLAIRE.FR", B, None, True),
    ("bluesky:claire.fr", "claire", X, None, False),
    ("claire_morel@social.example", "claire_morel@social.example", M, "m.example", True),
]


@pytest.mark.parametrize(("host", "author", "network", "instance", "is_host"), CASES)
def test_the_host_is_matched_in_each_networks_forms(
    host: str, author: str, network: Network, instance: str | None, is_host: bool
) -> None:
    """Bare handles apply everywhere, per-network ones on their network only; case is ignored;
    Mastodon local accounts (`name` on the instance read) and instances with a port match."""
    role = Roster(host=host).role_of(author, network, instance)
    assert (role is Role.HOST) is is_host


def test_guests_and_co_moderators_are_recognised_on_every_network() -> None:
    """Each role, given per network, is found on each network of the chat."""
    roster = Roster(
        host="x:claire_morel, mastodon:claire@example.social, bluesky:claire.fr",
        guests=("x:dr_nhaddad, mastodon:nadia@toot.example, bluesky:nadia.bsky.social", "julien"),
        co_moderators=("x:tom_lefevre, mastodon:tom@example.social, bluesky:tomlef.bsky.social",),
    )
    seen = {
        (X, "CLAIRE_MOREL"): Role.HOST,
        (M, "claire@example.social"): Role.HOST,
        (B, "claire.fr"): Role.HOST,
        (X, "dr_nhaddad"): Role.GUEST,
        (M, "nadia@toot.example"): Role.GUEST,
        (B, "nadia.bsky.social"): Role.GUEST,
        (X, "julien"): Role.GUEST,
        (M, "julien@example.social"): Role.GUEST,
        (B, "julien.bsky.social"): Role.GUEST,
        (X, "tom_lefevre"): Role.COMODERATOR,
        (M, "tom@example.social"): Role.COMODERATOR,
        (B, "tomlef.bsky.social"): Role.COMODERATOR,
        (X, "nadia"): Role.PARTICIPANT,
        (M, "dr_nhaddad@mastodon.social"): Role.PARTICIPANT,
    }
    found = {(net, h): roster.role_of(h, net, "example.social") for net, h in seen}
    assert found == seen
    assert {"claire_morel", "claire", "dr_nhaddad", "nadia", "julien"} <= roster.speakers()
    assert roster.host_on(M) == "claire@example.social" and roster.host_on(X) == "claire_morel"


def test_a_person_shows_the_handle_of_the_chats_first_network() -> None:
    """A template's {host}: the handle given for the first network, else the bare one."""
    spec = "mastodon:claire@example.social, x:claire_morel"
    assert display_handle(spec, [X, M]) == "claire_morel"
    assert display_handle(spec, [M]) == "claire@example.social"
    assert display_handle("claire", [B]) == "claire"
    assert display_handle(spec, [B]) == "claire@example.social"


def test_the_networks_a_person_has_no_handle_on() -> None:
    """A bare handle counts wherever it can be one: `claire_morel` is no Bluesky handle."""
    assert networks_missing("x:nadia", [X, M]) == [M]
    assert networks_missing("nadia", [X, M, B]) == []
    assert networks_missing("claire_morel", [X, B]) == [B]
    assert networks_missing("x:claire_morel, bluesky:claire.fr", [X, B]) == []
