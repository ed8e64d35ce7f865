"""The console under a flood: 1,000 posts/s for 10 s while the host types, against the same app idle.

Run: .venv/bin/python bench/bench_console.py [--rate 1000] [--seconds 10] [--total 100000] [--one-line]

Prints posts produced / stored / delivered to the screen, key-to-frame latency p50/p95 flooded and idle
(ratio), frames per second, RSS after 100,000 posts, and the time to the first painted screen beside a
minimal Textual app started the same way (ratio). Method: /work/shared/notes/textual-performance.md §7
(keys go in through the driver like terminal input; frames are timed at the end of
`Screen._compositor_refresh`, a private method: Textual is pinned exactly).
Targets (issue 3): p95 <= 2x idle and < 50 ms; no post lost; < 100 MB for 100k posts; startup <= 1.5x.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "care family sister respite nurse tired help thanks question guilt time rest merci aidant "
    "soutien fatigue temps famille répit infirmière aide courage ensemble parler écoute"
).split()
TAG = "BenchChat"


def rss_mb() -> float:
    """Resident set size of this process, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, nan if none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Producer(threading.Thread):
    """A source thread: hands the pipeline `rate` posts/s in 50 ms batches, as the replay source
    batches them (seeded)."""

    def __init__(self, sink: Any, rate: float, count: int, start_id: int, seed: int = 3) -> None:
        super().__init__(name="bench-producer", daemon=True)
        self.sink, self.rate, self.count, self.next_id = sink, rate, count, start_id
        self.rng = random.Random(seed)
        self.produced = 0

    def make(self) -> Any:
        from tchat_tui.domain.post import Network, Post

        rng, i = self.rng, self.next_id
        self.next_id += 1
        handle = f"user{rng.randrange(3000)}"
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 28)))
        roll = rng.random()
        if roll < 0.45:
            text = f"A{rng.randrange(1, 9)} {body} #{TAG}"
        elif roll < 0.5:
            text = f"@guest1 {body}? #{TAG}"
        elif roll < 0.52:
            text = f"Buy my course now, 50% off https://shop.example.com/?utm_source=x #{TAG}"
        else:
            text = f"{body} #{TAG}"
        return Post(
            network=Network.X,
            native_id=str(2_000_000_000 + i),
            author_id=f"id-{handle}",
            author_handle=handle,
            author_name=handle.title(),
            text=text,
            created_at=datetime.now(UTC),
            hashtags=(TAG,),
        )

    def run(self) -> None:
        batch_size = max(1, round(self.rate / 20)) if self.rate > 0 else 500
        start = time.perf_counter()
        while self.produced < self.count:
            n = min(batch_size, self.count - self.produced)
            self.sink.posts([self.make() for _ in range(n)])
            self.produced += n
            if self.rate > 0:
                due = start + self.produced / self.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)


@dataclass
class Run:
    """What one console run measured."""

    latencies_ms: list[float] = field(default_factory=list)
    handled_ms: list[float] = field(default_factory=list)
    gc_pauses_ms: list[float] = field(default_factory=list)
    fps: float = 0.0
    lag_p95_ms: float = 0.0
    produced: int = 0
    stored: int = 0
    delivered: int = 0
    in_pane: int = 0
    newest_in_view: bool = False
    lines_per_post: float = 0.0
    """Lines the view's posts take on average (1.0: one line a post)."""
    """At the end, the view's last line shows the newest post (the view followed the flood)."""
    rss_empty: float = 0.0
    rss_full: float = 0.0
    total_posts: int = 0
    stepped_aside_s: float = 0.0


