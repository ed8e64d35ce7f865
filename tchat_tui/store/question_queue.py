"""Steering the question queue during the hour: edit, skip, move and add questions.

The questions not posted yet after the last one posted are the queue ("waiting"); its numbers
are slots (Q4, Q5...) with their due times, and steering moves texts between the slots: skipping
Q4 makes Q5's text the new Q4 (the audience never sees a gap in the numbering), adding after Q4
makes a new Q5 and pushes the rest down. Every change is one transaction with its line in the
action log, and marks the chat's queue as steered: a restart keeps it as it is (the plan no
longer rewrites it).
"""

from __future__ import annotations

from datetime import datetime

from tchat_tui.store.connection import Connection
from tchat_tui.store.errors import QueueError
from tchat_tui.store.questions import QuestionTexts, texts_json
from tchat_tui.store.rows import iso, now_iso

_Slot = tuple[str, str | None]
"""A waiting question's (text, texts column)."""


class QuestionQueueTable(Connection):
    """The waiting questions of a chat, as a moderator steers them (table `questions`)."""

    def queue_steered(self, chat_id: int) -> bool:
        """Whether a moderator has steered this chat's queue (the plan no longer rewrites it)."""
        row = self._conn.execute(
            "SELECT 1 FROM queue_steered WHERE chat_id = ?", (chat_id,)
        ).fetchone()
        return row is not None

    def edit_question(
        self, chat_id: int, number: int, texts: QuestionTexts, moderator: str
    ) -> None:
        """Give waiting question `number` a new text (or texts, one per language).

        Raises:
            QueueError: `number` is not waiting (posted, or no such question).
        """
        with self._lock, self.db.atomic():
            first, slots, dues = self._waiting(chat_id)
            i = self._index(first, slots, number)
            slots[i] = texts_json(texts)
            self._rewrite(chat_id, first, slots, dues, moderator)
            self._log(chat_id, moderator, "question edit", f"Q{number}", slots[i][0])

    def skip_question(self, chat_id: int, number: int, moderator: str) -> str:
        """Take waiting question `number` out of the queue (the later ones move up); its text.

        Raises:
            QueueError: `number` is not waiting.
        """
        with self._lock, self.db.atomic():
            first, slots, dues = self._waiting(chat_id)
            i = self._index(first, slots, number)
            text = slots.pop(i)[0]
            self._rewrite(chat_id, first, slots, dues, moderator)
            self._log(chat_id, moderator, "question skip", f"Q{number}", text)
            return text

    def move_question(self, chat_id: int, number: int, by: int, moderator: str) -> int:
        """Move waiting question `number` `by` places (-1 earlier, +1 later); its new number
        (the same at either end of the queue).

        Raises:
            QueueError: `number` is not waiting.
        """
        with self._lock, self.db.atomic():
            first, slots, dues = self._waiting(chat_id)
            i = self._index(first, slots, number)
            j = min(max(i + by, 0), len(slots) - 1)
            if j == i:
                return number
            slots.insert(j, slots.pop(i))
            self._rewrite(chat_id, first, slots, dues, moderator)
            self._log(chat_id, moderator, "question move", f"Q{number}", f"now Q{first + j}")
            return first + j

    def add_question(
        self, chat_id: int, after: int | None, texts: QuestionTexts, moderator: str
    ) -> int:
        """Add a question to the queue after question `after` (None: at the end; never before
        a question already posted); its number."""
        with self._lock, self.db.atomic():
            first, slots, dues = self._waiting(chat_id)
            at = len(slots) if after is None else min(max(after + 1 - first, 0), len(slots))
            slots.insert(at, texts_json(texts))
            self._rewrite(chat_id, first, slots, dues, moderator)
            self._log(chat_id, moderator, "question add", f"Q{first + at}", slots[at][0])
            return first + at

    # -- the waiting slots -------------------------------------------------------------------

    def _waiting(self, chat_id: int) -> tuple[int, list[_Slot], list[str | None]]:
        """(the first waiting number, the waiting texts in order, every slot's due time from
        the first waiting number on)."""
        rows = self._conn.execute(
            "SELECT number, text, texts, due_at, posted_at FROM questions WHERE chat_id = ?"
            " ORDER BY number",
            (chat_id,),
        ).fetchall()
        last_posted = max((r[0] for r in rows if r[4] is not None), default=0)
        waiting = [r for r in rows if r[0] > last_posted]
        first = last_posted + 1
        # Slots are consecutive from `first`: a gap in the numbers (an odd plan) closes up.
        return first, [(r[1] or "", r[2]) for r in waiting], [r[3] for r in waiting]

    @staticmethod
    def _index(first: int, slots: list[_Slot], number: int) -> int:
        i = number - first
        if not 0 <= i < len(slots):
            raise QueueError(f"Q{number} is not waiting in the queue (posted, or no such question)")
        return i

    def _rewrite(
        self,
        chat_id: int,
        first: int,
        slots: list[_Slot],
        dues: list[str | None],
        moderator: str,
    ) -> None:
        """Write the waiting questions back from number `first`: each slot keeps its due time;
        a new last slot is due one gap (the last two slots') after the last one, if known."""
        dues = list(dues)
        while len(dues) < len(slots):
            dues.append(_one_gap_after(dues))
        self._conn.execute(
            "DELETE FROM questions WHERE chat_id = ? AND number >= ? AND posted_at IS NULL",
            (chat_id, first),
        )
        for i, (text, texts) in enumerate(slots):
            self._conn.execute(
                "INSERT INTO questions (chat_id, number, text, texts, source, due_at)"
                " VALUES (?, ?, ?, ?, 'console', ?)",
                (chat_id, first + i, text, texts, dues[i]),
            )
        self._conn.execute(
            "INSERT INTO queue_steered (chat_id, at, moderator) VALUES (?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET at = excluded.at, moderator = excluded.moderator",
            (chat_id, now_iso(), moderator),
        )

    def _log(self, chat_id: int, moderator: str, action: str, target: str, detail: str) -> None:
        self._conn.execute(
            "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (chat_id, now_iso(), moderator, action, target, detail),
        )


def _one_gap_after(dues: list[str | None]) -> str | None:
    """The due time one gap after the last of `dues` (the gap between the last two), or None."""
    known = [datetime.fromisoformat(d) for d in dues if d]
    if len(known) < 2:
        return None
    return iso(known[-1] + (known[-1] - known[-2]))
