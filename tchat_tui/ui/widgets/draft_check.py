"""What the composer says under the draft: the count per network, why it cannot be sent, the
part past a limit, the tag added, and whether it reads as promotional."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from rich.text import Text

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.overflow import overflow
from tchat_tui.domain.text.rules import NetworkRules, TextCheck
from tchat_tui.ui.safe import one_line

NETWORK_NAMES = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}
SHOWN_OVERFLOW = 40
"""At most this many characters of the part past a limit (its start: where the cut falls)."""


@cache
def _default_promo_rules() -> Any:
    """The default promo rules, or None when they cannot be loaded."""
    try:
        from tchat_tui.domain.promo.rules import default_rules

        return default_rules()
    except Exception:  # the composer works without promo warnings
        return None


def promo_warning(text: str, tag: str, rules: Any = None) -> str:
    """Why the host's draft reads as promotional ('' when it does not)."""
    if not text.strip():
        return ""
    rules = rules if rules is not None else _default_promo_rules()
    if rules is None:
        return ""
    from tchat_tui.domain.promo.draft import score_draft

    result = score_draft(text, tag, rules)
    if not result.promo:
        return ""
    return "; ".join(result.reasons("en")[:-1])


def block_reason(text: str, checks: Sequence[TextCheck]) -> str:
    """Why the draft cannot be sent ('' when it can)."""
    if not text:
        return "empty"
    bad = [c for c in checks if not c.valid]
    return "; ".join(f"{NETWORK_NAMES.get(c.network, c.network.value)}: {c.reason}" for c in bad)


def counts_line(text: str, checks: Sequence[TextCheck]) -> Text:
    """`X 40/280 · Mastodon 40/500`, red where over, then why it cannot be sent."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for i, c in enumerate(checks):
        if i:
            line.append(" · ")
        ok = c.valid or not text
        line.append(
            f"{NETWORK_NAMES.get(c.network, c.network.value)} {c.length}/{c.limit}",
            "green" if ok else "bold red",
        )
    reasons = block_reason(text, checks)
    if reasons and text:
        line.append(f"   not sendable: {reasons}", "bold red")
    return line


def detail_line(
    draft: str,
    final: str,
    checks: Sequence[TextCheck],
    rules: Mapping[Network, NetworkRules],
    promo: str,
) -> Text:
    """The second line: the part past the strictest limit it breaks (what that network would
    cut), the promo warning; else how the post goes out (the tag added at its end)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    over = [c for c in checks if c.over_by and c.network in rules]
    if over:
        worst = max(over, key=lambda c: c.over_by)
        past = one_line(overflow(final, rules[worst.network]))
        shown = past if len(past) <= SHOWN_OVERFLOW else past[:SHOWN_OVERFLOW] + "…"
        name = NETWORK_NAMES.get(worst.network, worst.network.value)
        line.append(f" ✂ {name} would cut ", "bold white on red")
        line.append(" ")
        line.append(shown, "reverse")
        line.append("  ")
    if promo:
        line.append(" ⚠ reads as promotional ", "bold black on dark_orange")
        line.append(f" {one_line(promo)}")
    if over or promo:
        return line
    if final and final != draft.strip():
        added = final[len(draft.strip()) :] if final.startswith(draft.strip()) else final
        line.append("goes out with ", "dim")
        line.append(one_line(added).strip(), "bold")
        line.append(" added at the end", "dim")
    if "\n" in final:
        lines = final.count("\n") + 1
        line.append(f"{'   ' if line else ''}{lines} lines (ctrl+j breaks a line)", "dim")
    return line