async def console_run(rate: float, seconds: float, total: int, one_line: bool = False) -> Run:
    """Open the console on a fresh database, type into the composer, flood it when rate > 0."""
    # The console's Textual settings (TEXTUAL_FPS) before Textual loads, as the CLI does.
    importlib.import_module("tchat_tui.ui")
    from textual import events
    from textual.screen import Screen
    from textual.widgets import Input, TextArea

    from tchat_tui.pipeline.settings import Settings
    from tchat_tui.ui.app import build_app
    from tchat_tui.ui.screens.main import MainScreen

    out = Run()
    frames: list[float] = []
    original = Screen._compositor_refresh

    def timed_refresh(self: Screen[Any]) -> None:
        original(self)
        frames.append(time.perf_counter())

    Screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]
    handled: list[float] = []
    gc_started: list[float] = []
    collections: list[tuple[float, float]] = []
    """(start, milliseconds) of every collection; the figure keeps those of the typing window."""

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started.append(time.perf_counter())
        elif gc_started:
            started = gc_started.pop()
            collections.append((started, (time.perf_counter() - started) * 1000))

    gc.callbacks.append(on_gc)

    def hook(message: Any) -> None:
        if isinstance(message, (Input.Changed, TextArea.Changed)):  # the draft is a TextArea
            handled.append(time.perf_counter())

    from tchat_tui.ui.gc_policy import pause_gc_for_startup

    tmp = Path(tempfile.mkdtemp(prefix="bench-console-"))
    pause_gc_for_startup()  # as the CLI does; the first frame settles it
    app = build_app(
        Settings(
            tag=TAG,
            db_path=tmp / "chat.db",
            host="hostess",
            guests=("guest1", "guest2"),
            moderators=("ana",),
            dry_run=True,
        )
    )
    session = app.session  # opened by the console after its first frame, shut down on exit
    try:
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            while not screen.ready:  # the database opens in a worker, as the host sees it
                await pilot.pause(0.02)
            await pilot.pause(0.5)
            if one_line:
                screen.stream.action_toggle_wrap()
            screen.composer.draft.focus()
            await pilot.pause(0.2)
            gc.collect()
            out.rss_empty = rss_mb()
            producer = Producer(session.runner, rate, int(rate * seconds), 0) if rate else None
            driver = app._driver
            assert driver is not None
            sent: list[float] = []
            lags: list[float] = []
            t_start = time.perf_counter()
            first_frame = len(frames)
            if producer:
                producer.start()
            keys = 0
            while time.perf_counter() - t_start < seconds:
                if keys and keys % 100 == 0:
                    driver.send_message(events.Key("ctrl+u", None))  # clear the draft
                    await asyncio.sleep(0.05)
                ch = "abcdefghij"[keys % 10]
                sent.append(time.perf_counter())
                mark = len(handled)
                driver.send_message(events.Key(ch, ch))
                keys += 1
                before = time.perf_counter()
                await asyncio.sleep(0.05)
                lags.append((time.perf_counter() - before - 0.05) * 1000)
                _ = mark
            t_end = time.perf_counter()
            out.stepped_aside_s = session.foreground.waited
            out.gc_pauses_ms = [ms for at, ms in collections if t_start <= at <= t_end]
            out.fps = (len(frames) - first_frame) / (t_end - t_start)
            out.lag_p95_ms = pct(lags, 0.95)
            await asyncio.sleep(0.3)
            # Pair each key with the first Changed after it and the first frame after that.
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
                out.handled_ms.append((handled[h_i] - t) * 1000)
                out.latencies_ms.append((frames[f_i] - t) * 1000)
                h_i += 1
            if producer:
                producer.join()
                out.produced = producer.produced
                if total > producer.produced:
                    rest = Producer(session.runner, 0, total - producer.produced, producer.next_id)
                    rest.start()
                    while rest.is_alive():
                        await asyncio.sleep(0.05)
                    out.produced += rest.produced
                deadline = time.perf_counter() + 30
                while screen.feed.total < out.produced and time.perf_counter() < deadline:
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.2)
                gc.collect()
                out.rss_full = rss_mb()
            out.stored = session.store.count_posts(session.chat_id)
            out.delivered = screen.feed.total
            out.in_pane = len(screen.stream.entries)
            pane = screen.stream
            last_line = pane.render_line(pane.scrollable_content_region.height - 1).text
            if pane.rows:  # the newest post's last line (wrapped: a post takes several)
                newest = pane.lines.layout(pane.rows[-1], pane.scrollable_content_region.width)
                tail = "".join(text for text, _ in newest[-1]).strip()
                shown = last_line.strip()  # one line a post: cut at the pane's edge
                out.newest_in_view = bool(shown) and tail.startswith(shown)
            out.lines_per_post = pane.lines.total / max(1, len(pane.rows))
            out.total_posts = out.produced
    finally:
        gc.callbacks.remove(on_gc)
        Screen._compositor_refresh = original  # type: ignore[method-assign]
    return out


