"""Promo rules files: the shipped default, a host's own file, and clear errors naming file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tchat_tui.domain.promo.config import SIGNAL_IDS, RulesError, parse_rules
from tchat_tui.domain.promo.rules import default_rules, load_rules, read_default_text
from tchat_tui.domain.promo.tracker import PromoTracker

DEFAULT = read_default_text()


def test_default_rules_load_from_package_data() -> None:
    """The shipped file parses, has a version and defines every signal in both languages."""
    rules = default_rules()
    assert rules.version
    assert set(rules.signals) == set(SIGNAL_IDS)
    assert rules.amber == 3.0 and rules.red == 5.0 and rules.draft == 2.0
    assert "t.co" not in rules.shorteners
    assert {"bit.ly", "tinyurl.com", "ow.ly", "buff.ly", "amzn.to", "lnkd.in"} <= rules.shorteners
    assert {"gouv.fr", "who.int", "doi.org", "gov", "edu"} <= rules.reference


def test_a_hosts_file_is_used(tmp_path: Path) -> None:
    """A host's edited copy changes weights, thresholds and version."""
    edited = DEFAULT.replace('version = "', 'version = "host-', 1).replace(
        "amber = 3.0", "amber = 1.0", 1
    )
    path = tmp_path / "my_rules.toml"
    path.write_text(edited, encoding="utf-8")
    rules = load_rules(path)
    assert rules.version.startswith("host-")
    assert rules.amber == 1.0
    assert rules.source == str(path)
    assert load_rules(None).version == default_rules().version


@pytest.mark.parametrize(
    ("edit", "line_of", "message"),
    [
        (lambda t: t.replace("amber = 3.0", "amber = = 3.0", 1), "amber = = 3.0", "Invalid"),
        (
            lambda t: re.sub(
                r'weight = [\d.]+\nen = "call to buy', 'weight = "x"\nen = "call to buy', t, count=1
            ),
            "[signals.call_buy]",
            "needs a number 'weight'",
        ),
        (
            lambda t: t.replace("[signals.tag_hijack]", "[signals.tag_hijakc]", 1),
            "[signals",
            "missing [signals.tag_hijack]",
        ),
        (lambda t: t.replace('version = "', 'versio = "', 1), None, "version"),
        (lambda t: t.replace("red = 5.0", "red = 2.0", 1), "amber = 3.0", "amber <= red"),
        (
            lambda t: t.replace('red_needs = ["', 'red_needs = ["nope", "', 1),
            "red_needs",
            "known signal ids",
        ),
    ],
)
def test_errors_name_the_file_and_line(edit, line_of: str | None, message: str) -> None:  # type: ignore[no-untyped-def]
    """A broken rules file raises RulesError 'file:line: what is wrong'."""
    text = edit(DEFAULT)
    with pytest.raises(RulesError) as info:
        parse_rules(text, "host.toml")
    err = info.value
    assert str(err).startswith("host.toml")
    assert message in str(err)
    if line_of is not None:
        expected = next(
            i for i, line in enumerate(text.splitlines(), 1) if line.startswith(line_of)
        )
        assert err.line == expected
        assert str(err).startswith(f"host.toml:{expected}: ")


def test_unreadable_file_is_a_rules_error(tmp_path: Path) -> None:
    """A missing file is reported as a RulesError naming it."""
    with pytest.raises(RulesError, match="nope.toml: cannot read rules file"):
        load_rules(tmp_path / "nope.toml")


def test_word_lists_are_tunable() -> None:
    """Adding a phrase to a word list makes it fire."""
    text = DEFAULT.replace('call_buy = ["buy",', 'call_buy = ["snap it up", "buy",', 1)
    rules = parse_rules(text)
    from tests.test_promo_scoring import ctx, post

    result = PromoTracker(rules).score(post("Snap it up today"), ctx())
    assert "call_buy" in result.signal_ids
