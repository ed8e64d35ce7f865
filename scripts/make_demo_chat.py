"""Assemble the bundled demo chat (#AidantsChat) from its hand-written content.

Reads `tchat_tui/data/demo/people.toml` (who takes part) and `tchat_tui/data/demo/chat.toml` (what
they say, section by section, in time order) and writes, byte-identically on every run:

- `tchat_tui/data/demo/chat.jsonl`: one X API v2 filtered-stream object a line (`data`,
  `includes.users`, `matching_rules`), snowflake ids increasing with `created_at`, entity offsets
  computed in code points;
- `tchat_tui/data/demo/plan.toml`: the chat plan (tag, topic, start, guests, pacing, questions,
  templates).

Usage:
    .venv/bin/python scripts/make_demo_chat.py            # regenerate in place
    .venv/bin/python scripts/make_demo_chat.py --check    # exit 1 if the committed files are stale
    .venv/bin/python scripts/make_demo_chat.py --out DIR  # write elsewhere (tests use this)

Only the standard library is used; all randomness comes from `random.Random(2026)`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "tchat_tui" / "data" / "demo"
SEED = 2026
TWITTER_EPOCH_MS = 1288834974657
RULE = {"id": "1866000000000000001", "tag": "aidantschat"}
OUTPUT_NAMES = ("chat.jsonl", "plan.toml")
PACING_KEYS = ("first_question_at", "question_every_minutes")
"""Plan keys copied from chat.toml's [chat] when present: when the questions are due."""

PREFIX_STYLES = {
    "A": "A{n} ",
    "A:": "A{n}: ",
    "A :": "A{n} : ",
    "a:": "a{n}: ",
    "A.": "A{n}. ",
    "A-": "A{n} - ",
    "R": "R{n} ",
    "R:": "R{n}: ",
    "R :": "R{n} : ",
    "R nnbsp": "R{n}\u202f: ",
    "none": "",
}

URL_IN_CONTENT = re.compile(r"https?://[^\s]+")
TCO_URL = re.compile(r"https://t\.co/[A-Za-z0-9]{10}")
HASHTAG = re.compile(r"(?<![\w&#])#(\w*[^\W\d]\w*)")
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])")
LEADING_MENTIONS = re.compile(r"^(?:@([A-Za-z0-9_]{1,15}) )+")


class DemoError(Exception):
    """The content files are inconsistent (unknown user, bad reference, post too long...)."""


@dataclass
class User:
    """A participant as declared in people.toml."""

    username: str
    name: str
    id: str
    role: str
    lang: str
    style: str
    reply: bool
    tag: str


@dataclass
class Draft:
    """One post before it gets its id and final text."""

    seconds: float
    author: User
    body: str
    section: str
    target: str | None = None  # reference resolved after timing: "q3", "who:q3#1"...
    retweet_of: str | None = None
    lang: str | None = None
    key: str | None = None  # a name other posts can refer to ("q3", "q3en", "thanks"...)
    ms: int = 0
    id: str = ""
    text: str = ""
    conversation_id: str = ""
    urls: list[tuple[str, str]] = field(default_factory=list)
    reply_to: Draft | None = None
    retweeted: Draft | None = None


def clock(value: str) -> float:
    """Seconds after the start for a "mm:ss" string."""
    minutes, seconds = value.split(":")
    return int(minutes) * 60 + int(seconds)