def pooled(runs: list[Run]) -> Run:
    """Latency samples pooled, rates averaged, counts and memory from the first run."""
    out = Run(**{k: v for k, v in vars(runs[0]).items()})
    out.latencies_ms = [x for r in runs for x in r.latencies_ms]
    out.handled_ms = [x for r in runs for x in r.handled_ms]
    out.gc_pauses_ms = [x for r in runs for x in r.gc_pauses_ms]
    out.fps = statistics.mean(r.fps for r in runs)
    out.lag_p95_ms = statistics.median(r.lag_p95_ms for r in runs)
    out.stepped_aside_s = sum(r.stepped_aside_s for r in runs)
    return out


# -- start-up ---------------------------------------------------------------------------------


def child(kind: str) -> None:
    """Run one app headless; print the wall time of its first painted frame, then exit."""
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Input, Log

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Log()
            yield Input()
            yield Footer()

    original = Screen._compositor_refresh

    def first_frame(self: Screen[Any]) -> None:
        original(self)
        if not getattr(first_frame, "done", False):
            first_frame.done = True  # type: ignore[attr-defined]
            print(json.dumps({"painted": time.time()}), flush=True)
            self.app.exit()

    Screen._compositor_refresh = first_frame  # type: ignore[method-assign]
    if kind == "minimal":
        Minimal().run(headless=True, size=(120, 40))
        return
    import functools

    from tchat_tui.cli.main import main as cli_main

    # The console exactly as `tchat-live --demo` starts it (on a fresh database), headless.
    App.run = functools.partialmethod(App.run, headless=True, size=(120, 40))  # type: ignore[method-assign]
    tmp = Path(tempfile.mkdtemp(prefix="bench-start-"))
    cli_main(["--demo", "--db", str(tmp / "demo.db")])


def startup(kind: str) -> float:
    """Seconds from spawning the interpreter to the app's first painted frame."""
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind], capture_output=True, text=True, check=True
    )
    painted = next(
        json.loads(line)["painted"] for line in out.stdout.splitlines() if line.startswith("{")
    )
    return float(painted - t0)


