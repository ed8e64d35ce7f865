"""What the host searches the chat for: words, @handles and question numbers, all of them at once.

`/care Q3 @claire` finds the posts of question 3 (its posting and its answers) by an author whose
handle holds 'claire' (or that mention '@claire'), with 'care' in the text, the handle or the name.
Case is ignored the Unicode way (`str.casefold`); the store runs the same test in SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUESTION = re.compile(r"[QqAa](\d{1,3})")


@dataclass(frozen=True, slots=True)
class PostSearch:
    """A parsed search: every term must match."""

    typed: str
    """What the host typed (shown in the stream's title)."""
    words: tuple[str, ...] = ()
    """Casefolded; each in the text, the author's handle or the author's name."""
    handles: tuple[str, ...] = ()
    """Casefolded, without '@'; each in the author's handle, or mentioned in the text."""
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
                handles.append(term[1:].casefold())
            else:
                words.append(term.casefold())
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
        folded_text = text.casefold()
        folded_handle = handle.casefold()
        for n in self.questions:
            if n not in (question_number, answers):
                return False
        for h in self.handles:
            if h not in folded_handle and "@" + h not in folded_text:
                return False
        folded_name = name.casefold()
        for w in self.words:
            if w not in folded_text and w not in folded_handle and w not in folded_name:
                return False
        return True
