"""Load promo rules: the default file shipped in the package, or a host's own file by path."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from tchat_tui.domain.promo.config import PromoRules, RulesError, parse_rules

DEFAULT_RULES = "promo_rules.toml"
"""The default rules file inside `tchat_tui/data`."""

__all__ = ["DEFAULT_RULES", "default_rules", "load_rules", "read_default_text"]


def read_default_text() -> str:
    """The text of the shipped default rules file."""
    return resources.files("tchat_tui.data").joinpath(DEFAULT_RULES).read_text(encoding="utf-8")


@cache
def default_rules() -> PromoRules:
    """The shipped default rules, parsed once per process (the scorer and the composer share them)."""
    return parse_rules(read_default_text(), f"tchat_tui/data/{DEFAULT_RULES}")


def load_rules(path: str | Path | None = None) -> PromoRules:
    """Rules from a host's TOML file (or the default when `path` is None).

    Raises:
        RulesError: the file cannot be read or parsed; the message names the file and line.
    """
    if path is None:
        return default_rules()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(str(p), f"cannot read rules file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RulesError(str(p), "rules file is not UTF-8 text") from None
    return parse_rules(text, str(p))
