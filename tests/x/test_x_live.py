"""End to end on a fake X API (127.0.0.1): real tweepy calls, the pipeline, a temporary store.

The fake serves the stream with keep-alives, drops it mid-way, answers 503 and 429, goes silent;
posts made meanwhile are only found by search. Every post must be stored exactly once, and every
outbox row must end sent or failed, with the host's posts coming back on the stream as one post.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.cost import CostMeter
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.pipeline.runner import PipelineRunner
from tchat_tui.publish.outbox import Outbox
from tchat_tui.publish.x import REPLY_REFUSED, XPublisher
from tchat_tui.sources.base import SourceError
from tchat_tui.sources.resume import StoreCursor
from tchat_tui.sources.x.gaps import SOURCE_NAME, XTiming
from tchat_tui.sources.x.source import XSource
from tchat_tui.store.database import Store
from tests.x.fake_x_server import FakeX, StreamPlan
from tests.x.xfixtures import KEYS

TAG = "PyChat"
FAST = XTiming(
    silence=0.6,
    backoff_base=0.05,
    backoff_cap=0.2,
    poll_start=0.05,
    poll_min=0.05,
    poll_max=0.2,
    rate_limit_min=0.05,
    drain_every=0.02,
    stable_after=60.0,
)
PEOPLE = {"2001": "ada", "2002": "bob_dev", "2003": "chloe_fr"}


@pytest.fixture
def fake() -> Iterator[FakeX]:
    """A fake X with three participants and another app's rule on the account."""
    server = FakeX(keepalive=0.1, page_size=3).start()
    for uid, name in PEOPLE.items():
        server.add_user(uid, name)
    server.rules["1166916266197536000"] = {"value": "#otherchat", "tag": "someone-else"}
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A temporary chat database."""
    db = Store.open(tmp_path / "chat.db")
    yield db
    db.close()


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll until `condition` holds (fails the test after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def x_source(fake: FakeX, store: Store, chat_id: int, **kw: object) -> XSource:
    """The real X source pointed at the fake through TCHAT_X_API_BASE's setting."""
    options: dict[str, object] = {"initial_backfill": timedelta(minutes=5), **kw}
    return XSource(
        TAG,
        {"bearer_token": fake.bearer, "api_base": fake.url},
        cursor=StoreCursor(store, chat_id, SOURCE_NAME),
        timing=FAST,
        **options,  # type: ignore[arg-type]
    )


def pipeline_for(store: Store) -> tuple[Pipeline, int]:
    """A pipeline on a new chat."""
    chat_id = store.ensure_chat(TAG)
    return Pipeline(store, chat_id, Classifier(Roster("hostess", ()), TAG)), chat_id


def stored_ids(store: Store, chat_id: int) -> list[str]:
    """Native ids of every stored post."""
    return [r["native_id"] for r in store.iter_posts(chat_id)]


def test_stream_through_drops_errors_and_silence_stores_every_post_once(
    fake: FakeX, store: Store
) -> None:
    """Drop mid-stream, 503, 429 with reset, a silent stream: every post once, none foreign."""
    fake.stream_plans.extend(
        [
            StreamPlan(drop_after=3),
            StreamPlan(status=503),
            StreamPlan(status=429, headers={"x-rate-limit-reset": str(int(time.time()) + 1)}),
            StreamPlan(silent_after=2),
            StreamPlan(),
        ]
    )
    early = [fake.publish("2001", f"before the console #{TAG} {i}") for i in range(4)]
    pipeline, chat_id = pipeline_for(store)
    runner = PipelineRunner(pipeline)
    meter = CostMeter()
    runner.start(x_source(fake, store, chat_id, meter=meter))
    expected = {t["id"] for t in early}
    authors = list(PEOPLE)
    for i in range(24):
        tweet = fake.publish(authors[i % 3], f"A{i % 5} answer {i} #{TAG}")
        expected.add(tweet["id"])
        if i % 6 == 0:
            fake.publish("2002", f"not ours {i} #otherchat")
        time.sleep(0.08)
    wait_for(lambda: fake.connections >= 5 and set(stored_ids(store, chat_id)) >= expected)
    time.sleep(0.3)
    runner.shutdown(timeout=5)
    ids = stored_ids(store, chat_id)
    assert sorted(ids) == sorted(expected), "every post of the tag, exactly once"
    states = [s.state for s in runner.events]
    assert "backfilling" in states
    assert "reconnecting" in states
    assert any(s.state == "rate-limited" and s.until for s in runner.events)
    assert any("no data for 0.6 s" in s.detail for s in runner.events), "silence is a drop"
    assert states.count("live") >= 2
    assert StoreCursor(store, chat_id, SOURCE_NAME).load() == max(expected, key=int)
    assert list(fake.rules) == ["1166916266197536000"], "our rule removed, theirs kept"
    assert meter.counts() == {"post_read": len(expected), "user_read": len(PEOPLE)}


