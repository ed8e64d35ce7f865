"""The host's hour in tmux, short form (`scripts/walkthrough`): every key of the console on the
demo rehearsal at 20x, each screen checked, no traceback, the quit lines, the summary.

About 50 s; `-m "not slow"` leaves it out. Without tmux (and no root to install it) it is skipped.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _module(name: str) -> ModuleType:
    """A module of scripts/ (host_hour imports tmux_console beside it)."""
    if name in sys.modules:
        return sys.modules[name]
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


def test_every_step_checks_the_screen_or_says_why_not() -> None:
    """A step without keys waits for something; every step of the hour checks what it shows."""
    hour = _module("host_hour")
    for step in hour.HOUR:
        assert step.shows or step.gone, step.name
        assert set(step.forms) <= {"short", "long"}, step.name
    short = [s.name for s in hour.steps("short", 80)]
    assert any("post Q2" in name for name in short)
    assert not any("post Q3" in name for name in short)
    assert any("post Q8" in s.name for s in hour.steps("long", 200))


def test_a_screen_never_shown_fails_with_one_line_and_the_screen_saved(tmp_path: Path) -> None:
    """A screen that never shows what a step expects: exit 1, one line, the screen in a file."""
    console = _module("tmux_console")
    if not console.tmux_available():
        pytest.skip("tmux is not installed (and apt-get needs root)")
    tmux = console.TmuxConsole(tmp_path, 40, 10)
    try:
        tmux.start(["sh", "-c", "echo hello; sleep 30"], {"PATH": "/usr/bin:/bin"})
        assert "hello" in tmux.wait_for("hello", 10)
        with pytest.raises(console.WalkFailed) as failed:
            tmux.wait_for("goodbye", 0.5)
        assert "no /goodbye/" in failed.value.reason and "hello" in failed.value.screen
    finally:
        tmux.close()
    assert not console._exists(tmux.pane_pid)


@pytest.mark.slow
def test_the_short_form_of_the_hosts_hour(tmp_path: Path) -> None:
    """The short form at 80x24 plays through: every step's screen shows, the console quits."""
    if not _module("tmux_console").tmux_available():
        pytest.skip("tmux is not installed (and apt-get needs root)")
    run = subprocess.run(
        [sys.executable, str(SCRIPTS / "walkthrough"), "--size", "80x24", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "walkthrough short 80x24: ok" in run.stdout
