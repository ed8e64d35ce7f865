"""The bundled demo chat: a valid X filtered-stream recording of a realistic bilingual hour."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tchat_tui" / "data" / "demo"
SCRIPT = ROOT / "scripts" / "make_demo_chat.py"
TWITTER_EPOCH_MS = 1288834974657
TAG = "aidantschat"


def _load_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DEMO / "chat.jsonl").read_text("utf-8").splitlines()]


LINES = _load_lines()
POSTS = [line["data"] for line in LINES]
BY_ID = {post["id"]: post for post in POSTS}
PLAN = tomllib.loads((DEMO / "plan.toml").read_text("utf-8"))
HOST_ID = next(
    u["id"] for line in LINES for u in line["includes"]["users"] if u["username"] == PLAN["host"]
)


def _author(line: dict[str, Any]) -> dict[str, str]:
    return next(u for u in line["includes"]["users"] if u["id"] == line["data"]["author_id"])


def _created(post: dict[str, Any]) -> datetime:
    return datetime.strptime(post["created_at"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_chat", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_chat"] = module
    spec.loader.exec_module(module)
    return module


def _entities(kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(p["text"], e) for p in POSTS for e in p.get("entities", {}).get(kind, [])]


# -- the line format -----------------------------------------------------------------------------


def test_every_line_is_a_filtered_stream_object() -> None:
    """Each line is one JSON object with data, includes.users and matching_rules."""
    assert LINES
    for line in LINES:
        assert set(line) == {"data", "includes", "matching_rules"}
        assert line["matching_rules"] == [{"id": "1866000000000000001", "tag": TAG}]
        assert _author(line)["username"]


@pytest.mark.parametrize(
    "field",
    ["id", "text", "author_id", "created_at", "conversation_id", "edit_history_tweet_ids", "lang"],
)
def test_every_post_has_the_tweet_fields(field: str) -> None:
    """Every post carries the fields the stream is asked for, ids as strings."""
    for post in POSTS:
        assert field in post
    assert all(post["edit_history_tweet_ids"] == [post["id"]] for post in POSTS)
    assert all(isinstance(post["id"], str) and post["id"].isdigit() for post in POSTS)


def test_file_ends_lines_with_newlines_and_is_utf8() -> None:
    """The file is UTF-8 text, one object a line, ending with a newline."""
    raw = (DEMO / "chat.jsonl").read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    raw.decode("utf-8")


# -- size, ids and time --------------------------------------------------------------------------


def test_at_least_400_posts_from_40_to_60_people() -> None:
    """The chat is big enough to be realistic: >= 400 posts, 40-60 authors."""
    assert len(POSTS) >= 400
    assert 40 <= len({p["author_id"] for p in POSTS}) <= 60


def test_ids_are_unique_and_increase_with_time() -> None:
    """Snowflake ids are unique, increasing, and encode the post's created_at second."""
    ids = [int(p["id"]) for p in POSTS]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    for post in POSTS:
        ms = (int(post["id"]) >> 22) + TWITTER_EPOCH_MS
        assert ms // 1000 == int(_created(post).timestamp())


def test_posts_fill_one_hour_from_the_plan_start() -> None:
    """All posts fall within the planned hour, and every ten minutes is busy."""
    start = PLAN["start"].astimezone(UTC)
    offsets = [(_created(p) - start).total_seconds() for p in POSTS]
    assert 0 <= min(offsets) and max(offsets) < PLAN["duration_minutes"] * 60
    per_ten_minutes = Counter(int(o // 600) for o in offsets)
    assert all(per_ten_minutes[i] >= 30 for i in range(6)), per_ten_minutes


def test_answers_come_in_bursts_after_each_question() -> None:
    """The three minutes after a question are busier than the three minutes after those."""
    for n in range(1, 9):
        asked = _created(_question_posts(n)[0])
        first = sum(asked <= _created(p) < asked + timedelta(minutes=3) for p in POSTS)
        later = sum(
            asked + timedelta(minutes=3) <= _created(p) < asked + timedelta(minutes=6)
            for p in POSTS
        )
        assert first > later, (n, first, later)


# -- entities ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("hashtags", lambda e: "#" + e["tag"]),
        ("mentions", lambda e: "@" + e["username"]),
        ("urls", lambda e: e["url"]),
    ],
)
def test_entity_offsets_point_at_their_text(kind: str, expected: Any) -> None:
    """text[start:end] (code points, end exclusive) is the entity as written."""
    found = _entities(kind)
    assert found
    for text, entity in found:
        assert text[entity["start"] : entity["end"]] == expected(entity)


