"""The pipeline's scorer: the promo tracker fed with each post's place in the chat."""

from __future__ import annotations

from tchat_tui import __version__
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Post, Role
from tchat_tui.domain.promo.authors import AuthorFlag
from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.rules import default_rules
from tchat_tui.domain.promo.signals import PromoResult
from tchat_tui.domain.promo.state import export_state, import_state, rules_fingerprint
from tchat_tui.domain.promo.tracker import PostContext, PromoTracker
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Flag

_NO_FLAG = Flag()


class PromoScorer:
    """Scores every post for self-promotion and remembers it in the author's chat history."""

    def __init__(self, tag: str, rules: PromoRules | None = None, lang: str = "en") -> None:
        self.tag = tag.lstrip("#＃")
        self.tracker = PromoTracker(rules or default_rules())
        self.lang = lang
        """Language of the reasons the moderators read."""
        self._contexts: dict[tuple[Role, bool], PostContext] = {}
        """The contexts of posts without a parent or a question (immutable, so shared)."""
        self.scored = 0
        """Posts scored by this scorer (the pipeline saves its state every so many)."""
        self._fingerprint = ""

    def result(
        self, post: Post, classification: Classification, parent: Post | None, question: str | None
    ) -> PromoResult:
        """Score `post` in its place in the chat and add it to its author's history."""
        is_answer = classification.answers is not None
        if parent is None and question is None:
            ctx = self._contexts.get((classification.role, is_answer))
            if ctx is None:
                ctx = PostContext(self.tag, classification.role, is_answer=is_answer)
                self._contexts[(classification.role, is_answer)] = ctx
        else:
            ctx = PostContext(self.tag, classification.role, parent, question, is_answer)
        tracker = self.tracker
        result = tracker.score(post, ctx)
        tracker.record(post, result)
        self.scored += 1
        return result

    def score(
        self, post: Post, classification: Classification, parent: Post | None, question: str | None
    ) -> Flag:
        """The pipeline's view of `result`: level, score and reasons in the moderators' language."""
        result = self.result(post, classification, parent, question)
        if not result.signals:
            return _NO_FLAG
        return Flag(result.level, round(result.score, 2), tuple(result.reasons(self.lang)))

    def author_flag(self, author_key: str) -> AuthorFlag | None:
        """The author-level flag ("4 of 6 posts promotional ..."), if any."""
        return self.tracker.author_flag(author_key)

    # -- saved with the chat (`Pipeline.save_history`, `Pipeline.restore_history`) -----------
    @property
    def fingerprint(self) -> str:
        """What saved state must have been saved under to be read back: this version of
        tchat-live (the tracker's code), the rules and the chat's tag."""
        if not self._fingerprint:
            rules = rules_fingerprint(self.tracker.rules)
            self._fingerprint = f"{__version__}:{rules}:{self.tag.lower()}"
        return self._fingerprint

    def export_state(self) -> bytes:
        """The tracker's state as bytes (`domain.promo.state`)."""
        return export_state(self.tracker)

    def import_state(self, data: bytes) -> None:
        """Take up the state `export_state` gave; raises `StateError` (then nothing changed)."""
        self.tracker = import_state(self.tracker.rules, data)


def make_scorer(tag: str, roster: Roster) -> PromoScorer:
    """The default scorer for a chat (roles come from each post's classification)."""
    del roster
    return PromoScorer(tag)
