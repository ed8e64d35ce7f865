"""No orphans: the import's scoring process ends when the import is killed (SIGKILL), at any
moment, instead of living on under PID 1 with the database's files open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import stream_line

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table from /proc"
)

POSTS = 60_000
"""Enough for the import to run several seconds on a loaded machine."""


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def children(pid: int) -> list[int]:
    """The live children of `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pid and stat[0] not in "ZX":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper has ended)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in "ZX"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A long recording: questions, answers, replies and some promotion."""
    path = tmp_path_factory.mktemp("orphans") / "long.jsonl"
    lines = []
    for i in range(POSTS):
        handle = f"user{i % 300}"
        if i % 500 == 0:
            text = f"Q{i // 500 % 9 + 1}: what helps you most? #Care"
            handle = "hostess"
        elif i % 7 == 0:
            text = f"Buy now https://shop.example/{i % 13} 50% off, DM me #Care"
        else:
            text = f"A{i // 500 % 9 + 1} answer number {i} from {handle} #Care"
        lines.append(stream_line(str(10**12 + i), text, handle, minute=i / 1000))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def spawned() -> Iterator[list[int]]:
    """Pids this test started; any still running at the end is killed (no process left)."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3, 0.6, 1.0])
def test_the_scoring_process_ends_with_a_killed_import(
    tmp_path: Path, recording: Path, spawned: list[int], delay: float
) -> None:
    """SIGKILL on the import `delay` s after its scoring process appears: within 5 s no child
    of it is left."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "tchat_tui", "import", str(recording)]
    cmd += ["--db", str(tmp_path / "c.db"), "--host", "hostess"]
    parent = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path
    )
    spawned.append(parent.pid)
    try:
        deadline = time.monotonic() + 60
        kids: list[int] = []
        while not kids and time.monotonic() < deadline and parent.poll() is None:
            kids = children(parent.pid)
            time.sleep(0.01)
        spawned.extend(kids)
        assert kids, "the import never started its scoring process"
        time.sleep(delay)
        assert parent.poll() is None, "the import ended before the kill: make the file longer"
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in kids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in kids if alive(pid)], "the scoring process outlived the import"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
