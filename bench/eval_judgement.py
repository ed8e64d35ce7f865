"""How the console's judgement does on labelled chats it was not tuned on.

    .venv/bin/python bench/eval_judgement.py [--split dev|test|all] [--no-plan] [--chat NAME ...]
    .venv/bin/python bench/eval_judgement.py --leave-one-out

For each chat in tests/judgement/chats (written and labelled by people who had not read the rules;
the guideline is tests/judgement/GUIDELINE.md), the chat is imported as a host would
(`tchat-live import FILE --plan PLAN`, or without the plan with `--no-plan`) into a new database,
and the stored columns are compared with the labels, post by post:

- question posts: posts stored as (a posting of) question n, against the labels; "found" counts
  labelled question posts stored with their number, "teasers" posts stored as questions that are
  not (announcements, countdowns, a participant's answer);
- answers linked: the stored `answers` number against the labelled one (precision over stored,
  recall over labelled; a wrong number is wrong both ways);
- audience questions: the stored flag against the label;
- promo: amber or red against a labelled family (precision, recall, and recall per family).

Beside each figure, naive baselines measured in the same run on the same posts: a prefix regex
for answers (`^(@\\w+ )*[AaRr]\\s?(\\d+)`), "has a link" for promo, "a participant's post with a
question mark" for audience questions, `^Q\\d` by the host team for question posts.

The split is by chat (tests/judgement/split.toml): tune on `dev`, never look at `test` while
tuning; report the test figures as they come.

`--leave-one-out`: the promo weights are fitted (`scripts/fit_promo_weights.py`); for each labelled
chat, dev and test alike, the weights are fitted again on every other chat and the chat is scored
with them (as `tchat-live flag --rules` scores). The other judgements have no fitted part: their
leave-one-chat-out figures are the per-chat figures above.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "judgement"
CHATS = CORPUS / "chats"

ANSWER_PREFIX = re.compile(r"^(?:@\w+\s+)*[AaRr]\s?(\d+)")
QUESTION_PREFIX = re.compile(r"^Q\d")
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
HOST_TEAM = {"host", "comod"}


@dataclass
class Tally:
    """Counts for precision and recall."""

    hit: int = 0
    predicted: int = 0
    labelled: int = 0

    def add(self, predicted: object, labelled: object) -> None:
        """One post: `predicted` and `labelled` are None/False when absent."""
        p = predicted not in (None, False)
        lab = labelled not in (None, False)
        self.predicted += p
        self.labelled += lab
        self.hit += p and lab and predicted == labelled

    def merge(self, other: Tally) -> None:
        """Add another chat's counts."""
        self.hit += other.hit
        self.predicted += other.predicted
        self.labelled += other.labelled

    def text(self) -> str:
        """'P 0.97 R 0.95' (a dash where undefined)."""
        p = f"{self.hit / self.predicted:.2f}" if self.predicted else "-"
        r = f"{self.hit / self.labelled:.2f}" if self.labelled else "-"
        return f"P {p} R {r}"


@dataclass
class ChatScore:
    """One chat's figures."""

    name: str
    posts: int = 0
    questions_found: int = 0
    questions_labelled: int = 0
    teasers: int = 0
    baseline_questions_found: int = 0
    answers: Tally = field(default_factory=Tally)
    answers_baseline: Tally = field(default_factory=Tally)
    audience: Tally = field(default_factory=Tally)
    audience_baseline: Tally = field(default_factory=Tally)
    promo: Tally = field(default_factory=Tally)
    promo_baseline: Tally = field(default_factory=Tally)
    families: Counter[str] = field(default_factory=Counter)
    families_found: Counter[str] = field(default_factory=Counter)


def split_of() -> dict[str, str]:
    """Chat name -> 'dev' or 'test'."""
    data = tomllib.loads((CORPUS / "split.toml").read_text(encoding="utf-8"))
    return {name: part for part in ("dev", "test") for name in data.get(part, [])}


def import_chat(stream: Path, plan: Path | None, db: Path) -> None:
    """Import the chat as a host would, in a fresh process."""
    argv = [sys.executable, "-m", "tchat_tui", "import", str(stream), "--db", str(db)]
    if plan is not None:
        argv += ["--plan", str(plan)]
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"import of {stream.name} failed: {out.stderr.strip()}")


