"""The summary says what the hour cost on X: an estimate at pay-per-use prices, in every format."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tchat_tui.domain.cost import LABELS, PRICES, PRICES_READ_ON, CostMeter
from tchat_tui.domain.post import Network
from tchat_tui.domain.summary import Summary
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.report.build import build_summary
from tchat_tui.report.private import PrivateReport
from tchat_tui.report.render import render
from tchat_tui.report.wording import usd as usd_text
from tchat_tui.store.database import Store
from tests.factories import T0
from tests.test_summary import build_chat, chat_post

COSTS = {
    "post_read": (1200, 6.0),
    "user_read": (300, 3.0),
    "post_created": (12, 0.18),
    "post_with_url": (2, 0.40),
}
"""The meter's totals: kind -> (billable units, USD); 9.58 in all."""
NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
NOTES = PrivateReport((), (), ())
"""An empty private report: the cost is in the private part only."""


def plain_chat(path: Path) -> tuple[Store, int]:
    """A chat with two participants' posts, no dry-run post, no outbox row."""
    store = Store.open(path)
    chat = store.ensure_chat("PlainChat", topic="Plain", started_at=T0)
    store.add_posts(
        chat, [chat_post("1", "hello #PlainChat", "ada", 1), chat_post("2", "hi", "bob", 2)]
    )
    return store, chat


@pytest.fixture
def dry_summary(tmp_path: Path) -> Summary:
    """The reference chat (its host's reply is a dry-run post) with the meter's totals saved."""
    store, chat = build_chat(tmp_path / "care.db")
    store.save_costs(chat, COSTS, PRICES_READ_ON)
    return build_summary(store, chat)


@pytest.mark.parametrize(
    "words",
    [
        "## Cost on X",
        f"Estimated at X's pay-per-use prices (read {PRICES_READ_ON}), if run live: $9.58.",
        "| Posts read | 1,200 | $6.00 |",
        "| Users read | 300 | $3.00 |",
        "| Posts created | 12 | $0.18 |",
        "| Posts with a URL | 2 | $0.40 |",
        "| Total (estimated) |  | $9.58 |",
    ],
)
def test_markdown_cost_section(dry_summary: Summary, words: str) -> None:
    """Markdown: the estimated total with the prices' date, then count and USD per kind."""
    assert words in render(dry_summary, "md", NOTES)


@pytest.mark.parametrize(
    "words",
    [
        '<h2 id="cost">Cost on X</h2>',
        f"<p>Estimated at X&#x27;s pay-per-use prices (read {PRICES_READ_ON}), if run live:"
        " $9.58.</p>",
        '<tr><td>Posts read</td><td class="n">1,200</td><td class="n">$6.00</td></tr>',
        '<tr><td>Posts with a URL</td><td class="n">2</td><td class="n">$0.40</td></tr>',
        '<tr><td>Total (estimated)</td><td class="n"></td><td class="n">$9.58</td></tr>',
    ],
)
def test_html_cost_section(dry_summary: Summary, words: str) -> None:
    """HTML: the same section, as a table."""
    assert words in render(dry_summary, "html", NOTES)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_public_recap_has_no_cost(dry_summary: Summary, fmt: str) -> None:
    """The cost of the hour is the host team's business: not in the recap people publish."""
    out = render(dry_summary, fmt)
    assert "Cost on X" not in out and "$9.58" not in out and "Estimated at" not in out


def test_json_cost_object(dry_summary: Summary) -> None:
    """JSON: a top-level `cost` with the total, each kind's count and USD, and the prices' date."""
    cost = json.loads(render(dry_summary, "json"))["cost"]
    assert cost["estimated"] is True
    assert cost["if_run_live"] is True
    assert cost["currency"] == "USD"
    assert cost["total_usd"] == pytest.approx(9.58)
    assert cost["prices_read_on"] == PRICES_READ_ON
    assert [(k["kind"], k["count"], k["usd"]) for k in cost["kinds"]] == [
        ("post_read", 1200, 6.0),
        ("user_read", 300, 3.0),
        ("post_created", 12, 0.18),
        ("post_with_url", 2, 0.4),
    ]
    assert [k["label"] for k in cost["kinds"]] == [LABELS[k["kind"]] for k in cost["kinds"]]


