"""The main screen's keys: its bindings, the command palette's entries, the help screen's sections."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from tchat_tui.ui.palette import PaletteEntry
from tchat_tui.ui.stream_entry import StreamFilter
from tchat_tui.ui.widgets.composer import Composer
from tchat_tui.ui.widgets.stream import StreamPane

FILTER_KEYS = {
    "1": StreamFilter.ALL,
    "2": StreamFilter.TO_US,
    "3": StreamFilter.GUESTS,
    "4": StreamFilter.CURRENT,
    "5": StreamFilter.STARRED,
    "6": StreamFilter.FLAGGED,
}

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
    Binding("n", "next_question", "Next Q", id="next-question"),
    Binding("i", "compose", "Write", id="compose"),
    Binding("ctrl+n", "next_question", "Next Q", id="next-question-anywhere", show=False),
    Binding(
        "ctrl+o",
        "switch_duty",
        "Duty",
        id="switch-duty",
        priority=True,
        tooltip="Switch the moderator on duty",
    ),
    Binding("ctrl+l", "action_log", "Log", id="action-log", tooltip="Moderator action log"),
    Binding("f1,question_mark", "help", "Help", id="help"),
]
"""The main screen's keys (its BINDINGS): the footer, the palette and the help list them."""

PALETTE_ONLY: list[PaletteEntry] = [
    ("Unhide the last hidden post", "Bring back the post hidden last", "unhide_last"),
    ("Unhide a post…", "Choose a hidden post of this chat and unhide it", "unhide_post"),
    ("Unmute an author…", "Choose a muted author and unmute them", "unmute_author"),
    ("Unmute the last muted author", "Undo the latest mute", "unmute_last"),
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
        if b.action in seen:
            continue
        seen.add(b.action)
        key = b.key.split(",")[0].replace("question_mark", "?").replace("slash", "/")
        entries.append((b.tooltip or b.description, f"key: {key}", b.action))
    entries += PALETTE_ONLY
    for name in templates:
        entries.append(
            (
                f"Template: {name}",
                f"Put the plan's {name!r} text in the composer",
                f"insert_template('{name}')",
            )
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


def help_sections(bindings: list[BindingType]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key of the console, section by section, for the help screen."""
    return [
        ("Console", _rows(bindings)),
        ("Stream", _rows(StreamPane.BINDINGS)),
        ("Composer", _rows(Composer.BINDINGS) + [("enter", "Send")]),
        ("Anywhere", [("ctrl+p", "Command palette"), ("ctrl+q", "Quit")]),
    ]
