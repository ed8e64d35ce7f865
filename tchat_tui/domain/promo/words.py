"""The words of a post as promo scoring compares them: lower-cased, accents folded, without
URLs, mentions and hashtags."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import chain


def lower(text: str) -> str:
    """Lower-case, one apostrophe and one space: the text lexicon regexes run on."""
    text = text.lower()
    if text.isascii():
        return text
    return text.replace("’", "'").replace("ʼ", "'").replace("\u202f", " ").replace("\xa0", " ")


_COMBINING = re.compile("[\u0300-\u036f]")
_FOLDED: dict[str, str] = {}


def fold(text: str) -> str:
    """Lower-case and strip accents, for word comparisons (the length may change)."""
    text = text.lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFD", text)).replace("’", "'")


def fold_word(word: str) -> str:
    """`fold` of a short text that comes back often (a hashtag), remembered (bounded memo)."""
    folded = _FOLDED.get(word)
    if folded is None:
        if len(_FOLDED) > 10_000:
            _FOLDED.clear()
        folded = _FOLDED[word] = fold(word)
    return folded


_ENTITY = re.compile(r"[hH][tT][tT][pP][sS]?://\S+|[wW][wW][wW]\.\S+|[@＠#＃]\w+")
_WORDS = re.compile(r"[^\W\d_]+")
_ASCII_WORDS = re.compile(r"[a-zA-Z]+")


def strip_entities(text: str) -> str:
    """The text without URLs, @mentions and #hashtags (for capitals, words and duplicates)."""
    return _ENTITY.sub(" ", text)


def words(text: str) -> list[str]:
    """Folded words (letters, with an inner apostrophe kept) of a text without entities."""
    return words_of_bare(strip_entities(text))


def words_of_bare(bare: str) -> list[str]:
    """Folded words of a text already stripped of entities (digits and punctuation dropped)."""
    folded = fold(bare)
    # On ASCII text `[^\W\d_]` is `[a-zA-Z]`, which the regex engine checks much faster.
    return (_ASCII_WORDS if folded.isascii() else _WORDS).findall(folded)


class _TokenWords(dict[str, tuple[str, ...]]):
    """`words` of each whitespace-separated token, remembered (bounded: a chat reuses its
    tokens, such as its tag, the host's handle and everyday words)."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        if len(self) > 100_000:
            self.clear()
        value = self[token] = tuple(words(token))
        return value


_TOKEN_WORDS = _TokenWords().__getitem__


def fast_words(text: str) -> list[str]:
    """`words(text)`, from remembered tokens.

    Equal to `words(text)`: no entity, letter run or folding step crosses whitespace (URLs and
    mentions end at a space, folding maps characters one by one and a space is no letter), so
    the words of a text are its tokens' words in order.
    """
    return list(chain.from_iterable(map(_TOKEN_WORDS, text.split())))


def stems(word_list: Iterable[str], stop: frozenset[str]) -> set[str]:
    """Content-word stems (first 5 letters of words of 4+ letters, stop-words removed)."""
    out: set[str] = set()
    for w in word_list:
        w = w.split("'")[-1].split("’")[-1]
        if len(w) >= 4 and w not in stop:
            out.add(w[:5])
    return out
