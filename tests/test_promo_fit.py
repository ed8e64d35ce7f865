"""The shipped promo weights are the fit on the development chats (`scripts/fit_promo_weights.py`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fit_promo_weights.py"


def _fitting():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fit_promo_weights", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["fit_promo_weights"] = module
    spec.loader.exec_module(module)
    return module


def test_the_rules_file_is_the_fit_on_the_dev_chats(capsys: pytest.CaptureFixture[str]) -> None:
    """Re-fitting from the written prior reproduces the shipped weights: nobody tuned them by hand
    after the fit (the fit never reads a test chat: `dev_chats` is the dev part of the split)."""
    fitting = _fitting()
    assert set(fitting.dev_chats()).isdisjoint(fitting.all_chats()[len(fitting.dev_chats()) :])
    assert fitting.main(["--check"]) == 0, capsys.readouterr().out


def test_the_fit_moves_weights_towards_what_the_labels_say(tmp_path: Path) -> None:
    """On a chat whose labels call every linked post promotional, the link's weight rises above
    its prior; the fit is bounded by sign (no evidence weight below 0)."""
    fitting = _fitting()
    from tchat_tui.domain.promo.config import parse_rules

    rules = parse_rules(fitting.RULES.read_text(encoding="utf-8"), "rules")
    link = fitting.Example("c", {"link": 1.0}, True, False)
    plain = fitting.Example("c", {}, False, False)
    fit = fitting.fit([link] * 40 + [plain] * 40, rules)
    assert fit.weights["link"] > rules.signals["link"].weight
    spam = fitting.Example("c", {"link": 1.0, "offer": 1.0}, False, False)
    fit = fitting.fit([spam] * 40 + [plain] * 40, rules)
    assert fit.weights["offer"] >= 0 and fit.weights["link"] >= 0