def test_restart_backfills_what_was_posted_while_closed(fake: FakeX, store: Store) -> None:
    """Stop, post while closed, start again on the same database: the gap arrives, once."""
    pipeline, chat_id = pipeline_for(store)
    runner = PipelineRunner(pipeline)
    runner.start(x_source(fake, store, chat_id))
    first = [fake.publish("2001", f"first run {i} #{TAG}")["id"] for i in range(3)]
    wait_for(lambda: set(stored_ids(store, chat_id)) >= set(first))
    time.sleep(3 * FAST.silence)
    assert fake.connections == 1, "keep-alives keep a quiet stream connected"
    runner.shutdown(timeout=5)
    gap = [fake.publish("2003", f"while closed {i} #{TAG}")["id"] for i in range(5)]
    runner2 = PipelineRunner(Pipeline(store, chat_id, Classifier(Roster("hostess", ()), TAG)))
    runner2.start(x_source(fake, store, chat_id))
    wait_for(lambda: set(stored_ids(store, chat_id)) >= set(first + gap))
    later = fake.publish("2002", f"after restart #{TAG}")["id"]
    wait_for(lambda: later in stored_ids(store, chat_id))
    runner2.shutdown(timeout=5)
    assert sorted(stored_ids(store, chat_id)) == sorted(first + gap + [later])
    searches = [q for m, p, q in fake.requests if p.endswith("/search/recent")]
    assert any("since_id" in q for q in searches)


def test_a_post_published_between_the_catch_up_and_the_stream_is_not_lost(
    fake: FakeX, store: Store
) -> None:
    """The stream is opened before each catch-up search: a post published right after the search's
    last page arrives on it, at the start and after a drop, once."""
    fake.stream_plans.extend([StreamPlan(drop_after=2), StreamPlan()])
    early = [fake.publish("2001", f"before the console #{TAG} {i}")["id"] for i in range(2)]
    fake.in_between.extend([("2002", f"between, first #{TAG}"), ("2003", f"between, again #{TAG}")])
    pipeline, chat_id = pipeline_for(store)
    runner = PipelineRunner(pipeline)
    runner.start(x_source(fake, store, chat_id))
    wait_for(lambda: len(stored_ids(store, chat_id)) == 3 and len(fake.in_between) == 1)
    during = fake.publish("2001", f"during the first stream #{TAG}")["id"]  # its 2nd line: a drop
    wait_for(
        lambda: (
            fake.connections >= 2 and not fake.in_between and len(stored_ids(store, chat_id)) >= 5
        )
    )
    time.sleep(0.3)
    runner.shutdown(timeout=5)
    between = [t["id"] for t in fake.tweets.values() if "between" in t["text"]]
    assert len(between) == 2
    assert sorted(stored_ids(store, chat_id)) == sorted(early + between + [during])


def test_invalid_unicode_from_search_and_stream_is_replaced_and_the_rest_stored(
    fake: FakeX, store: Store
) -> None:
    """A lone surrogate or a NUL in a post (catch-up search or stream line) becomes U+FFFD: the source goes on."""
    early = [
        fake.publish("2001", f"R1 early #{TAG}")["id"],
        fake.publish("2002", f"R1 broken \ud800 nul\x00 #{TAG}")["id"],
    ]
    pipeline, chat_id = pipeline_for(store)
    runner = PipelineRunner(pipeline)
    runner.start(x_source(fake, store, chat_id))
    wait_for(lambda: set(stored_ids(store, chat_id)) >= set(early), timeout=5)
    live = [
        fake.publish("2003", f"R2 lone \udfff #{TAG}")["id"],
        fake.publish("2001", f"R2 after #{TAG}")["id"],
    ]
    wait_for(lambda: set(stored_ids(store, chat_id)) >= set(early + live), timeout=5)
    runner.shutdown(timeout=5)
    texts = {r["native_id"]: r["text"] for r in store.iter_posts(chat_id)}
    assert texts[early[1]] == f"R1 broken \ufffd nul\ufffd #{TAG}"
    assert texts[live[0]] == f"R2 lone \ufffd #{TAG}"


