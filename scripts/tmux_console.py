"""A console in a private tmux server: start it at a size, wait for the screen, send keys, capture.

The server has its own socket in a temporary folder (never the user's tmux, whose environment
and options would leak in) and no configuration file. `close()` kills the server and then the
console's process group if it outlived the hang-up, so nothing is left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TRACEBACK = "Traceback (most recent call last)"
"""The head of a Python traceback (Textual's crash report prints one as it exits)."""
CRASH = re.compile(r"^\W*(\w+\.)*\w*(Error|Exception)\b.*$", re.MULTILINE)
"""The line that names the exception, in what an exited console left on the screen."""

POLL = 0.15
"""Seconds between two captures while waiting for the screen."""
SAME = 1.0
"""Seconds a screen may stay the same after a key before it is judged."""


class WalkFailed(Exception):
    """The console crashed, exited too early or did not show what a step expects."""

    def __init__(self, reason: str, screen: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.screen = screen


@dataclass(frozen=True)
class Typed:
    """Text typed as it is (`tmux send-keys -l`), never read as key names."""

    text: str


Key = str | Typed
"""A tmux key name ('Enter', 'C-p', 'F1', 'j') or text typed literally."""


class TmuxConsole:
    """A command running in a detached tmux session of `width` x `height`."""

    def __init__(self, folder: Path, width: int, height: int) -> None:
        self.socket = folder / "tmux.sock"
        self.width = width
        self.height = height
        self.pane_pid: int | None = None
        self.last = ""
        """The last capture (saved when a step fails)."""

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=20,
        )
        if out.returncode != 0:
            raise WalkFailed(f"tmux {args[0]}: {out.stderr.strip()}", self.last)
        return out.stdout

    def start(self, command: Sequence[str], env: dict[str, str]) -> None:
        """Run `command` in a new detached session; the pane stays on screen once it exits."""
        self._tmux(
            "new-session",
            "-d",
            "-s",
            "walk",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            *command,
            ";",
            "set-option",
            "-t",
            "walk",
            "remain-on-exit",
            "on",
            env=env,
        )
        self.pane_pid = int(self._tmux("display-message", "-p", "-t", "walk", "#{pane_pid}"))

    def capture(self, joined: bool = False) -> str:
        """The screen as text (`joined`: the whole history, wrapped lines joined)."""
        args = ["capture-pane", "-p", "-t", "walk"]
        if joined:
            args += ["-J", "-S", "-"]
        self.last = self._tmux(*args)
        return self.last

    def exit_status(self) -> int | None:
        """The command's exit status once it has exited, else None."""
        dead, status = self._tmux(
            "display-message", "-p", "-t", "walk", "#{pane_dead} #{pane_dead_status}"
        ).split(" ", 1)
        return int(status.strip() or 0) if dead == "1" else None

    def press(self, keys: Sequence[Key]) -> None:
        """Send keys one after the other, as a person would type them."""
        for key in keys:
            if isinstance(key, Typed):
                self._tmux("send-keys", "-t", "walk", "-l", key.text)
            else:
                self._tmux("send-keys", "-t", "walk", key)

    def check_alive(self, screen: str) -> None:
        """WalkFailed if the screen shows a traceback or the console has exited."""
        if TRACEBACK in screen:
            raise WalkFailed("traceback on the screen", self.capture(joined=True))
        status = self.exit_status()
        if status is not None:
            history = self.capture(joined=True)
            crash = CRASH.search(history)
            said = f": {crash.group(0).strip()}" if crash else ""
            raise WalkFailed(f"the console exited (status {status}){said}", history)

    def wait_for(self, shows: str, timeout: float, gone: str = "", since: str = "") -> str:
        """Capture until the screen matches `shows` (and no longer matches `gone`), or fail.

        `since`: the screen before the keys were pressed; it is not judged (a key not handled
        yet would leave the old screen, which may already match): the screen must change
        first, or stay the same for `SAME` seconds (a key that changes nothing).
        """
        want = re.compile(shows, re.MULTILINE) if shows else None
        away = re.compile(gone, re.MULTILINE) if gone else None
        same_until = time.monotonic() + SAME
        while since and self.capture() == since and time.monotonic() < same_until:
            time.sleep(POLL / 3)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            self.check_alive(screen)
            if (want is None or want.search(screen)) and (away is None or not away.search(screen)):
                return screen
            if time.monotonic() > deadline:
                missing = f"no /{shows}/" if want and not want.search(screen) else f"still /{gone}/"
                raise WalkFailed(f"{missing} on the screen after {timeout:g} s", screen)
            time.sleep(POLL)

    def wait_exit(self, timeout: float) -> int:
        """Wait for the command to exit; its status (WalkFailed after `timeout`)."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                raise WalkFailed(f"still running {timeout:g} s after quitting", self.capture())
            time.sleep(POLL)
        return status

    def close(self) -> None:
        """Kill the session and the server; then the console's process group if still there."""
        subprocess.run(
            ["tmux", "-S", str(self.socket), "kill-server"], capture_output=True, timeout=20
        )
        if self.pane_pid is None:
            return
        deadline = time.monotonic() + 5
        while _exists(self.pane_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _exists(self.pane_pid):
            try:  # the pane's command leads its own process group (tmux runs it in a new session)
                os.killpg(self.pane_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tmux_available() -> bool:
    """Whether tmux is on the PATH; installs it with apt-get first when running as root."""
    if shutil.which("tmux"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for args in (["update", "-qq"], ["install", "-y", "-qq", "tmux"]):
            subprocess.run(
                ["apt-get", *args],
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    return shutil.which("tmux") is not None