def test_kinds_follow_the_price_table(tmp_path: Path) -> None:
    """Kinds are listed in PRICES order whatever order they were saved in; unknown ones last."""
    store, chat = plain_chat(tmp_path / "plain.db")
    saved = {"zz_new_kind": (1, 0.5), **{k: (1, p) for k, p in reversed(PRICES.items())}}
    store.save_costs(chat, saved, PRICES_READ_ON)
    s = build_summary(store, chat)
    assert s.cost is not None
    assert [line.kind for line in s.cost.lines] == [*PRICES, "zz_new_kind"]
    assert s.cost.lines[-1].label == "zz new kind"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_no_cost_row_no_section(tmp_path: Path, fmt: str) -> None:
    """An older chat, whose meter saved nothing, shows no cost section."""
    store, chat = build_chat(tmp_path / "care.db")
    out = render(build_summary(store, chat), fmt, NOTES)
    assert "Cost on X" not in out
    assert "Estimated at" not in out


def test_no_cost_row_is_json_null(tmp_path: Path) -> None:
    """JSON: `cost` is null when the meter saved nothing."""
    store, chat = build_chat(tmp_path / "care.db")
    assert json.loads(render(build_summary(store, chat), "json"))["cost"] is None


def test_zero_counts_are_no_section(tmp_path: Path) -> None:
    """A meter that counted nothing billable is no cost section either."""
    store, chat = plain_chat(tmp_path / "plain.db")
    store.save_costs(chat, {"post_read": (0, 0.0)}, PRICES_READ_ON)
    assert build_summary(store, chat).cost is None


def test_database_without_a_costs_table(tmp_path: Path) -> None:
    """A database whose schema predates the costs table still summarizes, without the section."""
    store, chat = plain_chat(tmp_path / "plain.db")
    store.db["costs"].drop()
    s = build_summary(store, chat)
    assert s.cost is None
    assert "Cost on X" not in render(s, "md", NOTES)


def test_another_chats_costs_are_not_this_ones(tmp_path: Path) -> None:
    """Costs belong to their chat: the newer chat's meter says nothing about the older one."""
    store, first = plain_chat(tmp_path / "plain.db")
    second = store.ensure_chat("PlainChat", new=True)
    store.save_costs(second, COSTS, PRICES_READ_ON)
    assert build_summary(store, first).cost is None
    assert build_summary(store, second).cost is not None


@pytest.mark.parametrize(
    ("cursor", "outbox", "owned_read", "if_run_live"),
    [
        (None, [], False, True),
        (None, [(Network.X, True, "sent")], False, True),
        (None, [(Network.X, False, "failed")], False, True),
        (None, [(Network.MASTODON, False, "sent")], False, True),
        ("mastodon:example.social", [], False, True),
        ("x", [], False, False),
        (None, [(Network.X, True, "sent"), (Network.X, False, "sent")], False, False),
        (None, [], True, False),
    ],
)
def test_if_run_live_when_nothing_happened_on_x(
    tmp_path: Path,
    cursor: str | None,
    outbox: list[tuple[Network, bool, str]],
    owned_read: bool,
    if_run_live: bool,
) -> None:
    """'If run live' unless the console read X (its cursor, users/me) or posted there for real."""
    store, chat = plain_chat(tmp_path / "plain.db")
    if cursor:
        store.set_cursor(chat, cursor, "1900000000000000000")
    for network, dry, status in outbox:
        row = store.enqueue(
            chat, network=network, kind="post", text="hi", moderator="m", dry_run=dry
        )
        store.outbox_update(int(row["id"]), status=status)
    store.save_costs(
        chat, {**COSTS, **({"owned_read": (2, 0.002)} if owned_read else {})}, PRICES_READ_ON
    )
    s = build_summary(store, chat)
    assert s.cost is not None and s.cost.if_run_live is if_run_live
    assert (", if run live:" in render(s, "md", NOTES)) is if_run_live
    assert json.loads(render(s, "json"))["cost"]["if_run_live"] is if_run_live


