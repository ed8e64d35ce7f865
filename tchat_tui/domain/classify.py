"""Who is speaking and what a post is in the chat: question `Qn`, answer `An`/`Rn`, audience question."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tchat_tui.domain.announcements import announced_by, named_handles
from tchat_tui.domain.asked_often import AskedOften, addressee
from tchat_tui.domain.labels import (
    after_preamble,
    answer_label,
    is_reaction,
    loose_question_label,
    planned_question,
    question_label,
    question_words,
)
from tchat_tui.domain.post import Post, Role
from tchat_tui.domain.roster import Roster
from tchat_tui.domain.text.own_words import own_words

_TEAM = (Role.HOST, Role.COMODERATOR)
_NO_LANG = frozenset({"und", "zxx", "qme", "qht"})
"""X's language codes for 'undetermined', 'no text', 'media only', 'hashtags only'."""
TRANSLATED_WITHIN = timedelta(minutes=3)
"""How soon after a question its unlabelled version in another language follows."""
_TRAILING_TAGS = re.compile(r"(?:\s*[#＃]\w+)+\s*$")
_URL = re.compile(r"https?://\S+")
_ASKED_OF = re.compile(
    r"\b(?:question (?:for|to|pour)|une question|a question|q pour|q for)\b", re.IGNORECASE
)

_ANSWERS_KEPT = 5_000
"""Recent answers remembered so that a thread's next post continues its answer."""
_PENDING_AUTHORS = 1_000
"""Authors whose announcements are kept while no host is known (bounded memory)."""


def _opens(post: Post) -> bool:
    """A post of its own, not an answer to someone: a top-level post, or one in its author's own
    thread (a host posting each question as a reply to her welcome post)."""
    return not post.reply_to_id or (
        post.reply_to_author_id is not None and post.reply_to_author_id == post.author_id
    )


def _norm(handle: str | None) -> str:
    return (handle or "").lstrip("@＠").casefold()


@dataclass(frozen=True, slots=True)
class Classification:
    """What the classifier decided about one post."""

    role: Role
    question_number: int | None = None
    """This post is (one posting of) question n."""
    answers: int | None = None
    """This post answers question n."""
    audience_question: bool = False
    """A participant's question to the host or a guest."""


_VERDICTS: dict[tuple[Role, int | None, bool], Classification] = {}


def _verdict(role: Role, answers: int | None, audience: bool) -> Classification:
    """A shared Classification for a verdict that is not a question (they are immutable)."""
    key = (role, answers, audience)
    found = _VERDICTS.get(key)
    if found is None:
        found = _VERDICTS[key] = Classification(
            role=role, answers=answers, audience_question=audience
        )
    return found


@dataclass(slots=True)
class Question:
    """A chat question as posted (possibly several times, one per language)."""

    number: int
    text: str
    post_ids: list[str] = field(default_factory=list)
    posted_at: datetime | None = None
    langs: set[str] = field(default_factory=set)
    """The languages the network gave its postings."""
    last_at: datetime | None = None
    """When it was last posted."""


def question_body(text: str, tag: str = "") -> str:
    """The question's words: no leading mentions, `Qn:` label or trailing hashtags."""
    words = own_words(text)
    found = question_label(words, tag)
    body = found[1] if found else words
    return _TRAILING_TAGS.sub("", body).strip()


