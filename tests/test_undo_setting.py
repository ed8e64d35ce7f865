"""The undo window: held sends in memory (`PendingSends`), its length from `--undo`, else the
plan's `undo_seconds`, else 5 s; and where a draft stops fitting a network (`overflow`)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import regex

from tchat_tui.cli.main import main
from tchat_tui.domain.plan.model import PlanError
from tchat_tui.domain.plan.read import parse_plan
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.overflow import fitting_end, overflow
from tchat_tui.domain.text.rules import rules_for, text_length
from tchat_tui.ui.actions.sending import Sending
from tchat_tui.ui.pending_send import PendingSends

PLAN = 'tag = "#T"\ntopic = "t"\nhost = "h"\nquestions = ["One?"]\n'


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_held_sends_go_when_due_oldest_first_and_only_once() -> None:
    """Each send goes when its own window ends, never twice; the line shows the newest."""
    clock, sent = Clock(), []
    held = PendingSends(5, now=clock)
    held.hold("post", lambda: sent.append("a"))
    clock.now = 2
    held.hold("reply to @ana", lambda: sent.append("b"))
    assert held.status() == "reply to @ana: sending in 5 s · ctrl+z cancel · 2 pending"
    clock.now = 4.9
    assert held.release_due() == [] and sent == []
    clock.now = 5
    assert [p.what for p in held.release_due()] == ["post"] and sent == ["a"]
    assert held.status() == "reply to @ana: sending in 2 s · ctrl+z cancel"
    clock.now = 100
    held.release_due()
    held.release_due()
    assert sent == ["a", "b"] and held.status() == ""


def test_cancel_takes_the_newest_and_it_never_goes() -> None:
    """ctrl+z cancels the newest held send (its `cancelled` runs); it is never sent."""
    clock, sent, back = Clock(), [], []
    held = PendingSends(5, now=clock)
    held.hold("post", lambda: sent.append("a"))
    held.hold("retweet", lambda: sent.append("b"), lambda: back.append("b"), key="x:1")
    assert held.holds_key("x:1") and not held.holds_key("x:2")
    cancelled = held.cancel_newest()
    assert cancelled is not None and cancelled.what == "retweet" and back == ["b"]
    clock.now = 60
    held.release_due()
    assert sent == ["a"] and held.cancel_newest() is None


def test_no_window_sends_at_once_and_quitting_sends_or_drops() -> None:
    """0 s: `hold` sends now; `release_all` sends what waits, `drop_all` forgets it."""
    sent: list[str] = []
    assert PendingSends(0).hold("post", lambda: sent.append("now")) is None
    assert sent == ["now"]
    held = PendingSends(5)
    held.hold("a", lambda: sent.append("a"))
    held.release_all()
    held.hold("b", lambda: sent.append("b"))
    assert [p.what for p in held.drop_all()] == ["b"]
    assert sent == ["now", "a"] and len(held) == 0


def window(cli: float | None, plan: float | None) -> float:
    """The window `Sending` uses for this command line and plan."""
    session = SimpleNamespace(
        settings=SimpleNamespace(undo_seconds=cli),
        plan=SimpleNamespace(undo_seconds=plan),
    )
    return Sending(session, None, None).undo_seconds  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cli", "plan", "seconds"),
    [(None, None, 5.0), (None, 8, 8.0), (2, 8, 2.0), (0, 8, 0.0), (None, 0, 0.0)],
)
def test_the_command_line_wins_over_the_plan_over_the_default(
    cli: float | None, plan: float | None, seconds: float
) -> None:
    """--undo, else the plan's undo_seconds, else 5 s; 0 turns the window off."""
    assert window(cli, plan) == seconds


@pytest.mark.parametrize(("value", "seconds"), [("undo_seconds = 3", 3.0), ("", None)])
def test_the_plan_reads_undo_seconds(value: str, seconds: float | None) -> None:
    """A plan may set the window; without it, the console's default applies."""
    assert parse_plan(PLAN + value, "p.toml").undo_seconds == seconds


@pytest.mark.parametrize("value", ["undo_seconds = -1", "undo_seconds = 61", 'undo_seconds = "5"'])
def test_a_bad_undo_seconds_names_the_line(value: str) -> None:
    """Out of 0..60, or not a number: the plan's error names the file and line."""
    with pytest.raises(PlanError, match=r"p\.toml:5: 'undo_seconds' must be"):
        parse_plan(PLAN + value, "p.toml")


def test_undo_on_the_command_line(
    monkeypatch: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--undo 2 reaches the console's settings; --undo 99 is a one-line error, exit 2."""
    import tchat_tui.ui.app as app_module

    seen: list[Any] = []

    class NoApp:
        error = None
        kept = None
        return_code = 0

        def run(self) -> None:
            """Nothing to run."""

    monkeypatch.setattr(app_module, "build_app", lambda s: seen.append(s) or NoApp())
    assert main(["T", "--undo", "2", "--db", str(tmp_path / "c.db")]) == 0
    assert seen[0].undo_seconds == 2.0
    with pytest.raises(SystemExit) as exit_info:
        main(["T", "--undo", "99"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "--undo must be 0 (send at once) to 60 seconds" in err[-1]


@pytest.mark.parametrize(
    ("network", "text"),
    [
        (Network.X, "a" * 300),
        (Network.X, "été " * 80),
        (Network.X, "🙂" * 150),
        (Network.MASTODON, "see https://example.com/ " + "p" * 600),
        (Network.BLUESKY, "👩‍👩‍👧 " * 200),
    ],
)
def test_the_cut_falls_where_the_text_stops_fitting(network: Network, text: str) -> None:
    """The prefix before the cut fits the network; one more character would not."""
    rules = rules_for(network)
    end = fitting_end(text, rules)
    assert 0 < end < len(text)
    assert text_length(text[:end], rules) <= rules.limit
    assert overflow(text, rules) == text[end:]
    next_grapheme = regex.match(r"\X", text[end:])
    assert next_grapheme is not None
    assert text_length(text[: end + next_grapheme.end()], rules) > rules.limit


def test_a_text_that_fits_has_nothing_past_the_limit() -> None:
    """Nothing is cut from a post within the limit."""
    assert overflow("short #T", rules_for(Network.X)) == ""


def test_the_quit_question_stops_the_clocks() -> None:
    """While quitting asks about them, held sends neither go nor count down; staying resumes
    each window where it stopped."""
    clock, sent = Clock(), []
    held = PendingSends(5, now=clock)
    held.hold("post", lambda: sent.append("a"))
    clock.now = 3
    held.pause()
    clock.now = 30
    assert held.release_due() == [] and sent == []
    assert held.status() == "post: sending in 2 s · ctrl+z cancel"
    held.resume()
    clock.now = 31.9
    assert held.release_due() == []
    clock.now = 32
    assert [p.what for p in held.release_due()] == ["post"] and sent == ["a"]