def test_every_handle_and_link_in_a_text_has_its_entity() -> None:
    """No @handle or t.co link in a text is missing from the entities."""
    for post in POSTS:
        entities = post.get("entities", {})
        assert len(re.findall(r"(?<![\w@])@\w+", post["text"])) == len(entities.get("mentions", []))
        assert post["text"].count("https://") == len(entities.get("urls", []))


def test_links_are_tco_with_their_destination() -> None:
    """Links in texts are t.co wrappers; expanded_url holds the real destination."""
    for _, entity in _entities("urls"):
        assert re.fullmatch(r"https://t\.co/[A-Za-z0-9]{10}", entity["url"])
        assert entity["expanded_url"].startswith("https://")
        assert "t.co/" not in entity["expanded_url"]
        assert entity["display_url"] and not entity["display_url"].startswith("http")


def test_mentions_carry_the_mentioned_users_id() -> None:
    """A mention's id is the id of the account with that handle."""
    ids = {u["username"]: u["id"] for line in LINES for u in line["includes"]["users"]}
    for _, entity in _entities("mentions"):
        assert ids[entity["username"]] == entity["id"]


def test_every_post_carries_the_tag() -> None:
    """The stream rule matched every post: each has the chat tag, in any case."""
    for post in POSTS:
        tags = [h["tag"].casefold() for h in post["entities"]["hashtags"]]
        assert TAG in tags, post["text"]


def test_the_tag_is_written_in_several_cases() -> None:
    """Participants spell the tag differently (#AidantsChat, #aidantschat...)."""
    spellings = {h["tag"] for _, h in _entities("hashtags") if h["tag"].casefold() == TAG}
    assert len(spellings) >= 3


# -- threads -------------------------------------------------------------------------------------


def test_replies_point_to_earlier_posts_of_the_right_author() -> None:
    """A reply names an earlier post; in_reply_to_user_id and conversation_id follow it."""
    replies = [p for p in POSTS if _reference(p, "replied_to")]
    assert len(replies) > 100
    for post in replies:
        parent = BY_ID[_reference(post, "replied_to")]
        assert int(parent["id"]) < int(post["id"])
        assert post["in_reply_to_user_id"] == parent["author_id"]
        assert post["conversation_id"] == parent["conversation_id"]


def test_replies_start_with_the_threads_mentions() -> None:
    """Like on X, a reply to someone else starts with @their handle."""
    handles = {u["id"]: u["username"] for line in LINES for u in line["includes"]["users"]}
    for post in POSTS:
        parent_id = _reference(post, "replied_to")
        if parent_id and BY_ID[parent_id]["author_id"] != post["author_id"]:
            leading = re.match(r"^(?:@\w+ )+", post["text"])
            assert leading, post["text"]
            assert "@" + handles[BY_ID[parent_id]["author_id"]] in leading.group(0).split()


def test_top_level_posts_start_their_own_conversation() -> None:
    """A post that replies to nothing is the root of its conversation."""
    for post in POSTS:
        if not post.get("referenced_tweets"):
            assert post["conversation_id"] == post["id"]


def test_retweets_repeat_the_original() -> None:
    """A retweet's text is `RT @author: ` + the original text, and it references it."""
    retweets = [(line, _reference(line["data"], "retweeted")) for line in LINES]
    retweets = [(line, ref) for line, ref in retweets if ref]
    assert len(retweets) >= 10
    for line, original_id in retweets:
        original = BY_ID[original_id]
        author = next(u for u in line["includes"]["users"] if u["id"] == original["author_id"])
        assert line["data"]["text"] == f"RT @{author['username']}: {original['text']}"
        assert int(original_id) < int(line["data"]["id"])


def _reference(post: dict[str, Any], kind: str) -> str | None:
    return next((r["id"] for r in post.get("referenced_tweets", []) if r["type"] == kind), None)


# -- what the chat contains ----------------------------------------------------------------------


def _question_posts(n: int) -> list[dict[str, Any]]:
    return [p for p in POSTS if p["author_id"] == HOST_ID and p["text"].startswith(f"Q{n}: ")]


@pytest.mark.parametrize("n", range(1, 9))
def test_host_posts_each_question(n: int) -> None:
    """Q1..Q8 are posted by the host as `Qn: ... #tag`, the plan's text first."""
    posts = _question_posts(n)
    assert posts
    assert posts[0]["text"] == f"Q{n}: {PLAN['questions'][n - 1]} {PLAN['tag']}"


