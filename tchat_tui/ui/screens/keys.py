"""The main screen's keys: its bindings, the command palette's entries, the help screen's sections."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from tchat_tui.ui.palette import PaletteEntry, template_title
from tchat_tui.ui.stream_entry import StreamFilter
from tchat_tui.ui.widgets.composer import Composer
from tchat_tui.ui.widgets.queue import QuestionQueue
from tchat_tui.ui.widgets.stream import StreamPane

FILTER_KEYS = {
    "1": StreamFilter.ALL,
    "2": StreamFilter.TO_US,
    "3": StreamFilter.GUESTS,
    "4": StreamFilter.CURRENT,
    "5": StreamFilter.STARRED,
    "6": StreamFilter.FLAGGED,
}

TEMPLATE_KEYS = 8
"""f2 .. f9 put the plan's first eight templates (in the plan's order) in the composer."""
TEMPLATE_BINDINGS: list[BindingType] = [
    Binding(
        f"f{n + 1},alt+{n}",
        f"template_key({n})",
        f"Template {n}",
        id=f"template-{n}",
        show=False,
        priority=True,  # from the composer too
    )
    for n in range(1, TEMPLATE_KEYS + 1)
]
"""Function keys, which every terminal and tmux pass on as themselves. alt+1..8 too, where the
terminal tells them apart (a keyboard protocol, as in kitty or WezTerm): Textual 8 reads the usual
ESC-and-digit as the macOS Option characters (ESC 1 is "¡"), which type into the draft."""

CONSOLE_BINDINGS: list[BindingType] = [
    Binding("r", "reply", "Reply", id="reply"),
    Binding("t", "repost", "Retweet", id="repost", tooltip="Retweet (repost) the selected post"),
    Binding("s", "star", "Star", id="star"),
    Binding("h", "hide", "Hide", id="hide"),
    Binding("m", "mute", "Mute", id="mute"),
    Binding("a", "allow", "Allow flag", id="allow", show=False),
    Binding("c", "claim", "Claim", id="claim", show=False),
    Binding("d", "answered", "Answered", id="answered", show=False),
    Binding("enter", "author_card", "Author", id="author-card", tooltip="Author card"),
    Binding("p", "pause", "Pause", id="pause"),
    Binding("f", "cycle_filter", "Filter", id="cycle-filter"),
    *[
        Binding(
            k,
            f"filter('{f.name}')",
            f"Filter: {f.value}",
            id=f"filter-{f.name.lower()}",
            show=False,
        )
        for k, f in FILTER_KEYS.items()
    ],
    Binding(
        "slash", "search", "Search", id="search", tooltip="Search the chat: words, @handle, Q3"
    ),
    Binding("n", "do('next_question')", "Next Q", id="next-question"),
    Binding("q", "do('focus_queue')", "Queue", id="queue", tooltip="Go to the question queue"),
    Binding("i", "compose", "Write", id="compose"),
    Binding("ctrl+n", "do('next_question')", "Next Q", id="next-question-anywhere", show=False),
    Binding(
        "ctrl+o",
        "switch_duty",
        "Duty",
        id="switch-duty",
        priority=True,
        tooltip="Switch the moderator on duty",
    ),
    Binding("ctrl+l", "action_log", "Log", id="action-log", tooltip="Moderator action log"),
    Binding(
        "P",
        "people",
        "People",
        id="people",
        show=False,
        tooltip="Who is still waiting: participants, first-timers, open audience questions",
    ),
    Binding("f1,question_mark", "help", "Help", id="help"),
    Binding(
        "ctrl+z",
        "cancel_send",
        "Cancel send",
        id="cancel-send",
        priority=True,
        tooltip="Cancel the newest send still in its undo window",
    ),
    *TEMPLATE_BINDINGS,
]
"""The main screen's keys (its BINDINGS): the footer, the palette and the help list them."""


PALETTE_ONLY: list[PaletteEntry] = [
    ("Unhide the last hidden post", "Bring back the post hidden last", "unhide_last"),
    ("Unhide a post…", "Choose a hidden post of this chat and unhide it", "unhide_post"),
    ("Unmute an author…", "Choose a muted author and unmute them", "unmute_author"),
    ("Unmute the last muted author", "Undo the latest mute", "unmute_last"),
    ("Mute @handle…", "Mute an author of this chat by their handle", "do('mute_handle')"),
    ("Add a question…", "Add a question to the queue after its selected line", "do('queue_add')"),
    ("Edit a question…", "Edit the queue's selected waiting question", "do('queue_edit')"),
    ("Skip a question", "Take the queue's selected waiting question out", "do('queue_skip')"),
    ("Question in full", "The queue's selected line, whole", "do('queue_view')"),
    ("Retry failed sends", "Queue failed outgoing posts again", "retry_failed"),
    (
        "Post refused reply as a mention",
        "X refused a reply: post it as a new post mentioning the author",
        "mention_refused",
    ),
    ("Cost of the hour", "What the hour costs on X, kind by kind", "cost"),
    ("Note on author", "Open the author card to write a note", "author_card"),
    ("Toggle automatic tag", "Add the chat's tag to drafts or not", "toggle_tag"),
]
"""The actions without a key of their own, offered in the command palette."""


def palette_entries(bindings: list[BindingType], templates: Iterable[str]) -> list[PaletteEntry]:
    """Every action for the command palette: title, help, action (one per action bound to a
    key, then those without a key, then one per template of the plan)."""
    entries: list[PaletteEntry] = []
    seen: set[str] = set()
    for b in bindings:
        assert isinstance(b, Binding)
        if b.action in seen or b.action.startswith("template_key("):  # listed by name below
            continue
        seen.add(b.action)
        key = b.key.split(",")[0].replace("question_mark", "?").replace("slash", "/")
        entries.append((b.tooltip or b.description, f"key: {key}", b.action))
    entries += PALETTE_ONLY
    for n, name in enumerate(templates, start=1):
        key = f"key: f{n + 1} · " if n <= TEMPLATE_KEYS else ""
        action = f"template_key({n})" if n <= TEMPLATE_KEYS else f"insert_template('{name}')"
        entries.append(
            (template_title(name), f"{key}put the plan's {name!r} text in the composer", action)
        )
    return entries


def _rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    """(key, what it does) of each binding, as the help screen lists them."""
    out = []
    for b in bindings:
        if isinstance(b, Binding):
            key = b.key.replace("question_mark", "?").replace("slash", "/")
            out.append((key, b.tooltip or b.description))
    return out


def help_sections(
    bindings: list[BindingType], templates: Iterable[str] = ()
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key of the console, section by section, for the help screen."""
    console = [
        b
        for b in bindings
        if not (isinstance(b, Binding) and b.id and b.id.startswith("template-"))
    ]
    named = [(f"f{n + 1}", template_title(name)) for n, name in enumerate(templates, start=1)]
    return [
        ("Console", _rows(console)),
        ("Stream", _rows(StreamPane.BINDINGS)),
        ("Queue (q or Tab to go there)", _rows(QuestionQueue.BINDINGS)),
        (
            "Composer",
            _rows(Composer.BINDINGS)
            + [
                ("enter", "Send (after the undo window: ctrl+z cancels)"),
                ("ctrl+j", "New line in the post (shift+enter where the terminal tells it apart)"),
            ],
        ),
        (
            "Templates",
            named[:TEMPLATE_KEYS] or [("f2..f9", "The plan's templates, in order")],
        ),
        ("Anywhere", [("ctrl+p", "Command palette"), ("ctrl+q", "Quit")]),
    ]
