"""Who is speaking and what a post is in the chat: question `Qn`, answer `An`/`Rn`, audience question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from tchat_tui.domain.post import Post, Role

# Leading "@a @b " that X adds to a reply; the author's own words start after it.
_LEADING_MENTIONS = re.compile(r"^(?:\s*[@＠]\w{1,50}[\s,:]*)+")
# "Q3:", "Q3 :", "Q3.", "Q3 -", "Q3/", "Q3)"; strict form for the host's question posts.
_QUESTION = re.compile(r"^\s*[Qq]\s?(\d{1,2})\s*[:.\-–—/)]\s*(.*)$", re.S)
# "A3 ...", "A3:", "R3 :", "a3.", "A 3:", "A3/": an answer label at the start of the author's words.
_ANSWER = re.compile(r"^\s*[AaRr]\s?(\d{1,2})(?![\d\w])\s*[:.\-–—/)]?\s*", re.S)
_TRAILING_TAGS = re.compile(r"(?:\s*[#＃]\w+)+\s*$")
_URL = re.compile(r"https?://\S+")
_ASKED_OF = re.compile(
    r"\b(?:question (?:for|to|pour)|une question|a question|q pour|q for)\b", re.IGNORECASE
)


def own_words(text: str) -> str:
    """The author's words: without the automatic leading @mentions of a reply."""
    words = text.lstrip()
    if not words.startswith(("@", "＠")):  # `_LEADING_MENTIONS` cannot match
        return words
    return _LEADING_MENTIONS.sub("", text, count=1).lstrip()


def _norm(handle: str | None) -> str:
    return (handle or "").lstrip("@＠").casefold()


@dataclass(frozen=True)
class Roster:
    """The chat's people by handle (without `@`, any case)."""

    host: str | None = None
    guests: tuple[str, ...] = ()
    co_moderators: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Folded lookups, computed once: role_of runs for every post.
        folded = {_norm(c): Role.COMODERATOR for c in self.co_moderators}
        folded.update({_norm(g): Role.GUEST for g in self.guests})
        if self.host:
            folded[_norm(self.host)] = Role.HOST
        object.__setattr__(self, "_roles", folded)
        object.__setattr__(self, "_role_of_handle", {})

    def role_of(self, handle: str) -> Role:
        """The role of the author with this handle."""
        seen: dict[str, Role] = self._role_of_handle  # type: ignore[attr-defined]
        role = seen.get(handle)
        if role is None:
            roles: dict[str, Role] = self._roles  # type: ignore[attr-defined]
            role = seen[handle] = roles.get(_norm(handle), Role.PARTICIPANT)
        return role

    def speakers(self) -> set[str]:
        """Handles (folded) whom the audience addresses: the host and the guests."""
        roles: dict[str, Role] = self._roles  # type: ignore[attr-defined]
        return {h for h, r in roles.items() if r in (Role.HOST, Role.GUEST)}


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


def question_body(text: str) -> str:
    """The question's words: no leading mentions, `Qn:` prefix or trailing hashtags."""
    words = own_words(text)
    m = _QUESTION.match(words)
    body = m.group(2) if m else words
    return _TRAILING_TAGS.sub("", body).strip()


class Classifier:
    """Classifies posts in arrival order, remembering the questions it has seen.

    With no host in the roster, the first author who posts a strict `Q1:`-style question becomes the host.
    """

    def __init__(self, roster: Roster, tag: str | None = None) -> None:
        self.roster = roster
        self.tag = (tag or "").lstrip("#＃")
        self.questions: dict[int, Question] = {}
        self._question_of_post: dict[str, int] = {}
        self._speaker_post_ids: set[str] = set()

    def register_question(
        self, number: int, post_id: str, text: str, posted_at: datetime | None
    ) -> None:
        """Remember a posting of question `number` (also used to restore state from the store)."""
        q = self.questions.get(number)
        if q is None:
            q = self.questions[number] = Question(number, question_body(text), [], posted_at)
        if post_id not in q.post_ids:
            q.post_ids.append(post_id)
        if posted_at and (q.posted_at is None or posted_at < q.posted_at):
            q.posted_at = posted_at
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

    def question_of_post(self, post_id: str) -> int | None:
        """The question number a post id is a posting of."""
        return self._question_of_post.get(post_id)

    def classify(self, post: Post) -> Classification:
        """Classify `post` and remember it if it is a question."""
        role = self.roster.role_of(post.author_handle)
        if post.is_repost:
            return _verdict(role, None, False)
        words = own_words(post.text)
        qm = _QUESTION.match(words)
        if qm and self.roster.host is None and role is Role.PARTICIPANT and not post.reply_to_id:
            self.roster = Roster(post.author_handle, self.roster.guests, self.roster.co_moderators)
            role = Role.HOST
        if qm and role in (Role.HOST, Role.COMODERATOR):
            number = int(qm.group(1))
            self.register_question(number, post.native_id, post.text, post.created_at)
            self._speaker_post_ids.add(post.native_id)
            return Classification(role=role, question_number=number)
        if role in (Role.HOST, Role.GUEST):
            self._speaker_post_ids.add(post.native_id)
        answers: int | None = None
        am = _ANSWER.match(words)
        if am:
            answers = int(am.group(1))
        elif post.reply_to_id and post.reply_to_id in self._question_of_post:
            answers = self._question_of_post[post.reply_to_id]
        elif post.conversation_id and post.conversation_id in self._question_of_post:
            answers = self._question_of_post[post.conversation_id]
        audience = role is Role.PARTICIPANT and self._is_audience_question(post, words)
        return _verdict(role, answers, audience)

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
        if mentioned & speakers or _ASKED_OF.search(addressed):
            return True
        parent = post.reply_to_id
        return bool(
            parent and parent in self._speaker_post_ids and parent not in self._question_of_post
        )
