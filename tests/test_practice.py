"""Practice on a recording: the recorded host's and co-moderators' own posts are held back, on
the first run and on a restart; everyone else's are stored; no question opens by itself."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.pipeline.practice import PracticeError, PracticeSource
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.sources.replay import read_posts

NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
HELD = {"claire_morel", "tom_lefevre"}
"""The demo's host and co-moderator: the people a rehearsal stands in for."""


def practice(tmp_path: Path) -> ChatSession:
    """The demo as `tchat-live --demo` plays it: a rehearsal."""
    return ChatSession(
        Settings(
            tag="",
            demo=True,
            practice=True,
            speed=0,
            db_path=tmp_path / "demo.db",
            clock=lambda: NOW,
            zone=UTC,
        )
    )


def play(session: ChatSession) -> None:
    """Play the whole recording as the console does (through its sources)."""
    for source in session.sources:
        source.run(session.runner, threading.Event())


def authors(session: ChatSession) -> set[str]:
    """Who wrote the stored posts."""
    return {r["author_handle"] for r in session.store.iter_posts(session.chat_id)}


def test_the_recorded_host_is_held_back(tmp_path: Path) -> None:
    """Every post but the host's and the co-moderator's is stored; no question is posted."""
    session = practice(tmp_path)
    assert isinstance(session.sources[0], PracticeSource)
    assert session.replay_source is not None
    play(session)
    recorded = list(read_posts(session.replay_source.path))
    kept = [p for p in recorded if p.author_handle not in HELD]
    assert session.store.count_posts(session.chat_id) == len(kept) < len(recorded)
    assert not authors(session) & HELD
    assert {"dr_nhaddad", "meg_cares", "julien_aidant"} <= authors(session)
    assert not any(q["posted_at"] for q in session.store.questions(session.chat_id))
    assert session.classifier.current_question() is None
    ended = [s for s in session.runner.events if s.state == "ended"]
    assert ended and f"{len(recorded) - len(kept)} of the host's held back" in ended[0].detail
    session.shutdown()


def test_a_restart_holds_them_back_again(tmp_path: Path) -> None:
    """Reopened, the rehearsal resumes: nothing stored twice, the host still held back."""
    first = practice(tmp_path)
    play(first)
    stored = first.store.count_posts(first.chat_id)
    first.shutdown()
    second = practice(tmp_path)
    assert second.restored == stored
    play(second)
    assert second.store.count_posts(second.chat_id) == stored
    assert not authors(second) & HELD
    second.shutdown()


def test_without_practice_the_host_is_shown(tmp_path: Path) -> None:
    """A plain replay keeps the recorded host (watching a chat, not rehearsing it)."""
    session = ChatSession(
        Settings(tag="", demo=True, speed=0, db_path=tmp_path / "d.db", clock=lambda: NOW)
    )
    assert session.sources == [session.replay_source]
    play(session)
    assert HELD <= authors(session)
    session.shutdown()


def test_practice_needs_the_recorded_host(tmp_path: Path) -> None:
    """A rehearsal on a recording whose host is unknown is refused in one line."""
    from tchat_tui.pipeline.settings import demo_files

    chat, _ = demo_files()
    with pytest.raises(PracticeError, match="--host HANDLE or --plan"):
        ChatSession(
            Settings(tag="AidantsChat", replay=chat, practice=True, db_path=tmp_path / "d.db"),
            open_now=False,
        )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["T", "--practice"], "--practice goes with --replay FILE"),
        (["AidantsChat", "--replay", "{chat}", "--practice"], "--host HANDLE or --plan"),
    ],
)
def test_practice_refusals_are_one_line(
    args: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--practice without a recording, or without its host: exit 2, one line, nothing else."""
    from tchat_tui.pipeline.settings import demo_files

    chat, _ = demo_files()
    argv = [a.replace("{chat}", str(chat)) for a in args] + ["--db", str(tmp_path / "d.db")]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and said in err and len(err.strip().splitlines()) == 1
