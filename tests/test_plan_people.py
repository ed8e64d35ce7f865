"""The plan's people per network: read, kept, recognised in the chat, and checked per network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tchat_tui.domain.plan.check import check_plan
from tchat_tui.domain.plan.model import Plan, PlanError
from tchat_tui.domain.plan.read import parse_plan
from tchat_tui.domain.post import Network, Role
from tchat_tui.domain.roster import Roster

BEFORE = datetime(2026, 11, 1, tzinfo=UTC)

PLAN = """\
tag = "#CareChat"
topic = "Caring for a parent"
start = 2026-11-26T19:00:00+01:00
host = ["x:claire_morel", "mastodon:claire@example.social", "bluesky:claire.fr"]
guests = ["x:dr_nhaddad, mastodon:nadia@toot.example", ["julien"], "x:meg_cares"]
co_moderators = ["mastodon:tom@127.0.0.1:8080"]
networks = ["x", "mastodon"]
questions = ["One?", "Two?", "Three?", "Four?", "Five?", "Six?"]

[templates]
welcome = "Welcome to {tag}! With {guests}. Host {host}"
"""


def plan_of(text: str = PLAN, **replace: str) -> Plan:
    for old, new in replace.items():
        text = text.replace(old, new)
    return parse_plan(text, "p.toml")


def test_people_are_given_per_network() -> None:
    """A person is one handle, a list of handles, or handles joined by commas; each per network
    or bare; kept as `network:handle` joined by ', '."""
    plan = plan_of()
    assert plan.host == "x:claire_morel, mastodon:claire@example.social, bluesky:claire.fr"
    assert plan.guests == ["x:dr_nhaddad, mastodon:nadia@toot.example", "julien", "x:meg_cares"]
    assert plan.co_moderators == ["mastodon:tom@127.0.0.1:8080"]
    assert plan.to_dict()["host"] == plan.host


def test_the_plans_people_are_recognised_on_each_network() -> None:
    """The roster made from the plan finds each person in the form each network writes."""
    plan = plan_of()
    roster = Roster(plan.host, tuple(plan.guests), tuple(plan.co_moderators))
    assert roster.role_of("Claire_Morel", Network.X) is Role.HOST
    assert roster.role_of("claire@example.social", Network.MASTODON, "mastodon.social") is Role.HOST
    assert roster.role_of("claire.fr", Network.BLUESKY) is Role.HOST
    assert roster.role_of("nadia@toot.example", Network.MASTODON, "toot.example") is Role.GUEST
    assert roster.role_of("julien@127.0.0.1:8080", Network.MASTODON, "127.0.0.1:8080") is Role.GUEST
    assert (
        roster.role_of("tom@127.0.0.1:8080", Network.MASTODON, "127.0.0.1:8080") is Role.COMODERATOR
    )
    assert roster.role_of("claire", Network.X) is Role.PARTICIPANT


def test_templates_name_each_person_once() -> None:
    """{host} and {guests} show one handle per person: the one for the chat's first network."""
    assert plan_of().filled_template("welcome") == (
        "Welcome to #CareChat! With @dr_nhaddad, @julien, @meg_cares. Host @claire_morel"
    )
    mastodon_first = plan_of(**{'networks = ["x", "mastodon"]': 'networks = ["mastodon", "x"]'})
    assert mastodon_first.filled_template("welcome").endswith("Host @claire@example.social")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"mastodon:claire@example.social"', '"mastodon:claire@"', "p.toml:4: 'host': "),
        ('"mastodon:claire@example.social"', '"mastodon:claire@"', "is not a Mastodon handle"),
        ('"bluesky:claire.fr"', '"bluesky:claire_fr"', "'bluesky:claire_fr' is not a Bluesky"),
        ('["julien"]', "[3]", "p.toml:5: 'guests' item 2 must be a handle or a list"),
        ('"x:meg_cares"', '"x:meg.cares"', "p.toml:5: 'guests': 'x:meg.cares' is not an X"),
    ],
)
def test_a_handle_that_is_none_on_its_network_names_the_line(
    old: str, new: str, message: str
) -> None:
    """A bad handle: the line, the field and which network refuses it."""
    with pytest.raises(PlanError, match=message.replace("(", r"\(")):
        plan_of(**{old: new})


def test_check_warns_about_a_person_without_a_handle_on_a_network_of_the_chat() -> None:
    """The chat runs on X and Mastodon: a guest with only an X handle is not recognised on
    Mastodon, so `plan check` says so (a warning: the plan stays usable)."""
    report = check_plan(plan_of(), BEFORE)
    people = [f for f in report.findings if f.subject == "people"]
    assert [f.level for f in people] == ["warning", "warning"]
    assert people[0].message.startswith("guest x:meg_cares has no Mastodon handle")
    assert "(add mastodon:NAME@INSTANCE)" in people[0].message
    assert people[1].message.startswith("co-moderator mastodon:tom@127.0.0.1:8080 has no X handle")
    assert not report.failed


def test_bare_handles_need_no_warning_where_they_can_be_handles() -> None:
    """A bare handle is for every network; only where it cannot be one (no '_' on Bluesky)."""
    bare = plan_of(bare_text())
    assert not [f for f in check_plan(bare, BEFORE).findings if f.subject == "people"]
    on_bluesky = plan_of(
        bare_text(), **{'networks = ["x", "mastodon"]': 'networks = ["x", "bluesky"]'}
    )
    (warning,) = [f for f in check_plan(on_bluesky, BEFORE).findings if f.subject == "people"]
    assert warning.message.startswith("guest nadia_h has no Bluesky handle")


def bare_text() -> str:
    lines = PLAN.splitlines()
    lines[3], lines[4], lines[5] = 'host = "claire"', 'guests = ["nadia_h"]', "co_moderators = []"
    return "\n".join(lines) + "\n"
