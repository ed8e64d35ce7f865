"""A console session over the bundled demo: roles, questions, resume, and the cost estimate."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tchat_tui.domain.post import Network
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings

NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)


def demo(tmp_path: Path) -> ChatSession:
    return ChatSession(
        Settings(tag="", demo=True, speed=0, db_path=tmp_path / "demo.db", clock=lambda: NOW)
    )


def play(session: ChatSession) -> None:
    assert session.replay_source is not None
    session.replay_source.run(session.runner, threading.Event())


def test_demo_plays_through_the_pipeline(tmp_path: Path) -> None:
    """The demo's host, guests and eight questions are recognised; every post is stored once."""
    session = demo(tmp_path)
    assert session.tag == "AidantsChat" and session.roster.host == "claire_morel"
    play(session)
    stored = session.store.count_posts(session.chat_id)
    assert stored == len(session.runner.fresh) >= 400
    assert [q["number"] for q in session.store.questions(session.chat_id)] == list(range(1, 9))
    assert all(q["posted_at"] for q in session.store.questions(session.chat_id))
    assert session.classifier.current_question() == 8
    assert session.publishers[Network.X].dry_run


def test_restart_resumes_the_same_chat(tmp_path: Path) -> None:
    """Close and reopen the demo on the same database: same chat, same questions, no doubles."""
    first = demo(tmp_path)
    play(first)
    count = first.store.count_posts(first.chat_id)
    first.shutdown()
    second = demo(tmp_path)
    assert second.restored == count
    assert second.classifier.current_question() == 8
    play(second)
    assert len(second.runner.fresh) == 0
    assert second.store.count_posts(second.chat_id) == count


def test_replay_estimates_what_reading_it_on_x_costs(tmp_path: Path) -> None:
    """Each replayed post is one post read and its author a user read (once a day)."""
    session = demo(tmp_path)
    play(session)
    session.outbox.submit("Merci à tous ! #AidantsChat", [Network.X], moderator="m")
    session.outbox.process_pending()
    totals = session.cost_meter.totals()
    posts = session.store.count_posts(session.chat_id) - 1
    assert totals["post_read"][0] == posts
    assert 40 <= totals["user_read"][0] <= 60
    assert totals["post_created"][0] == 1
    session.shutdown()
    later = NOW + timedelta(days=2)  # reopened two days later: the wall clock is not the chat's
    reopened = ChatSession(
        Settings(tag="", demo=True, speed=0, db_path=tmp_path / "demo.db", clock=lambda: later)
    )
    assert reopened.cost_meter.totals() == totals
    # The header's hourly figure counts them at the chat's time (it read $0.00/h after a restart).
    assert reopened.cost_meter.header_text(reopened.clock.now()) != "$0.00/h est."


def test_warm_up_rebuilds_the_promo_history_after_a_restart(tmp_path: Path) -> None:
    """Authors flagged before a restart are still flagged after it (history replayed)."""
    first = demo(tmp_path)
    first.warm_up()
    play(first)
    spammer = first.store.db.execute(
        "SELECT author_key FROM posts WHERE author_handle = 'gain_facile_24' LIMIT 1"
    ).fetchone()[0]
    assert first.scorer is not None and first.scorer.author_flag(spammer) is not None  # type: ignore[attr-defined]
    first.shutdown()
    second = demo(tmp_path)
    assert second.scorer is None  # built in a worker, not before the screen paints
    second.warm_up()
    assert second.scorer is not None and second.scorer.author_flag(spammer) is not None  # type: ignore[attr-defined]


def test_a_chat_reopened_without_its_plan_knows_its_people(tmp_path: Path) -> None:
    """Host, guests and co-moderators come back from how the chat's posts were classified; a
    role given on the command line still wins."""
    first = demo(tmp_path)
    play(first)
    roster = first.roster
    first.shutdown()
    bare = ChatSession(
        Settings(tag="AidantsChat", db_path=tmp_path / "demo.db", dry_run=True, clock=lambda: NOW)
    )
    assert bare.roster.host == roster.host == "claire_morel"
    assert set(bare.roster.guests) == set(roster.guests)
    assert set(bare.roster.co_moderators) == set(roster.co_moderators)
    assert bare.classifier.roster.role_of("dr_nhaddad").value == "guest"
    bare.shutdown()
    given = ChatSession(
        Settings(
            tag="AidantsChat",
            db_path=tmp_path / "demo.db",
            dry_run=True,
            host="tom_lefevre",
            clock=lambda: NOW,
        )
    )
    assert given.roster.host == "tom_lefevre"
    assert "claire_morel" not in given.roster.guests
    assert "tom_lefevre" not in given.roster.co_moderators
    given.shutdown()


def test_the_moderator_on_duty_is_kept_across_a_restart(tmp_path: Path) -> None:
    """bob had the keyboard when the console stopped: he has it again, if still listed."""

    def session(*moderators: str) -> ChatSession:
        return ChatSession(
            Settings(
                tag="T",
                db_path=tmp_path / "t.db",
                dry_run=True,
                moderators=moderators,
                clock=lambda: NOW,
            )
        )

    first = session("alice", "bob")
    assert first.on_duty == "alice"
    assert first.switch_duty() == "bob"
    first.shutdown()
    again = session("alice", "bob")
    assert again.on_duty == "bob"
    again.shutdown()
    without_bob = session("alice", "carol")
    assert without_bob.on_duty == "alice"
    without_bob.shutdown()


def test_the_replay_clock_runs_at_real_time_once_the_recording_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 30x, a minute of real time is half an hour of chat; after the last post, a minute."""
    from tchat_tui.pipeline import chat_clock as session_module
    from tchat_tui.pipeline.chat_clock import ChatClock

    mono = [100.0]
    wall = [NOW + timedelta(days=1)]
    monkeypatch.setattr(session_module.time, "monotonic", lambda: mono[0])
    clock = ChatClock(lambda: wall[0], speed=30)
    clock.observe(NOW)
    mono[0] += 60
    wall[0] += timedelta(minutes=1)
    assert clock.now() == NOW + timedelta(minutes=30)
    clock.observe(NOW + timedelta(minutes=30))
    clock.settle()
    mono[0] += 60
    wall[0] += timedelta(minutes=1)
    assert clock.now() == NOW + timedelta(minutes=31)


def test_the_console_settles_the_clock_when_the_replay_ends(tmp_path: Path) -> None:
    """`start` hands the replay's end to the clock."""
    import time

    session = demo(tmp_path)
    session.start()
    deadline = time.monotonic() + 60
    while session.clock.speed != 1.0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session.clock.speed == 1.0
    session.shutdown()
