"""The cost meter: pay-per-use prices, per-day dedup of reads, the hour's spend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tchat_tui.domain.cost import PRICES, PRICES_READ_ON, CostMeter

T0 = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def test_price_table_is_the_published_one() -> None:
    """The four prices the issue names, with the date they were read."""
    assert PRICES["post_read"] == 0.005
    assert PRICES["post_created"] == 0.015
    assert PRICES["post_with_url"] == 0.20
    assert PRICES["user_read"] == 0.010
    assert PRICES_READ_ON


@pytest.mark.parametrize(
    ("text", "reply", "kind"),
    [
        ("Q1: what helps? #T", False, "post_created"),
        ("thanks @ada! #T", True, "summoned_reply"),
        ("slides https://example.com/s #T", False, "post_with_url"),
        ("see example.com #T", True, "post_with_url"),
    ],
)
def test_created_post_price(text: str, reply: bool, kind: str) -> None:
    """A post with a link costs the URL price; a reply the summoned-reply price."""
    meter = CostMeter()
    assert meter.created_post(text, T0, reply=reply) == kind
    assert meter.spend() == pytest.approx(PRICES[kind])


def test_reads_are_billed_once_per_utc_day() -> None:
    """The same post read twice the same UTC day counts once; the next day again."""
    meter = CostMeter()
    assert meter.read_posts(["1", "2", "3"], T0) == 3
    assert meter.read_posts(["2", "3", "4"], T0 + timedelta(minutes=5)) == 1
    assert meter.read_posts(["1"], T0 + timedelta(days=1)) == 1
    assert meter.counts()["post_read"] == 5
    assert meter.read_users(["42", "42", "43"], T0) == 2
    assert meter.read_users(["42"], T0) == 0


def test_last_hour_is_a_rolling_window() -> None:
    """The header shows what the last 60 minutes cost."""
    meter = CostMeter()
    meter.read_posts([str(i) for i in range(100)], T0)  # $0.50
    meter.created_post("Q1 #T", T0 + timedelta(minutes=30))  # $0.015
    meter.retweeted(T0 + timedelta(minutes=70))  # $0.015
    now = T0 + timedelta(minutes=75)
    assert meter.last_hour(now) == pytest.approx(0.03)
    assert meter.spend() == pytest.approx(0.53)
    assert meter.header_text(now) == "$0.03/h est."
    labels = [label for label, _, _ in meter.breakdown()]
    assert labels == ["posts read", "posts created", "retweets"]


def test_charges_are_kept_per_minute_not_per_post() -> None:
    """A flood of reads costs one bucket a minute; windows resolve to the minute."""
    meter = CostMeter()
    for i in range(20_000):
        meter.read_posts([str(i)], T0 + timedelta(milliseconds=30 * i))  # 10 minutes
    assert meter.counts()["post_read"] == 20_000
    assert len(meter._minutes) == 10
    # The window starting 5 min in counts the minutes that start inside it: 5 of them.
    assert meter.counts(T0 + timedelta(minutes=5))["post_read"] == 10_000
    assert meter.spend(T0 + timedelta(minutes=5), T0 + timedelta(minutes=5)) == pytest.approx(
        2_000 * PRICES["post_read"]
    )


def test_posts_new_to_the_store_are_billed_without_keeping_their_ids() -> None:
    """The estimate of a replay bills each newly stored post; the meter keeps no id for them."""
    meter = CostMeter()
    meter.read_new_posts(3, T0)
    meter.read_new_posts(0, T0)
    assert meter.counts() == {"post_read": 3}
    assert "post_read" not in meter._seen
