"""A stored question's texts, one per language (the `questions.texts` column, read as it is
stored: no database library here, so the screen can read a row without loading one)."""

from __future__ import annotations

import json


def versions_of(row: dict[str, object]) -> list[tuple[str, str]]:
    """A questions row's texts, one per language: (language, text)."""
    texts = row.get("texts")
    if isinstance(texts, str) and texts:
        return [(str(lang), str(text)) for lang, text in json.loads(texts)]
    return [("", str(row.get("text") or ""))]