class Classifier:
    """Classifies posts in arrival order, remembering the questions it has seen.

    With no host in the roster, the first author who posts a question (`Q1: ...?`, any form
    `domain.labels` reads) outside a reply becomes the host.
    """

    def __init__(
        self, roster: Roster, tag: str | None = None, planned: Sequence[str | Sequence[str]] = ()
    ) -> None:
        self.roster = roster
        self.set_planned(planned)
        self._learn_guests = not roster.guests
        self._learn_comods = not roster.co_moderators
        self._guests_announced = False
        """A guest keyword was seen ("our guests: @a"): @-names alone no longer make guests."""
        self._asked_often = AskedOften()
        """Whom the audience keeps asking: the guests when nobody named them."""
        self._learned_guests: set[str] = set()
        """Guests learned from the host team's posts (folded), not given by the roster."""
        self._pending: dict[str, tuple[list[str], list[str]]] = {}
        """While no host is known: the people each author's top-level posts announced."""
        self.tag = (tag or "").lstrip("#＃")
        self.questions: dict[int, Question] = {}
        self._question_of_post: dict[str, int] = {}
        self._speaker_post_ids: set[str] = set()
        self._answer_of_post: OrderedDict[str, tuple[str, int]] = OrderedDict()
        """Recent answers: post id -> (author, question), so a thread continues its answer."""
        self._ahead: dict[int, set[str]] = {}
        """Authors who answered a question not seen yet (question number -> author ids)."""

    def set_planned(self, planned: Sequence[str | Sequence[str]]) -> None:
        """The planned questions (1, 2, ...; one in several languages is a list of texts): a host's
        post carrying one's words is its posting. A steered queue's edits come here (one
        assignment: safe while the pipeline thread classifies)."""
        self._planned = [
            tuple(question_words(t) for t in ([q] if isinstance(q, str) else q)) for q in planned
        ]

    def register_question(
        self,
        number: int,
        post_id: str,
        text: str,
        posted_at: datetime | None,
        lang: str | None = None,
    ) -> None:
        """Remember a posting of question `number` (also used to restore state from the store)."""
        q = self.questions.get(number)
        if q is None:
            q = self.questions[number] = Question(
                number, question_body(text, self.tag), [], posted_at
            )
        if post_id not in q.post_ids:
            q.post_ids.append(post_id)
        if posted_at and (q.posted_at is None or posted_at < q.posted_at):
            q.posted_at = posted_at
        if posted_at and (q.last_at is None or posted_at > q.last_at):
            q.last_at = posted_at
        if lang and lang not in _NO_LANG:
            q.langs.add(lang)
        self._question_of_post[post_id] = number

    def question_text(self, number: int) -> str | None:
        """The text of question `number`, if it has been posted."""
        q = self.questions.get(number)
        return q.text if q else None

    def current_question(self) -> int | None:
        """The question posted last (by posting time)."""
        posted = [q for q in self.questions.values() if q.posted_at is not None]
        if not posted:
            return max(self.questions) if self.questions else None
        return max(posted, key=lambda q: (q.posted_at, q.number)).number

    def _translated(self, post: Post, words: str) -> tuple[int, str] | None:
        """The open question posted again in another language, with no label: the host team,
        minutes after it, asking in a language none of its postings was in."""
        q = self.questions.get(self.current_question() or 0)
        if q is None or q.last_at is None or not q.langs or not post.lang or post.lang in q.langs:
            return None
        if post.lang in _NO_LANG or "?" not in words and "？" not in words:
            return None
        soon = timedelta(0) <= post.created_at - q.last_at <= TRANSLATED_WITHIN
        return (q.number, words) if soon and len(words.split()) >= 5 else None

    def question_of_post(self, post_id: str) -> int | None:
        """The question number a post id is a posting of."""
        return self._question_of_post.get(post_id)

    def classify(self, post: Post) -> Classification:
        """Classify `post` and remember it if it is a question."""
        role = self.roster.role_of(post.author_handle, post.network, post.instance)
        if post.is_repost:
            return _verdict(role, None, False)
        words = own_words(post.text)
        asked = question_label(words, self.tag)
        top_level = _opens(post)
        if asked is None and self._planned and top_level and role in _TEAM:
            number = planned_question(words, self._planned)
            if number is not None:
                asked = (number, words)
        if (
            asked is None
            and top_level
            and (role in _TEAM or not (self.questions or self.roster.host))
        ):
            # After a preamble, restated for latecomers, or numbered without a letter.
            now = (self._next_number(), self.current_question() or 0)
            posted = ((q.number, q.text) for q in self.questions.values())
            asked = after_preamble(words, now, posted, self.tag)
        if asked is None and role in _TEAM and top_level:
            asked = self._translated(post, words)
        learning = self._learn_guests or self._learn_comods
        if asked and role is not Role.HOST and self._posts_next_question(post, asked[0], role):
            self._learned_guests.discard(_norm(post.author_handle))
            self._learn([], [post.author_handle], promote=True)
            role = Role.COMODERATOR
        if asked and self.roster.host is None and role is Role.PARTICIPANT and top_level:
            self.roster = Roster(post.author_handle, self.roster.guests, self.roster.co_moderators)
            role = Role.HOST
            if learning:
                pending = self._pending.pop(_norm(post.author_handle), None)
                self._pending.clear()
                if pending:
                    self._learn(*pending)
        if learning:
            if role in (Role.HOST, Role.COMODERATOR):
                self._learn(*self._people_named(post))
            elif self.roster.host is None and top_level and role is Role.PARTICIPANT:
                self._remember_announcement(post)
        if asked and role in _TEAM:
            number = asked[0]
            self.register_question(number, post.native_id, post.text, post.created_at, post.lang)
            self._speaker_post_ids.add(post.native_id)
            return Classification(role=role, question_number=number)
        if role in (Role.HOST, Role.GUEST):
            self._speaker_post_ids.add(post.native_id)
        answers = self._answer_of(post, words, role)
        if self._learn_guests and role is Role.PARTICIPANT and not self._guests_announced:
            self._learn(self._asked_often.asked(post, words, self.roster.guests), [])
        audience = role is Role.PARTICIPANT and self._is_audience_question(post, words)
        return _verdict(role, answers, audience)

    def _answer_of(self, post: Post, words: str, role: Role) -> int | None:
        """The question `post` answers: its label (`A3`, `R3`, a participant's `Q3 ...` once Q3
        is out), else the question it replies to, else the answer it continues (a reply to the
        author's own answer); an answer to a question not posted yet counts for the open one."""
        answers = answer_label(words)
        if answers is None and role is not Role.HOST and role is not Role.COMODERATOR:
            said = loose_question_label(words, self.tag)
            if said is not None and said in self.questions:
                answers = said
        parent = post.reply_to_id
        # The host team's unlabelled words under a question are the chat's, not an answer.
        if answers is None and parent and role not in _TEAM:
            earlier = self._answer_of_post.get(parent)
            if parent in self._question_of_post:
                # A reply to the question is an answer; "great question!" is not.
                if not is_reaction(words):
                    answers = self._question_of_post[parent]
            elif earlier is not None:
                # The author's own answer goes on; a reply to someone else's answer is talk.
                answers = earlier[1] if earlier[0] == post.author_id else None
            elif post.conversation_id:
                answers = self._question_of_post.get(post.conversation_id)
        if answers is None:
            return None
        if self.questions and answers == max(self.questions) + 1:
            # `A6` while Q6 is not out: a slip for the open question, unless others write it
            # too (then Q6 was posted and missed, or the host is late: keep the number).
            ahead = self._ahead.setdefault(answers, set())
            if not ahead - {post.author_id}:
                answers = self.current_question() or answers
            ahead.add(post.author_id)
        self._answer_of_post[post.native_id] = (post.author_id, answers)
        if len(self._answer_of_post) > _ANSWERS_KEPT:
            self._answer_of_post.popitem(last=False)
        return answers

    def _next_number(self) -> int:
        """The number the next question will carry: one past the highest posted."""
        return max(self.questions, default=0) + 1

    def _posts_next_question(self, post: Post, number: int, role: Role) -> bool:
        """With no co-moderator given: someone besides the host (a participant, or a guest only
        learned from the welcome) posts the next question at the top level while the host is
        known. That is a co-moderator taking their turn ("Pergunta 4 ➡️ ...")."""
        if not self._learn_comods or self.roster.host is None or not _opens(post):
            return False
        if role is Role.GUEST and _norm(post.author_handle) not in self._learned_guests:
            return False
        # The open question in another language is a co-moderator's too ("Pregunta 1: ¿...?").
        again = number == self.current_question() and "?" in question_body(post.text, self.tag)
        return role in (Role.PARTICIPANT, Role.GUEST) and (number == self._next_number() or again)

    def _people_named(self, post: Post) -> tuple[list[str], list[str]]:
        """(guests, co-moderators) a top-level post of the host team names: by keyword ("our
        guests: @a"), with every other @-name of that post; and while no question is out and
        no guest keyword was seen, anyone it @-names (the welcome and rules posts name the
        chat's people, in whatever words)."""
        guests, comods = announced_by(post)
        if not _opens(post) or (self.questions and not guests):
            return guests, comods
        if guests or not self._guests_announced:
            # The post that names the guests names them all, descriptions between them.
            self._guests_announced = self._guests_announced or bool(guests)
            named = [h for h in named_handles(post) if _norm(h) not in map(_norm, comods)]
            guests = guests + [h for h in named if h not in guests]
        return guests, comods

    def _remember_announcement(self, post: Post) -> None:
        """Keep what a top-level post announces, in case its author turns out to be the host
        (with no host given, the first `Q1:` poster becomes the host: the rules come first)."""
        guests, comods = self._people_named(post)
        if not guests and not comods:
            return
        author = _norm(post.author_handle)
        kept = self._pending.get(author)
        if kept is None:
            if len(self._pending) >= _PENDING_AUTHORS:
                return
            kept = self._pending[author] = ([], [])
        kept[0].extend(g for g in guests if g not in kept[0])
        kept[1].extend(c for c in comods if c not in kept[1])

    def _learn(self, guests: list[str], comods: list[str], *, promote: bool = False) -> None:
        """Add the guests and co-moderators the host announced (only those the roster was
        given none of); never the host, nor someone who already has a role (`promote`: a
        learned guest who turned out to be a co-moderator)."""
        roster = self.roster
        taken: set[str] = set()
        if promote:
            moved = {_norm(c) for c in comods}
            roster = Roster(
                roster.host,
                tuple(g for g in roster.guests if _norm(g) not in moved),
                roster.co_moderators,
            )

        def free(handle: str) -> bool:
            return _norm(handle) not in taken and roster.role_of(handle) is Role.PARTICIPANT

        new_guests = list(roster.guests)
        new_comods = list(roster.co_moderators)
        if self._learn_guests:
            for g in guests:
                if free(g):
                    taken.add(_norm(g))
                    self._learned_guests.add(_norm(g))
                    new_guests.append(g)
        if self._learn_comods:
            for c in comods:
                if free(c):
                    taken.add(_norm(c))
                    new_comods.append(c)
        named = (tuple(new_guests), tuple(new_comods))
        if roster is not self.roster or named != (roster.guests, roster.co_moderators):
            self.roster = Roster(roster.host, *named)

    def _is_audience_question(self, post: Post, words: str) -> bool:
        # In a reply the leading @mentions were added by X; in a new post they are the addressees.
        source = words if post.reply_to_id else post.text
        if "?" not in source and "？" not in source:  # nor, then, once links are removed
            return False
        addressed = _URL.sub("", source)
        if "?" not in addressed and "？" not in addressed:
            return False
        speakers = self.roster.speakers()
        mentioned = {_norm(m) for m in re.findall(r"[@＠](\w{1,50})", addressed)}
        found_late = self._asked_often.speakers  # guests nobody named
        late = bool(found_late) and _norm(addressee(post)) in found_late
        if mentioned & speakers or _ASKED_OF.search(addressed) or late:
            return True
        parent = post.reply_to_id
        return bool(
            parent and parent in self._speaker_post_ids and parent not in self._question_of_post
        )
