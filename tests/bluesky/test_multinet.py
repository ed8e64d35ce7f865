"""Connecting Mastodon and Bluesky to a chat, counting a draft per network, and one message to both."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import respx

from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, SessionFile
from tchat_tui.clients.mastodon.api import InstanceInfo, status_to_post
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.domain.text.rules import NetworkRules, check_for_networks
from tchat_tui.pipeline.connect import connect_bluesky, connect_mastodon, network_rules, stored_uri
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.publish.bluesky import BlueskyPublisher
from tchat_tui.publish.mastodon import MastodonPublisher
from tchat_tui.publish.outbox import Outbox
from tchat_tui.sources.resume import StoreCursor
from tchat_tui.store.database import Store
from tests.mastodon.helpers import NOW

HERE = Path(__file__).parent
MASTODON_FIXTURES = HERE.parent / "mastodon" / "fixtures"
TAG = "FinMariageEnfants"


class FakeCredentials:
    def __init__(self, **tables: dict[str, str]) -> None:
        self.tables = tables

    def get(self, network: str) -> dict[str, str]:
        return dict(self.tables.get(network, {}))


@pytest.fixture
def session(tmp_path: Path) -> SimpleNamespace:
    store = Store.open(tmp_path / "chat.db")
    return SimpleNamespace(store=store, chat_id=store.ensure_chat(TAG), tag=TAG)


def test_connect_mastodon_builds_without_touching_the_network(session: SimpleNamespace) -> None:
    """One source and one publisher sharing the instance's limits; the note names the instance."""
    creds = FakeCredentials(mastodon={"instance": "https://mastodon.example/", "token": "tok"})
    with respx.mock:  # any request would fail: none is made
        sources, publishers, note = connect_mastodon(session, creds)
    (source,) = sources
    publisher = publishers[Network.MASTODON]
    assert isinstance(publisher, MastodonPublisher) and source.info is publisher.info  # type: ignore[attr-defined]
    assert note == "Mastodon: #FinMariageEnfants on mastodon.example" and "tok" not in note
    source.cursor.save("115583342811091049")  # type: ignore[attr-defined]
    assert (
        session.store.get_cursor(session.chat_id, "mastodon:mastodon.example")
        == "115583342811091049"
    )


def test_connect_bluesky_shares_one_login_between_feeds_and_publisher(
    session: SimpleNamespace,
) -> None:
    """Search and Jetstream share the seen posts; the publisher uses the same session."""
    creds = FakeCredentials(bluesky={"handle": "horizonfilles.bsky.social", "app_password": "pw"})
    with respx.mock:
        sources, publishers, note = connect_bluesky(session, creds)
    search, live = sources
    assert {s.name for s in sources} == {"bluesky", "bluesky-live"}
    assert search.known is live.known  # type: ignore[attr-defined]
    assert isinstance(publishers[Network.BLUESKY], BlueskyPublisher)
    assert note == "Bluesky: #FinMariageEnfants as @horizonfilles.bsky.social"


@pytest.mark.parametrize(
    ("network", "creds", "words"),
    [
        ("mastodon", {"instance": "mastodon.example"}, "TCHAT_MASTODON_TOKEN"),
        ("bluesky", {"handle": "a.bsky.social"}, "TCHAT_BLUESKY_APP_PASSWORD"),
    ],
)
def test_incomplete_credentials_say_what_is_missing(
    session: SimpleNamespace, network: str, creds: dict[str, str], words: str
) -> None:
    """Half-configured networks connect nothing and name the missing variable."""
    connect = connect_mastodon if network == "mastodon" else connect_bluesky
    sources, publishers, note = connect(session, FakeCredentials(**{network: creds}))
    assert (sources, publishers) == ([], {}) and words in note


DRAFT = "Q2 : solutions ? https://horizonfilles.org/questions/q2 " + "é" * 200 + " 👩🏾‍🎓" * 10
"""17 + 38 (URL) + 1 + 200 + 10 x (space + emoji), then ' #FinMariageEnfants' (19)."""