def test_some_questions_are_posted_in_french_then_english() -> None:
    """Several questions come twice: French first, then English."""
    twice = [n for n in range(1, 9) if len(_question_posts(n)) == 2]
    assert len(twice) >= 3
    for n in twice:
        assert [p["lang"] for p in _question_posts(n)] == ["fr", "en"]


def test_questions_come_about_every_seven_minutes() -> None:
    """The gap between consecutive questions stays between 5 and 9 minutes."""
    times = [_created(_question_posts(n)[0]) for n in range(1, 9)]
    gaps = [(b - a).total_seconds() / 60 for a, b in zip(times, times[1:], strict=False)]
    assert all(5 <= gap <= 9 for gap in gaps), gaps


@pytest.mark.parametrize("lang", ["fr", "en", "und"])
def test_languages_present(lang: str) -> None:
    """The chat is bilingual, with a few posts X cannot classify (emoji only)."""
    assert any(p["lang"] == lang for p in POSTS)


def _body(post: dict[str, Any]) -> str:
    """The text after the automatic @mentions of the thread."""
    return re.sub(r"^(?:@\w+ )+", "", post["text"])


@pytest.mark.parametrize(
    "pattern",
    [
        r"A\d [^:.\-]",  # A3 text
        r"A\d: ",  # A3: text
        r"A\d : ",  # A3 : text
        r"R\d : ",  # R3 : text (French)
        r"R\d: ",  # R3: text
        r"R\d\u202f: ",  # R3 with a narrow no-break space before the colon
        r"R\d [^:]",  # R3 text
        r"a\d: ",  # a3: lowercase
        r"A\d\. ",  # A3. text
        r"A\d - ",  # A3 - text
    ],
)
def test_answers_are_written_in_every_real_world_form(pattern: str) -> None:
    """Answers use all the prefixes seen in real chats, after the thread's @mentions."""
    assert sum(bool(re.match(pattern, _body(p))) for p in POSTS) >= 2


def test_some_answers_only_reply_to_the_question() -> None:
    """Some answers have no prefix at all: they are just replies to a Qn post."""
    question_ids = {p["id"] for n in range(1, 9) for p in _question_posts(n)}
    bare = [
        p
        for p in POSTS
        if _reference(p, "replied_to") in question_ids and not re.match(r"[AaRr]\d", _body(p))
    ]
    assert len(bare) >= 20


def test_some_answers_reply_to_the_english_question() -> None:
    """English speakers answer the English post of a bilingual question."""
    english = {p["id"] for n in range(1, 9) for p in _question_posts(n)[1:]}
    assert sum(_reference(p, "replied_to") in english for p in POSTS) >= 10


def test_audience_asks_the_guests() -> None:
    """Participants put questions to the guests, and the guests answer them."""
    guests = set(PLAN["guests"])
    asked = [
        p
        for p in POSTS
        if "?" in p["text"]
        and p["author_id"] != HOST_ID
        and (
            re.match(r"@(\w+) ", p["text"])
            and re.match(r"@(\w+) ", p["text"]).group(1) in guests
            or re.search(r"Question pour @\w+", p["text"])
        )
    ]
    assert len(asked) >= 6
    answered = {_reference(p, "replied_to") for p in POSTS}
    assert sum(p["id"] in answered for p in asked) >= 6


@pytest.mark.parametrize(
    ("what", "check"),
    [
        (
            "a right-to-left display name",
            lambda line: re.search(r"[\u0590-\u06ff]", _author(line)["name"]),
        ),
        (
            "right-to-left words in a text",
            lambda line: re.search(r"[\u0600-\u06ff]", line["data"]["text"]),
        ),
        ("a ZWJ family emoji", lambda line: "👨\u200d👩\u200d👧\u200d👦" in line["data"]["text"]),
        ("a flag", lambda line: "🇨🇦" in line["data"]["text"]),
        ("literal markup", lambda line: "[bold]" in line["data"]["text"]),
        ("a terminal escape", lambda line: "\x1b[31m" in line["data"]["text"]),
        ("accents", lambda line: "é" in line["data"]["text"]),
        ("a government report", lambda line: _expanded(line, r"\.gouv\.fr/")),
        ("tracking parameters", lambda line: _expanded(line, r"[?&]utm_source=")),
        ("a shortener", lambda line: _expanded(line, r"//bit\.ly/")),
        ("a price", lambda line: "19,99 €" in line["data"]["text"]),
        ("link in bio", lambda line: "lien en bio" in line["data"]["text"]),
        ("a last call", lambda line: line["data"]["text"].startswith("⏳ Dernier appel")),
    ],
)
def test_the_hard_cases_are_there(what: str, check: Any) -> None:
    """The chat contains the cases the console must display or classify safely."""
    assert any(check(line) for line in LINES), what


