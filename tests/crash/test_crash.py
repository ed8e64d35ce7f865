"""The crash suite's short form: SIGKILL the console (at random, and 0-60 ms after an accepted
send), a second console and an import on a chat a console holds, and a killed import; after each
restart every accepted send exists exactly once, no posted question is offered again, the
database is intact and no process is left. The long form: `scripts/crash --rounds 100`."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.crash.chat_files import write_stream
from tests.crash.rounds import Crash

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc and SIGKILL")


def test_sends_survive_kills_after_enter_and_at_random_moments(tmp_path: Path) -> None:
    """Killed 0-60 ms after an accepted submit (3 times), while the outbox stores a sent row (3)
    and at random moments (2): every accepted send is sent once with its post, questions are
    not offered again."""
    crash = Crash(tmp_path, random.Random(14), sends=25)
    for when in ("accepted", "storing", "random", "storing", "accepted", "storing", "random"):
        crash.kill_console(when)
    crash.kill_console("accepted")
    assert crash.anomalies == []
    assert crash.accepted  # the rounds did send


def test_a_second_console_and_an_import_are_refused_while_one_runs(tmp_path: Path) -> None:
    """While a console holds the chat, a second console and an import exit 2 with one line
    naming its pid; once it is killed, the chat restarts with every accepted send once."""
    crash = Crash(tmp_path, random.Random(7), sends=25)
    crash.two_consoles()
    assert crash.anomalies == []


def test_a_killed_import_leaves_a_database_that_imports_again_whole(tmp_path: Path) -> None:
    """An import SIGKILLed mid-way leaves an intact database; importing again stores every post
    once."""
    crash = Crash(tmp_path, random.Random(3))
    big = write_stream(tmp_path / "big.jsonl", 6000, seed=5)
    crash.kill_import(big)
    assert crash.anomalies == []
