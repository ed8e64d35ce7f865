"""Snapshots of the question queue being steered: focused, its selected line whole, a question in
two languages, an overdue audience question listed first (80x24 and 120x40)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.test_queue_steering import planned  # noqa: F401  (the fixture)
from tests.ui.test_snapshots import ready


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
class TestQueue:
    """The queue pane with the focus."""

    def test_long_question_selected(
        self, snap_compare: Any, planned: Any, size: tuple[int, int]  # noqa: F811
    ) -> None:
        """q, then ↓↓: Q3 (a long question) shows whole under the cursor; Q2 says its two
        languages; the audience list starts with the question waiting for 7 minutes."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await ready(pilot)
            await pilot.press("q", "down", "down")
            await pilot.pause(0.1)

        assert snap_compare(planned(), terminal_size=size, run_before=run_before)
