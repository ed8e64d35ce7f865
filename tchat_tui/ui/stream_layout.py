"""How a post is laid out in the stream: its header and text as styled parts, on one line or
wrapped to the pane's width, with a reply's leading mentions collapsed to '↩ @author'."""

from __future__ import annotations

import re

from rich.text import Text

from tchat_tui.ui import terminal_text
from tchat_tui.ui.stream_entry import PROMO_MARKS, ROLE_BADGES, ROLE_STYLES, StreamEntry, local_time

Part = tuple[str, str]
"""(text, Rich style name)."""
Line = list[Part]

INDENT = 9
"""Continuation lines start under the author, past the time column ('HH:MM:SS ')."""
REPLY_MARK = "↩"

_LEADING_MENTIONS = re.compile(r"(?:@[\w.\-]+(?:@[\w.\-]+)?(?:\s+|$))+")
"""A reply's automatic mentions: the handles the network put before its text (X, Mastodon
'@user@host', Bluesky 'handle.bsky.social')."""
_TOKENS = re.compile(r"\S+|\s+")


def collapse_mentions(text: str) -> tuple[str, str]:
    """A reply's text as ('↩ @first +N', the rest); ('', text) when it has no leading mention or
    nothing but mentions."""
    m = _LEADING_MENTIONS.match(text)
    if m is None or m.end() >= len(text):
        return "", text
    handles = m.group(0).split()
    more = f" +{len(handles) - 1}" if len(handles) > 1 else ""
    return f"{REPLY_MARK} {handles[0]}{more}", text[m.end() :]


def header_parts(entry: StreamEntry) -> Line:
    """Time, star, promo mark, role badge, author, question/answer labels, audience mark."""
    parts: Line = [(local_time(entry.created_at), "dim"), (" ", "")]
    parts.append(("★" if entry.starred else " ", "bold yellow"))
    mark = PROMO_MARKS.get(entry.promo_level)
    if mark and not entry.allowed:
        parts.append(mark)
    elif mark:
        parts.append(("✓", "green"))
    else:
        parts.append((" ", ""))
    parts.append((" ", ""))
    badge = ROLE_BADGES.get(entry.role)
    if badge:
        parts.append((f"{badge} ", ROLE_STYLES[entry.role]))
    parts.append((f"@{entry.handle}", ROLE_STYLES.get(entry.role, "bold")))
    if entry.first_timer:
        parts.append((" ✦", "bold green"))
    if entry.question_number is not None:
        parts.append((f" Q{entry.question_number}", "bold reverse magenta"))
    if entry.answers is not None:
        parts.append((f" A{entry.answers}", "bold green"))
    if entry.audience:
        parts.append((" ?", "dim magenta" if entry.answered else "bold magenta"))
    if entry.is_repost:
        parts.append((" RT", "dim"))
    if entry.dry_run:
        parts.append((" [dry-run]", "italic yellow"))
    parts.append(("  ", ""))
    return parts


def post_parts(entry: StreamEntry) -> Line:
    """The whole post as parts: header, a reply's collapsed mentions (dim), its text.

    The text is in its drawable form (`terminal_text.drawable`): every part is measured as the
    terminal draws it.
    """
    parts = header_parts(entry)
    text = entry.text
    if entry.reply:
        mentions, text = collapse_mentions(text)
        if mentions:
            parts.append((mentions + " ", "dim"))
    parts.append((terminal_text.drawable(text), ""))
    return parts


def post_plain(entry: StreamEntry) -> str:
    """`post_parts` as one string, built without the parts (faster: a flood measures every new
    post to know its height; tests check that the two agree)."""
    mark = PROMO_MARKS.get(entry.promo_level)
    head = [
        local_time(entry.created_at),
        " ★" if entry.starred else "  ",
        ("✓" if entry.allowed else mark[0]) if mark else " ",
        " ",
    ]
    badge = ROLE_BADGES.get(entry.role)
    if badge:
        head.append(badge + " ")
    head.append("@" + entry.handle)
    if entry.first_timer:
        head.append(" ✦")
    if entry.question_number is not None:
        head.append(f" Q{entry.question_number}")
    if entry.answers is not None:
        head.append(f" A{entry.answers}")
    if entry.audience:
        head.append(" ?")
    if entry.is_repost:
        head.append(" RT")
    if entry.dry_run:
        head.append(" [dry-run]")
    head.append("  ")
    text = entry.text
    if entry.reply:
        mentions, text = collapse_mentions(text)
        if mentions:
            head.append(mentions + " ")
    head.append(terminal_text.drawable(text))
    return "".join(head)


