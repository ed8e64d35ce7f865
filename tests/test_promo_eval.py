"""The labelled promo evaluation set: its shape, its replay files, its hard cases and the targets."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tchat_tui.clients.x.stream_line import parse_stream_line

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "tests" / "promo_eval"

# Hard cases the rules get wrong, kept visible rather than hidden (see the report in GUIDELINE).
# ("fr-edu", 10), third-party free resources with 'Découvrez' and an off-topic link, was a false
# flag up to rules v4; the fitted weights of v5 leave it unflagged.
KNOWN_MISSES = {
    ("en-marketing", 10): "'DM me' with a keyword and a vague offer stays at 1.5",
    ("en-marketing", 13): "engagement bait + 4 tags stays at 1.5",
    # Since the weights are fitted to the labelled chats (rules v9: 22 dev chats), this sits at
    # the threshold (fr-edu 10 and 19 move across it from one fit to the next):
    ("fr-voyage", 9): "own site + 'abonne-toi' stays just under amber with the fitted weights",
}


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@cache
def eval_module() -> ModuleType:
    """bench/eval_promo.py, imported once."""
    return _load("eval_promo", ROOT / "bench" / "eval_promo.py")


@cache
def report() -> Any:
    """The evaluation of the default rules on the whole set."""
    return eval_module().evaluate()


def labels() -> list[dict[str, Any]]:
    """Rows of labels.jsonl."""
    text = (EVAL_DIR / "labels.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def hard_cases() -> list[Any]:
    """One pytest param per hard case, known misses marked xfail (strict)."""
    out = []
    for row in labels():
        if not row["kind"]:
            continue
        key = (row["session"], row["n"])
        marks = (
            [pytest.mark.xfail(reason=KNOWN_MISSES[key], strict=True)]
            if key in KNOWN_MISSES
            else []
        )
        out.append(pytest.param(row, marks=marks, id=f"{key[0]}#{key[1]}-{row['kind']}"))
    return out


def test_set_shape() -> None:
    """>= 200 posts, about half French, several sessions, ~a quarter promotional, enough hard cases."""
    rows = labels()
    assert len(rows) >= 200
    langs = Counter(r["lang"] for r in rows)
    assert abs(langs["en"] - langs["fr"]) <= len(rows) * 0.1
    assert len({r["session"] for r in rows}) >= 8
    promo = sum(r["label"] != "none" for r in rows) / len(rows)
    assert 0.18 <= promo <= 0.32
    assert sum(1 for r in rows if r["kind"] and r["label"] == "none") >= 25
    assert sum(1 for r in rows if r["kind"] and r["label"] != "none") >= 20


def test_replay_files_parse_with_correct_entities() -> None:
    """Every line parses with the project's parser; entity offsets point at the right text."""
    rows = {r["id"]: r for r in labels()}
    seen = 0
    for path in sorted((EVAL_DIR / "sessions").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            post = parse_stream_line(line)
            assert post is not None and post.native_id in rows
            ents = json.loads(line)["data"]["entities"]
            for h in ents.get("hashtags", []):
                assert post.text[h["start"] : h["end"]] == "#" + h["tag"]
            for m in ents.get("mentions", []):
                assert post.text[m["start"] : m["end"]] == "@" + m["username"]
            for u in ents.get("urls", []):
                assert post.text[u["start"] : u["end"]] == u["url"]
                assert u["url"].startswith("https://t.co/")
            assert [link.expanded_url for link in post.links] == [
                u["expanded_url"] for u in ents.get("urls", [])
            ]
            seen += 1
    assert seen == len(rows)


def test_generator_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-running the generator gives byte-identical replay files and labels."""
    gen = _load("make_sessions", EVAL_DIR / "make_sessions.py")
    monkeypatch.setattr(gen, "HERE", tmp_path)
    gen.main()
    for rel in [
        "labels.jsonl",
        "sessions.json",
        *[f"sessions/{p.name}" for p in (EVAL_DIR / "sessions").glob("*.jsonl")],
    ]:
        assert (tmp_path / rel).read_bytes() == (EVAL_DIR / rel).read_bytes(), rel


@pytest.mark.parametrize("row", hard_cases())
def test_hard_case(row: dict[str, Any]) -> None:
    """Each hard case gets its labelled promo decision and the expected reason."""
    judged = {j.label["id"]: j for j in report().judged}[row["id"]]
    result = judged.result
    assert result.promo == (row["label"] != "none"), result.reasons()
    if row["expect"]:
        assert row["expect"] in result.signal_ids, result.reasons()
    assert result.reasons()[-1].startswith("rules v")


@pytest.mark.parametrize("group", ["all", "en", "fr"])
def test_targets(group: str) -> None:
    """Promo (amber or red): precision >= 0.9 and recall >= 0.85, overall and per language."""
    counts = report().promo[group]
    assert counts.precision >= 0.9, counts
    assert counts.recall >= 0.85, counts


def test_repeated_promoters_are_flagged_and_single_promo_authors_are_not() -> None:
    """Authors with several promotional posts are flagged; one promotional post never flags."""
    by_author: dict[tuple[str, str], list[Any]] = {}
    for j in report().judged:
        by_author.setdefault((j.label["session"], j.label["author"]), []).append(j)
    for key, posts in by_author.items():
        promo = sum(j.result.promo for j in posts)
        flagged = posts[0].author_flagged
        if promo <= 1:
            assert not flagged, key
        gold = sum(j.label["label"] != "none" for j in posts)
        if gold >= 3 and gold / len(posts) >= 0.5:
            assert flagged, key
