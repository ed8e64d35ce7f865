"""Word lists as regexes: each list one merged pattern (a trie of its phrases, accents optional),
and the cheap first pass that tells which lists may match a post at all."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from tchat_tui.domain.promo.words import fold, lower, words_of_bare

_PUNCT = {ord("’"): ord("'"), ord("ʼ"): ord("'"), 0x202F: ord(" "), 0xA0: ord(" ")}


def _build_fold_table() -> dict[int, int]:
    """Map each accented Latin letter to its base letter, one character to one character."""
    table: dict[int, int] = dict(_PUNCT)
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = ord(base)
    return table


_FOLD = _build_fold_table()


def _letter_pattern(token: str) -> str:
    """Escape a token; an accented letter also matches its bare form (`é` -> `[ée]`)."""
    out: list[str] = []
    for ch in token:
        base = _FOLD.get(ord(ch))
        if base is not None and chr(base).isalpha():
            out.append(f"[{ch}{chr(base)}]")
        elif ch == "'":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_SEP = r"[\s\-]*"
# A hyphen ends a word only before a French clitic ("achetez-le", "inscrivez-vous"): "buy-in" is
# not "buy".
_WORD_END = r"(?!\w|-(?!(?:le|la|les|lui|leur|vous|toi|nous|moi|en|y)(?!\w))\w)"
_NUMBER = r"\d+(?:[ .,]\d{3})*"


def phrase_atoms(phrase: str) -> list[str]:
    """One phrase as regex atoms: one per letter, separators, `#` numbers, `*`, the word end."""
    phrase = lower(phrase.strip())
    star = phrase.endswith("*")
    if star:
        phrase = phrase[:-1]
    atoms: list[str] = []
    for token in re.split(r"[\s\-]+", phrase):
        if not token:
            continue
        if atoms:
            # French puts a (narrow) space before ? ! : ; that writers often leave out.
            atoms.append(r"\s*" if not token[0].isalnum() else _SEP)
        if token == "#":
            atoms.append(_NUMBER)
        else:
            atoms.extend(_letter_pattern(ch) for ch in token)
    if star:
        atoms.append(r"\w*")
    elif phrase[-1:].isalnum() or phrase[-1:] == "#":
        atoms.append(_WORD_END)
    # No look-behind at the start: it would defeat the regex engine's first-character scan.
    # Callers check the start with `starts_word`.
    return atoms


_Trie = dict[str, "_Trie"]


def _trie_regex(node: _Trie) -> str:
    """A regex for a trie of atoms: shared prefixes are matched once (fast for long lists)."""
    alts = [atom + _trie_regex(child) for atom, child in node.items() if atom]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:  # a phrase ends here; a longer one may go on (greedy: longest wins)
        body = f"(?:{body})?"
    return body


def trie_pattern(phrases: Iterable[str]) -> str:
    """One regex matching any of `phrases`, built as a trie of their atoms."""
    root: _Trie = {}
    for phrase in phrases:
        node = root
        for atom in phrase_atoms(phrase):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _trie_regex(root)


def phrase_key(phrase: str) -> tuple[tuple[str, ...], bool]:
    """The first one or two words of a phrase (folded letter runs), and whether a `*` cuts the
    first one ("inscri*"). Any text the phrase matches contains these words, in this order."""
    runs = words_of_bare(phrase)
    if not runs:
        return ("",), False
    star = fold(phrase.strip()).startswith(runs[0] + "*")
    return (tuple(runs[:1]) if star else tuple(runs[:2])), star


def starts_word(text: str, start: int) -> bool:
    """True when a match at `start` begins a word (or does not begin with a letter at all)."""
    if start == 0 or not text[start].isalnum():
        return True
    before = text[start - 1]
    return not (before.isalnum() or before in "_@")


def compile_lexicon(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One merged regex for a word list (a trie of the phrases), or None when empty."""
    unique = {lower(p.strip()) for p in phrases if p.strip()}
    if not unique:
        return None
    return re.compile(trie_pattern(sorted(unique)))


