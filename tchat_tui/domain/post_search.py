"""What the host searches the chat for: words, @handles and question numbers, all of them at once.

`/care Q3 @claire` finds the posts of question 3 (its posting and its answers) by an author whose
handle holds 'claire' (or that mention '@claire'), with 'care' in the text, the handle or the name.
Case is ignored as SQLite's LIKE ignores it for a term in ASCII (A-Z only: the store's search
then runs in SQLite's C code), the Unicode way (`str.casefold`) for any other term ('ÉCOUTE' finds
'écoute'). The store runs the same test in SQL (`store.post_search`).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_QUESTION = re.compile(r"[QqAa](\d{1,3})")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def fold_term(term: str) -> str:
    """A term as it is compared: lower-cased A-Z if it is ASCII (SQLite's LIKE), case-folded
    otherwise (even when folding makes it ASCII: 'straße' is 'strasse' and finds 'Straße')."""
    return term.lower() if term.isascii() else term.casefold()


class _Folded:
    """A text folded both ways, each only when a term asks for it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ascii: str | None = None
        self._unicode: str | None = None

    def __contains__(self, term: str) -> bool:
        """Whether the text holds the term as typed (folded the term's way)."""
        if term.isascii():
            if self._ascii is None:
                self._ascii = self.text.translate(_ASCII_LOWER)
            return term.lower() in self._ascii
        if self._unicode is None:
            self._unicode = self.text.casefold()
        return term.casefold() in self._unicode


@dataclass(frozen=True, slots=True)
class PostSearch:
    """A parsed search: every term must match."""

    typed: str
    """What the host typed (shown in the stream's title)."""
    words: tuple[str, ...] = ()
    """As typed (compared folded: `fold_term`); each in the text, the author's handle or name."""
    handles: tuple[str, ...] = ()
    """As typed, without '@'; each in the author's handle, or mentioned in the text."""
    questions: tuple[int, ...] = ()
    """'Q3' or 'A3': the question's posting and its answers."""

    @classmethod
    def parse(cls, typed: str) -> PostSearch:
        """Split what was typed into terms ('Q3', 'A3', '@handle', words)."""
        words: list[str] = []
        handles: list[str] = []
        questions: list[int] = []
        for term in typed.split():
            if m := _QUESTION.fullmatch(term):
                questions.append(int(m.group(1)))
            elif term.startswith("@") and len(term) > 1:
                handles.append(term[1:])
            else:
                words.append(term)
        return cls(typed.strip(), tuple(words), tuple(handles), tuple(questions))

    @property
    def empty(self) -> bool:
        """Nothing to search for."""
        return not (self.words or self.handles or self.questions)

    def matches(
        self,
        text: str,
        handle: str,
        name: str,
        question_number: int | None,
        answers: int | None,
    ) -> bool:
        """Whether a post with these fields is found (the store's SQL tests the same)."""
        for n in self.questions:
            if n not in (question_number, answers):
                return False
        folded_text, folded_handle, folded_name = _Folded(text), _Folded(handle), _Folded(name)
        for h in self.handles:
            if h not in folded_handle and "@" + h not in folded_text:
                return False
        for w in self.words:
            if w not in folded_text and w not in folded_handle and w not in folded_name:
                return False
        return True
