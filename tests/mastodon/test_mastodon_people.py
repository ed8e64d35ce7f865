"""The host on Mastodon, as the fake payloads give her: her statuses are the host's, her `Q1:` is the
chat's Q1 (never offered again), her announced guest is a guest, on an instance with a port too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import respx

from tchat_tui.clients.mastodon.api import base_url, status_to_post
from tchat_tui.domain.post import Network, Post
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.publish.mastodon import MastodonPublisher
from tchat_tui.publish.outbox import Outbox
from tchat_tui.ui.pacing import next_question, question_states
from tests.mastodon.helpers import NOW, read_fixture

HERE = Path(__file__).parent
TAG = "FinMariageEnfants"
Q1 = "Pourquoi le mariage des enfants persiste-t-il encore en 2025 ?"
PLAN = f"""\
tag = "#{TAG}"
topic = "Mettre fin au mariage des enfants"
host = "x:horizon_x"
networks = ["mastodon"]
questions = ["{Q1}", "Deux ?", "Trois ?", "Quatre ?", "Cinq ?", "Six ?"]
"""
HOST_ID = "109876543210000001"


def payloads(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(read_fixture(HERE, name))
    return data


def as_posted(status: dict[str, Any]) -> dict[str, Any]:
    """The host's status with the console's own question text, as Mastodon renders it."""
    html = f"<p>Q1: {Q1} <a href='https://mastodon.example/tags/{TAG}'>#<span>{TAG}</span></a></p>"
    return status | {"content": html}


def the_hour(instance: str) -> list[Post]:
    """The tag's statuses, oldest first: the host's welcome and Q1, then two answers."""
    first = payloads("tag_timeline_first.json")  # newest first: Q1, then the welcome
    statuses = [first[1], as_posted(first[0]), *reversed(payloads("tag_timeline_after_drop.json"))]
    return [status_to_post(s, instance) for s in statuses]


def open_session(tmp_path: Path, plan_host: str | None, cli_host: str | None) -> ChatSession:
    plan = tmp_path / "plan.toml"
    text = PLAN if plan_host is None else PLAN.replace('"x:horizon_x"', f'"{plan_host}"')
    plan.write_text(text, encoding="utf-8")
    settings = Settings(
        tag=TAG,
        plan_path=plan,
        host=cli_host,
        db_path=tmp_path / "chat.db",
        dry_run=True,
        networks=(Network.MASTODON,),
        start_sources=False,
        clock=lambda: NOW,
    )
    return ChatSession(settings)


HOSTS = [
    # (instance read, the plan's host, --host)
    ("mastodon.example", "horizonfilles", None),
    ("mastodon.example", None, "HorizonFilles"),
    ("mastodon.example", "mastodon:horizonfilles@mastodon.example", None),
    ("mastodon.example", "x:horizon_x, mastodon:@HorizonFilles@Mastodon.Example", None),
    ("127.0.0.1:8080", "horizonfilles", None),
    ("127.0.0.1:8080", None, "mastodon:horizonfilles@127.0.0.1:8080"),
]


@pytest.mark.parametrize(("instance", "plan_host", "cli_host"), HOSTS)
def test_the_hosts_statuses_are_the_hosts_and_her_q1_is_posted(
    tmp_path: Path, instance: str, plan_host: str | None, cli_host: str | None
) -> None:
    """Her statuses (acct `horizonfilles` on her instance: `horizonfilles@<instance>` here) are
    stored with role host; her `Q1:` is Q1 posted, so the queue offers Q2; the guest she
    announced (`@aminak`, on mamot.fr) is a guest."""
    session = open_session(tmp_path, plan_host, cli_host)
    try:
        posts = the_hour(instance)
        session.pipeline.process(posts)
        stored = {p.native_id: session.store.post(p.key) for p in posts}
        roles = {i: (row or {}).get("role") for i, row in stored.items()}
        assert roles == {
            "115583320012345678": "host",  # the welcome
            "115583336481558632": "host",  # Q1
            "115583342811091049": "participant",  # lucie_b@framapiaf.org
            "115583346002222333": "guest",  # aminak@mamot.fr
        }
        states = question_states(session.store.questions(session.chat_id))
        assert states[0].posted_at is not None
        nxt = next_question(states)
        assert nxt is not None and nxt[0] == 2
        assert (stored["115583342811091049"] or {}).get("answers") == 1
    finally:
        session.shutdown()


@pytest.mark.parametrize(("instance", "plan_host", "cli_host"), [HOSTS[0], HOSTS[4], HOSTS[5]])
def test_the_consoles_own_q1_sent_to_mastodon_is_seen_as_posted(
    tmp_path: Path, instance: str, plan_host: str | None, cli_host: str | None
) -> None:
    """Q1 sent from the console: the status Mastodon returns is the host's and Q1 is posted."""
    session = open_session(tmp_path, plan_host, cli_host)
    try:
        status = as_posted(payloads("tag_timeline_first.json")[0])
        publisher = MastodonPublisher(instance, "token", clock=lambda: NOW)
        outbox = Outbox(
            session.store,
            session.chat_id,
            {Network.MASTODON: publisher},
            session.pipeline,
            host_handle="horizonfilles",
            clock=lambda: NOW,
        )
        assert session.plan is not None
        with respx.mock:
            respx.post(f"{base_url(instance)}/api/v1/statuses").respond(200, json=status)
            outbox.submit(session.plan.formatted_question(1), [Network.MASTODON], moderator="ana")
            (done,) = outbox.process_pending()
        assert done["status"] == "sent"
        row = session.store.post(f"mastodon:{instance}:115583336481558632")
        assert row is not None and (row["role"], row["question_number"]) == ("host", 1)
        nxt = next_question(question_states(session.store.questions(session.chat_id)))
        assert nxt is not None and nxt[0] == 2
    finally:
        session.shutdown()


@respx.mock
def test_a_reply_on_an_instance_with_a_port_is_not_looked_up_elsewhere() -> None:
    """A status read on `127.0.0.1:8080` is this instance's: the reply goes out with its id,
    no search for it by uri (the port is not taken for the start of the id)."""
    api = "https://127.0.0.1:8080"
    search = respx.get(f"{api}/api/v2/search").respond(200, json={"statuses": []})
    created = read_fixture(HERE, "status_reply_created.json")
    route = respx.post(f"{api}/api/v1/statuses").respond(200, content=created)
    uri = "https://127.0.0.1:8080/users/lucie_b/statuses/115583342811091049"
    publisher = MastodonPublisher(
        "127.0.0.1:8080", "token", clock=lambda: NOW, lookup_uri=lambda k: uri
    )
    result = publisher.publish(
        {
            "id": 7,
            "network": "mastodon",
            "kind": "reply",
            "text": f"Merci ! #{TAG}",
            "in_reply_to": "115583342811091049",
            "target_key": "mastodon:127.0.0.1:8080:115583342811091049",
            "idempotency_key": "k1",
            "group_key": "g1",
        }
    )
    assert result.ok
    assert not search.called
    assert b"in_reply_to_id=115583342811091049" in route.calls.last.request.content