def compile_product_lexicon(
    possessives: Iterable[str], products: Iterable[str]
) -> re.Pattern[str] | None:
    """`my (new) book` / `ma formation`: a possessive followed directly by a product noun."""
    poss = sorted({lower(p) for p in possessives if p.strip()})
    prods = sorted({lower(p) for p in products if p.strip()})
    if not poss or not prods:
        return None
    return re.compile(rf"(?:{trie_pattern(poss)})\s+(?:{trie_pattern(prods)})")


def compile_subjects(words: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching when the text just before a call ends with a subject ("I", "je", "j'")."""
    # Longest first, then alphabetical: the same pattern in every process (a set's order
    # follows the per-run string hash), so that saved promo state names the same rules.
    alts = sorted({lower(w.strip()) for w in words if w.strip()}, key=lambda a: (-len(a), a))
    if not alts:
        return None
    body = "|".join(_letter_pattern(a) for a in alts)
    return re.compile(rf"(?:^|[^\w'’])(?:{body})\s*$")


@dataclass(frozen=True, slots=True)
class PhraseKeys:
    """Which word lists may match a text, from the first one or two words of their phrases."""

    by_word: dict[str, frozenset[str]]
    by_pair: dict[tuple[str, str], frozenset[str]]
    prefixes: tuple[tuple[str, str], ...]
    """(first-word prefix, list) for phrases like "inscri*"."""
    always: frozenset[str]
    """Lists with a phrase that has no letters at all: always run."""
    firsts: frozenset[str] = frozenset()
    """First words of the two-word keys (a text without any of them skips the pair look-ups)."""
    singles: frozenset[str] = frozenset()
    """The one-word keys."""
    seconds: frozenset[str] = frozenset()
    """Second words of the two-word keys."""
    others: bool = False
    """Some list has a prefix ("inscri*") or letterless phrase: `starts` alone cannot tell."""

    @classmethod
    def of(cls, lists: dict[str, list[str]]) -> PhraseKeys:
        """Keys of the named word lists."""
        by_word: dict[str, set[str]] = {}
        by_pair: dict[tuple[str, str], set[str]] = {}
        prefixes: set[tuple[str, str]] = set()
        always: set[str] = set()
        for name, phrases in lists.items():
            for phrase in phrases:
                if not phrase.strip():
                    continue
                key, star = phrase_key(phrase)
                if key == ("",):
                    always.add(name)
                elif star:
                    prefixes.add((key[0], name))
                elif len(key) == 1:
                    by_word.setdefault(key[0], set()).add(name)
                else:
                    by_pair.setdefault((key[0], key[1]), set()).add(name)
        return cls(
            {k: frozenset(v) for k, v in by_word.items()},
            {k: frozenset(v) for k, v in by_pair.items()},
            tuple(sorted(prefixes)),
            frozenset(always),
            frozenset(first for first, _ in by_pair),
            frozenset(by_word),
            frozenset(second for _, second in by_pair),
            bool(always or prefixes),
        )

    def may_match(self, words: list[str], extra: AbstractSet[str]) -> bool:
        """False when `candidates` is sure to be empty (a few set tests; most posts)."""
        return (
            self.others
            or not self.singles.isdisjoint(words)
            or not self.singles.isdisjoint(extra)
            or not (self.firsts.isdisjoint(words) or self.seconds.isdisjoint(words))
        )

    def candidates(self, words: list[str], extra: AbstractSet[str]) -> set[str]:
        """The lists that may match a text with these words (in order) and extra words."""
        out = set(self.always)
        by_word = self.by_word
        # Set operations run in C: most words of a post start no phrase at all.
        for w in by_word.keys() & extra:
            out |= by_word[w]
        for w in by_word.keys() & words:
            out |= by_word[w]
        if not self.firsts.isdisjoint(words) and not self.seconds.isdisjoint(words):
            by_pair = self.by_pair
            for pair in by_pair.keys() & zip(words, words[1:], strict=False):
                out |= by_pair[pair]
        for prefix, name in self.prefixes:
            if any(w.startswith(prefix) for w in words):
                out.add(name)
        return out
