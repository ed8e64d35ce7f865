"""The steps of the host's hour (scripts/host_hour.py plays them): what the host presses, in
order, and what the screen must show after each.

Add a step: append a `Step` to `HOUR` where the host would do it (or `palette(...)` for an action
reached through ctrl+p); `forms=LONG` keeps it out of the short form, `min_width` skips its
check on screens too narrow to show the text. Key names are tmux's ('Enter', 'C-p', 'F2',
'Escape', 'Down'); a key tmux has no name for ('/', '?') is `Typed("/")` (tmux types an unknown
name letter by letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tmux_console import Key, Typed

BOTH = ("short", "long")
LONG = ("long",)
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
    pause: float = 0.0
    """Seconds to wait before pressing the keys: a window just drawn takes its focus a moment
    later (Tab pressed before that moves from elsewhere)."""
    when: str = ""
    """Only when the screen shows this (a regex): otherwise the step is skipped (a dialog that
    comes or not, depending on how the hour went)."""


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
EARLY = r"now\? It is early"
"""The next question asked first: the one before has been open less than half its slot."""


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
        Step(f"Q{n} in the composer (n)", ("n",), shows=rf"{DRAFTED}|{EARLY}", forms=forms),
        # Q{n} is due by the plan, but the question before went out late: asked first.
        Step(
            f"Q{n} was asked first: post it now (y)",
            ("y",),
            shows=DRAFTED,
            gone=EARLY,
            forms=forms,
            when=EARLY,
        ),
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
    Step(
        "show it whole (Enter)",
        ("Enter",),
        shows=all_of(r"Q\d · due at", r"\(édité\)"),
        forms=LONG,
    ),
    Step("close it (Esc)", ("Escape",), gone=r"Q\d · due at", forms=LONG),
    Step("move it later (J)", ("J",), shows=r"Q(\d) is now Q(?!\1)\d", forms=LONG),
    Step(
        "move it back (K)",
        ("K",),
        shows=r"Q(\d) is now Q(\d)[\s\S]*Q\2 is now Q\1",  # J's word, then K's
        forms=LONG,
    ),
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
    Step("send the rules (Enter): it waits", ("Enter",), shows=all_of(UNDO_WINDOW, r"X 0/280")),
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
        gone=r"first seen",
        pause=0.5,
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
    Step("send the last call (Enter)", ("Enter",), shows=UNDO_WINDOW, forms=LONG),
    Step("the last call goes out", shows=SENT, gone=r"sending in", forms=LONG),
    Step("the thanks template (f6)", ("F6",), shows=r"▊ Merci à toutes", forms=LONG),
    Step("send the thanks (Enter)", ("Enter",), shows=UNDO_WINDOW, forms=LONG),
    Step("the thanks go out", shows=SENT, gone=r"sending in", forms=LONG),
    Step("the hour's last minute", shows=r"59:\d\d elapsed", timeout=120, forms=LONG),
    Step("the replay says it ended", shows=r"replay: ended", forms=LONG, min_width=150),
]
"""The host's hour, in order."""
