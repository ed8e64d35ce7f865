"""Driving console processes (`console_proc.py`) from a test or the benchmark: start, send a
command, wait for a line."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

PROC = Path(__file__).with_name("console_proc.py")
ROOT = Path(__file__).resolve().parents[2]


class ConsoleProcess:
    """One console in a child process; its stdout lines are kept, in order."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        self.name = name
        self.lines: list[tuple[float, str]] = []
        """(wall-clock time read, line), every line so far."""
        self._new: queue.Queue[tuple[float, str]] = queue.Queue()
        full_env = dict(env if env is not None else os.environ)
        full_env["PYTHONPATH"] = str(ROOT)
        self.proc = subprocess.Popen(
            [sys.executable, str(PROC), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=full_env,
            cwd=ROOT,
        )
        self.pid = self.proc.pid
        self.stderr = ""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            item = (time.time(), line.rstrip("\n"))
            self.lines.append(item)
            self._new.put(item)

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def send(self, command: str) -> None:
        """One command line."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def wait_line(self, prefix: str, timeout: float = 30.0, since: int = 0) -> tuple[float, str]:
        """The first line starting with `prefix` among the lines from index `since` (waiting
        for it up to `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            for item in self.lines[since:]:
                if item[1].startswith(prefix):
                    return item
            if self.proc.poll() is not None and self._new.empty():
                time.sleep(0.2)
                raise AssertionError(
                    f"{self.name} exited ({self.proc.returncode}) before {prefix!r}:"
                    f" {self.lines[-5:]} {self.stderr[-2000:]}"
                )
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: no {prefix!r} in {self.lines[-8:]}")
            try:
                self._new.get(timeout=min(left, 0.1))
            except queue.Empty:
                pass

    def do(self, command: str, timeout: float = 30.0) -> tuple[float, str]:
        """Send a command and wait until it is done (`OK verb`)."""
        mark = len(self.lines)
        self.send(command)
        return self.wait_line(f"OK {command.split()[0]}", timeout, since=mark)

    def quit(self, timeout: float = 30.0) -> int:
        """Leave as ctrl+q does; the exit code."""
        if self.proc.poll() is None:
            try:
                self.send("quit")
            except (BrokenPipeError, OSError):
                pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(5)

    def kill(self) -> None:
        """SIGKILL, as a crash."""
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(10)


def console_args(
    db: Path, tag: str, moderator: str, *, join: bool = False, extra: tuple[str, ...] = ()
) -> list[str]:
    """The arguments of one console."""
    args = ["--db", str(db), "--tag", tag, "--moderator", moderator, *extra]
    return [*args, "--join"] if join else args
