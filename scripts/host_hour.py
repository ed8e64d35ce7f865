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

Add a step: append a `Step` to `HOUR` where the host would do it (or `palette(...)` for an action
reached through ctrl+p); `forms=LONG` keeps it out of the short form, `min_width` skips its
check on screens too narrow to show the text.
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
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from tmux_console import Key, TmuxConsole, Typed, WalkFailed, tmux_available

BOTH = ("short", "long")
LONG = ("long",)
SIZES = {"80x24": (80, 24), "120x40": (120, 40), "200x50": (200, 50)}
QUESTIONS = 8
"""The demo plan's questions (tchat_tui/data/demo/plan.toml)."""


@dataclass(frozen=True)
class Step:
    """One thing the host does: press `keys`, then the screen must show `shows` (a regex) and no
    longer show `gone`, within `timeout` seconds."""

    name: str
    keys: tuple[Key, ...] = ()
    shows: str = ""
    gone: str = ""
    timeout: float = 10.0
    tries: int = 1
    """Press the keys again, up to this many times, until the screen shows it (a search)."""
    forms: tuple[str, ...] = BOTH
    min_width: int = 0
    """Below this width the text is cut: the keys are pressed, the screen is not checked."""


def all_of(*patterns: str) -> str:
    """A regex that matches a screen showing every pattern, anywhere, in any order."""
    return r"\A" + "".join(f"(?=[\\s\\S]*?(?:{p}))" for p in patterns)


def palette(
    name: str,
    search: str,
    entry: str,
    then: str,
    gone: str = "🔎",
    forms: tuple[str, ...] = BOTH,
) -> list[Step]:
    """Open the command palette, search, see `entry` offered, run it (Enter): `then` shows."""
    return [
        Step(f"{name}: search the palette", ("C-p", Typed(search)), shows=entry, forms=forms),
        Step(f"{name}: run it (Enter)", ("Enter",), shows=then, gone=gone, forms=forms),
    ]


STREAM_POST = r"^\d\d:\d\d:\d\d .{2,}@\w+"
"""A post's line in the stream: its time, then its author."""
AUDIENCE_SELECTED = r"^─{10,}.*\n \d\d:\d\d:\d\d (?!(?:GUEST|HOST|CO-MOD) )\S"
"""The detail pane (under the stream) shows a post by someone in the audience: mutable."""
DRAFTED = r"X [1-9]\d*/280"
"""The composer holds a draft (its count for X is not 0)."""
SENT = all_of(r"queued \(dry-run\)", r"X 0/280")
"""The composer sent its draft (dry-run) and is empty again."""
UNDO_WINDOW = r"sending in \d+ s · ctrl\+z cancel"
"""The composer's line while a send waits out its undo window."""


def found(typed: str) -> str:
    """The stream's title once a search for `typed` found posts."""
    return rf"search “{re.escape(typed)}” · [1-9][\d,]*\+?(?: \(newest shown\))? found"


def post_question(n: int, forms: tuple[str, ...]) -> list[Step]:
    """Wait for question `n` to be nearly due, put it in the composer (n), post it (Enter)."""
    return [
        Step(
            f"wait for Q{n} to be due",
            shows=rf"Q{n} (?:due in [01]:\d\d|running)",
            timeout=90,
            forms=forms,
        ),
        Step(f"Q{n} in the composer (n)", ("n",), shows=DRAFTED, forms=forms),
        Step(f"post Q{n} (Enter)", ("Enter",), shows=rf"▶ Q{n} open", forms=forms),
    ]


def select_audience_post() -> Step:
    """Move up (k) until the selected post is an audience member's."""
    return Step("select an audience post (k)", ("k",), shows=AUDIENCE_SELECTED, tries=30)