def load_users(path: Path) -> dict[str, User]:
    """Read people.toml into users by handle."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    users: dict[str, User] = {}
    for row in data["user"]:
        if row["style"] not in PREFIX_STYLES:
            raise DemoError(f"{row['username']}: unknown style {row['style']!r}")
        if not re.fullmatch(r"[A-Za-z0-9_]{1,15}", row["username"]):
            raise DemoError(f"{row['username']}: not a valid X handle")
        users[row["username"]] = User(
            username=row["username"],
            name=row["name"],
            id=row["id"],
            role=row["role"],
            lang=row["lang"],
            style=row["style"],
            reply=bool(row["reply"]) or row["style"] == "none",
            tag=row.get("tag", "#AidantsChat"),
        )
    if len({u.id for u in users.values()}) != len(users):
        raise DemoError("two users share an id")
    return users


def parse_options(raw: str) -> dict[str, str]:
    """Split "chat to=x:q3 lang=en" into {"chat": "", "to": "x:q3", "lang": "en"}."""
    options: dict[str, str] = {}
    for word in raw.split():
        name, _, value = word.partition("=")
        options[name] = value
    return options


def spread(rng: random.Random, count: int, start: float, end: float, burst: float) -> list[float]:
    """`count` increasing times in [start, end]; burst > 1 crowds them just after `start`."""
    if count == 0:
        return []
    points = sorted(rng.random() for _ in range(count))
    times = [start + (end - start) * (p**burst) for p in points]
    for i in range(1, count):
        times[i] = max(times[i], times[i - 1] + 0.8 + rng.random() * 2.0)
    if times[-1] > end:
        # Squeeze the whole run back into the window; the order and the proportions stay.
        if (end - start) / count < 0.3:
            raise DemoError(f"{count} posts do not fit between {start:.0f}s and {end:.0f}s")
        scale = (end - start) / (times[-1] - start)
        times = [start + (t - start) * scale for t in times]
    return times


class Assembler:
    """Turns the content into drafts, times them, then renders the stream lines."""

    def __init__(self, users: dict[str, User], chat: dict[str, Any]) -> None:
        self.users = users
        self.chat = chat
        self.rng = random.Random(SEED)
        self.drafts: list[Draft] = []
        self.by_key: dict[str, Draft] = {}
        self.by_author_section: dict[tuple[str, str], list[Draft]] = {}
        meta = chat["chat"]
        self.tag: str = meta["tag"]
        self.host = self.user(meta["host"])
        self.start: datetime = meta["start"].astimezone(UTC)

    def user(self, handle: str) -> User:
        """The user with this handle, or a clear error."""
        try:
            return self.users[handle]
        except KeyError:
            raise DemoError(f"unknown user {handle!r}") from None

    def render_template(self, name: str) -> str:
        """A plan template filled in the way the host posts it."""
        meta = self.chat["chat"]
        return str(self.chat["templates"][name]).format(
            tag=self.tag,
            topic=meta["topic"],
            host="@" + meta["host"],
            guests=" ".join("@" + g for g in meta["guests"]),
        )

    def add(self, draft: Draft) -> Draft:
        """Register a draft and the names it can be referred to by."""
        self.drafts.append(draft)
        if draft.key:
            self.by_key[draft.key] = draft
        self.by_author_section.setdefault((draft.author.username, draft.section), []).append(draft)
        return draft

    # -- building ---------------------------------------------------------------------------

    def build(self) -> None:
        """Create every draft with its time, in the order the content gives."""
        meta = self.chat["chat"]
        host = self.host
        self.add(
            Draft(
                clock(meta["welcome_at"]),
                host,
                self.render_template("welcome"),
                "host",
                key="welcome",
                lang="fr",
            )
        )
        self.add(
            Draft(
                clock(meta["rules_at"]),
                host,
                self.render_template("rules"),
                "host",
                key="rules",
                lang="fr",
            )
        )
        intro_at = clock(meta["intro_at"])
        self.add(
            Draft(intro_at, host, self.render_template("intro"), "host", key="intro", lang="fr")
        )

        question_at = [clock(v) for v in meta["question_at"]]
        questions = self.chat["question"]
        if len(questions) != len(question_at):
            raise DemoError("question_at and [[question]] differ in length")
        self.script(
            "intro", None, self.chat["intro"]["posts"], intro_at + 8, question_at[0] - 20, 1.0
        )
        for index, question in enumerate(questions):
            n = question["n"]
            if n != index + 1:
                raise DemoError(f"question {index + 1} is numbered {n}")
            at = question_at[index] + self.rng.random()
            self.add(Draft(at, host, f"Q{n}: {question['fr']}", "host", key=f"q{n}", lang="fr"))
            begin = at + 15
            if "en" in question:
                en_at = at + 20 + self.rng.random() * 15
                self.add(
                    Draft(en_at, host, f"Q{n}: {question['en']}", "host", key=f"q{n}en", lang="en")
                )
                begin = en_at + 15
            if index + 1 < len(question_at):
                end = question_at[index + 1] - 8
            else:
                end = clock(meta["thanks_at"]) - 6
            self.script(f"q{n}", n, question["posts"], begin, end, 2.0)
        self.add(
            Draft(
                clock(meta["last_call_at"]) + 0.4,
                host,
                self.render_template("last_call"),
                "host",
                key="last_call",
                lang="fr",
            )
        )
        thanks_at = clock(meta["thanks_at"]) + 0.6
        self.add(
            Draft(thanks_at, host, self.render_template("thanks"), "host", key="thanks", lang="fr")
        )
        self.script(
            "outro", None, self.chat["outro"]["posts"], thanks_at + 10, clock(meta["end_at"]), 1.3
        )

        for moment in self.chat["moment"]:
            self.item("moment", None, moment["post"], clock(moment["at"]) + self.rng.random())
        spam = self.chat["spam"]
        bot = next(u for u in self.users.values() if u.role == "spam")
        for at in spam["at"]:
            self.add(Draft(clock(at) + self.rng.random(), bot, spam["text"], "spam", lang="fr"))

    def script(
        self,
        section: str,
        n: int | None,
        posts: list[list[str]],
        start: float,
        end: float,
        burst: float,
    ) -> None:
        """A section's posts spread over its window, in the given order."""
        for item, seconds in zip(
            posts, spread(self.rng, len(posts), start, end, burst), strict=True
        ):
            self.item(section, n, item, seconds)

    def item(self, section: str, n: int | None, item: list[str], seconds: float) -> None:
        """One content line ([who, text] or [who, text, options]) as a draft."""
        if len(item) not in (2, 3):
            raise DemoError(f"{section}: a post is [who, text] or [who, text, options]: {item!r}")
        author = self.user(item[0])
        body = item[1]
        options = parse_options(item[2] if len(item) == 3 else "")
        known = {"chat", "to", "rt", "q", "top", "reply", "style", "lang"}
        if set(options) - known:
            raise DemoError(
                f"{section}: unknown options {sorted(set(options) - known)} in {item!r}"
            )
        lang = options.get("lang") or author.lang
        draft = Draft(seconds, author, body, section, lang=lang)
        if "rt" in options:
            draft.retweet_of = options["rt"]
            draft.lang = None
            self.add(draft)
            return
        question = int(options["q"]) if "q" in options else n
        is_answer = "chat" not in options and question is not None
        if is_answer:
            style = options.get("style", author.style)
            if style not in PREFIX_STYLES:
                raise DemoError(f"{section}: unknown style {style!r}")
            draft.body = PREFIX_STYLES[style].format(n=question) + body
        if "to" in options:
            draft.target = options["to"]
        elif "chat" not in options:
            replies = author.reply
            if author.style != "none" and self.rng.random() < 0.15:
                replies = not replies
            if "top" in options:
                replies = False
            if "reply" in options or (is_answer and options.get("style", author.style) == "none"):
                replies = True
            if replies:
                if question is None:
                    draft.target = "intro" if section == "intro" else None
                elif lang == "en" and f"q{question}en" in self.by_key:
                    draft.target = f"q{question}en"
                else:
                    draft.target = f"q{question}"
        self.add(draft)

    # -- resolving --------------------------------------------------------------------------

    def resolve(self, reference: str) -> Draft:
        """The draft a `to=`/`rt=` reference names."""
        if ":" not in reference:
            if reference not in self.by_key:
                raise DemoError(f"no post named {reference!r}")
            return self.by_key[reference]
        who, _, rest = reference.partition(":")
        section, _, nth = rest.partition("#")
        found = self.by_author_section.get((who, section), [])
        index = int(nth or "1") - 1
        if not 0 <= index < len(found):
            raise DemoError(f"no post {reference!r}")
        return found[index]

    def settle(self) -> None:
        """Leave time to read and type: a reply or retweet comes a while after its post."""
        limit = clock(self.chat["chat"]["end_at"])
        for draft in sorted(self.drafts, key=lambda d: d.seconds):
            reference = draft.retweet_of or draft.target
            if reference is None:
                continue
            parent = self.resolve(reference)
            typing = 4.0 if draft.retweet_of else 6.0 + len(draft.body) / 9
            earliest = parent.seconds + typing + self.rng.random() * 4
            if earliest > draft.seconds:
                draft.seconds = min(earliest, limit - self.rng.random())
                if draft.seconds <= parent.seconds:
                    raise DemoError(f"no time left to answer {reference}")

    def assign_ids(self) -> None:
        """Order by time, give each post a distinct millisecond and an increasing snowflake id."""
        base_ms = int(self.start.timestamp() * 1000)
        self.drafts.sort(key=lambda d: d.seconds)
        last_ms = -1
        for draft in self.drafts:
            ms = base_ms + int(draft.seconds * 1000)
            ms = max(ms, last_ms + 1 + self.rng.randrange(40))
            draft.ms = last_ms = ms
            machine = self.rng.randrange(1024)
            sequence = self.rng.randrange(4)
            draft.id = str(((ms - TWITTER_EPOCH_MS) << 22) | (machine << 12) | sequence)

    def tco(self) -> str:
        """A fresh t.co link."""
        alphabet = string.ascii_letters + string.digits
        return "https://t.co/" + "".join(self.rng.choice(alphabet) for _ in range(10))

    def compose(self) -> None:
        """Final texts: automatic @mentions, answer prefix, tag, t.co links; thread links."""
        for draft in self.drafts:
            if draft.retweet_of:
                original = self.resolve(draft.retweet_of)
                if original.ms >= draft.ms:
                    raise DemoError(
                        f"{draft.author.username} retweets a later post {draft.retweet_of}"
                    )
                draft.retweeted = original
                draft.text = f"RT @{original.author.username}: {original.text}"
                draft.urls = list(original.urls)
                draft.lang = original.lang
                draft.conversation_id = draft.id
                continue
            body = draft.body.replace("{tag}", draft.author.tag)
            if draft.author.role == "host" or draft.section == "spam":
                body = draft.body.replace("{tag}", self.tag)
            if self.tag.lower() not in body.lower():
                tag = self.tag if draft.author is self.host else draft.author.tag
                body = f"{body} {tag}"
            body = self.shorten(draft, body)
            mentions: list[str] = []
            if draft.target:
                parent = self.resolve(draft.target)
                if parent.ms >= draft.ms:
                    raise DemoError(
                        f"{draft.author.username} replies to a later post {draft.target}"
                    )
                draft.reply_to = parent
                draft.conversation_id = parent.conversation_id
                thread = [parent.author.username, *leading_mentions(parent.text)]
                for handle in thread:
                    if handle != draft.author.username and handle not in mentions:
                        mentions.append(handle)
            else:
                draft.conversation_id = draft.id
            draft.text = "".join(f"@{m} " for m in mentions) + body
            if weighted_length(draft.text) > 280:
                raise DemoError(f"over 280: {draft.text!r}")

    def shorten(self, draft: Draft, body: str) -> str:
        """Replace each written URL by a t.co link, remembering where it goes."""

        def swap(match: re.Match[str]) -> str:
            expanded = match.group(0).rstrip(".,;:!?)")
            tail = match.group(0)[len(expanded) :]
            link = self.tco()
            draft.urls.append((link, expanded))
            return link + tail

        return URL_IN_CONTENT.sub(swap, body)

    # -- rendering --------------------------------------------------------------------------

    def line(self, draft: Draft) -> dict[str, Any]:
        """The filtered-stream object for one post."""
        created = datetime.fromtimestamp(draft.ms // 1000, UTC)
        data: dict[str, Any] = {
            "id": draft.id,
            "text": draft.text,
            "author_id": draft.author.id,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conversation_id": draft.conversation_id,
            "edit_history_tweet_ids": [draft.id],
            "lang": draft.lang or draft.author.lang,
        }
        users = [draft.author]
        if draft.reply_to is not None:
            data["referenced_tweets"] = [{"type": "replied_to", "id": draft.reply_to.id}]
            data["in_reply_to_user_id"] = draft.reply_to.author.id
        if draft.retweeted is not None:
            data["referenced_tweets"] = [{"type": "retweeted", "id": draft.retweeted.id}]
            users.append(draft.retweeted.author)
        data["entities"] = self.entities(draft)
        data["public_metrics"] = self.metrics(draft)
        return {
            "data": data,
            "includes": {
                "users": [{"id": u.id, "name": u.name, "username": u.username} for u in users]
            },
            "matching_rules": [dict(RULE)],
        }

    def entities(self, draft: Draft) -> dict[str, list[dict[str, Any]]]:
        """Hashtag, mention and URL entities with code-point offsets (end exclusive)."""
        text = draft.text
        entities: dict[str, list[dict[str, Any]]] = {}
        hashtags = [
            {"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in HASHTAG.finditer(text)
        ]
        if hashtags:
            entities["hashtags"] = hashtags
        mentions = []
        for m in MENTION.finditer(text):
            user = self.user(m.group(1))
            mentions.append(
                {"start": m.start(), "end": m.end(), "username": user.username, "id": user.id}
            )
        if mentions:
            entities["mentions"] = mentions
        expanded = dict(draft.urls)
        urls = []
        for m in TCO_URL.finditer(text):
            target = expanded[m.group(0)]
            urls.append(
                {
                    "start": m.start(),
                    "end": m.end(),
                    "url": m.group(0),
                    "expanded_url": target,
                    "display_url": display_url(target),
                }
            )
        if urls:
            entities["urls"] = urls
        return entities

    def metrics(self, draft: Draft) -> dict[str, int]:
        """Engagement counts as the stream reports them (small, a little higher for known voices)."""
        role = draft.author.role
        if draft.retweeted is not None or role in ("spam", "promo"):
            likes = 0
        elif role == "host":
            likes = self.rng.randrange(4, 16)
        elif role == "guest":
            likes = self.rng.randrange(2, 13)
        else:
            likes = self.rng.choice((0, 0, 0, 1, 1, 1, 2, 2, 3, 5))
        return {"retweet_count": 0, "reply_count": 0, "like_count": likes, "quote_count": 0}

    def stream(self) -> str:
        """chat.jsonl as text."""
        lines = [
            json.dumps(self.line(d), ensure_ascii=False, separators=(",", ":")) for d in self.drafts
        ]
        return "\n".join(lines) + "\n"

    def plan(self) -> str:
        """plan.toml as text."""
        meta = self.chat["chat"]

        def s(value: str) -> str:
            return json.dumps(value, ensure_ascii=False)

        def array(values: list[str]) -> str:
            return "[" + ", ".join(s(v) for v in values) + "]"

        out = [
            "# The chat plan of the bundled demo chat.",
            "# Generated by scripts/make_demo_chat.py from tchat_tui/data/demo/chat.toml: edit that file, then",
            "# run `.venv/bin/python scripts/make_demo_chat.py`.",
            f"tag = {s(self.tag)}",
            f"topic = {s(meta['topic'])}",
            f"start = {meta['start'].isoformat()}",
            f"duration_minutes = {int(meta['duration_minutes'])}",
            f"host = {s(meta['host'])}",
            f"guests = {array(meta['guests'])}",
            f"co_moderators = {array(meta['co_moderators'])}",
            f"networks = {array(meta['networks'])}",
            f"limit = {int(meta['limit'])}",
            *(f"{key} = {meta[key]}" for key in PACING_KEYS if key in meta),
            "questions = [",
            *(f"    {s(q['fr'])}," for q in self.chat["question"]),
            "]",
            "",
            "[templates]",
            *(
                f"{name} = {s(self.chat['templates'][name])}"
                for name in ("welcome", "rules", "intro", "last_call", "thanks")
            ),
        ]
        return "\n".join(out) + "\n"


def leading_mentions(text: str) -> list[str]:
    """The handles a reply starts with (X puts the thread's @mentions first)."""
    match = LEADING_MENTIONS.match(text)
    return re.findall(r"@([A-Za-z0-9_]{1,15})", match.group(0)) if match else []


def display_url(url: str) -> str:
    """X's shortened display form of a link: no scheme, cut with an ellipsis past 26 characters."""
    shown = re.sub(r"^https?://", "", url)
    return shown if len(shown) <= 26 else shown[:26] + "…"


def weighted_length(text: str) -> int:
    """X's weighted length, erring long: URLs 23, most Latin text 1, everything else 2."""
    total = 0
    for piece in re.split(r"(https://t\.co/[A-Za-z0-9]{10})", text):
        if TCO_URL.fullmatch(piece):
            total += 23
            continue
        for char in piece:
            cp = ord(char)
            light = cp <= 4351 or 8192 <= cp <= 8205 or 8208 <= cp <= 8223 or 8242 <= cp <= 8247
            total += 1 if light else 2
    return total


def generate(source: Path = DEMO_DIR) -> dict[str, str]:
    """The generated files' names and contents, from the content in `source`."""
    users = load_users(source / "people.toml")
    chat = tomllib.loads((source / "chat.toml").read_text(encoding="utf-8"))
    assembler = Assembler(users, chat)
    assembler.build()
    assembler.settle()
    assembler.assign_ids()
    assembler.compose()
    if assembler.drafts[-1].ms - assembler.drafts[0].ms >= 3600 * 1000:
        raise DemoError("the chat runs past its hour")
    return {"chat.jsonl": assembler.stream(), "plan.toml": assembler.plan()}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the files in the output folder are stale"
    )
    parser.add_argument(
        "--out", type=Path, default=DEMO_DIR, help="output folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        files = generate()
    except (DemoError, OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        print(f"make_demo_chat: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = [n for n in OUTPUT_NAMES if not _same(args.out / n, files[n])]
        if stale:
            print(
                f"make_demo_chat: stale: {', '.join(stale)}; run scripts/make_demo_chat.py",
                file=sys.stderr,
            )
            return 1
        print("make_demo_chat: up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in OUTPUT_NAMES:
        (args.out / name).write_bytes(files[name].encode("utf-8"))
    posts = files["chat.jsonl"].count("\n")
    print(
        f"make_demo_chat: wrote {posts} posts to {args.out / 'chat.jsonl'} and {args.out / 'plan.toml'}"
    )
    return 0


def _same(path: Path, content: str) -> bool:
    try:
        return path.read_bytes() == content.encode("utf-8")
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
