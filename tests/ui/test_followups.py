"""Pilot tests of the follow-ups of the X and multi-network issues: cost meter, refused replies,
one draft to several networks."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import NetworkRules
from tchat_tui.publish.base import DryRunPublisher, OutboxRow, PublishResult
from tchat_tui.ui.modals.costs import CostScreen
from tchat_tui.ui.modals.mention_offer import MentionOffer
from tchat_tui.ui.widgets.panes import ChatHeader
from tests.ui.conftest import CHAT, opened, settle, toasts
from tests.ui.test_console import screen_of, select, wait_for

ALL = len(CHAT)
REFUSAL = "403: you can only reply when the author mentioned you"
UNAVAILABLE = "503 Service Unavailable"


class RefusingX:
    """X as since February 2026: every reply refused; a post saying 'boom' hits a 503; others go out."""

    network = Network.X
    dry_run = False

    def __init__(self) -> None:
        self.published: list[OutboxRow] = []

    def publish(self, row: OutboxRow) -> PublishResult:
        """Refuse replies, fail 'boom' retryably, send the rest with a remote id."""
        self.published.append(row)
        if row["kind"] == "reply":
            return PublishResult(ok=False, error=REFUSAL, retryable=False, reply_refused=True)
        if "boom" in row["text"]:
            return PublishResult(ok=False, error=UNAVAILABLE, retryable=True)
        return PublishResult(ok=True, remote_id=f"9{row['id']}")

    def find_existing(self, row: OutboxRow) -> str | None:
        """Nothing was sent before."""
        return None


def plain(widget: Static) -> str:
    """What a Static shows, as plain text."""
    content = widget.content
    if isinstance(content, Text | Content):
        return content.plain
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def header_text(pilot: Any) -> str:
    """The header as plain text."""
    return plain(screen_of(pilot).query_one(ChatHeader))


async def test_the_hours_cost_is_shown_as_an_estimate_in_replay(make_app: Any) -> None:
    """After a replay the header shows the hour's X cost as an estimate; the palette breaks it down."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen_of(pilot).refresh_panes()
        expected = app.session.cost_meter.header_text(app.session.clock.now())
        assert app.session.cost_meter.spend() > 0
        assert f"{expected} if live" in header_text(pilot)
        assert "$" in expected and "est" in expected
        await screen_of(pilot).run_action("cost")
        await pilot.pause()
        assert isinstance(app.screen, CostScreen)
        shown = " ".join(plain(s) for s in app.screen.query(Static))
        assert "posts read" in shown and "users read" in shown and "total" in shown


async def test_refused_replies_are_offered_as_mention_posts(make_app: Any) -> None:
    """X refuses replies: the reason is shown; n drops the offer, y posts a mention of the author."""
    app = make_app()
    x = RefusingX()
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        app.session.publishers[Network.X] = x
        app.session.outbox.publishers[Network.X] = x
        store, chat = app.session.store, app.session.chat_id
        await settle(pilot, ALL)
        await select(pilot, "104")
        await pilot.press("r", "o", "k", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MentionOffer))
        await pilot.press("n")
        assert not isinstance(app.screen, MentionOffer)
        assert [r["kind"] for r in x.published] == ["reply"]

        await select(pilot, "104")
        await pilot.press("r")
        screen_of(pilot).composer.draft.value = "find ten minutes"
        await pilot.press("enter")
        # Pushed is not yet composed: wait for the offer's own widgets too (a loaded machine).
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, MentionOffer) and bool(app.screen.query("#offer-reason"))
            ),
        )
        offer = app.screen
        assert isinstance(offer, MentionOffer)
        assert offer.author == "cy"
        assert REFUSAL in plain(offer.query_one("#offer-reason", Static))
        await pilot.press("y")
        await wait_for(pilot, lambda: len(store.outbox(chat, ("sent",))) == 1)
        (sent,) = store.outbox(chat, ("sent",))
        assert sent["kind"] == "post" and sent["in_reply_to"] is None
        assert sent["text"].startswith("@cy ") and "find ten minutes" in sent["text"]
        refused = store.outbox(chat, ("failed",))
        assert [r["kind"] for r in refused] == ["reply", "reply"]
        assert all(REFUSAL in r["error"] for r in refused)
        await screen_of(pilot).run_action("retry_failed")
        assert store.outbox(chat, ("pending", "sending")) == []  # a refusal is not retried


async def test_a_failed_send_names_its_reason(make_app: Any, monkeypatch: Any) -> None:
    """A retryable failure says why and points at 'Retry failed sends'."""
    app = make_app()
    x = RefusingX()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        app.session.publishers[Network.X] = x
        app.session.outbox.publishers[Network.X] = x
        await settle(pilot, ALL)
        await pilot.press("i", *"boom", "enter")
        await wait_for(pilot, lambda: any("Not sent" in m for m in said))
        (notice,) = [m for m in said if "Not sent" in m]
        assert UNAVAILABLE in notice and "Retry failed sends" in notice
        await screen_of(pilot).run_action("retry_failed")
        await wait_for(pilot, lambda: len(x.published) == 2)  # a 503 is sent again


async def test_one_draft_to_two_networks(make_app: Any) -> None:
    """X and Mastodon: one count per network; sending makes two rows in one group."""
    app = make_app(networks=(Network.X, Network.MASTODON))
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        assert set(app.session.publishers) == {Network.X, Network.MASTODON}
        await settle(pilot, ALL)
        await pilot.press("i")
        screen_of(pilot).composer.draft.value = "see you next week"
        await pilot.pause()
        composer = screen_of(pilot).composer
        assert [(c.network, c.limit) for c in composer.checks] == [
            (Network.X, 280),
            (Network.MASTODON, 500),
        ]
        check = plain(composer.query_one("#draft-check", Static))
        assert "X 20/280 · Mastodon 20/500" in check
        await pilot.press("enter")
        store, chat = app.session.store, app.session.chat_id
        await wait_for(pilot, lambda: len(store.outbox(chat, ("dry-run",))) == 2)
        rows = store.outbox(chat, ("dry-run",))
        assert {r["network"] for r in rows} == {"x", "mastodon"}
        assert len({r["group_key"] for r in rows}) == 1
        assert {r["text"] for r in rows} == {"see you next week #T"}


class SmallInstance(DryRunPublisher):
    """A Mastodon publisher whose instance turns out to allow 10 characters once it is read."""

    def __init__(self) -> None:
        super().__init__(Network.MASTODON)
        self.limit = 500

    @property
    def rules(self) -> NetworkRules:
        """The instance's rules as last read."""
        return NetworkRules(Network.MASTODON, self.limit)


async def test_the_composer_counts_against_the_instances_own_limit(make_app: Any) -> None:
    """When the instance's limit becomes known, the Mastodon count and the block follow it."""
    app = make_app(networks=(Network.X, Network.MASTODON))
    instance = SmallInstance()
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        app.session.publishers[Network.MASTODON] = instance
        await settle(pilot, ALL)
        await pilot.press("i")
        composer = screen_of(pilot).composer
        composer.draft.value = "see you next week"
        await pilot.pause()
        assert not composer.block_reason()
        instance.limit = 10
        screen_of(pilot).refresh_panes()
        assert "Mastodon 20/10" in plain(composer.query_one("#draft-check", Static))
        assert composer.block_reason().startswith("Mastodon: ")
