"""A bad post is one bad post: NUL and lone surrogates in a stream file are replaced, and every
other post of the file is stored, by `import` and by `--replay`."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tchat_tui.cli import import_stream
from tchat_tui.cli.main import main
from tchat_tui.clients.x.stream_line import (
    clean_line,
    clean_text,
    parse_stream_line,
    post_from_tweet,
    stream_line,
)
from tchat_tui.domain.post import Post
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.sources.replay import ReplayStats, read_posts
from tests.factories import stream_line as line_of

FFFD = "\ufffd"
SURROGATE = re.compile("[\ud800-\udfff]")


def bad_file(tmp_path: Path) -> Path:
    """Eight posts, five of them with a NUL or half a surrogate pair somewhere (escaped in the
    JSON, or raw bytes that are not UTF-8), between good ones."""
    lines = [
        line_of("1", "A1 fine #T").encode(),
        line_of("2", "A2 half \ud800 a pair #T").encode(),  # escaped: \ud800
        line_of("3", "A3 fine #T").encode(),
        line_of("4", "A4 raw XBADX bytes #T").encode().replace(b"XBADX", b"\xed\xa0\x80\xff"),
        line_of("5", "A5 nul in the name #T", name="Nu\x00l").encode(),  # escaped: \u0000
        line_of("6", "A6 low half in the handle #T", handle="ev\udc00e").encode(),
        line_of("7", "A7 raw XNULX byte #T").encode().replace(b"XNULX", b"\x00"),
        line_of("8", "A8 fine #T").encode(),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def assert_clean(*texts: str | None) -> None:
    """No NUL and no lone surrogate: SQLite, a UTF-8 file and the screen take every one."""
    for text in texts:
        if text is None:
            continue
        assert "\x00" not in text
        assert not SURROGATE.search(text), ascii(text)
        text.encode("utf-8")


def assert_post_clean(post: Post) -> None:
    """Every string of the post, and its payload decoded again, is clean."""
    assert_clean(post.text, post.author_handle, post.author_name, post.author_id, post.raw)
    assert_clean(*post.hashtags, *post.mentions)

    def walk(value: Any) -> None:
        if isinstance(value, str):
            assert_clean(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(post.raw))


def test_every_post_of_a_file_with_bad_characters_is_read(tmp_path: Path) -> None:
    """Each of the eight lines is a post; the bad characters became U+FFFD, nothing else moved."""
    stats = ReplayStats()
    posts = list(read_posts(bad_file(tmp_path), stats))
    assert [p.native_id for p in posts] == [str(i) for i in range(1, 9)]
    assert stats.malformed == 0
    for post in posts:
        assert_post_clean(post)
    by_id = {p.native_id: p for p in posts}
    assert by_id["2"].text == f"A2 half {FFFD} a pair #T"
    assert FFFD in by_id["4"].text
    assert by_id["5"].author_name == f"Nu{FFFD}l"
    assert by_id["6"].author_handle == f"ev{FFFD}e"
    assert by_id["7"].text == f"A7 raw {FFFD} byte #T"
    assert by_id["1"].raw == line_of("1", "A1 fine #T")  # a good line is kept as it came


def test_a_surrogate_pair_is_kept_and_only_a_lone_half_is_replaced() -> None:
    """An escaped pair is one emoji; the half of one is U+FFFD."""
    post = parse_stream_line(line_of("9", "pair \ud83d\ude00 half \ude00 #T"))
    assert post is not None
    assert post.text == f"pair \U0001f600 half {FFFD} #T"


def test_cleaning_leaves_good_text_alone() -> None:
    """Good text and good lines come back as the same object (nothing copied on the hot path)."""
    text = "café 😀 #T"
    assert clean_text(text) is text
    line = line_of("1", text)
    assert clean_line(line) is line
    assert clean_text("a\x00b\udfffc") == f"a{FFFD}b{FFFD}c"


def test_posts_built_from_decoded_json_are_cleaned() -> None:
    """What a JSON reader lets through (the live source, the publisher, `record`) is cleaned."""
    tweet = {
        "id": "5",
        "text": "half \ud800 #T",
        "author_id": "1",
        "created_at": "2026-11-26T18:00:00.000Z",
    }
    users = {"1": {"id": "1", "username": "a\x00b", "name": "N"}}
    raw = json.dumps({"data": tweet, "includes": {"users": list(users.values())}})
    post = post_from_tweet(tweet, users, raw)
    assert post.text == f"half {FFFD} #T"
    assert post.author_handle == f"a{FFFD}b"
    assert_post_clean(post)
    written = stream_line(tweet, list(users.values()), [])
    assert_clean(written)
    assert "\\u0000" not in written and "\\ud800" not in written


def stored(db: Path) -> list[tuple[str, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT native_id, text, author_handle, author_name, raw FROM posts ORDER BY native_id"
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("batch", [1000, 2], ids=["one-batch", "small-batches"])
def test_import_stores_every_other_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], batch: int
) -> None:
    """`import`: exit 0, no traceback, the eight posts stored, none with a bad character."""
    monkeypatch.setattr(import_stream, "BATCH", batch)
    db = tmp_path / "c.db"
    assert main(["import", str(bad_file(tmp_path)), "--db", str(db), "--tag", "T"]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert "8 stored" in out.out and "0 malformed" in out.out
    rows = stored(db)
    assert [r[0] for r in rows] == [str(i) for i in range(1, 9)]
    for row in rows:
        assert_clean(*row)


def test_replay_stores_every_other_post(tmp_path: Path) -> None:
    """`--replay`: the source does not fail, and the eight posts are stored."""
    session = ChatSession(
        Settings(tag="T", replay=bad_file(tmp_path), speed=0, db_path=tmp_path / "r.db")
    )
    try:
        assert session.replay_source is not None
        thread = session.runner.start(session.replay_source)
        assert thread is not None
        thread.join(30)
        states = [(e.source, e.state, e.detail) for e in session.runner.events]
        assert ("replay", "ended", "8 posts, 0 malformed") in states, states
        assert not [s for s in states if s[1] == "failed"]
        assert session.store.count_posts(session.chat_id) == 8
    finally:
        session.shutdown()
    for row in stored(tmp_path / "r.db"):
        assert_clean(*row)


def test_a_line_too_deeply_nested_is_one_malformed_line(tmp_path: Path) -> None:
    """A line no JSON reader can take is counted malformed; the posts around it are read."""
    path = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text("\n".join([line_of("1", "a #T"), deep, line_of("2", "b #T")]) + "\n")
    stats = ReplayStats()
    assert [p.native_id for p in read_posts(path, stats)] == ["1", "2"]
    assert stats.malformed == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("entities", {"hashtags": 5}), ("entities", {"urls": 7}), ("referenced_tweets", 3)],
)
def test_a_field_of_an_unexpected_type_is_one_malformed_line(
    tmp_path: Path, field: str, value: object
) -> None:
    """A number where X sends a list: that line is counted malformed, the others are read."""
    tweet = json.loads(line_of("2", "odd #T"))
    tweet["data"][field] = value
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join([line_of("1", "a #T"), json.dumps(tweet), line_of("3", "b #T")]))
    stats = ReplayStats()
    assert [p.native_id for p in read_posts(path, stats)] == ["1", "3"]
    assert stats.malformed == 1
