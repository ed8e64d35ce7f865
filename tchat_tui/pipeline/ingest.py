"""source -> parse -> classify -> score -> store -> notify, one transaction per batch (no Textual here)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification, Classifier
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Post, Role
from tchat_tui.pipeline.foreground import Foreground
from tchat_tui.store.database import Store
from tchat_tui.store.promo_state import SavedPromoState
from tchat_tui.store.rows import Row, parse_iso, row_to_post

RECENT_POSTS = 5_000
"""How many recent posts the pipeline keeps in memory to find a reply's parent (for the promo
scorer: "the parent asked for a link"). Replies in a chat answer recent posts; 5,000 is minutes
of a busy chat and about 5 MB with their payloads."""


_STEP = 8
"""Posts prepared between two checks of the screen's claim (about 1.5 ms of work)."""

SAVE_EVERY = 5_000
"""Posts scored between two saves of the scorer's state (`save_history`): a restart after a
crash scores at most this many again (about 1.5 s), after a clean shutdown none."""


@dataclass(frozen=True, slots=True)
class Flag:
    """A scorer's verdict on one post."""

    level: str = "none"
    score: float = 0.0
    reasons: tuple[str, ...] = ()


_NO_FLAG = Flag()
"""The verdict on every post when there is no scorer."""


class PostScorer(Protocol):
    """Scores a post in its chat context (the promo tracker, adapted)."""

    def score(
        self, post: Post, classification: Classification, parent: Post | None, question: str | None
    ) -> Flag:
        """Score and remember `post`."""


@runtime_checkable
class SavedScorer(PostScorer, Protocol):
    """A scorer whose state is saved with the chat and read back by a restart (the promo
    scorer), so that a restart scores only the posts stored after the last save."""

    scored: int
    """Posts scored so far."""

    @property
    def fingerprint(self) -> str:
        """What its state depends on: state saved under another fingerprint is not read."""

    def export_state(self) -> bytes:
        """The state, as bytes."""

    def import_state(self, data: bytes) -> None:
        """Take up saved state; a TchatError if it cannot (then the scorer is unchanged)."""


