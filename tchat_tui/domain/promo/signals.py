"""What a promo score is made of: the fired signals (each with its weight and reasons) and the
result they add up to, with its level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tchat_tui.domain.promo.config import PromoRules

Level = Literal["none", "amber", "red"]


@dataclass(frozen=True, slots=True)
class Signal:
    """One fired rule: its id, its weight in the score and its reason in English and French."""

    id: str
    weight: float
    reason_en: str
    reason_fr: str


def make_signal(
    rules: PromoRules,
    sid: str,
    detail_en: object = "",
    detail_fr: object | None = None,
    weight: float | None = None,
) -> Signal:
    """Build a Signal from the rules' weight and reason templates (remembered: a chat's signals
    repeat, such as the same call or the same domain)."""
    # The types are part of the key: 1 == 1.0 == True, but they format differently.
    key: tuple[object, ...] | None = (
        sid,
        type(detail_en),
        detail_en,
        type(detail_fr),
        detail_fr,
        type(weight),
        weight,
    )
    memo = rules.signal_memo
    signal: Signal | None
    try:
        signal = memo.get(key)  # type: ignore[assignment,arg-type]
    except TypeError:  # an unhashable detail: build it each time
        key, signal = None, None
    if signal is None:
        spec = rules.signals[sid]
        fr = detail_en if detail_fr is None else detail_fr
        signal = Signal(
            sid,
            spec.weight if weight is None else weight,
            spec.en.format(detail=detail_en),
            spec.fr.format(detail=fr),
        )
        if key is not None:
            if len(memo) > 4096:
                memo.clear()
            memo[key] = signal
    return signal


def _num(value: float, lang: str) -> str:
    """A weight as `+1.5` (English) or `+1,5` (French)."""
    text = f"{value:+.1f}"
    return text.replace(".", ",") if lang == "fr" else text


@dataclass(frozen=True)
class PromoResult:
    """A post's level, score, the signals behind it and the rules version that produced it."""

    level: Level
    score: float
    signals: tuple[Signal, ...]
    rules_version: str

    @property
    def promo(self) -> bool:
        """True when the post is promotional (amber) or spam-like (red)."""
        return self.level != "none"

    def reasons(self, lang: str = "en") -> list[str]:
        """Each signal in words with its weight, then the rules version (`rules v1`)."""
        fr = lang.lower().startswith("fr")
        out = [
            f"{s.reason_fr if fr else s.reason_en} ({_num(s.weight, 'fr' if fr else 'en')})"
            for s in self.signals
            if s.weight  # a signal the fitted rules weigh at 0 is no reason
        ]
        out.append(f"{'règles' if fr else 'rules'} v{self.rules_version}")
        return out

    @property
    def signal_ids(self) -> tuple[str, ...]:
        """The ids of the fired signals, in order."""
        return tuple(s.id for s in self.signals)


def result_of(rules: PromoRules, sigs: list[Signal]) -> PromoResult:
    """Sum the weights (floored at 0) and pick the level."""
    score = round(max(0.0, sum(s.weight for s in sigs)), 2)
    return PromoResult(level_of(rules, score, sigs, rules.amber), score, tuple(sigs), rules.version)


def level_of(rules: PromoRules, score: float, sigs: list[Signal], amber: float) -> Level:
    """Red from the red threshold when a spam pattern fired, amber from `amber`, else none."""
    if score >= rules.red and (not rules.red_needs or any(s.id in rules.red_needs for s in sigs)):
        return "red"
    return "amber" if score >= amber else "none"