def test_demo_replay_says_what_the_hour_would_cost(tmp_path: Path) -> None:
    """The bundled demo replayed: every post an X read, and the summary says 'if run live'."""
    session = ChatSession(
        Settings(tag="", demo=True, speed=0, db_path=tmp_path / "demo.db", clock=lambda: NOW)
    )
    assert session.replay_source is not None
    session.replay_source.run(session.runner, threading.Event())
    session.outbox.submit("Merci à tous ! #AidantsChat", [Network.X], moderator="m")
    session.outbox.process_pending()
    totals = session.cost_meter.totals()
    session.shutdown()
    store = Store.open(tmp_path / "demo.db")
    s = build_summary(store)
    assert s.cost is not None and s.cost.if_run_live
    assert {line.kind: (line.count, line.usd) for line in s.cost.lines} == totals
    md = render(s, "md", NOTES)
    total = sum(usd for _, usd in totals.values())
    assert f"prices (read {PRICES_READ_ON}), if run live: {usd_text(total)}." in md
    assert f"| Posts read | {totals['post_read'][0]:,} |" in md


def test_the_meter_totals_round_trip(tmp_path: Path) -> None:
    """What the console's meter saves is what the summary shows, dollar for dollar."""
    store, chat = plain_chat(tmp_path / "plain.db")
    meter = CostMeter()
    meter.read_posts([str(i) for i in range(40)], T0)
    meter.read_users(["a", "b"], T0)
    meter.created_post("Q1: hello #PlainChat", T0)
    meter.created_post("see https://example.com #PlainChat", T0, reply=True)
    store.save_costs(chat, meter.totals(), PRICES_READ_ON)
    s = build_summary(store, chat)
    assert s.cost is not None
    assert s.cost.total_usd == pytest.approx(meter.spend())
    assert {line.kind: line.count for line in s.cost.lines} == meter.counts()


def test_untrusted_kind_is_escaped(tmp_path: Path) -> None:
    """A kind name written by another tool into the table is text, never markup."""
    store, chat = plain_chat(tmp_path / "plain.db")
    store.save_costs(chat, {"<b>x</b>|y": (1, 0.5)}, "<i>")
    s = build_summary(store, chat)
    assert "<b>" not in render(s, "html", NOTES) and "<i>" not in render(s, "html", NOTES)
    assert "<b>" not in render(s, "md", NOTES) and "\\<b\\>x\\</b\\>\\|y" in render(s, "md", NOTES)


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0.0, "$0.00"), (0.005, "$0.005"), (0.001, "$0.001"), (0.18, "$0.18"), (1234.5, "$1,234.50")],
)
def test_usd_text(amount: float, text: str) -> None:
    """Dollars with cents; an amount under a cent keeps its digits."""
    assert usd_text(amount) == text


def test_dry_run_retweets_have_their_line(tmp_path: Path) -> None:
    """Retweets sent in a replay (dry run) are estimated and saved: the summary has their line."""
    session = ChatSession(
        Settings(tag="", demo=True, speed=0, db_path=tmp_path / "demo.db", clock=lambda: NOW)
    )
    assert session.replay_source is not None
    session.replay_source.run(session.runner, threading.Event())
    targets = session.store.db.execute(
        "SELECT key, native_id, network FROM posts WHERE network = 'x' AND is_repost = 0"
        " AND role = 'participant' ORDER BY created_at LIMIT 6"
    ).fetchall()
    assert len(targets) == 6
    for key, native_id, network in targets:
        target = {"key": key, "native_id": native_id, "network": network}
        session.outbox.submit("", [Network.X], moderator="m", kind="repost", reply_to=target)
    session.outbox.process_pending()
    session.shutdown()
    s = build_summary(Store.open(tmp_path / "demo.db"))
    assert s.cost is not None
    assert {line.kind: line.count for line in s.cost.lines}["user_interaction"] == 6
    price = usd_text(6 * PRICES["user_interaction"])
    assert f"| Retweets | 6 | {price} |" in render(s, "md", NOTES)
    assert f'<tr><td>Retweets</td><td class="n">6</td><td class="n">{price}</td></tr>' in render(
        s, "html", NOTES
    )
