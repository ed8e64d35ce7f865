"""The post's detail says when an answer's written number was not a posted question yet."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult

from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.widgets.panes import PostDetail


def entry(text: str, answers: int) -> StreamEntry:
    """A participant's post counted as an answer to `answers`."""
    return StreamEntry(
        key="x:1",
        network="x",
        native_id="1",
        author_key="x:9",
        handle="ada",
        name="Ada",
        role="participant",
        text=text,
        raw_text=text,
        created_at=datetime(2026, 11, 26, 18, 40, tzinfo=UTC),
        answers=answers,
    )


class Detail(App[None]):
    def compose(self) -> ComposeResult:
        yield PostDetail()


def shown(app: Detail) -> str:
    detail = app.query_one(PostDetail)
    return "\n".join(
        "".join(seg.text for seg in detail.render_line(y))
        for y in range(detail.content_region.height)
    )


async def test_an_answer_ahead_of_its_question_says_where_it_was_counted() -> None:
    """`A6` counted for Q5 says so; `A5` counted for Q5 says nothing more."""
    app = Detail()
    async with app.run_test(size=(120, 12)) as pilot:
        app.query_one(PostDetail).show(entry("A6 more naps #T", 5), current_question=5)
        await pilot.pause()
        assert "written A6; Q6 not posted yet: counted for Q5" in shown(app)
        app.query_one(PostDetail).show(entry("A5 more naps #T", 5), current_question=5)
        await pilot.pause()
        assert "written" not in shown(app)