def wrap(parts: Line, width: int, indent: int = INDENT) -> list[Line]:
    """The parts laid out on lines of at most `width` cells, broken between words (a word
    longer than a line is cut between characters); lines after the first start with `indent`
    spaces. At least one line."""
    width = max(1, width)
    indent = min(indent, width // 4)
    plain = "".join([text for text, _ in parts])
    if not parts or not terminal_text.single_cell(plain):
        return _wrap_by_words(parts, width, indent)
    lines: list[Line] = []
    bounds = []
    at = 0
    for text, style in parts:
        bounds.append((at, at + len(text), text, style))
        at += len(text)
    i = 0
    for start, end in line_breaks(plain, width, indent):
        line: Line = [(" " * indent, "")] if lines and indent else []
        while bounds[i][1] <= start and i + 1 < len(bounds):
            i += 1
        j = i
        while j < len(bounds) and bounds[j][0] < end:
            low, high, text, style = bounds[j]
            piece = text[max(start, low) - low : min(end, high) - low]
            if piece:
                if line and line[-1][1] == style:
                    line[-1] = (line[-1][0] + piece, style)
                else:
                    line.append((piece, style))
            j += 1
        lines.append(line)
    return lines


def line_count(entry: StreamEntry, width: int, indent: int = INDENT) -> int:
    """How many lines `wrap` lays the post out on (counted, without building the lines, when
    its every character is one cell wide)."""
    width = max(1, width)
    indent = min(indent, width // 4)
    plain = post_plain(entry)
    if not terminal_text.single_cell(plain):
        return len(_wrap_by_words(post_parts(entry), width, indent))
    return len(line_breaks(plain, width, indent))


def line_breaks(plain: str, width: int, indent: int) -> list[tuple[int, int]]:
    """(start, end) of each line of a text whose every character is one cell wide: greedy, broken
    at the last space that fits (the spaces at a break are dropped), a word longer than a line cut.
    A few `rfind`s per post: a flood lays out every new post to know how many lines it takes."""
    breaks: list[tuple[int, int]] = []
    pos, n, room = 0, len(plain), width
    while True:
        if n - pos <= room:
            breaks.append((pos, n))
            return breaks
        space = plain.rfind(" ", pos, pos + room + 1)
        if space > pos:
            end = space
            while end > pos and plain[end - 1] == " ":
                end -= 1
            nxt = space + 1
            while nxt < n and plain[nxt] == " ":
                nxt += 1
        else:  # no space that fits: a word longer than the line
            end = nxt = pos + room
        breaks.append((pos, end))
        if nxt >= n:
            return breaks
        pos, room = nxt, width - indent


def _wrap_by_words(parts: Line, width: int, indent: int) -> list[Line]:
    """`wrap` for text with wide, combining or joined characters: word by word, measured."""
    lines: list[Line] = [[]]
    line = lines[0]
    used = start = 0
    broken = False

    def put(text: str, style: str) -> None:
        if line and line[-1][1] == style:
            line[-1] = (line[-1][0] + text, style)
        else:
            line.append((text, style))

    for text, style in parts:
        for token in _TOKENS.findall(text):
            w = len(token) if token.isascii() else terminal_text.width(token)
            if token[0].isspace():
                if used > start and used + w <= width:
                    put(token, style)
                    used += w
                elif used > start:
                    broken = True  # the space ends the line: the next word starts the next one
                continue
            if (broken or used + w > width) and used > start:
                line = [(" " * indent, "")] if indent else []
                lines.append(line)
                used = start = indent
            while used + w > width:  # longer than what is left of an empty line: cut it
                piece = terminal_text.cut(token, width - used)
                if not piece:  # a wide character in a one-cell line: it goes there anyway
                    piece = terminal_text.clusters(token)[0]
                put(piece, style)
                token = token[len(piece) :]
                if not token:
                    w = 0
                    used = width
                    break
                w = len(token) if token.isascii() else terminal_text.width(token)
                line = [(" " * indent, "")] if indent else []
                lines.append(line)
                used = start = indent
            if token:
                put(token, style)
                used += w
            broken = False
    return lines


def stream_line(entry: StreamEntry) -> Text:
    """The one-line view of a post as Rich Text (the stream pane renders the same parts)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for text, style in post_parts(entry):
        line.append(text, style)
    return line
