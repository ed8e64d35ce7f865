"""The crash suite's chat: a generated stream of participants' posts and a plan with questions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tchat_tui.clients.x.stream_line import stream_line

TAG = "CrashChat"
QUESTIONS = 12
START = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
_WORDS = "sleep rest care help week time family work respite tools advice nurse day night".split()


def write_stream(path: Path, posts: int, *, minutes: float = 60.0, seed: int = 1) -> Path:
    """`posts` X stream lines by participants (no host, no question), spread over `minutes`."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(posts):
            uid = str(1000 + rng.randrange(300))
            at = START + timedelta(seconds=minutes * 60 * i / max(posts, 1))
            words = " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(3, 12)))
            text = f"A{1 + i % QUESTIONS} {words} #{TAG}"
            tweet = {
                "id": str(2_000_000_000 + i),
                "text": text,
                "author_id": uid,
                "created_at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "edit_history_tweet_ids": [str(2_000_000_000 + i)],
                "entities": {
                    "hashtags": [{"start": text.index("#"), "end": len(text), "tag": TAG}]
                },
            }
            user = {"id": uid, "username": f"user{uid}", "name": f"User {uid}"}
            out.write(stream_line(tweet, [user], []) + "\n")
    return path


def write_plan(path: Path) -> Path:
    """A plan for the chat: host `hostess`, a question every 4 minutes."""
    questions = ",\n".join(f'    "Question number {n}?"' for n in range(1, QUESTIONS + 1))
    path.write_text(
        f'tag = "#{TAG}"\ntopic = "Crashes"\nstart = {START.isoformat()}\n'
        f'duration_minutes = 60\nhost = "hostess"\nfirst_question_at = 2\n'
        f"question_every_minutes = 4\nquestions = [\n{questions},\n]\n",
        encoding="utf-8",
    )
    return path
