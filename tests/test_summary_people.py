"""The summary knows the plan's people on every network (`x:claire, mastodon:claire@host`)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Network, Role
from tchat_tui.report.build import build_summary
from tchat_tui.store.database import Store
from tests.factories import make_post


def test_a_host_given_per_network_is_the_host_in_the_summary(tmp_path: Path) -> None:
    """Her Mastodon account, stored as a participant's, is shown as the host's."""
    store = Store.open(tmp_path / "c.db")
    plan = {"host": "x:claire, mastodon:claire@example.social", "guests": [], "co_moderators": []}
    chat = store.ensure_chat("T", plan_json=json.dumps(plan))
    post = replace(
        make_post("1", "Q1: what helps? #T", "claire@example.social", author_id="9"),
        network=Network.MASTODON,
        instance="example.social",
    )
    answer = make_post("2", "A1 my sister #T", "ada", minute=1)
    store.add_posts(
        chat,
        [
            ChatPost(post, Classification(Role.PARTICIPANT)),
            ChatPost(answer, Classification(Role.PARTICIPANT, answers=1)),
        ],
    )
    roles = {c.handle: c.role for c in build_summary(store).everyone}
    assert roles["claire@example.social"] == "host" and roles["ada"] == "participant"
