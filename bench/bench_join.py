"""Joined consoles (`--join`) during a flood of 1,000 posts/s: how long after a post is stored it
is on a joined console's screen, beside the first console's own delay; and the first console's
key latency with two joined consoles following the same database, against the same console with
none and idle (ratios, as bench_console.py).

Run: .venv/bin/python bench/bench_join.py [--rate 1000] [--seconds 10] [--joined 2] [--rounds 1]

The first console runs in this process (the real app, headless, typing a key every 50 ms into its
composer while a producer thread hands its pipeline `rate` posts/s, as bench_console.py); each
joined console is a process (tests/join/console_proc.py, the real app headless). A post's "stored"
time is when the first console's pipeline committed it; "on screen" is when it entered a stream
pane (wall clock, one machine). Only posts stored after every joined console was ready count.
Targets (issue 17): joined p95 < 1 s; the first console's key->frame p95 <= 2x idle and < 50 ms
(issue 3) with two joined consoles.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_console import TAG, Producer, pct  # noqa: E402

from tests.join.consoles import ConsoleProcess, console_args  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TimedSink:
    """The first console's runner, noting when each batch was committed."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner
        self.stored: dict[str, float] = {}

    def posts(self, batch: list[Any]) -> None:
        """Store through the runner; note the time."""
        self.runner.posts(batch)
        now = time.time()
        for post in batch:
            self.stored[post.key] = now


@dataclass
class JoinRun:
    """What one run measured."""

    key_ms: list[float] = field(default_factory=list)
    first_delay: list[float] = field(default_factory=list)
    joined_delay: list[list[float]] = field(default_factory=list)
    produced: int = 0
    joined_missing: list[int] = field(default_factory=list)
    first_cpu: list[float] = field(default_factory=list)
    """CPU seconds per second of flood, the first console's process."""
    joined_cpu: list[float] = field(default_factory=list)
    """The same for each joined console."""


async def run(rate: float, seconds: float, joined: int) -> JoinRun:
    """The first console typing while flooded (rate > 0), with `joined` consoles beside it."""
    importlib.import_module("tchat_tui.ui")
    from textual import events
    from textual.screen import Screen
    from textual.widgets import Input

    from tchat_tui.pipeline.settings import Settings
    from tchat_tui.ui.app import build_app
    from tchat_tui.ui.gc_policy import pause_gc_for_startup
    from tchat_tui.ui.screens.main import MainScreen
    from tchat_tui.ui.widgets.stream import StreamPane

    out = JoinRun()
    frames: list[float] = []
    handled: list[float] = []
    seen: dict[str, float] = {}
    refresh, add = Screen._compositor_refresh, StreamPane.add

    def timed_refresh(self: Screen[Any]) -> None:
        refresh(self)
        frames.append(time.perf_counter())

    def timed_add(self: StreamPane, new: Any) -> int:
        entries = list(new)
        now = time.time()
        for e in entries:
            seen.setdefault(e.key, now)
        return add(self, entries)

    def hook(message: Any) -> None:
        if isinstance(message, Input.Changed):
            handled.append(time.perf_counter())

    Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]
    StreamPane.add = timed_add  # type: ignore[method-assign]
    tmp = Path(tempfile.mkdtemp(prefix="bench-join-"))
    db = tmp / "chat.db"
    pause_gc_for_startup()
    app = build_app(
        Settings(
            tag=TAG,
            db_path=db,
            host="hostess",
            guests=("guest1", "guest2"),
            moderators=("ana",),
            dry_run=True,
        )
    )
    session = app.session
    others: list[ConsoleProcess] = []
    try:
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            while not screen.ready:
                await pilot.pause(0.02)
            for i in range(joined):
                others.append(ConsoleProcess(f"j{i}", console_args(db, TAG, f"mod{i}", join=True)))
            for other in others:
                await asyncio.to_thread(other.wait_line, "READY", 120.0)
            await pilot.pause(1.0)
            screen.composer.draft.focus()
            await pilot.pause(0.2)
            gc.collect()
            sink = TimedSink(session.runner)
            producer = Producer(sink, rate, int(rate * seconds), 0) if rate else None
            driver = app._driver
            assert driver is not None
            sent: list[float] = []
            t_start = time.perf_counter()
            cpu_start = [cpu_seconds(os.getpid()), *(cpu_seconds(o.pid) for o in others)]
            if producer:
                producer.start()
            keys = 0
            while time.perf_counter() - t_start < seconds:
                if keys and keys % 100 == 0:
                    driver.send_message(events.Key("ctrl+u", None))
                    await asyncio.sleep(0.05)
                ch = "abcdefghij"[keys % 10]
                sent.append(time.perf_counter())
                driver.send_message(events.Key(ch, ch))
                keys += 1
                await asyncio.sleep(0.05)
            spent = time.perf_counter() - t_start
            cpu = [cpu_seconds(os.getpid()), *(cpu_seconds(o.pid) for o in others)]
            out.first_cpu.append((cpu[0] - cpu_start[0]) / spent)
            out.joined_cpu += [(b - a) / spent for a, b in zip(cpu_start[1:], cpu[1:], strict=True)]
            await asyncio.sleep(0.3)
            h_i = f_i = 0
            for t in sent:
                while h_i < len(handled) and handled[h_i] < t:
                    h_i += 1
                if h_i == len(handled):
                    break
                while f_i < len(frames) and frames[f_i] < handled[h_i]:
                    f_i += 1
                if f_i == len(frames):
                    break
                out.key_ms.append((frames[f_i] - t) * 1000)
                h_i += 1
            if producer:
                producer.join()
                out.produced = producer.produced
                deadline = time.perf_counter() + 30
                while screen.feed.total < out.produced and time.perf_counter() < deadline:
                    await asyncio.sleep(0.05)
                await asyncio.sleep(2.0)  # the joined consoles' last poll and drain
                out.first_delay = [seen[k] - t for k, t in sink.stored.items() if k in seen]
                for other in others:
                    dump = tmp / f"{other.name}.json"
                    other.do(f"dump {dump}", timeout=60)
                    theirs = json.loads(dump.read_text())["seen"]
                    out.joined_delay.append(
                        [theirs[k] - t for k, t in sink.stored.items() if k in theirs]
                    )
                    out.joined_missing.append(sum(1 for k in sink.stored if k not in theirs))
    finally:
        for other in others:
            other.quit()
        Screen._compositor_refresh = refresh  # type: ignore[method-assign]
        StreamPane.add = add  # type: ignore[method-assign]
    return out


