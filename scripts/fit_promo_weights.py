"""Fit the promo signals' weights to the development chats and write them into the rules file.

    .venv/bin/python scripts/fit_promo_weights.py [--check] [--rules PATH]

The promo score is a sum of signal weights compared with a threshold: a logistic regression over
the signals, read as a linear score. This script fits that regression to the labelled chats of
the development part (`tests/judgement/split.toml`, never the test part), with scipy:

- each post of a dev chat is scored in order by the console's own scorer (`cli.flag.StreamScorer`:
  the classifier, the chat's context, the author history), and the signals that fired are its
  features (a signal's value is the weight it fired with over its rules weight: 1 for most, the
  number of extra tags for hashtag stuffing, capped);
- the label is the post's promo family (any family is promotional);
- the weights are bounded by their sign (evidence >= 0, mitigators <= 0, so every reason reads the
  way it is written), an emoji set's weight by `MARK_MOST`; pulled towards the weights written by hand (a prior); posts whose author is the host team or a guest are left
  out (`chat_host` and `host_or_guest` are policy, not evidence: their weights stay as written);
- the amber threshold stays where it is (it stands for a probability of `AMBER_PROBABILITY`); the
  red threshold is not fitted (the labels say promotional or not, never how spam-like);
- the author history feeds back (a post is scored with the flags its author's earlier posts got),
  so scoring and fitting alternate until the weights settle.

A signal that never fires on the dev chats keeps its written weight (no evidence either way); the
script lists them. `--check` fits without writing and fails when the file differs from the fit
(tests call it so: the shipped weights are the fitted ones). `--exclude CHAT` leaves a chat out
(the evaluation's leave-one-chat-out figures) and `--out` writes the rules elsewhere.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tchat_tui.cli.flag import StreamScorer, read_stream  # noqa: E402
from tchat_tui.domain.plan.read import load_plan  # noqa: E402
from tchat_tui.domain.promo.config import PromoRules, parse_rules  # noqa: E402
from tchat_tui.domain.roster import Roster  # noqa: E402

CORPUS = ROOT / "tests" / "judgement"
CHATS = CORPUS / "chats"
RULES = ROOT / "tchat_tui" / "data" / "promo_rules.toml"
PRIOR_WEIGHTS = Path(__file__).with_name("promo_prior.toml")
"""The weights first written by hand: the fit's prior."""
POLICY = ("chat_host", "host_or_guest")
"""Mitigators that say who the author is: policy, not fitted."""
MITIGATORS = ("asked_for_link", "substantive_answer")
"""Signals that speak against promotion: fitted with weight <= 0."""
MARKS = ("money_marks", "flirt_marks", "train_marks", "gift_marks", "pointer_marks")
"""Emoji sets: every spam post of a family may carry its emoji, but so do a traveller's 🚆 and a
birthday's 🎁; an emoji is never more than a hint, so its weight is bounded by `MARK_MOST`."""
MARK_MOST = 1.5
PRIOR = 1.0
"""The penalty on a weight's squared distance from its written weight (rules units)."""
AMBER_PROBABILITY = 0.5
"""The probability of promotion the amber threshold stands for."""
ROUNDS = 4
"""Score-and-fit rounds at most (the author history feeds the signals back)."""


@dataclass
class Example:
    """One post of a dev chat: its fired signals (id -> value) and its label."""

    chat: str
    features: dict[str, float]
    promo: bool
    policy: bool


def dev_chats() -> list[str]:
    """The development part of the labelled corpus."""
    split = tomllib.loads((CORPUS / "split.toml").read_text(encoding="utf-8"))
    return list(split["dev"])


def all_chats() -> list[str]:
    """Every labelled chat, development and test."""
    split = tomllib.loads((CORPUS / "split.toml").read_text(encoding="utf-8"))
    return list(split["dev"]) + list(split["test"])


def score_chat(name: str, rules: PromoRules) -> list[tuple[str, dict[str, float], str]]:
    """Score one labelled chat with `rules` as the console does, with its plan: for each post, its
    id, its fired signals (id -> value) and its level."""
    plan = load_plan(CHATS / f"{name}.plan.toml")
    roster = Roster(plan.host, tuple(plan.guests), tuple(plan.co_moderators))
    with (CHATS / f"{name}.jsonl").open(encoding="utf-8") as fh:
        posts = read_stream(fh).posts
    scorer = StreamScorer(roster, plan.tag, rules, tuple(plan.questions))
    out = []
    for post in posts:
        result = scorer.feed(post)
        features: dict[str, float] = {}
        for signal in result.signals:
            base = rules.signals[signal.id].weight or 1.0
            features[signal.id] = features.get(signal.id, 0.0) + signal.weight / base
        out.append((post.native_id, features, result.level))
    return out