def _expanded(line: dict[str, Any], pattern: str) -> bool:
    urls = line["data"].get("entities", {}).get("urls", [])
    return any(re.search(pattern, u["expanded_url"]) for u in urls)


def test_a_spam_bot_repeats_itself_with_many_hashtags() -> None:
    """One account posts the same text again and again, stuffed with hashtags."""
    repeated = Counter((p["author_id"], re.sub(r"https://t\.co/\w+", "", p["text"])) for p in POSTS)
    (_, text), count = repeated.most_common(1)[0]
    assert count >= 5
    assert len(re.findall(r"#\w+", text)) >= 5


def test_the_host_welcomes_restates_the_rules_and_thanks() -> None:
    """The host's first posts and last post come from the plan's templates."""
    host_texts = [p["text"] for p in POSTS if p["author_id"] == HOST_ID]
    for name in ("welcome", "rules", "intro", "last_call", "thanks"):
        rendered = PLAN["templates"][name].format(
            tag=PLAN["tag"],
            topic=PLAN["topic"],
            host="@" + PLAN["host"],
            guests=" ".join("@" + g for g in PLAN["guests"]),
        )
        assert rendered in host_texts, name
    assert host_texts[:2] == [
        PLAN["templates"][n].format(
            tag=PLAN["tag"],
            topic=PLAN["topic"],
            host="@" + PLAN["host"],
            guests=" ".join("@" + g for g in PLAN["guests"]),
        )
        for n in ("welcome", "rules")
    ]


# -- the plan ------------------------------------------------------------------------------------


def test_plan_has_the_documented_keys() -> None:
    """plan.toml has the chat plan's keys with the right types."""
    assert PLAN["tag"] == "#AidantsChat"
    assert PLAN["start"].tzinfo is not None
    assert PLAN["duration_minutes"] == 60
    assert PLAN["networks"] == ["x"] and PLAN["limit"] == 280
    assert len(PLAN["questions"]) == 8 and all(isinstance(q, str) for q in PLAN["questions"])
    assert 2 <= len(PLAN["guests"]) <= 3 and isinstance(PLAN["co_moderators"], list)
    for name in ("welcome", "rules", "intro", "last_call", "thanks"):
        assert "{tag}" in PLAN["templates"][name]


def test_plan_people_take_part() -> None:
    """The host, guests and co-moderators of the plan all post in the chat."""
    authors = {_author(line)["username"] for line in LINES}
    assert {PLAN["host"], *PLAN["guests"], *PLAN["co_moderators"]} <= authors


def test_rules_post_names_tag_guests_and_topic() -> None:
    """The rules post states the tag, the guests and the topic, as does the welcome."""
    rules = PLAN["templates"]["rules"]
    assert "{tag}" in rules and "{guests}" in rules
    assert "{topic}" in rules and "{topic}" in PLAN["templates"]["welcome"]


# -- the generator -------------------------------------------------------------------------------


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """Regenerating gives byte-identical files to the committed ones."""
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    for name in ("chat.jsonl", "plan.toml"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_check_flags_stale_files(tmp_path: Path) -> None:
    """--check exits 0 on fresh files and non-zero once a file differs."""
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True)
    fresh = subprocess.run([sys.executable, str(SCRIPT), "--check", "--out", str(tmp_path)])
    assert fresh.returncode == 0
    stale = tmp_path / "plan.toml"
    stale.write_text(stale.read_text("utf-8") + "# edited\n", "utf-8")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "plan.toml" in run.stderr


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("abc", 3),
        ("é", 1),
        ("🙂", 2),
        ("see https://t.co/AbCdEfGhIj", 4 + 23),
        ("\u2019", 1),
        ("\u202f", 2),
    ],
)
def test_weighted_length_errs_long(text: str, length: int) -> None:
    """The generator's length check counts like X (URLs 23, emoji 2) or longer."""
    assert _script().weighted_length(text) == length


def test_no_post_is_over_the_limit() -> None:
    """Every post other than a retweet fits X's 280 weighted characters."""
    weighted_length = _script().weighted_length
    for post in POSTS:
        if not _reference(post, "retweeted"):
            assert weighted_length(post["text"]) <= PLAN["limit"], post["text"]


def test_texts_avoid_characters_x_escapes() -> None:
    """X sends &, < and > in texts as HTML entities; the demo keeps its texts free of them."""
    assert not [p["text"] for p in POSTS if any(c in p["text"] for c in "&<>")]