SEARCHES = [
    Step(
        "search a handle (/)",
        (Typed("/"), Typed("@dr_nhaddad"), "Enter"),
        shows=found("@dr_nhaddad"),
        forms=LONG,
    ),
    Step("clear it (Esc)", ("Escape",), gone=r"search “", forms=LONG),
    Step(
        "search a word (/)", (Typed("/"), Typed("répit"), "Enter"), shows=found("répit"), forms=LONG
    ),
    Step("clear it (Esc)", ("Escape",), gone=r"search “", forms=LONG),
]
"""Searches of the long form: an author, a word."""

STEERING = [
    Step("go to the queue (q)", ("q",), shows=r"Whole text", forms=LONG),
    Step("down to a waiting question", ("Down", "Down"), shows=r"Whole text", forms=LONG),
    Step("edit it (e)", ("e",), shows=r"Edit Q\d", forms=LONG),
    Step(
        "type and save (Enter)",
        ("End", Typed(" (édité)"), "Enter"),
        shows=r"Q\d edited",
        forms=LONG,
    ),
    Step("show it whole (Enter)", ("Enter",), shows=r"\(édité\)", forms=LONG),
    Step("close it (Esc)", ("Escape",), gone=r"\(édité\)", forms=LONG, min_width=0),
    Step("move it later (J)", ("J",), shows=r"Q(\d) is now Q(?!\1)\d", forms=LONG),
    Step("move it back (K)", ("K",), shows=r"Q(\d) is now Q(?!\1)\d", forms=LONG),
    Step("skip it (x)", ("x",), shows=r"Skipped Q\d", forms=LONG),
    Step("add a question (a)", ("a",), shows=r"Add a question", forms=LONG),
    Step(
        "type it (Enter)",
        (Typed("Une question ajoutée en direct ?"), "Enter"),
        shows=r"Added as Q\d",
        forms=LONG,
    ),
    Step("back to the stream (Esc)", ("Escape",), gone=r"Whole text", forms=LONG),
]
"""Steering the queue (long form): edit, move, skip, add: still eight questions."""

EARLY_YES = [
    Step(
        f"Q{QUESTIONS} at once (n): asked first",
        ("n",),
        shows=rf"Q{QUESTIONS} now\? It is early",
        forms=LONG,
    ),
    Step(
        "post it now (y): in the composer",
        ("y",),
        shows=rf"▊ Q{QUESTIONS}: ",
        gone=r"It is early",
        forms=LONG,
    ),
    Step("back to the stream (Esc)", ("Escape",), shows=r"Write a post|Stream", forms=LONG),
]
"""The early question's other answer (long form): `y` puts it in the composer; posted when due."""