def ms(values: list[float], scale: float = 1.0) -> str:
    """'p50 X p95 Y' in milliseconds."""
    return f"p50 {pct(values, 0.5) * scale:.0f} p95 {pct(values, 0.95) * scale:.0f}"


def main() -> int:
    """Idle, flood alone, flood with joined consoles; print delays, latencies and ratios."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=1000.0)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--joined", type=int, default=2)
    p.add_argument("--rounds", type=int, default=1, help="rounds of the three runs, pooled")
    args = p.parse_args()
    idle, alone, shared = JoinRun(), JoinRun(), JoinRun()
    for _ in range(args.rounds):  # alternate, so a busy moment on the machine hits each side
        for into, rate, joined in ((shared, args.rate, args.joined), (alone, args.rate, 0)):
            got = asyncio.run(run(rate, args.seconds, joined))
            into.key_ms += got.key_ms
            into.first_delay += got.first_delay
            into.produced += got.produced
            into.joined_missing += got.joined_missing
            into.first_cpu += got.first_cpu
            into.joined_cpu += got.joined_cpu
            if not into.joined_delay:
                into.joined_delay = [[] for _ in got.joined_delay]
            for mine, theirs in zip(into.joined_delay, got.joined_delay, strict=True):
                mine += theirs
        idle.key_ms += asyncio.run(run(0, args.seconds, 0)).key_ms
    pooled = [d for delays in shared.joined_delay for d in delays]
    print(
        f"flood: {args.rate:.0f} posts/s for {args.seconds:.0f} s into the first console, typing a"
        f" key every 50 ms; {args.joined} joined consoles (processes); {args.rounds} round(s)"
    )
    print(
        f"  stored -> on screen, ms: joined consoles {ms(pooled, 1000)}"
        f" (target p95 < 1000) | first console {ms(shared.first_delay, 1000)}"
    )
    for i, delays in enumerate(shared.joined_delay):
        print(f"    joined console {i + 1}: {ms(delays, 1000)}; missing {shared.joined_missing[i]}")
    print(
        f"  CPU per second of flood: first console {max(shared.first_cpu, default=0):.2f} s with"
        f" joined ({max(alone.first_cpu, default=0):.2f} alone), each joined console"
        f" {max(shared.joined_cpu, default=0):.2f} s (the machine has {os.cpu_count()} cores,"
        f" load average {os.getloadavg()[0]:.1f})"
    )
    i95, a95, s95 = pct(idle.key_ms, 0.95), pct(alone.key_ms, 0.95), pct(shared.key_ms, 0.95)
    print(
        f"  first console key->frame ms: idle {ms(idle.key_ms)} | flood alone {ms(alone.key_ms)}"
        f" | flood with {args.joined} joined {ms(shared.key_ms)}"
    )
    print(
        f"  p95 ratio with joined / idle {s95 / i95:.2f}x (target <= 2x and < 50 ms);"
        f" with joined / alone {s95 / a95:.2f}x; produced {shared.produced}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