def stored(db: Path) -> dict[str, dict[str, object]]:
    """The stored judgement of each post, by native id."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT native_id, text, role, question_number, answers, audience_question,"
        " promo_level FROM posts"
    ).fetchall()
    conn.close()
    return {r["native_id"]: dict(r) for r in rows}


def score_chat(name: str, use_plan: bool) -> ChatScore:
    """Import one chat and compare the stored columns with its labels."""
    stream = CHATS / f"{name}.jsonl"
    plan = CHATS / f"{name}.plan.toml"
    labels = [json.loads(line) for line in (CHATS / f"{name}.labels.jsonl").open()]
    texts = {
        json.loads(line)["data"]["id"]: json.loads(line)["data"]["text"]
        for line in stream.open(encoding="utf-8")
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "chat.db"
        import_chat(stream, plan if use_plan else None, db)
        got = stored(db)
    score = ChatScore(name)
    for label in labels:
        post = got.get(label["id"])
        if post is None:
            raise SystemExit(f"{name}: post {label['id']} was not stored")
        score.posts += 1
        text = texts[label["id"]]
        is_repost = text.startswith("RT @")
        # Question posts.
        asked = post["question_number"]
        if label["question"] is not None:
            score.questions_labelled += 1
            score.questions_found += asked == label["question"]
            score.baseline_questions_found += bool(
                label["role"] in HOST_TEAM and QUESTION_PREFIX.match(text)
            )
        elif asked is not None:
            score.teasers += 1
        # Answers.
        score.answers.add(post["answers"], label["answers"])
        prefix = None if is_repost else ANSWER_PREFIX.match(text)
        score.answers_baseline.add(int(prefix.group(1)) if prefix else None, label["answers"])
        # Audience questions.
        score.audience.add(bool(post["audience_question"]), label["audience_question"])
        naive = label["role"] == "participant" and "?" in text and not is_repost
        score.audience_baseline.add(naive, label["audience_question"])
        # Promotion.
        flagged = post["promo_level"] in ("amber", "red")
        family = label["promo"]
        score.promo.add(flagged or None, bool(family) or None)
        score.promo_baseline.add(bool(LINK.search(text)) or None, bool(family) or None)
        if family:
            score.families[family] += 1
            score.families_found[family] += flagged
    return score


def report(title: str, scores: list[ChatScore]) -> None:
    """Print the per-chat lines and the total of `scores`."""
    total = ChatScore(title)
    print(f"\n== {title}")
    for s in scores:
        line(s)
        total.posts += s.posts
        total.questions_found += s.questions_found
        total.questions_labelled += s.questions_labelled
        total.teasers += s.teasers
        total.baseline_questions_found += s.baseline_questions_found
        for a, b in (
            (total.answers, s.answers),
            (total.answers_baseline, s.answers_baseline),
            (total.audience, s.audience),
            (total.audience_baseline, s.audience_baseline),
            (total.promo, s.promo),
            (total.promo_baseline, s.promo_baseline),
        ):
            a.merge(b)
        total.families.update(s.families)
        total.families_found.update(s.families_found)
    if len(scores) > 1:
        line(total)
    fams = ", ".join(
        f"{f} {total.families_found[f]}/{n}" for f, n in sorted(total.families.items())
    )
    print(f"  promo recall per family: {fams}")


def line(s: ChatScore) -> None:
    """One chat's (or a total's) figures beside the baselines."""
    print(
        f"  {s.name:<14} {s.posts:>5} posts | question posts {s.questions_found}/"
        f"{s.questions_labelled}, teasers {s.teasers} (baseline {s.baseline_questions_found}/"
        f"{s.questions_labelled}) | answers {s.answers.text()} (prefix regex "
        f"{s.answers_baseline.text()}) | audience {s.audience.text()} (baseline "
        f"{s.audience_baseline.text()}) | promo {s.promo.text()} (has a link "
        f"{s.promo_baseline.text()})"
    )


def leave_one_out(names: list[str]) -> int:
    """Promo P/R of each chat with the weights fitted on all the other chats."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import fit_promo_weights as fitting

    from tchat_tui.domain.promo.config import parse_rules

    base = fitting.RULES.read_text(encoding="utf-8")
    every = fitting.all_chats()
    print(f"promo, leave one chat out: weights fitted on the other {len(every) - 1} chats")
    total = Tally()
    for name in names:
        text, _fit, _rounds = fitting.fitted_rules([c for c in every if c != name], base)
        labels = fitting.labels_of(name)
        tally = Tally()
        for post_id, _features, level in fitting.score_chat(name, parse_rules(text, name)):
            tally.add(level != "none" or None, labels[post_id] or None)
        total.merge(tally)
        print(f"  {name:<14} promo {tally.text()}")
    print(f"  {'all':<14} promo {total.text()}")
    return 0


def main() -> int:
    """Score the chosen chats and print the figures by split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--no-plan", action="store_true", help="import without the chat's plan")
    parser.add_argument("--chat", action="append", default=[], help="only this chat (repeat)")
    parser.add_argument(
        "--leave-one-out", action="store_true", help="promo fitted without each chat in turn"
    )
    args = parser.parse_args()
    if args.leave_one_out:
        return leave_one_out(args.chat or sorted(split_of()))
    parts = split_of()
    names = args.chat or sorted(parts)
    mode = "without the plan" if args.no_plan else "with the plan"
    print(f"judgement on {len(names)} labelled chats, imported {mode}")
    for part in ("dev", "test"):
        if args.split not in (part, "all"):
            continue
        chosen = [n for n in names if parts.get(n) == part]
        if chosen:
            report(f"{part} chats", [score_chat(n, not args.no_plan) for n in chosen])
    return 0


if __name__ == "__main__":
    sys.exit(main())