HOUR: list[Step] = [
    Step("open the console", shows=r"#AidantsChat", timeout=40),
    Step("the first posts arrive", shows=STREAM_POST, timeout=40),
    Step("the welcome template (f2)", ("F2",), shows=all_of(r"▊ Bonsoir et bienvenue", DRAFTED)),
    Step("send it (Enter): the undo window", ("Enter",), shows=UNDO_WINDOW),
    Step(
        "cancel the send (ctrl+z): the draft comes back",
        ("C-z",),
        shows=all_of(r"▊ Bonsoir et bienvenue", DRAFTED),
        gone=r"sending in",
    ),
    Step("send the welcome (Enter)", ("Enter",), shows=SENT),
    *palette("rules", "template: rules", r"Template: rules", DRAFTED),
    Step("send the rules (Enter)", ("Enter",), shows=SENT),
    *post_question(1, BOTH),
    Step("the next question at once (n): asked first", ("n",), shows=r"Q2 now\? It is early"),
    Step("wait (Enter)", ("Enter",), gone=r"It is early"),
    Step("one line a post (w)", ("w",), shows=r"Stream · all · one line a post \(w\)"),
    Step("whole posts again (w)", ("w",), gone=r"one line a post"),
    Step("a reply's mentions read ↩ @author", shows=r"↩ @\w+", timeout=40),
    Step("search the chat (/)", (Typed("/"),), shows=r"Search the chat"),
    Step("search Q1 (Enter)", (Typed("Q1"), "Enter"), shows=found("Q1")),
    Step("clear the search (Esc)", ("Escape",), gone=r"search “"),
    Step("move up the stream (k)", ("k", "k", "k"), shows=r"post \d+ of \d+"),
    Step("move down the stream (j)", ("j",), shows=r"post \d+ of \d+"),
    select_audience_post(),
    Step("star it (s)", ("s",), shows=r"★"),
    Step("hide it (h)", ("h",), shows=r"Hidden: post by @"),
    Step("mute the hidden post's author (m)", ("m",), shows=r"Muted @\w+"),
    *palette(
        "unmute the last", "unmute the last", r"Unmute the last muted author", r"Unmuted @\w+"
    ),
    *palette(
        "unhide it", "unhide the last", r"Unhide the last hidden post", r"Unhidden: post by @"
    ),
    select_audience_post(),
    Step(
        "open the author card (Enter)",
        ("Enter",),
        shows=all_of(r"Save note", r"@\w+ +participant"),
    ),
    Step(
        "mute from the card (Tab Tab Enter)",
        ("Tab", "Tab", "Enter"),
        shows=r"Muted @",
        gone=r"Save note",
    ),
    *palette("unmute", "unmute an author", r"Unmute an author…", r"Unmute an author \(Enter"),
    Step("unmute the author chosen (Enter)", ("Enter",), shows=r"Unmuted @"),
    Step("open the action log (ctrl+l)", ("C-l",), shows=r"Moderator actions[\s\S]*unmute"),
    Step("close the action log (Esc)", ("Escape",), gone=r"Moderator actions"),
    *palette("costs", "cost of the hour", r"Cost of the hour", r"Cost of the hour on X"),
    Step("close the costs (Esc)", ("Escape",), gone=r"Cost of the hour on X"),
    Step("open the help (f1)", ("F1",), shows=r"tchat-live keys"),
    Step("close the help (Esc)", ("Escape",), gone=r"tchat-live keys"),
    Step("search the palette", ("C-p", Typed("retweet")), shows=r"Retweet \(repost\)"),
    Step("close the palette (Esc)", ("Escape",), gone=r"🔎"),
    select_audience_post(),
    Step("retweet it (t): the undo window", ("t",), shows=r"retweet of @\w+: sending in \d+ s"),
    Step("cancel the retweet (ctrl+z)", ("C-z",), gone=r"sending in"),
    *palette("mute by handle", "mute @handle", r"Mute @handle…", r"Mute @handle"),
    Step("type the handle (Enter)", (Typed("@sophie_b76"), "Enter"), shows=r"Muted @sophie_b76"),
    *palette(
        "unmute her", "unmute the last", r"Unmute the last muted author", r"Unmuted @sophie_b76"
    ),
    Step("open the people pane (P)", ("P",), shows=r"Participants · waiting first"),
    Step("the participants' rows", shows=r"[●✓] +@\w+"),
    Step("acknowledge the first (a)", ("a",), shows=r"@\w+ acknowledged"),
    Step("close the people pane (Esc)", ("Escape",), gone=r"Participants · waiting first"),
    Step("go to the queue (q)", ("q",), shows=r"Whole text"),
    Step("the next line (down)", ("Down",), shows=r"Whole text"),
    Step("the question whole (v)", ("v",), shows=r"Q\d · (?:due at|posted at)"),
    Step("close it (Esc)", ("Escape",), gone=r"Q\d · (?:due at|posted at)"),
    Step("back to the stream (Esc)", ("Escape",), gone=r"Whole text"),
    select_audience_post(),
    Step("reply to it (r)", ("r",), shows=r"replying to @"),
    Step("type the reply", (Typed("Merci pour ce partage"),), shows=r"X 34/280"),
    Step(
        "a second line (ctrl+j)",
        ("C-j", Typed("Bonne soirée")),
        shows=all_of(r"▊ Bonne soirée", r"X 47/280"),
    ),
    Step("turn the tag off (ctrl+t)", ("C-t",), shows=r"missing the tag"),
    Step("send without the tag: refused", ("Enter",), shows=r"Not sent: X: missing"),
    Step("turn the tag on (ctrl+t)", ("C-t",), shows=r"X 47/280"),
    Step("send the reply (Enter)", ("Enter",), shows=all_of(r"Reply queued", r"X 0/280")),
    Step("back to the newest post (end)", ("End",), gone=r"post \d+ of \d+"),
    Step("only the starred posts (5)", ("5",), shows=r"Stream · starred"),
    Step("every post again (1)", ("1",), shows=r"Stream · all"),
    Step("pause the stream (p)", ("p",), shows=r"PAUSED · \d+ new"),
    Step("posts are held meanwhile", shows=r"PAUSED · [1-9]\d* new", timeout=30),
    Step("resume the stream (p)", ("p",), gone=r"PAUSED"),
    Step("the pace shows", shows=r"\d+/min", min_width=130),
    Step("the audience questions show", shows=r"Audience questions \(\d+"),
    Step(
        "an audience question waits: the header", shows=r"[1-9]\d* audience \? waiting", timeout=40
    ),
    *post_question(2, BOTH),
    *SEARCHES,
    *STEERING,
    *[step for n in range(3, QUESTIONS) for step in post_question(n, LONG)],
    *EARLY_YES,
    *post_question(QUESTIONS, LONG),
    *palette("last call", "last", r"Template: last call", r"▊ ⏳ Dernier appel", forms=LONG),
    Step("send the last call (Enter)", ("Enter",), shows=SENT, forms=LONG),
    Step("the thanks template (f6)", ("F6",), shows=r"▊ Merci à toutes", forms=LONG),
    Step("send the thanks (Enter)", ("Enter",), shows=SENT, forms=LONG),
    Step("the hour's last minute", shows=r"59:\d\d elapsed", timeout=120, forms=LONG),
    Step("the replay says it ended", shows=r"replay: ended", forms=LONG, min_width=150),
]
"""The host's hour, in order."""


