"""Source -> classify -> store: batches, resume after restart, replay files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tchat_tui.clients.x.stream_line import parse_stream_line
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.pipeline.runner import PipelineRunner
from tchat_tui.sources.base import SourceError
from tchat_tui.sources.replay import ReplaySource, check_replay_file, read_posts
from tchat_tui.store.database import Store
from tests.factories import stream_line

ROSTER = Roster(host="hostess", guests=("guest1",))

CHAT = [
    stream_line("100", "Welcome to #T!", "hostess", minute=0),
    stream_line("101", "Q1: What helps you? #T", "hostess", minute=1),
    stream_line("102", "A1 naps #T", "ada", minute=2),
    "{not json",
    "",
    stream_line("103", "@hostess my sister #T", "bob", minute=3, reply_to="101"),
    stream_line("104", "Q2: And what hurts? #T", "hostess", minute=8),
    stream_line("105", "@guest1 how do you rest? #T", "cy", minute=9),
]


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "chat.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def pipeline(db: Path) -> Pipeline:
    store = Store.open(db)
    chat = store.ensure_chat("T")
    return Pipeline(store, chat, Classifier(ROSTER, "T"))


def test_replay_counts_and_skips_malformed_lines(tmp_path: Path) -> None:
    """Malformed lines are counted with their line number and skipped; blank lines are keep-alives."""
    from tchat_tui.sources.replay import ReplayStats

    stats = ReplayStats()
    posts = list(read_posts(write(tmp_path, CHAT), stats))
    assert [p.native_id for p in posts] == ["100", "101", "102", "103", "104", "105"]
    assert stats.malformed == 1 and stats.examples[0].startswith("line 4:")


def test_replay_reads_a_byte_order_mark_and_crlf_lines(tmp_path: Path) -> None:
    """A file saved with a BOM and Windows line ends holds the same posts."""
    from tchat_tui.sources.replay import ReplayStats

    path = tmp_path / "chat.jsonl"
    good = [line for line in CHAT if line.startswith('{"')]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(good).encode() + b"\r\n")
    check_replay_file(path)
    stats = ReplayStats()
    posts = list(read_posts(path, stats))
    assert [p.native_id for p in posts] == ["100", "101", "102", "103", "104", "105"]
    assert stats.malformed == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        ("", "empty"),
        ("name,text\nada,hello\n", "not a recorded stream"),
    ],
)
def test_bad_replay_files(tmp_path: Path, content: str | None, message: str) -> None:
    """A missing, empty or foreign file is refused with one line."""
    path = tmp_path / "f.jsonl"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SourceError, match=message):
        check_replay_file(path)


def test_pipeline_classifies_and_stores(tmp_path: Path) -> None:
    """Answers link to their question by label or by reply; audience questions are marked."""
    pipe = pipeline(tmp_path / "c.db")
    fresh = pipe.process(list(read_posts(write(tmp_path, CHAT))))
    by_id = {c.post.native_id: c.classification for c in fresh}
    assert by_id["101"].question_number == 1
    assert by_id["102"].answers == 1
    assert by_id["103"].answers == 1
    assert by_id["104"].question_number == 2
    assert by_id["105"].audience_question
    assert [q["number"] for q in pipe.store.questions(pipe.chat_id)] == [1, 2]


def test_restart_resumes_without_doubles(tmp_path: Path) -> None:
    """Kill after half the chat, start again on the same database: nothing lost, nothing twice."""
    db = tmp_path / "c.db"
    posts = list(read_posts(write(tmp_path, CHAT)))
    first = pipeline(db)
    first.process(posts[:3])
    first.store.close()
    second = pipeline(db)
    assert second.restore() == 3
    assert second.classifier.current_question() == 1
    fresh = second.process(posts)  # the source replays from the start
    assert [c.post.native_id for c in fresh] == ["103", "104", "105"]
    assert next(c for c in fresh if c.post.native_id == "103").classification.answers == 1
    assert second.store.count_posts(second.chat_id) == 6


def test_runner_plays_a_replay_at_full_speed(tmp_path: Path) -> None:
    """A replay at speed 0 delivers every post to the store and to the screen's queue."""
    pipe = pipeline(tmp_path / "c.db")
    runner = PipelineRunner(pipe)
    source = ReplaySource(write(tmp_path, CHAT), speed=0)
    source.run(runner, threading.Event())
    assert len(runner.fresh) == 6
    assert runner.malformed_count == 1
    assert [e.state for e in runner.events] == ["replaying", "ended"]


def test_a_runner_stopping_while_sources_start_starts_nothing_and_joins_what_ran(
    tmp_path: Path,
) -> None:
    """Quit can land while the warm-up worker starts the sources: what started is joined, what
    comes after the stop is not started (CI once saw `cannot join thread before it is started`)."""
    pipe = pipeline(tmp_path / "c.db")
    runner = PipelineRunner(pipe)
    first = runner.start(ReplaySource(write(tmp_path, CHAT), speed=0))
    assert first is not None
    runner.shutdown()
    assert not first.is_alive()
    assert runner.start(ReplaySource(write(tmp_path, CHAT), speed=0)) is None
    runner.shutdown()  # twice, and with nothing unstarted to join


def test_replay_paces_by_created_at(tmp_path: Path) -> None:
    """At speed N a post due t seconds into the recording waits t/N on the replay's clock."""
    now = [0.0]

    def clock() -> float:
        return now[0]

    class Stop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            now[0] += timeout or 0
            return False

    pipe = pipeline(tmp_path / "c.db")
    runner = PipelineRunner(pipe)
    lines = [stream_line("1", "a #T", minute=0), stream_line("2", "b #T", minute=10)]
    ReplaySource(write(tmp_path, lines), speed=60, clock=clock).run(runner, Stop())
    assert 9.9 <= now[0] <= 10.3  # ten minutes at 60x
    assert len(runner.fresh) == 2


def test_a_resumed_replay_skips_ahead_to_where_it_stopped(tmp_path: Path) -> None:
    """Posts stored by the earlier run come at once; pacing starts from the resume point."""
    from tests.factories import T0

    now = [0.0]

    class Stop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            now[0] += timeout or 0
            return False

    pipe = pipeline(tmp_path / "c.db")
    runner = PipelineRunner(pipe)
    lines = [stream_line(str(i), f"p{i} #T", minute=10 * i) for i in range(3)]
    source = ReplaySource(write(tmp_path, lines), speed=60, clock=lambda: now[0])
    from datetime import timedelta

    source.resume_at = T0 + timedelta(minutes=10)
    source.run(runner, Stop())
    assert 9.9 <= now[0] <= 10.3  # only the last ten minutes are paced
    assert len(runner.fresh) == 3


@pytest.mark.parametrize("match_outbox", [True, False])
def test_own_posts_are_matched_unless_the_caller_says_none_can_be(
    tmp_path: Path, match_outbox: bool
) -> None:
    """A post the outbox sent is marked as the console's own; an import that checked skips it."""
    pl = pipeline(tmp_path / "c.db")
    row = pl.store.enqueue(
        pl.chat_id, network=Network.X, kind="post", text="Welcome to #T!", moderator="m"
    )
    pl.store.outbox_update(row["id"], status="sent", remote_id="100")
    post = parse_stream_line(stream_line("100", "Welcome to #T!", "hostess", minute=0))
    assert post is not None
    (item,) = pl.prepare([post], match_outbox=match_outbox)
    assert item.outgoing is match_outbox
    assert item.outbox_id == (row["id"] if match_outbox else None)
