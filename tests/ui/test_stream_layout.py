"""A post in the stream: wrapped whole to the pane's width, a reply's leading mentions collapsed."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.stream_layout import (
    INDENT,
    _wrap_by_words,
    collapse_mentions,
    line_count,
    post_parts,
    post_plain,
    wrap,
)
from tchat_tui.ui.terminal_text import width
from tchat_tui.ui.widgets.stream_lines import StreamLines

LONG = (
    "@marc_dlr @claire_morel A1: Je suis à la retraite depuis deux ans et je m'occupe de ma mère "
    "tous les après-midi; le répit du jeudi 👩\u200d👩\u200d👧\u200d👦 change tout ⚜\ufe0f "
    "https://example.com/un/lien/tres/long/qui/ne/tient/pas/sur/une/ligne/entiere #T"
)


def entry(text: str, *, reply: bool = False) -> StreamEntry:
    """A participant's post."""
    return StreamEntry(
        key="x:1",
        network="x",
        native_id="1",
        author_key="x:u",
        handle="ada",
        name="Ada",
        role="participant",
        text=text,
        raw_text=text,
        created_at=datetime(2026, 1, 1, 20, 0, tzinfo=UTC),
        answers=1,
        reply=reply,
    )


@pytest.mark.parametrize(
    ("text", "mentions", "rest"),
    [
        ("@claire_morel A1: oui", "↩ @claire_morel", "A1: oui"),
        ("@marc_dlr @claire_morel A1 oui", "↩ @marc_dlr +1", "A1 oui"),
        ("@u@mastodon.social merci", "↩ @u@mastodon.social", "merci"),
        ("@ada.bsky.social  ok", "↩ @ada.bsky.social", "ok"),
        ("merci @ada", "", "merci @ada"),  # not at the start
        ("@ada @bob", "", "@ada @bob"),  # nothing but mentions: kept
        ("@ada, oui", "", "@ada, oui"),
    ],
)
def test_leading_mentions_collapse(text: str, mentions: str, rest: str) -> None:
    """A reply's automatic mentions become '↩ @first +N'; the text after them is kept."""
    assert collapse_mentions(text) == (mentions, rest)


def test_only_a_reply_collapses_its_mentions() -> None:
    """A post that starts with a mention without being a reply (a question to the guest) keeps it."""
    asked = "".join(t for t, _ in post_parts(entry("@guest1 how do you rest?")))
    assert asked.endswith("@guest1 how do you rest?")
    replied = post_parts(entry("@guest1 naps", reply=True))
    assert ("↩ @guest1 ", "dim") in replied and replied[-1] == ("naps", "")


@pytest.mark.parametrize("cells", [20, 40, 80, 120, 200])
def test_wrapped_lines_fit_and_keep_every_word(cells: int) -> None:
    """Every line fits the width; continuation lines are indented; no word is lost or split
    (but a word longer than a line)."""
    parts = post_parts(entry(LONG, reply=True))
    lines = wrap(parts, cells)
    indent = min(INDENT, cells // 4)
    for i, line in enumerate(lines):
        text = "".join(t for t, _ in line)
        assert width(text) <= cells, (cells, text)
        if i:
            assert text.startswith(" " * indent)
    whole = "".join(t for t, _ in parts)
    joined = " ".join("".join(t for t, _ in line).strip() for line in lines)
    if cells >= 120:  # no word is longer than a line
        assert joined.split() == whole.split()
    else:
        assert "".join(joined.split()) == "".join(whole.split())
    assert ("↩ @marc_dlr +1 ", "dim") in parts


def test_a_short_post_takes_one_line() -> None:
    """Short posts stay one line: a wrapped stream is as dense as before for them."""
    assert len(wrap(post_parts(entry("A1 naps, honestly #T")), 80)) == 1


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_wrap_breaks_where_the_measured_one_does(seed: int) -> None:
    """Text of one-cell characters is broken by counting (a few rfinds a post); it breaks the
    lines where the word-by-word wrap, which measures every word, breaks them."""
    rng = random.Random(seed)
    words = [
        "a",
        "répit",
        "aidant·e",
        "merci…",
        "—",
        "x" * 30,
        "l'écoute",
        "Q3",
        "↩",
        "https://e.x/" + "y" * 50,
    ]
    text = "  ".join(
        " ".join(rng.choice(words) for _ in range(rng.randrange(1, 40))) for _ in range(2)
    )
    parts = post_parts(entry(text, reply=rng.random() < 0.5))
    cells = rng.choice([12, 20, 33, 57, 80, 120])
    fast = ["".join(t for t, _ in line).rstrip() for line in wrap(parts, cells)]
    measured = [
        "".join(t for t, _ in line).rstrip()
        for line in _wrap_by_words(parts, cells, min(INDENT, cells // 4))
    ]
    assert fast == measured


@pytest.mark.parametrize("wrapping", [True, False])
def test_line_starts_after_trimming_and_appending_are_those_of_a_fresh_layout(
    wrapping: bool,
) -> None:
    """Trimming the window and appending posts keeps each post's first line where laying the
    whole view out again would put it (the pane does the former under a flood)."""
    rng = random.Random(7)
    posts = []
    for i in range(60):
        e = entry(" ".join("mot" * rng.randrange(1, 4) for _ in range(rng.randrange(1, 40))))
        e.key = f"x:{i}"
        posts.append(e)
    lines = StreamLines()
    lines.wrap = wrapping
    lines.reset(posts[:40], 50)
    lines.drop_front(posts[:15])
    lines.extend(posts[40:])
    fresh = StreamLines()
    fresh.wrap = wrapping
    fresh.reset(posts[15:], 50)
    assert (lines.starts, lines.total) == (fresh.starts, fresh.total)
    for i in range(len(posts) - 15):
        start, height = lines.span(i)
        assert lines.row_at(start) == i and lines.row_at(start + height - 1) == i
        assert height == len(lines.layout(posts[15 + i], 50))


@pytest.mark.parametrize("seed", range(30))
def test_the_plain_post_is_its_parts_joined(seed: int) -> None:
    """`post_plain` (heights under a flood) says what `post_parts` (drawing) says, and both count
    the same lines."""
    rng = random.Random(seed)
    e = entry(rng.choice(["@a @b hi there", "A1 naps", "⚜\ufe0f 👍🏽 é", "@x", LONG]))
    e.reply = rng.random() < 0.5
    e.starred = rng.random() < 0.5
    e.promo_level = rng.choice(["none", "amber", "red"])
    e.allowed = rng.random() < 0.5
    e.role = rng.choice(["participant", "host", "guest", "co-moderator"])
    e.question_number = rng.choice([None, 3])
    e.answers = rng.choice([None, 2])
    e.audience = rng.random() < 0.5
    e.answered = rng.random() < 0.5
    e.is_repost = rng.random() < 0.3
    e.dry_run = rng.random() < 0.3
    assert post_plain(e) == "".join(t for t, _ in post_parts(e))
    for cells in (15, 40, 80):
        assert line_count(e, cells) == len(wrap(post_parts(e), cells))
