"""The console's queue says what the stored columns say: on labelled chats replayed with their
plan, the queue's posted questions are the stored question postings and its audience list is
the stored audience questions (issue 13: one judgement everywhere)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tchat_tui.domain.plan.read import load_plan
from tchat_tui.pipeline.settings import Settings
from tchat_tui.ui.app import build_app
from tests.ui.conftest import NOW, opened

CHATS = Path(__file__).resolve().parents[1] / "judgement" / "chats"


@pytest.mark.parametrize("name", ["es-farms", "pt-math"])
async def test_the_queue_shows_the_stored_questions_and_audience_questions(
    name: str, tmp_path: Path
) -> None:
    """Replayed at full speed: once every post is stored, the queue's posted questions (numbers
    and times) and its audience list are those of the `posts` table, post by post."""
    stream, plan_path = CHATS / f"{name}.jsonl", CHATS / f"{name}.plan.toml"
    lines = sum(1 for line in stream.open(encoding="utf-8") if line.strip())
    plan = load_plan(plan_path)
    db = tmp_path / "c.db"
    settings = Settings(
        tag=plan.tag, db_path=db, replay=stream, speed=0, plan_path=plan_path, clock=lambda: NOW
    )
    app = build_app(settings)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await opened(pilot, timeout=20)
        deadline = time.monotonic() + 60
        while True:
            stored = app.session.store.count_posts(app.session.chat_id)
            if stored >= lines and not app.session.runner.fresh:
                break
            assert time.monotonic() < deadline, f"{stored} of {lines} stored"
            await pilot.pause(0.1)
        await pilot.pause(0.5)
        feed: Any = screen.feed
        queue_posted = {q.number for q in feed.questions if q.posted_at is not None}
        queue_audience = {e.key for e in feed.audience}
    con = sqlite3.connect(db)
    asked = {n for (n,) in con.execute("SELECT DISTINCT question_number FROM posts") if n}
    audience = {k for (k,) in con.execute("SELECT key FROM posts WHERE audience_question = 1")}
    con.close()
    assert asked and queue_posted == asked
    assert audience and queue_audience == audience
