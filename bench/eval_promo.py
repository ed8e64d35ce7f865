"""Evaluate promo flagging on the labelled set in tests/promo_eval.

Prints precision and recall for "promo" (amber or red), per level, per language and per split,
with Wilson 95 % intervals; `--errors` lists the misjudged posts with their reasons.
Usage: `.venv/bin/python bench/eval_promo.py [--errors] [--rules FILE]`.
Also callable from a test: `evaluate()` returns the numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tchat_tui.cli.flag import StreamScorer, read_stream  # noqa: E402
from tchat_tui.domain.promo.config import PromoRules  # noqa: E402
from tchat_tui.domain.promo.rules import load_rules  # noqa: E402
from tchat_tui.domain.promo.signals import PromoResult  # noqa: E402
from tchat_tui.domain.roster import Roster  # noqa: E402

EVAL_DIR = ROOT / "tests" / "promo_eval"


@dataclass
class Judged:
    """One labelled post and what the scorer said."""

    label: dict[str, Any]
    result: PromoResult
    text: str
    author_flagged: bool = False


@dataclass
class Counts:
    """True/false positives and false negatives for one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp), 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn), 1.0 when nothing was to be found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    """Evaluation numbers keyed by group name ("all", "en", "fr", "dev", "holdout", ...)."""

    promo: dict[str, Counts] = field(default_factory=dict)
    levels: dict[str, Counts] = field(default_factory=dict)
    judged: list[Judged] = field(default_factory=list)


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson 95 % interval of a proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def judge_all(rules: PromoRules | None = None, eval_dir: Path = EVAL_DIR) -> list[Judged]:
    """Replay every session through the flag command's scorer and pair results with labels."""
    rules = rules or load_rules()
    labels = {
        row["id"]: row
        for row in map(json.loads, (eval_dir / "labels.jsonl").read_text("utf-8").splitlines())
    }
    meta = json.loads((eval_dir / "sessions.json").read_text("utf-8"))
    out: list[Judged] = []
    for session in meta:
        with (eval_dir / session["file"]).open(encoding="utf-8", newline="") as fh:
            stream = read_stream(fh)
        scorer = StreamScorer(
            Roster(session["host"], tuple(session["guests"])), session["tag"], rules
        )
        mine: list[Judged] = []
        for post in stream.posts:
            mine.append(Judged(labels[post.native_id], scorer.feed(post), post.text))
        flagged = {f.handle for f in scorer.tracker.author_flags()}
        for j in mine:
            j.author_flagged = j.label["author"] in flagged
        out.extend(mine)
    return out


def evaluate(rules: PromoRules | None = None, eval_dir: Path = EVAL_DIR) -> Report:
    """Precision/recall of promo (amber or red) and of each level, overall and per group."""
    report = Report(judged=judge_all(rules, eval_dir))
    groups: dict[str, Callable[[Judged], bool]] = {
        "all": lambda j: True,
        "en": lambda j: j.label["lang"] == "en",
        "fr": lambda j: j.label["lang"] == "fr",
        "dev": lambda j: j.label["split"] == "dev",
        "holdout": lambda j: j.label["split"] == "holdout",
        "blind": lambda j: j.label["split"] == "blind",
    }
    for name, keep in groups.items():
        c = report.promo.setdefault(name, Counts())
        for j in filter(keep, report.judged):
            gold = j.label["label"] != "none"
            _count(c, gold, j.result.promo)
        for level in ("amber", "red"):
            lc = report.levels.setdefault(f"{level}/{name}", Counts())
            for j in filter(keep, report.judged):
                _count(lc, j.label["label"] == level, j.result.level == level)
    return report


def _count(c: Counts, gold: bool, pred: bool) -> None:
    if gold and pred:
        c.tp += 1
    elif pred:
        c.fp += 1
    elif gold:
        c.fn += 1


def _line(name: str, c: Counts) -> str:
    plo, phi = wilson(c.tp, c.tp + c.fp)
    rlo, rhi = wilson(c.tp, c.tp + c.fn)
    return (
        f"{name:<16} P {c.precision:.3f} [{plo:.2f}-{phi:.2f}]  R {c.recall:.3f} "
        f"[{rlo:.2f}-{rhi:.2f}]  (tp {c.tp}, fp {c.fp}, fn {c.fn})"
    )


def main() -> int:
    """Print the evaluation."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list misjudged posts")
    ap.add_argument("--rules", type=Path, help="a rules file instead of the default")
    args = ap.parse_args()
    rules = load_rules(args.rules)
    report = evaluate(rules)
    n = len(report.judged)
    pos = sum(j.label["label"] != "none" for j in report.judged)
    print(f"promo evaluation, rules v{rules.version}: {n} posts, {pos} labelled promotional")
    print("promo = amber or red (Wilson 95 % intervals; one post moves a number by ~2 points)")
    for name, c in report.promo.items():
        print(_line(f"promo/{name}", c))
    print("per level (exact level):")
    for name, c in report.levels.items():
        print(_line(name, c))
    authors = {(j.label["session"], j.label["author"]): j.author_flagged for j in report.judged}
    print(f"flagged authors: {sum(authors.values())} of {len(authors)}")
    if args.errors:
        print("misjudged posts:")
        for j in report.judged:
            gold = j.label["label"]
            if (gold != "none") != j.result.promo or gold != j.result.level:
                print(
                    f"  {j.label['session']}#{j.label['n']} @{j.label['author']} gold={gold} "
                    f"got={j.result.level} {j.result.score} kind={j.label['kind']}\n"
                    f"     {j.text[:150]!r}\n     {'; '.join(j.result.reasons()[:-1])}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
