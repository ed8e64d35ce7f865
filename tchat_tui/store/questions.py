"""The questions table: the chat's numbered questions, planned or seen posted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, iso


class QuestionsTable(Connection):
    """The `questions` table (and the question postings among the posts)."""

    def set_planned_questions(
        self, chat_id: int, questions: Sequence[tuple[int, str, datetime | None]]
    ) -> None:
        """Load the plan's questions (number, text, due time); posted state is kept."""
        with self._lock, self.db.atomic():
            for number, text, due in questions:
                self._conn.execute(
                    "INSERT INTO questions (chat_id, number, text, source, due_at)"
                    " VALUES (?, ?, ?, 'plan', ?) ON CONFLICT(chat_id, number) DO UPDATE SET"
                    " text = excluded.text, source = 'plan', due_at = excluded.due_at",
                    (chat_id, number, text, iso(due) if due else None),
                )

    def questions(self, chat_id: int) -> list[Row]:
        """The chat's questions by number."""
        return list(
            self._rows("SELECT * FROM questions WHERE chat_id = ? ORDER BY number", [chat_id])
        )

    def question_postings(self, chat_id: int) -> list[Row]:
        """Every stored posting of a question (number, native id, text, time), in time order."""
        return list(
            self._rows(
                "SELECT question_number, native_id, text, created_at FROM posts"
                " WHERE chat_id = ? AND question_number IS NOT NULL ORDER BY created_at",
                [chat_id],
            )
        )