def test_search_polling_when_the_account_has_no_stream(fake: FakeX, store: Store) -> None:
    """mode 'search': Paginator pages through since_id; 429 and 503 are waited out."""
    fake.search_failures.extend(
        [(503, {}), (429, {"x-rate-limit-reset": str(int(time.time()) + 1)})]
    )
    posts = [fake.publish("2001", f"poll {i} #{TAG}")["id"] for i in range(7)]
    pipeline, chat_id = pipeline_for(store)
    runner = PipelineRunner(pipeline)
    runner.start(x_source(fake, store, chat_id, mode="search"))
    wait_for(lambda: set(stored_ids(store, chat_id)) >= set(posts))
    more = [fake.publish("2002", f"poll more {i} #{TAG}")["id"] for i in range(4)]
    wait_for(lambda: set(stored_ids(store, chat_id)) >= set(posts + more))
    runner.shutdown(timeout=5)
    assert sorted(stored_ids(store, chat_id)) == sorted(posts + more)
    pages = [q for m, p, q in fake.requests if p.endswith("/search/recent") and "next_token" in q]
    assert pages, "7 posts at 3 a page need pagination"


def test_wrong_bearer_token_is_one_message_and_no_retry_loop(fake: FakeX, store: Store) -> None:
    """401 from the stream rules: the source fails at once, naming the variable, not the value."""
    pipeline, chat_id = pipeline_for(store)
    src = XSource(
        TAG,
        {"bearer_token": "wrong-token-value", "api_base": fake.url},
        cursor=StoreCursor(store, chat_id, SOURCE_NAME),
        timing=FAST,
    )
    stop = threading.Event()
    with pytest.raises(SourceError) as err:
        src.run(PipelineRunner(pipeline), stop)
    assert "TCHAT_X_BEARER_TOKEN" in str(err.value)
    assert "wrong-token-value" not in str(err.value)
    assert len(fake.requests) == 1


def test_outbox_rows_all_end_sent_or_failed_and_come_back_once(fake: FakeX, store: Store) -> None:
    """Posts, replies, a refused reply, a retweet, a 503 and a timeout, with the stream running."""
    summoning = fake.publish("2001", f"@hostess what do you think? #{TAG}")
    not_summoning = fake.publish("2002", f"my own thought #{TAG}")
    pipeline, chat_id = pipeline_for(store)
    runner = PipelineRunner(pipeline)
    runner.start(x_source(fake, store, chat_id))
    wait_for(lambda: {summoning["id"], not_summoning["id"]} <= set(stored_ids(store, chat_id)))
    publisher = XPublisher({**KEYS, "api_base": fake.url}, meter=CostMeter(), timeout=(2.0, 0.4))
    outbox = Outbox(store, chat_id, {Network.X: publisher}, pipeline, host_handle="hostess")

    def target(tweet: dict[str, str]) -> dict[str, object]:
        return {"network": "x", "native_id": tweet["id"], "key": f"x:{tweet['id']}"}

    fake.post_failures.append((503, {"title": "Service Unavailable", "status": 503}))
    fake.slow_posts.extend([0.0, 0.0, 1.0])  # the third post times out after X created it
    rows = [
        outbox.submit(f"Welcome to #{TAG}!", [Network.X], moderator="m")[0],  # 503 first
        outbox.submit(f"Q1: what do you test? #{TAG}", [Network.X], moderator="m")[0],
        outbox.submit(
            f"@ada Thanks! #{TAG}",
            [Network.X],
            moderator="m",
            kind="reply",
            reply_to=target(summoning),
        )[0],
        outbox.submit(
            f"@bob_dev good one #{TAG}",
            [Network.X],
            moderator="m",
            kind="reply",
            reply_to=target(not_summoning),
        )[0],
        outbox.submit("", [Network.X], moderator="m", kind="repost", reply_to=target(summoning))[0],
        outbox.submit(f"Q2: and what not? #{TAG}", [Network.X], moderator="m")[0],
    ]
    first = {r["id"]: r for r in outbox.process_pending()}
    assert first[rows[0]["id"]]["status"] == "failed" and first[rows[0]["id"]]["retryable"]
    refused = first[rows[3]["id"]]
    assert (refused["status"], refused["error"], refused["reply_refused"]) == (
        "failed",
        REPLY_REFUSED,
        True,
    )
    assert first[rows[5]["id"]]["status"] == "failed", "the timed-out post looks failed"
    for r in (rows[0], rows[5]):
        outbox.retry(r["id"])
    outbox.process_pending()
    final = {r["id"]: r for r in store.outbox(chat_id)}
    assert {r["status"] for r in final.values()} <= {"sent", "failed"}
    assert [final[r["id"]]["status"] for r in rows] == [
        "sent",
        "sent",
        "sent",
        "failed",
        "sent",
        "sent",
    ]
    host_texts = [t["text"] for t in fake.tweets.values() if t["author_id"] == fake.host["id"]]
    assert host_texts.count(f"Q2: and what not? #{TAG}") == 1, "the retry found it: no double"
    remote = {final[r["id"]]["remote_id"] for r in rows if r["kind"] != "repost"} - {None}
    wait_for(lambda: remote <= set(stored_ids(store, chat_id)))
    time.sleep(0.5)  # the stream has sent the host's posts back by now
    runner.shutdown(timeout=5)
    ids = stored_ids(store, chat_id)
    assert len(ids) == len(set(ids)) == 2 + len(remote), "each host post stored once"
    for rid in remote:
        stored = store.post(f"x:{rid}")
        assert stored is not None and stored["outgoing"] == 1, "and marked as the host's"