def labels_of(name: str) -> dict[str, bool]:
    """Post id -> labelled promotional."""
    lines = (CHATS / f"{name}.labels.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["id"]: bool(d["promo"]) for d in map(json.loads, lines)}


def examples(chats: Iterable[str], rules: PromoRules) -> list[Example]:
    """The posts of `chats` scored with `rules`, with their labels."""
    out = []
    for name in chats:
        labels = labels_of(name)
        for post_id, features, _level in score_chat(name, rules):
            policy = any(p in features for p in POLICY)
            out.append(Example(name, features, labels[post_id], policy))
    return out


@dataclass
class Fit:
    """Fitted weights (rules units), the slope, and the signals left as written."""

    weights: dict[str, float]
    slope: float
    """How fast the probability rises per point of score around the amber threshold."""
    unfitted: list[str]


def fit(data: Sequence[Example], rules: PromoRules) -> Fit:
    """Bounded logistic regression over the fired signals, in the rules' own units.

    The probability of promotion is `sigmoid(slope * (score - amber) + logit(AMBER_PROBABILITY))`
    with `score` the sum of the weights of the fired signals: the weights and the slope are
    fitted, the amber threshold stays. The penalty pulls each weight towards the weight written
    in the rules (a prior): a signal the dev chats say little about, or that always fires beside
    a stronger one, keeps about its written weight instead of falling to 0."""
    used = [e for e in data if not e.policy]
    fired = sorted({s for e in used for s in e.features} - set(POLICY))
    x = np.array([[e.features.get(s, 0.0) for s in fired] for e in used])
    y = np.array([1.0 if e.promo else 0.0 for e in used])
    written = tomllib.loads(PRIOR_WEIGHTS.read_text(encoding="utf-8"))["weights"]
    prior = np.array([float(written[s]) for s in fired])
    offset = _logit(AMBER_PROBABILITY)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, slope = theta[:-1], math.exp(theta[-1])
        margin = x @ w - rules.amber
        p = 1.0 / (1.0 + np.exp(-(slope * margin + offset)))
        eps = 1e-12
        nll = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
        grad_z = p - y
        grad_w = slope * (x.T @ grad_z) + 2 * PRIOR * (w - prior)
        # The slope is pulled towards 1 too: the dev chats are nearly separable, and without it
        # the likelihood alone would make it (and every probability) as steep as allowed.
        log_slope = theta[-1]
        grad_slope = float(grad_z @ margin) * slope + 2 * PRIOR * log_slope
        penalty = PRIOR * (np.sum((w - prior) ** 2) + log_slope**2)
        return float(nll + penalty), np.append(grad_w, grad_slope)

    bounds = [
        (None, 0.0) if s in MITIGATORS else (0.0, MARK_MOST) if s in MARKS else (0.0, None)
        for s in fired
    ] + [(-5.0, 5.0)]
    found = minimize(loss, np.append(prior, 0.0), jac=True, method="L-BFGS-B", bounds=bounds)
    if not found.success:
        raise SystemExit(f"the fit did not converge: {found.message}")
    w, slope = found.x[:-1], math.exp(float(found.x[-1]))
    weights = {s: round(float(v), 2) for s, v in zip(fired, w, strict=True)}
    unfitted = [s for s in rules.signals if s not in fired and s not in POLICY]
    return Fit(weights, slope, unfitted)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def rules_text(base: str, result: Fit) -> str:
    """The rules file's text with the fitted weights (and caps) written in."""
    spec = tomllib.loads(base)["signals"]
    out, section = [], None
    for line in base.splitlines(keepends=True):
        head = re.match(r"\[signals\.(\w+)\]", line)
        if head:
            section = head.group(1)
        elif line.startswith("["):
            section = None
        m = re.match(r"(weight|cap)(\s*=\s*)(-?[\d.]+)(.*)$", line, re.DOTALL)
        if m and section in result.weights:
            old = spec[section]["weight"]
            new = result.weights[section]
            value = new if m.group(1) == "weight" else round(float(m.group(3)) * new / old, 2)
            line = f"{m.group(1)}{m.group(2)}{value}{m.group(4)}"
        out.append(line)
    return "".join(out)


def fitted_rules(chats: Sequence[str], base_text: str) -> tuple[str, Fit, int]:
    """Alternate scoring and fitting from `base_text` until the weights settle; the final
    text, fit and number of rounds."""
    text, previous, result = base_text, None, None
    for round_number in range(1, ROUNDS + 1):
        rules = parse_rules(text, "fit")
        result = fit(examples(chats, rules), rules)
        text = rules_text(text, result)
        if previous is not None and all(
            abs(result.weights[s] - previous.get(s, math.inf)) < 0.02 for s in result.weights
        ):
            return text, result, round_number
        previous = result.weights
    assert result is not None
    return text, result, ROUNDS


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on the dev chats (minus --exclude) and write or check the rules file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=RULES, help="the rules file to start from")
    parser.add_argument("--out", type=Path, help="write here instead of --rules")
    parser.add_argument("--chats", nargs="+", help="fit on these chats (default: the dev part)")
    parser.add_argument("--exclude", action="append", default=[], help="leave this chat out")
    parser.add_argument("--check", action="store_true", help="fail if the file is not the fit")
    args = parser.parse_args(argv)
    chats = [c for c in (args.chats or dev_chats()) if c not in args.exclude]
    base = args.rules.read_text(encoding="utf-8")
    text, result, rounds = fitted_rules(chats, base)
    if args.check:
        if text != base:
            print(f"{args.rules} is not the fit on {', '.join(chats)}: run this script")
            return 1
        print(f"{args.rules}: the weights are the fit on {len(chats)} dev chats")
        return 0
    (args.out or args.rules).write_text(text, encoding="utf-8")
    print(f"fitted on {len(chats)} chats in {rounds} round(s); slope {result.slope:.2f} per point")
    for s, w in sorted(result.weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {s:<24} {w:+.2f}")
    if result.unfitted:
        print(f"  never fired, kept as written: {', '.join(result.unfitted)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
