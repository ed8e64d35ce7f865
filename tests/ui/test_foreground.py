"""The screen's claim on the interpreter: the pipeline steps aside while the host types."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tchat_tui.clients.x.stream_line import parse_stream_line
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline import foreground as fg
from tchat_tui.pipeline.foreground import Foreground
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.store.database import Store
from tests.factories import stream_line
from tests.ui.conftest import CHAT, settle


def test_no_claim_no_wait() -> None:
    """Without a claim (or once it ran out) stepping aside returns at once."""
    ground = Foreground()
    ground.step_aside()
    ground.touch(0.0)
    ground.step_aside()
    assert ground.waited == 0.0 and not ground.claimed()


def test_a_claim_is_waited_out() -> None:
    """While the screen's claim runs, background work sleeps until it ends."""
    ground = Foreground()
    ground.touch(0.02)
    assert ground.claimed()
    started = time.monotonic()
    ground.step_aside()
    assert time.monotonic() - started >= 0.015
    assert not ground.claimed() and ground.waited > 0


def test_a_claim_renewed_for_ever_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A held key renews the claim again and again: one checkpoint still waits at most
    MAX_WAIT_SECONDS, so ingestion goes on between two waits."""
    monkeypatch.setattr(fg, "MAX_WAIT_SECONDS", 0.03)
    ground = Foreground()
    stop = threading.Event()

    def hold_key() -> None:
        while not stop.is_set():
            ground.touch(0.05)
            time.sleep(0.002)

    typist = threading.Thread(target=hold_key)
    typist.start()
    try:
        time.sleep(0.01)
        started = time.monotonic()
        ground.step_aside()
        took = time.monotonic() - started
    finally:
        stop.set()
        typist.join()
    assert 0.02 <= took < 0.5  # bounded by the cap, not by the endless claim


class CountingGround(Foreground):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def step_aside(self) -> None:
        self.calls += 1
        super().step_aside()


def test_the_pipeline_checks_the_claim_between_posts(tmp_path: Path) -> None:
    """`prepare` looks at the claim every few posts; every post is still stored."""
    store = Store.open(tmp_path / "chat.db")
    ground = CountingGround()
    pipe = Pipeline(
        store, store.ensure_chat("T"), Classifier(Roster(host="hostess"), "T"), foreground=ground
    )
    posts = [
        parse_stream_line(stream_line(str(100 + i), f"A1 post {i} #T", f"u{i}", minute=1))
        for i in range(40)
    ]
    stored = pipe.process([p for p in posts if p is not None])
    assert len(stored) == 40
    assert ground.calls >= 40 // 8
    store.close()


async def test_a_key_claims_the_next_milliseconds(make_app: Any) -> None:
    """A keystroke in the console claims the pipeline's next milliseconds."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, len(CHAT))
        ground = app.session.foreground
        assert not ground.claimed()
        await pilot.press("down")
        assert ground._until > 0
