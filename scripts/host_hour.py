"""The host's hour, played in tmux: the demo rehearsal at 20x, driven with the console's keys.

`scripts/walkthrough` runs it. The hour is a list of steps (data): each presses keys and waits for
the screen to show what it should (a regex over `tmux capture-pane`). A traceback, a console that
exits, or a screen that does not show what a step expects stops the walk: one line says why, the
last screen is saved to a file, the exit status is 1. The short form (the first ~50 s: the
welcome on f2 with its undo window cancelled and sent again, Q1 and the early-question warning,
wrapped and one-line posts, a search, moderation with mutes by `m` after `h` and by handle, every
screen with the people pane and the queue, a retweet cancelled, a two-line reply, the header's
waiting audience question, Q2) runs in `scripts/check`; the long form plays the whole hour
(3 minutes at 20x) and adds searches by handle and word, steering the queue (edit, move, skip,
add), an early question taken (`y`), every question at its time, the last call from the palette
and the thanks on f6, to the end of the recording.

The steps are data, in scripts/hour_steps.py: add a step there (its docstring says how).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from hour_steps import HOUR, Step
from tmux_console import TmuxConsole, WalkFailed, tmux_available

SIZES = {"80x24": (80, 24), "120x40": (120, 40), "200x50": (200, 50)}


def steps(form: str, width: int) -> Iterator[Step]:
    """The steps of the form, those too wide for the screen with their check left out."""
    for step in HOUR:
        if form not in step.forms:
            continue
        if width < step.min_width:
            yield Step(
                step.name + f" (not checked under {step.min_width} columns)",
                step.keys,
                pause=step.pause,
                when=step.when,
            )
        else:
            yield step


def play(console: TmuxConsole, step: Step) -> float:
    """Press the step's keys (again, up to `tries` times) until the screen shows it; seconds."""
    began = time.monotonic()
    if step.when and not re.search(step.when, console.capture(), re.MULTILINE):
        return time.monotonic() - began
    time.sleep(step.pause)
    for attempt in range(step.tries):
        before = console.capture() if step.keys else ""
        console.press(step.keys)
        last = attempt == step.tries - 1
        try:
            console.wait_for(step.shows, step.timeout if last else 0.6, step.gone, before)
            break
        except WalkFailed:
            if last:
                raise
    return time.monotonic() - began


QUIT_STORED = re.compile(r"the chat is stored in (\S+\.db)")
QUIT_SUMMARY = re.compile(r"its summary: tchat-live summary --db (\S+\.db)")


def quit_console(console: TmuxConsole) -> Path:
    """ctrl+q: the console exits 0 and says where the chat is and how to summarise it."""
    console.press(["C-q"])
    status = console.wait_exit(20)
    said = console.capture(joined=True)
    if "Traceback" in said:
        raise WalkFailed("traceback on quitting", said)
    if status != 0:
        raise WalkFailed(f"the console exited with status {status} on ctrl+q", said)
    stored, summary = QUIT_STORED.search(said), QUIT_SUMMARY.search(said)
    if not stored or not summary:
        raise WalkFailed("no 'stored in' and 'its summary' lines on quitting", said)
    if stored.group(1) != summary.group(1):
        raise WalkFailed("the quit lines name two databases", said)
    return Path(stored.group(1))


NOT_POSTED = re.compile(r"Not posted|Non posée|No publicada|Não publicada", re.IGNORECASE)
"""How the summary says a question was never posted, in the recap's languages."""


def check_summary(db: Path, env: dict[str, str], posted: int) -> list[str]:
    """`tchat-live summary --db` names the questions posted, each as posted (a rehearsal's
    questions are the chat's posts: never "Not posted")."""
    out = subprocess.run(
        [sys.executable, "-m", "tchat_tui", "summary", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    text = out.stdout + out.stderr
    if out.returncode != 0 or "Traceback" in text:
        raise WalkFailed(f"tchat-live summary exited {out.returncode}", text)
    for n in range(1, posted + 1):
        section = re.search(rf"^### Q{n}: .*\n\n(.*)$", text, re.MULTILINE)
        if section is None:
            raise WalkFailed(f"the summary has no section for Q{n}", text)
        if NOT_POSTED.search(section.group(1)):
            raise WalkFailed(f"the summary says Q{n}, posted in the walk, was not posted", text)
    return []


def console_env(folder: Path) -> dict[str, str]:
    """The console's environment: its own data and config folders, no credentials, no tmux."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TCHAT_", "TMUX"))}
    env["XDG_DATA_HOME"] = str(folder / "data")
    env["XDG_CONFIG_HOME"] = str(folder / "config")
    env.setdefault("TERM", "xterm-256color")
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def walk(form: str, size: str, speed: float, out: Path, verbose: bool) -> int:
    """Play the hour at `size`; 0 if every step showed what it should, 1 with a reason if not."""
    width, height = SIZES[size]
    out.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tchat-walk-") as tmp:
        console = TmuxConsole(Path(tmp), width, height)
        env = console_env(Path(tmp))
        name = "start"
        try:
            console.start(
                [sys.executable, "-m", "tchat_tui", "--demo", "--speed", f"{speed:g}"], env
            )
            posted = 0
            for i, step in enumerate(steps(form, width), 1):
                name = step.name
                took = play(console, step)
                posted += step.name.startswith("post Q")
                if verbose:
                    print(f"  ok {took:5.1f} s  {step.name}", flush=True)
                    (out / f"{size}-{i:02d}.txt").write_text(f"# {step.name}\n{console.last}")
            name = "quit (ctrl+q)"
            db = quit_console(console)
            (out / f"{size}-quit.txt").write_text(console.last)
            name = "tchat-live summary"
            for note in check_summary(db, env, posted):
                print(f"walkthrough: {note}")
        except WalkFailed as failed:
            saved = out / f"walkthrough-failed-{size}.txt"
            saved.write_text(failed.screen)
            print(
                f"walkthrough {form} {size}: FAILED at '{name}': {failed.reason} (screen: {saved})"
            )
            return 1
        except KeyboardInterrupt:
            print(f"walkthrough {form} {size}: interrupted at '{name}'")
            return 130
        finally:
            console.close()
    print(f"walkthrough {form} {size}: ok ({time.monotonic() - began:.0f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: --form short|long, --size (repeatable), --speed, --out, --verbose."""
    parser = argparse.ArgumentParser(prog="walkthrough", description=__doc__.splitlines()[0])
    parser.add_argument("--form", choices=["short", "long"], default="short")
    parser.add_argument("--size", choices=list(SIZES), action="append")
    parser.add_argument("--speed", type=float, default=20.0, help="replay speed (default 20x)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="where captures and the failed screen are saved",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print each step and save its screen in --out"
    )
    args = parser.parse_args(argv)
    if not tmux_available():
        print("walkthrough: skipped: tmux is not installed (and apt-get needs root)")
        return 0
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGHUP, _interrupted)
    status = 0
    for size in args.size or ["80x24"]:
        status = max(status, walk(args.form, size, args.speed, args.out, args.verbose))
    return status
