"""How long one draft check takes: check_text on a 280-character mixed draft, per network.

Run: .venv/bin/python bench/bench_text.py
Prints microseconds per check and the ratio against baselines measured in the same run
(NFC normalisation of the same text, and a plain regex findall over it).
"""

from __future__ import annotations

import sys
import time
import timeit
import unicodedata
from collections.abc import Callable
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tchat_tui.domain.text.rules import check_text, rules_for
from tchat_tui.domain.text.twitter.length import prepare  # noqa: E402

SEED = (
    "Q3 : comment l'école peut-elle protéger les filles ? Réponse en fil 👩🏾‍🎓👨‍👩‍👧‍👦 "
    "et données ici https://example.org/rapport-2026?id=42&lang=fr — merci @amina_k "
    "@lea@mastodon.social ✨ crédit à tous #FinMariageEnfants "
)


def draft(length: int = 280) -> str:
    """A draft of exactly `length` code points: accents, emoji, a URL, mentions, the tag."""
    text = SEED
    while len(text) < length:
        text += "Les élèves racontent, et nous écoutons. "
    return text[:length]


def drafts(count: int) -> list[str]:
    """Distinct 280-character drafts, as successive keystrokes give (no cache helps)."""
    text = draft()
    return [f"{i} {text}"[:280] for i in range(count)]


def per_call_us(func: Callable[[str], object], texts: list[str]) -> float:
    """Best of five runs over `texts`, in microseconds per call."""
    runs = timeit.repeat(lambda: [func(t) for t in texts], number=1, repeat=5)
    return min(runs) / len(texts) * 1e6


def main() -> None:
    """Time the check against baselines and print one line each."""
    started = time.perf_counter()
    prepare()
    compile_ms = (time.perf_counter() - started) * 1000
    texts = drafts(3000)
    words = regex.compile(r"\w+")
    base_nfc = per_call_us(lambda t: len(unicodedata.normalize("NFC", t)), texts)
    base_findall = per_call_us(words.findall, texts)
    print(f"draft: {len(texts[0])} code points, {len(texts[0].encode())} UTF-8 bytes")
    print(f"patterns compiled once in {compile_ms:.0f} ms (prepare())")
    print(f"baseline len(NFC(text))       {base_nfc:8.2f} us")
    print(f"baseline regex \\w+ findall    {base_findall:8.2f} us")
    for network, classic in (("x", False), ("x", True), ("mastodon", False), ("bluesky", False)):
        rules = rules_for(network, classic=classic)
        result = check_text(texts[0], rules, "FinMariageEnfants")
        us = per_call_us(lambda t, r=rules: check_text(t, r, "FinMariageEnfants"), texts)
        label = f"check_text {network}{' classic' if classic else ''}"
        print(
            f"{label:30s}{us:8.2f} us  x{us / base_nfc:6.1f} NFC  x{us / base_findall:5.1f} findall"
            f"  ({result.length}/{result.limit}, valid={result.valid})"
        )


if __name__ == "__main__":
    main()