def test_host_post_seen_on_the_stream_first_is_still_linked_to_its_row(
    fake: FakeX, store: Store
) -> None:
    """X streams the host's post before create_tweet answers (or after a timeout): same row."""
    pipeline, chat_id = pipeline_for(store)
    runner = PipelineRunner(pipeline)
    runner.start(x_source(fake, store, chat_id, initial_backfill=None))
    wait_for(lambda: fake.connections >= 1 and bool(fake._live))
    publisher = XPublisher({**KEYS, "api_base": fake.url}, timeout=(2.0, 5.0))
    outbox = Outbox(store, chat_id, {Network.X: publisher}, pipeline, host_handle="hostess")
    fake.slow_posts.append(0.5)  # the stream gets it well before the answer
    row = outbox.submit(f"Q1: linked? #{TAG}", [Network.X], moderator="m")[0]
    outbox.process_pending()
    runner.shutdown(timeout=5)
    sent = store.outbox_row(row["id"])
    assert sent is not None and sent["status"] == "sent"
    stored = store.post(f"x:{sent['remote_id']}")
    assert stored is not None
    assert (stored["outgoing"], stored["outbox_id"]) == (1, row["id"])


def test_rows_in_flight_at_a_crash_are_found_not_resent(fake: FakeX, store: Store) -> None:
    """A row left 'sending' whose post went out is matched on restart; one never sent is sent."""
    pipeline, chat_id = pipeline_for(store)
    publisher = XPublisher({**KEYS, "api_base": fake.url})
    outbox = Outbox(store, chat_id, {Network.X: publisher}, pipeline, host_handle="hostess")
    went_out = outbox.submit(f"Q3: did this go out? #{TAG}", [Network.X], moderator="m")[0]
    never = outbox.submit(f"Q4: and this? #{TAG}", [Network.X], moderator="m")[0]
    tweet = fake.publish(fake.host["id"], f"Q3: did this go out? #{TAG}")
    for r in (went_out, never):
        store.outbox_update(r["id"], status="sending", attempts=1)
    outbox.recover()
    assert store.outbox_row(went_out["id"])["remote_id"] == tweet["id"]  # type: ignore[index]
    outbox.process_pending()
    assert {r["status"] for r in store.outbox(chat_id)} == {"sent"}
    texts = [t["text"] for t in fake.tweets.values()]
    assert texts.count(f"Q3: did this go out? #{TAG}") == 1
    assert texts.count(f"Q4: and this? #{TAG}") == 1