def steps(form: str, width: int) -> Iterator[Step]:
    """The steps of the form, those too wide for the screen with their check left out."""
    for step in HOUR:
        if form not in step.forms:
            continue
        if width < step.min_width:
            yield Step(step.name + f" (not checked under {step.min_width} columns)", step.keys)
        else:
            yield step


def play(console: TmuxConsole, step: Step) -> float:
    """Press the step's keys (again, up to `tries` times) until the screen shows it; seconds."""
    began = time.monotonic()
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


KNOWN_WRONG = {
    "Posted at": "a rehearsal's questions are dry-run posts, which the summary leaves out"
    " (store/summary_queries.py VISIBLE): every question reads 'Not posted.'",
}
"""What the summary should say and does not yet, and why: said on every run; once the summary
says it, the walk fails until the entry is removed (like a strict xfail)."""


def check_summary(db: Path, env: dict[str, str], posted: int) -> list[str]:
    """`tchat-live summary --db` names the questions posted; the known wrongs still wrong."""
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
    wrong: dict[str, list[str]] = {}
    for n in range(1, posted + 1):
        section = re.search(rf"^### Q{n}: .*\n\n(.*)$", text, re.MULTILINE)
        if section is None:
            raise WalkFailed(f"the summary has no section for Q{n}", text)
        for wanted, why in KNOWN_WRONG.items():
            if wanted in section.group(1):
                raise WalkFailed(
                    f"the summary says {wanted!r} now: take it out of KNOWN_WRONG", text
                )
            wrong.setdefault(why, []).append(f"Q{n}")
    return [f"known wrong ({', '.join(qs)}): {why}" for why, qs in wrong.items()]


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
