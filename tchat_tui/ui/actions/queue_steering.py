"""Steering the question queue during the hour: the next question (every language, asked first
when it is early), a queue line in full, and editing, skipping, moving and adding questions.

The queue's changes go to the store (`QuestionQueueTable`: one transaction each, with its line
in the action log) as the moderator on duty; the classifier learns the new texts at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from rich.text import Text

from tchat_tui.domain.labels import planned_question, question_label, question_words
from tchat_tui.domain.text.own_words import own_words
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.store.errors import QueueError
from tchat_tui.ui.actions.moderation import Moderation
from tchat_tui.ui.actions.view import ConsoleView
from tchat_tui.ui.focus import focus_now
from tchat_tui.ui.inbox import Inbox
from tchat_tui.ui.pacing import DEFAULT_GAP, QuestionState, next_question, span
from tchat_tui.ui.safe import multi_line, one_line
from tchat_tui.ui.stream_entry import StreamEntry, local_time
from tchat_tui.ui.widgets.queue import QuestionQueue

_T = TypeVar("_T")

EARLY_SHARE = 0.5
"""The next question is early while the current one has been open for less than this share of
its slot (the time from its due time to the next's, else `DEFAULT_GAP`): `n` asks first."""


class QueueSteering:
    """The queue's actions, on the line the queue pane has selected, as the moderator on duty."""

    def __init__(
        self, session: ChatSession, feed: Inbox, view: ConsoleView, moderation: Moderation
    ) -> None:
        self.session = session
        self.feed = feed
        """Its questions (the queue as stored) and audience questions."""
        self.view = view
        self.moderation = moderation
        """Claims and answers for the queue's audience questions."""

    def pane(self) -> QuestionQueue:
        """The queue pane (its selected line)."""
        return self.view.stream.screen.query_one(QuestionQueue)

    @property
    def _chat(self) -> int:
        return self.session.chat_id

    # -- the next question -------------------------------------------------------------------

    def next_question(self) -> None:
        """Put the next question, `Qn: ... #tag`, in the composer: the current question's next
        language if it has one not posted yet, else the next question (asked first when the
        current one has been open for less than half its slot)."""
        other = self._language_not_posted()
        if other is not None:
            number, text, left = other
            self._start(number, text)
            self.view.notify(f"Q{number} in its next language ({left} not posted yet).", timeout=4)
            return
        nxt = next_question(self.feed.questions, DEFAULT_GAP)
        if nxt is None:
            self.view.notify("No prepared question left.", severity="warning")
            return
        number = nxt[0]
        why = self.early_reason(number, self.session.clock.now())
        if why is None:
            self._start_question(number)
            return
        from tchat_tui.ui.modals.early_question import EarlyQuestion

        def decided(post: bool | None) -> None:
            if post:
                self._start_question(number)

        self.view.push_screen(EarlyQuestion(number, why), decided)

    def early_reason(self, number: int, now: datetime) -> str | None:
        """Why posting question `number` now is early ('Q3 has been open 0:59 of its 7:00
        slot...'), or None when it is not."""
        by_number = {q.number: q for q in self.feed.questions}
        current = by_number.get(self.feed.current_question or 0)
        if current is None or current.posted_at is None:
            return None
        slot = DEFAULT_GAP
        nxt = by_number.get(number)
        if current.due_at and nxt and nxt.due_at and nxt.due_at > current.due_at:
            slot = nxt.due_at - current.due_at
        open_for = now - current.posted_at
        if open_for >= slot * EARLY_SHARE:
            return None
        due = ""
        if nxt and nxt.due_at and nxt.due_at > now:
            due = f" Q{number} is due in {span(nxt.due_at - now)}."
        return (
            f"Q{current.number} has been open {span(open_for)} of its {span(slot)} slot:"
            f" the audience is still answering it.{due}"
        )

    def _start_question(self, number: int) -> None:
        q = next((q for q in self.feed.questions if q.number == number), None)
        versions = (q.versions or (("", q.text),)) if q else ()
        if not versions or not versions[0][1]:
            self.view.notify(f"Q{number} is not in the plan: write it after the prefix.")
            self.view.composer.start(f"Q{number}: ")
            return
        self._start(number, versions[0][1])
        if len(versions) > 1:
            langs = ", ".join(lang or str(i) for i, (lang, _) in enumerate(versions, 1))
            self.view.notify(
                f"Q{number} is in {len(versions)} languages ({langs}): send this one, then n"
                " for the next.",
                timeout=6,
            )

    def _start(self, number: int, text: str) -> None:
        tag = f" #{self.session.tag}" if self.session.tag else ""
        self.view.composer.start(f"Q{number}: {text}{tag}")

    def _language_not_posted(self) -> tuple[int, str, int] | None:
        """(number, text, how many left) of the current question's first language not posted
        nor queued yet, when it has several; else None."""
        number = self.feed.current_question
        q = next((q for q in self.feed.questions if q.number == number), None)
        if q is None or len(q.versions) < 2:
            return None
        store = self.session.store
        said = [
            r["text"] for r in store.question_postings(self._chat) if r["question_number"] == number
        ]
        said += [
            str(r["text"])
            for r in store.outbox(self._chat, ("pending", "sending"))
            if _label_of(str(r["text"]), self.session.tag) == number
        ]
        wanted = [(question_words(text), text) for _, text in q.versions]
        posted: set[int] = set()
        for text in said:
            words = own_words(text)
            found = next(
                (i for i, (_, t) in enumerate(wanted) if t.casefold() in words.casefold()), None
            )
            if found is None:
                match = planned_question(words, [w for w, _ in wanted])
                found = None if match is None else match - 1
            if found is not None:
                posted.add(found)
        left = [t for i, (_, t) in enumerate(wanted) if i not in posted]
        return (q.number, left[0], len(left)) if left else None

    # -- the queue's lines -------------------------------------------------------------------

    def focus_queue(self) -> None:
        """Give the queue the keyboard at once (the keys after `q` in a burst move its cursor)."""
        focus_now(self.pane())

    def leave_queue(self) -> None:
        """Back to the stream at once."""
        focus_now(self.view.stream)

    def queue_view(self) -> None:
        """Show the selected line whole: a question in every language, or an audience question."""
        from tchat_tui.ui.modals.whole_text import WholeText

        item = self.pane().selected
        if isinstance(item, QuestionState):
            body = Text()
            for lang, text in item.versions or (("", item.text),):
                if lang:
                    body.append(f"{one_line(lang)}: ", "bold cyan")
                body.append(multi_line(text) + "\n")
            state = (
                f"posted at {local_time(item.posted_at)}"
                if item.posted_at
                else (f"due at {local_time(item.due_at)}" if item.due_at else "not posted yet")
            )
            hint = "" if item.posted_at else "In the queue: e edits, x skips, K/J move, a adds."
            self.view.push_screen(WholeText(f"Q{item.number} · {state}", body, hint))
        elif isinstance(item, StreamEntry):
            self.view.push_screen(WholeText(*_audience_text(item, self.session.clock.now())))
        else:
            self.view.notify("The queue is empty.", severity="warning")

    def queue_claim(self) -> None:
        """Claim the selected audience question for the moderator on duty."""
        entry = self._audience()
        if entry is not None:
            self.moderation.claim(entry)

    def queue_answered(self) -> None:
        """Mark the selected audience question answered."""
        entry = self._audience()
        if entry is not None:
            self.moderation.answered(entry)

    def _audience(self) -> StreamEntry | None:
        item = self.pane().selected
        if not isinstance(item, StreamEntry):
            self.view.notify("Select an audience question in the queue.", severity="warning")
            return None
        return item

    def _waiting(self) -> QuestionState | None:
        """The selected question if it is still waiting (else a word and None)."""
        item = self.pane().selected
        if not isinstance(item, QuestionState):
            self.view.notify("Select a prepared question in the queue.", severity="warning")
            return None
        if item.posted_at is not None:
            self.view.notify(f"Q{item.number} is posted already.", severity="warning")
            return None
        return item

    def queue_edit(self) -> None:
        """Edit the selected waiting question (each of its languages)."""
        from tchat_tui.ui.modals.texts_form import TextsForm

        q = self._waiting()
        if q is None:
            return
        versions = list(q.versions or (("", q.text),))
        fields = [(f"Q{q.number} {lang}".strip(), text) for lang, text in versions]

        def done(texts: list[str] | None) -> None:
            if texts:
                pairs = [(lang, t) for (lang, _), t in zip(versions, texts, strict=True)]
                self._steer(
                    lambda who: self.session.store.edit_question(self._chat, q.number, pairs, who)
                )
                self.view.notify(f"Q{q.number} edited.", timeout=3)

        self.view.push_screen(TextsForm(f"Edit Q{q.number}", fields), done)

    def queue_skip(self) -> None:
        """Take the selected waiting question out of the queue (the later ones move up)."""
        q = self._waiting()
        if q is None:
            return
        text = self._steer(lambda who: self.session.store.skip_question(self._chat, q.number, who))
        if text is not None:
            self.view.notify(
                f"Skipped Q{q.number}: {one_line(text)[:80]} (the later questions move up; its"
                " text is in the action log)",
                markup=False,
            )

    def queue_earlier(self) -> None:
        """Move the selected waiting question one place earlier."""
        self._move(-1)

    def queue_later(self) -> None:
        """Move the selected waiting question one place later."""
        self._move(1)

    def _move(self, by: int) -> None:
        q = self._waiting()
        if q is None:
            return
        now = self._steer(
            lambda who: self.session.store.move_question(self._chat, q.number, by, who)
        )
        if now is not None and now != q.number:
            self.pane().select_question(now)
            self.view.notify(f"Q{q.number} is now Q{now}.", timeout=3)

    def queue_add(self) -> None:
        """Add a question after the selected one (or at the end), in the plan's languages."""
        from tchat_tui.ui.modals.texts_form import TextsForm

        item = self.pane().selected
        after = item.number if isinstance(item, QuestionState) else None
        langs = next(
            (tuple(lang for lang, _ in q.versions) for q in self.feed.questions if q.versions),
            ("",),
        )
        fields = [(f"New question {lang}".strip(), "") for lang in langs]
        where = f"after Q{after}" if after is not None else "at the end"

        def done(texts: list[str] | None) -> None:
            if texts:
                pairs = list(zip(langs, texts, strict=True))
                number = self._steer(
                    lambda who: self.session.store.add_question(self._chat, after, pairs, who)
                )
                if number is not None:
                    self.pane().select_question(number)
                    self.view.notify(f"Added as Q{number}.", timeout=3)

        self.view.push_screen(TextsForm(f"Add a question {where}", fields), done)

    def _steer(self, change: Callable[[str], _T]) -> _T | None:
        """Run one change of the queue as the moderator on duty; show the queue as stored."""
        try:
            out = change(self.session.on_duty)
        except QueueError as exc:
            self.view.notify(str(exc), severity="warning", markup=False)
            return None
        self.feed.reload_questions()
        if self.session.plan is not None:
            self.session.classifier.set_planned(self.session.store.question_texts(self._chat))
        self.view.refresh_panes()
        return out


def _label_of(text: str, tag: str) -> int | None:
    found = question_label(own_words(text), tag)
    return found[0] if found else None


def _audience_text(entry: StreamEntry, now: datetime) -> tuple[str, Text, str]:
    """An audience question's title, whole text and state, for `WholeText`."""
    waited = now - entry.created_at
    state = "answered" if entry.answered else f"open for {span(max(waited, timedelta(0)))}"
    if entry.claimed_by:
        state += f", claimed by {one_line(entry.claimed_by)}"
    title = f"@{one_line(entry.handle)} at {local_time(entry.created_at)} · {state}"
    hint = "In the stream: c claims it, d marks it answered, r replies."
    return title, Text(multi_line(entry.raw_text)), hint
