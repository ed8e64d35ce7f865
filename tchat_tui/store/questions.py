"""The questions table: the chat's numbered questions, planned or seen posted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, iso

QuestionTexts = str | Sequence[tuple[str, str]]
"""A question's text, or its texts one per language: (language, text) pairs, the first shown."""


def texts_json(texts: QuestionTexts) -> tuple[str, str | None]:
    """(the text shown, the `texts` column: JSON pairs for several languages, else None)."""
    if isinstance(texts, str):
        return texts, None
    pairs = [[lang, text] for lang, text in texts]
    return pairs[0][1], (json.dumps(pairs, ensure_ascii=False) if len(pairs) > 1 else None)


class QuestionsTable(Connection):
    """The `questions` table (and the question postings among the posts)."""

    def set_planned_questions(
        self, chat_id: int, questions: Sequence[tuple[int, QuestionTexts, datetime | None]]
    ) -> None:
        """Load the plan's questions (number, text or texts by language, due time); posted state
        is kept. Once a moderator has steered the queue (`QuestionQueueTable`), the queue as
        steered is kept: the plan no longer rewrites it."""
        with self._lock, self.db.atomic():
            steered = self._conn.execute(
                "SELECT 1 FROM queue_steered WHERE chat_id = ?", (chat_id,)
            ).fetchone()
            if steered:
                return
            for number, texts, due in questions:
                text, several = texts_json(texts)
                self._conn.execute(
                    "INSERT INTO questions (chat_id, number, text, texts, source, due_at)"
                    " VALUES (?, ?, ?, ?, 'plan', ?) ON CONFLICT(chat_id, number) DO UPDATE SET"
                    " text = excluded.text, texts = excluded.texts, source = 'plan',"
                    " due_at = excluded.due_at",
                    (chat_id, number, text, several, iso(due) if due else None),
                )

    def questions(self, chat_id: int) -> list[Row]:
        """The chat's questions by number."""
        return list(
            self._rows("SELECT * FROM questions WHERE chat_id = ? ORDER BY number", [chat_id])
        )

    def question_texts(self, chat_id: int) -> list[list[str]]:
        """Every question's texts, one per language, by number from 1 (what the classifier
        matches a host's unlabelled posting against); a number with no row has none."""
        rows = self._conn.execute(
            "SELECT number, text, texts FROM questions WHERE chat_id = ? ORDER BY number",
            (chat_id,),
        ).fetchall()
        out: list[list[str]] = [[] for _ in range(max((r[0] for r in rows), default=0))]
        for number, text, texts in rows:
            out[number - 1] = [t for _, t in json.loads(texts)] if texts else [text or ""]
        return out

    def question_postings(self, chat_id: int) -> list[Row]:
        """Every stored posting of a question (number, native id, text, time), in time order."""
        return list(
            self._rows(
                "SELECT question_number, native_id, text, created_at FROM posts"
                " WHERE chat_id = ? AND question_number IS NOT NULL ORDER BY created_at",
                [chat_id],
            )
        )
