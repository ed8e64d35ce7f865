"""The filtered-stream line format: what X sends becomes one normalized Post."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tchat_tui.clients.x.stream_line import MalformedLine, parse_stream_line
from tchat_tui.domain.post import Network

LINE = {
    "data": {
        "id": "1861000000000000123",
        "text": "@claire A2 on partage https://t.co/abcdefghij #AidantsChat",
        "author_id": "42",
        "created_at": "2026-11-26T18:14:05.000Z",
        "conversation_id": "1861000000000000100",
        "edit_history_tweet_ids": ["1861000000000000123"],
        "in_reply_to_user_id": "7",
        "lang": "fr",
        "referenced_tweets": [{"type": "replied_to", "id": "1861000000000000100"}],
        "entities": {
            "hashtags": [{"start": 46, "end": 58, "tag": "AidantsChat"}],
            "mentions": [{"start": 0, "end": 7, "username": "claire", "id": "7"}],
            "urls": [
                {
                    "start": 22,
                    "end": 45,
                    "url": "https://t.co/abcdefghij",
                    "expanded_url": "https://www.example.gouv.fr/rapport",
                    "display_url": "example.gouv.fr/rapport",
                }
            ],
        },
        "public_metrics": {"retweet_count": 1, "like_count": 4},
    },
    "includes": {"users": [{"id": "42", "name": "نور Haddad", "username": "nour"}]},
    "matching_rules": [{"id": "1", "tag": "aidantschat"}],
}


def test_a_stream_line_becomes_a_post() -> None:
    """Ids, author, reply, entities, links (expanded) and metrics are carried over."""
    post = parse_stream_line(json.dumps(LINE, ensure_ascii=False))
    assert post is not None
    assert post.key == "x:1861000000000000123" and post.network is Network.X
    assert (post.author_handle, post.author_name) == ("nour", "نور Haddad")
    assert post.reply_to_id == "1861000000000000100"
    assert post.hashtags == ("AidantsChat",) and post.mentions == ("claire",)
    assert post.links[0].expanded_url == "https://www.example.gouv.fr/rapport"
    assert post.metrics == {"retweet_count": 1, "like_count": 4}
    assert post.created_at.isoformat() == "2026-11-26T18:14:05+00:00"
    assert json.loads(post.raw) == LINE


def test_long_posts_use_the_note_tweet_text() -> None:
    """A long post's full text is in note_tweet; `text` is truncated."""
    line = json.loads(json.dumps(LINE))
    line["data"]["note_tweet"] = {"text": "full " * 100, "entities": {}}
    post = parse_stream_line(json.dumps(line))
    assert post is not None and post.text == "full " * 100


def test_retweets_are_marked() -> None:
    """A retweet carries what it reposts."""
    line = json.loads(json.dumps(LINE))
    line["data"]["referenced_tweets"] = [{"type": "retweeted", "id": "99"}]
    post = parse_stream_line(json.dumps(line))
    assert post is not None and post.is_repost and post.repost_of_id == "99"


@pytest.mark.parametrize("line", ["", "   ", "\r\n"])
def test_keep_alives_are_not_posts(line: str) -> None:
    """X sends a blank line every 20 s to keep the stream open."""
    assert parse_stream_line(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "{not json",
        "[1, 2]",
        '{"errors": [{"title": "ConnectionException"}]}',
        '{"data": {"id": "1"}}',
        '{"data": {"id": "1", "text": "x", "author_id": "2", "created_at": "yesterday"}}',
        '{"data": {"id": "1", "text": 5, "author_id": "2", "created_at": "2026-11-26T18:00:00Z"}}',
    ],
)
def test_malformed_lines_raise(line: str) -> None:
    """Anything that is not a post object is a MalformedLine, never another exception."""
    with pytest.raises(MalformedLine):
        parse_stream_line(line)


def _line(text: str, entities: dict[str, object] | None) -> str:
    """LINE with another text, and other entities or none."""
    data: dict[str, Any] = dict(json.loads(json.dumps(LINE["data"])), text=text)
    if entities is None:
        data.pop("entities")
    else:
        data["entities"] = entities
    return json.dumps(dict(LINE, data=data), ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "entities", "hashtags", "mentions"),
    [
        # X omits an empty entity list: hashtags without mentions means no one is mentioned.
        (
            "@claire A2 #AidantsChat",
            {"hashtags": [{"start": 10, "end": 22, "tag": "AidantsChat"}]},
            ("AidantsChat",),
            (),
        ),
        (
            "A2 oui",
            {"mentions": [{"start": 0, "end": 7, "username": "claire", "id": "7"}]},
            (),
            ("claire",),
        ),
        # No entities at all (not requested, or a hand-made file): extracted from the text.
        ("@claire A2 #AidantsChat", None, ("AidantsChat",), ("claire",)),
        ("＠claire RT@nour: vu #AidantsChat", None, ("AidantsChat",), ("claire", "nour")),
        ("A2 sans mention ni tag", None, (), ()),
        ("mail ada@example.com", {}, (), ()),
    ],
)
def test_entities_are_trusted_when_present(
    text: str,
    entities: dict[str, object] | None,
    hashtags: tuple[str, ...],
    mentions: tuple[str, ...],
) -> None:
    """The payload's entities are used as X sent them; without any, the text is parsed."""
    post = parse_stream_line(_line(text, entities))
    assert post is not None
    assert (post.hashtags, post.mentions) == (hashtags, mentions)


@pytest.mark.parametrize(
    "line",
    [
        # orjson refuses these; the standard decoder accepts them, as before.
        '{"data": {"id": 1, "text": "x", "author_id": 2, "created_at": "2026-11-26T18:00:00Z",'
        ' "public_metrics": {"like_count": NaN}}}',
        '{"data": {"id": 123456789012345678901234567890, "text": "x", "author_id": "2",'
        ' "created_at": "2026-11-26T18:00:00Z"}}',
    ],
)
def test_lines_the_fast_decoder_refuses_still_parse(line: str) -> None:
    """What json.loads reads, the parser reads: the fast decoder falls back to it."""
    post = parse_stream_line(line)
    assert post is not None and post.text == "x"


def test_times_in_other_offsets_become_utc() -> None:
    """created_at with an offset, or none, is read as an aware UTC time."""
    for created, expected in [
        ("2026-11-26T19:14:05+01:00", "2026-11-26T18:14:05+00:00"),
        ("2026-11-26T18:14:05", "2026-11-26T18:14:05+00:00"),
    ]:
        post = parse_stream_line(_line("x", None).replace("2026-11-26T18:14:05.000Z", created))
        assert post is not None and post.created_at.isoformat() == expected
