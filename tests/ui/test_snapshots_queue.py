"""Snapshots of the question queue being steered: focused, its selected line whole, a question in
two languages, an overdue audience question listed first (80x24 and 120x40)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.test_queue_steering import PLAN
from tests.ui.test_snapshots import ready


@pytest.fixture
def plan_app(make_app: Any, tmp_path: Path) -> Any:
    """A console on the small chat with the steering tests' plan."""
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return make_app(plan_path=path)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
class TestQueue:
    """The queue pane with the focus."""

    def test_long_question_selected(
        self, snap_compare: Any, plan_app: Any, size: tuple[int, int]
    ) -> None:
        """q, then ↓↓: Q3 (a long question) shows whole under the cursor; Q2 says its two
        languages; the audience list starts with the question waiting for 7 minutes."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await ready(pilot)
            await pilot.press("q", "down", "down")
            await pilot.pause(0.1)

        assert snap_compare(plan_app, terminal_size=size, run_before=run_before)