def main() -> int:
    """Flood, idle, memory, start-up; print figures and ratios."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=1000.0, help="posts per second during the flood")
    p.add_argument("--seconds", type=float, default=10.0, help="length of the flood")
    p.add_argument("--total", type=int, default=100_000, help="posts before measuring memory")
    p.add_argument("--rounds", type=int, default=2, help="idle/flood rounds, samples pooled")
    p.add_argument("--startup-runs", type=int, default=7)
    p.add_argument("--startup-only", action="store_true", help="measure the start-up only")
    p.add_argument(
        "--one-line", action="store_true", help="one line a post (the 'w' key) instead of wrapped"
    )
    p.add_argument("--child", choices=("minimal", "console"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child)
        return 0

    if not args.startup_only:
        flood_figures(args)
    startup_figures(args)
    return 0


def flood_figures(args: argparse.Namespace) -> None:
    """The flood against the same app idle, then memory after `total` posts."""
    idles: list[Run] = []
    floods: list[Run] = []
    for r in range(args.rounds):  # alternate, so a busy moment on the machine hits both sides
        # The first flood also goes on to `total` posts for the memory figure: first, so that
        # its "empty" RSS is that of a fresh process.
        total = 0 if r else args.total
        floods.append(asyncio.run(console_run(args.rate, args.seconds, total, args.one_line)))
        idles.append(asyncio.run(console_run(0, args.seconds, 0, args.one_line)))
    idle, flood = pooled(idles), pooled(floods)
    i50, i95 = pct(idle.latencies_ms, 0.5), pct(idle.latencies_ms, 0.95)
    f50, f95 = pct(flood.latencies_ms, 0.5), pct(flood.latencies_ms, 0.95)
    print(
        f"flood: {args.rate:.0f} posts/s for {args.seconds:.0f} s, typing a key every 50 ms;"
        f" {args.rounds} rounds against the same app idle, samples pooled;"
        f" {'one line a post' if args.one_line else 'posts wrapped'}"
        f" ({flood.lines_per_post:.2f} lines a post in the view)"
    )
    print(
        f"  posts produced {flood.produced}, stored {flood.stored}, delivered to the screen"
        f" {flood.delivered} (pane window {flood.in_pane}); lost {flood.produced - flood.delivered};"
        f" newest post on the view's last line: {'yes' if flood.newest_in_view else 'NO'}"
    )
    print(
        f"  key->frame ms  idle p50 {i50:.1f} p95 {i95:.1f} | flood p50 {f50:.1f} p95 {f95:.1f}"
        f" | p95 ratio {f95 / i95:.2f}x (target <= 2x and < 50 ms)"
    )
    print(
        f"  key->handled ms p95 idle {pct(idle.handled_ms, 0.95):.1f}"
        f" flood {pct(flood.handled_ms, 0.95):.1f}; samples {len(idle.latencies_ms)}"
        f"/{len(flood.latencies_ms)}"
    )
    print(
        f"  frames/s idle {idle.fps:.1f} flood {flood.fps:.1f};"
        f" event-loop lag p95 idle {idle.lag_p95_ms:.1f} ms flood {flood.lag_p95_ms:.1f} ms"
    )
    print(
        f"  garbage collections while typing: idle {len(idle.gc_pauses_ms)} (max {max(idle.gc_pauses_ms, default=0):.1f} ms),"
        f" flood {len(flood.gc_pauses_ms)} (p95 {pct(flood.gc_pauses_ms, 0.95):.1f} ms,"
        f" max {max(flood.gc_pauses_ms, default=0):.1f} ms)"
    )
    print(
        f"  the pipeline stepped aside for the keys {flood.stepped_aside_s:.1f} s of"
        f" {args.seconds * args.rounds:.0f} s (posts waited, none dropped)"
    )
    print(
        f"memory: RSS {flood.rss_empty:.0f} MB empty -> {flood.rss_full:.0f} MB after"
        f" {flood.total_posts} posts (+{flood.rss_full - flood.rss_empty:.0f} MB, target < 100 MB)"
    )


def startup_figures(args: argparse.Namespace) -> None:
    """Time to the first painted screen, the console beside a minimal Textual app."""
    # Both apps start from compiled bytecode, as an installed package does (pip compiles a wheel's
    # modules; an editable install under PYTHONDONTWRITEBYTECODE=1 never would).
    import compileall

    compileall.compile_dir(ROOT / "tchat_tui", quiet=1)
    startup("console")  # warm the file cache for both
    pairs = [(startup("minimal"), startup("console")) for _ in range(args.startup_runs)]
    minimal = statistics.median(m for m, _ in pairs)  # alternated: noise hits both sides
    console = statistics.median(c for _, c in pairs)
    print(
        f"start-up to first painted screen (median of {args.startup_runs}): minimal Textual app"
        f" {minimal * 1000:.0f} ms, console on the demo {console * 1000:.0f} ms,"
        f" ratio {console / minimal:.2f}x (target <= 1.5x)"
    )


if __name__ == "__main__":
    sys.exit(main())