@pytest.mark.parametrize(
    ("network", "limit", "length", "valid"),
    [
        (Network.X, None, 290, False),  # URL 23, é 1, each emoji 2: over 280 by 10
        (Network.MASTODON, None, 280, True),  # graphemes, the URL counts 23
        (Network.MASTODON, 279, 280, False),  # an instance with a smaller limit
        (Network.BLUESKY, None, 295, True),  # graphemes, the URL counts as written
    ],
)
def test_one_count_per_network(
    network: Network, limit: int | None, length: int, valid: bool
) -> None:
    """The same draft counts differently on each network and is judged against each limit."""
    limits = {network: limit} if limit else None
    (check,) = check_for_networks(DRAFT + f" #{TAG}", [network], TAG, limits)
    assert (check.network, check.length, check.valid) == (network, length, valid)


def test_checks_follow_the_target_order_and_the_instance_rules() -> None:
    """One verdict per network in order; a publisher's own rules (instance limit) are used."""
    info = InstanceInfo("mastodon.example", max_characters=1000, loaded=True)
    rules = network_rules({Network.MASTODON: MastodonPublisher("mastodon.example", "t", info=info)})
    assert rules[Network.MASTODON] == NetworkRules(Network.MASTODON, 1000, 23)
    checks = check_for_networks("sans le tag", [Network.BLUESKY, Network.MASTODON], TAG, rules)
    assert [c.network for c in checks] == [Network.BLUESKY, Network.MASTODON]
    assert all(not c.valid and "missing the tag" in c.reason for c in checks)


def test_stored_uri_reads_the_payload(session: SimpleNamespace) -> None:
    """A stored Mastodon post's global uri comes from its raw payload (for boosts across servers)."""
    status = json.loads((MASTODON_FIXTURES / "tag_timeline_after_drop.json").read_bytes())[0]
    post = status_to_post(status, "mastodon.example")
    pipeline = Pipeline(session.store, session.chat_id, Classifier(Roster("horizonfilles"), TAG))
    pipeline.process([post])
    lookup = stored_uri(session.store)
    assert lookup(post.key) == "https://mamot.fr/users/aminak/statuses/115583345990000001"
    assert lookup("mastodon:mastodon.example:404") is None


def test_store_cursor_round_trip(session: SimpleNamespace) -> None:
    """Cursors live in the chat database, one per source."""
    a, b = (
        StoreCursor(session.store, session.chat_id, "a"),
        StoreCursor(session.store, session.chat_id, "b"),
    )
    a.save("1")
    assert (a.load(), b.load()) == ("1", None)


def test_one_message_to_both_networks_ends_per_row(
    session: SimpleNamespace, tmp_path: Path
) -> None:
    """Grouped rows: Mastodon accepts, Bluesky refuses the login; each row ends on its own."""
    created = (MASTODON_FIXTURES / "status_reply_created.json").read_bytes()
    auth = BlueskyAuth(
        "horizonfilles.bsky.social",
        "pw",
        session_file=SessionFile(tmp_path / "s.json"),
        clock=lambda: NOW,
    )
    publishers = {
        Network.MASTODON: MastodonPublisher("mastodon.example", "t", clock=lambda: NOW),
        Network.BLUESKY: BlueskyPublisher(auth, clock=lambda: NOW),
    }
    pipeline = Pipeline(session.store, session.chat_id, Classifier(Roster("horizonfilles"), TAG))
    outbox = Outbox(
        session.store,
        session.chat_id,
        publishers,
        pipeline,
        host_handle="horizonfilles",
        clock=lambda: NOW,
    )
    with respx.mock:
        respx.post("https://mastodon.example/api/v1/statuses").respond(200, content=created)
        respx.post("https://bsky.social/xrpc/com.atproto.server.createSession").respond(
            401,
            json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
        )
        rows = outbox.submit(
            f"Merci ! Q2 arrive dans 2 min #{TAG}",
            [Network.MASTODON, Network.BLUESKY],
            moderator="ana",
        )
        done = {r["network"]: r for r in outbox.process_pending()}
    assert len({r["group_key"] for r in rows}) == 1
    assert (
        done["mastodon"]["status"] == "sent"
        and done["mastodon"]["remote_id"] == "115583360000000001"
    )
    assert done["bluesky"]["status"] == "failed" and not done["bluesky"]["retryable"]
    assert "Invalid identifier or password" in done["bluesky"]["error"]
    assert session.store.post("mastodon:mastodon.example:115583360000000001") is not None