class Pipeline:
    """Turns raw posts into stored chat posts. Thread-safe: one batch at a time."""

    def __init__(
        self,
        store: Store,
        chat_id: int,
        classifier: Classifier,
        scorer: PostScorer | None = None,
        foreground: Foreground | None = None,
    ) -> None:
        self.store = store
        self.foreground = foreground
        """The screen's claim: the pipeline steps aside while the host types (none in imports)."""
        self.chat_id = chat_id
        self.classifier = classifier
        self.scorer = scorer
        self._recent: OrderedDict[str, Post] = OrderedDict()
        self._lock = threading.RLock()
        self._known: set[str] = set()
        """Keys already stored (a post is keyed by network and native id across all chats)."""
        self.stored = 0
        self._saved_at = 0
        """The scorer's `scored` when its state was last saved or restored."""
        self._saving = threading.Lock()
        """One save at a time, so an older state never overwrites a newer one."""

    def restore(self) -> int:
        """Fast part of a restart: which posts are stored and which questions were posted.

        Returns how many posts the chat has. The scorer's history is `restore_history`'s job.
        """
        with self._lock:
            self._known = self.store.all_keys()
            for row in self.store.question_postings(self.chat_id):
                self.classifier.register_question(
                    int(row["question_number"]),
                    str(row["native_id"]),
                    str(row["text"]),
                    parse_iso(str(row["created_at"])),
                )
            return self.store.count_posts(self.chat_id)

    def restore_history(self, scorer: PostScorer | None) -> int:
        """Give the pipeline its scorer, with the chat's history; return the posts scored again.

        A scorer saved with the chat (`save_history`) takes up its saved state and scores only
        the posts stored after it; otherwise every post of the chat is scored again (27 s for
        100,000 posts, so the console runs this in a worker before its sources start). Posts
        are scored again in the order they were stored, which is the order the pipeline scored
        them in: the verdicts on the next posts are those of an uninterrupted run.
        """
        with self._lock:
            replayed = 0
            if scorer is not None:
                after = self._take_saved(scorer) if isinstance(scorer, SavedScorer) else 0
                for row in self.store.posts_after(self.chat_id, after):
                    post, cls = _scored_post(row)
                    scorer.score(post, cls, self.parent_of(post), self._question(cls))
                    self._remember(post)
                    replayed += 1
            self.scorer = scorer
            if isinstance(scorer, SavedScorer):
                self._saved_at = scorer.scored - replayed
                if replayed >= SAVE_EVERY:
                    self.save_history()
            return replayed

    def _take_saved(self, scorer: SavedScorer) -> int:
        """Give `scorer` the chat's saved state and the pipeline the posts a reply may answer
        as they were then; return the rowid the state goes up to (0: none to take up)."""
        saved = self.store.promo_state(self.chat_id)
        if saved is None or saved.fingerprint != scorer.fingerprint:
            return 0  # none, or other rules or another version: every post is scored again
        if self.store.count_posts_upto(self.chat_id, saved.upto) != saved.posts:
            return 0  # not this file's posts any more (a copy, a rebuilt file)
        try:
            scorer.import_state(saved.state)
        except TchatError:
            return 0  # damaged: score every post again rather than flag from wrong state
        for row in self.store.posts_upto(self.chat_id, saved.upto, RECENT_POSTS):
            self._remember(row_to_post(row))
        return saved.upto

    def save_history(self, *, due: bool = False) -> bool:
        """Save the scorer's state with the chat, with the posts it has seen (all those stored:
        each batch is scored and stored under the pipeline's lock); return whether it did.

        `due=True`: only once `SAVE_EVERY` posts were scored since the last save (the session
        asks after each stored batch; it saves at shutdown too).
        """
        scorer = self.scorer
        if not isinstance(scorer, SavedScorer):
            return False
        if due and scorer.scored - self._saved_at < SAVE_EVERY:
            return False
        if self.foreground is not None:
            self.foreground.step_aside()
        with self._saving:
            with self._lock:
                upto = self.store.last_post_rowid()
                posts = self.store.count_posts_upto(self.chat_id, upto)
                data = scorer.export_state()
                self._saved_at = scorer.scored
            # Written outside the pipeline's lock: the next batch need not wait for the disk.
            self.store.save_promo_state(
                self.chat_id, SavedPromoState(scorer.fingerprint, upto, posts, data)
            )
        return True

    def parent_of(self, post: Post) -> Post | None:
        """The post this one replies to, if it is among the recent ones."""
        return self._recent.get(post.reply_to_id) if post.reply_to_id else None

    def _question(self, cls: Classification) -> str | None:
        return self.classifier.question_text(cls.answers) if cls.answers is not None else None

    def _remember(self, post: Post) -> None:
        self._recent[post.native_id] = post
        if len(self._recent) > RECENT_POSTS:
            self._recent.popitem(last=False)

    def prepare(
        self,
        posts: Sequence[Post],
        *,
        outgoing: dict[str, tuple[int, bool]] | None = None,
        match_outbox: bool = True,
        unscored: list[str | None] | None = None,
    ) -> list[ChatPost]:
        """Classify and score the posts not seen before, and count them as stored.

        The caller must then hand the result to `store.add_posts(..., checked=True)`; `process`
        does both. Split so a bulk import can store one batch while it prepares the next.
        `outgoing` maps a post key to (outbox id, dry_run) for the console's own posts;
        `match_outbox=False` skips looking for them in the outbox (a caller that knows no sent
        post is waiting there, such as an import that checked once before it started).
        `unscored`: leave the posts unflagged and append to this list, for each post returned,
        the text of the question it answers as the scorer would have read it then; the caller
        scores them elsewhere, in the same order (`import` does, in a second process).
        """
        if not posts:
            return []
        with self._lock:
            known = self._known
            unique: dict[str, Post] = {}
            for p in posts:
                key = p.key
                if key not in known and key not in unique:
                    unique[key] = p
            matched = self.store.outbox_matches(list(unique.values())) if match_outbox else {}
            mine = {**matched, **(outgoing or {})}  # the console's own: `outgoing` wins
            classify = self.classifier.classify
            scorer = self.scorer if unscored is None else None
            items: list[ChatPost] = []
            step_aside = self.foreground.step_aside if self.foreground is not None else None
            for i, (key, post) in enumerate(unique.items()):
                if step_aside is not None and not i % _STEP:
                    step_aside()
                cls = classify(post)
                flag = _NO_FLAG
                if unscored is not None:
                    unscored.append(self._question(cls))
                elif scorer is not None:
                    flag = scorer.score(post, cls, self.parent_of(post), self._question(cls))
                    self._remember(post)
                out = mine.get(key) if mine else None
                if out is None:
                    items.append(
                        ChatPost(post, cls, flag.level, flag.score, flag.reasons, False, False)
                    )
                else:
                    items.append(
                        ChatPost(
                            post,
                            cls,
                            flag.level,
                            flag.score,
                            flag.reasons,
                            True,
                            bool(out[1]),
                            out[0],
                        )
                    )
            known.update(unique)
            self.stored += len(items)
            return items

    def process(
        self, posts: Sequence[Post], *, outgoing: dict[str, tuple[int, bool]] | None = None
    ) -> list[ChatPost]:
        """Classify, score and store a batch in one transaction; return the posts that were new."""
        with self._lock:
            items = self.prepare(posts, outgoing=outgoing)
            return self.store.add_posts(self.chat_id, items, checked=True)

    def store_sent(
        self, post: Post | None, outbox_id: int, dry_run: bool, settle: Callable[[], None]
    ) -> list[ChatPost]:
        """Store the console's own sent post (if any) and run `settle`, the outbox row's change
        to sent, in one transaction: a crash leaves both or neither. Returns the post if new."""
        with self._lock:
            items = self.prepare([post], outgoing={post.key: (outbox_id, dry_run)}) if post else []
            try:
                with self.store.transaction():
                    fresh = self.store.add_posts(self.chat_id, items, checked=True)
                    settle()
            except BaseException:
                # Not stored after all: the next attempt must store it, not skip it as known.
                self._known.difference_update(cp.post.key for cp in items)
                self.stored -= len(items)
                raise
            return fresh


def _scored_post(row: Row) -> tuple[Post, Classification]:
    """A stored post and its classification, as the scorer saw them."""
    cls = Classification(
        role=Role(row["role"]),
        question_number=row["question_number"],
        answers=row["answers"],
        audience_question=bool(row["audience_question"]),
    )
    return row_to_post(row), cls
