"""`tchat-live import` scores in a second process: the same verdicts as scoring in process."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tchat_tui.cli import import_scoring
from tchat_tui.cli import import_stream as import_cmd
from tchat_tui.cli.main import main
from tchat_tui.pipeline.settings import demo_files

EVAL = Path(__file__).parent / "promo_eval" / "sessions"


def flags(db: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT key, promo_level, promo_score, promo_reasons, role, answers FROM posts"
            " ORDER BY key"
        ).fetchall()
    finally:
        con.close()


def imported(src: Path, db: Path, *args: str) -> list[tuple[Any, ...]]:
    assert main(["import", str(src), "--db", str(db), *args]) == 0
    return flags(db)


def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a platform without fork: `start` gives no process, the import scores in process."""
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])


@pytest.mark.parametrize(
    ("src", "args"),
    [
        (demo_files()[0], ("--plan", str(demo_files()[1]))),
        (EVAL / "en-marketing.jsonl", ()),
        (EVAL / "fr-cuisine.jsonl", ()),
    ],
    ids=["demo", "en-marketing", "fr-cuisine"],
)
def test_the_verdicts_are_those_of_the_in_process_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, src: Path, args: tuple[str, ...]
) -> None:
    """Post by post: level, score and reasons (and the classification) are identical, with
    batches small enough that the scoring process runs many batches behind the parsing."""
    monkeypatch.setattr(import_cmd, "BATCH", 37)
    started: list[object] = []
    real_start = import_scoring.start

    def spy(*a: Any, **k: Any) -> Any:
        process = real_start(*a, **k)
        started.append(process)
        return process

    monkeypatch.setattr(import_scoring, "start", spy)
    forked = imported(src, tmp_path / "forked.db", *args)
    assert started and started[0] is not None  # the second process did the scoring
    with monkeypatch.context() as m:
        in_process(m)
        local = imported(src, tmp_path / "local.db", *args)
    assert forked == local
    assert any(row[1] != "none" for row in local)  # the files do have flagged posts


def test_without_fork_the_import_scores_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_process(monkeypatch)
    rows = imported(EVAL / "en-marketing.jsonl", tmp_path / "c.db")
    assert any(row[1] != "none" for row in rows)


def test_a_scoring_failure_is_one_line_and_keeps_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The child fails on the third batch: one-line error, exit 2; the first batches are stored
    and a second import completes the chat."""
    from tchat_tui.pipeline.scoring import PromoScorer

    monkeypatch.setattr(import_cmd, "BATCH", 50)
    real = PromoScorer.score
    seen = [0]

    def failing(self: PromoScorer, *a: Any) -> Any:
        seen[0] += 1
        if seen[0] > 120:
            raise ValueError("scorer broke")
        return real(self, *a)

    src = demo_files()[0]
    db = tmp_path / "c.db"
    with monkeypatch.context() as m:
        m.setattr(PromoScorer, "score", failing)
        assert main(["import", str(src), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "scoring failed: ValueError: scorer broke" in err[0]
    assert 0 < len(flags(db)) <= 120
    assert main(["import", str(src), "--db", str(db)]) == 0
    assert len(flags(db)) == 414


def test_the_line_estimate_is_close(tmp_path: Path) -> None:
    """The bulk load is chosen from the file's size over its first lines' mean length."""
    lines = demo_files()[0].read_text().splitlines(keepends=True)
    small = tmp_path / "small.jsonl"
    small.write_text("".join(lines[:20]))  # read whole: counted
    assert import_cmd.estimate_lines(small) == 20
    big = tmp_path / "big.jsonl"
    big.write_text("".join(lines) * 50)
    assert abs(import_cmd.estimate_lines(big) - len(lines) * 50) < len(lines) * 50 * 0.1
    (tmp_path / "empty.jsonl").write_text("")
    assert import_cmd.estimate_lines(tmp_path / "empty.jsonl") == 0
    assert import_cmd.estimate_lines(tmp_path / "missing.jsonl") == 0


def test_a_child_gone_before_the_next_batch_is_reported_with_its_error(tmp_path: Path) -> None:
    """The child failed and exited while the parent prepared the next batch: sending that batch
    fails on a closed pipe, and the error still names the child's own failure."""
    from tchat_tui.clients.x.stream_line import parse_stream_line
    from tchat_tui.domain.chat_post import ChatPost
    from tchat_tui.domain.classify import Classifier
    from tchat_tui.domain.roster import Roster
    from tchat_tui.pipeline.ingest import Pipeline
    from tchat_tui.store.database import Store
    from tests.factories import stream_line

    class Broken:
        def score(self, *a: Any) -> Any:
            raise RuntimeError("boom")

    store = Store.open(tmp_path / "c.db")
    pipe = Pipeline(store, store.ensure_chat("T"), Classifier(Roster(host="h"), "T"), Broken())
    post = parse_stream_line(stream_line("1", "A1 hi #T", "ada"))
    assert post is not None
    questions: list[str | None] = []
    items: list[ChatPost] = pipe.prepare([post], unscored=questions)
    scoring = import_scoring.start(pipe)
    assert scoring is not None
    try:
        scoring.send(items, questions)
        scoring._process.join(10)  # the child failed on the first post and is gone
        with pytest.raises(
            import_scoring.ScoringFailed, match="scoring failed: RuntimeError: boom"
        ):
            for _ in range(50):  # a closed pipe may take a few sends to be refused
                scoring.send(items * 2000, questions * 2000)
            scoring.apply(items)
    finally:
        scoring.close()
        store.close()


def test_a_post_crosses_the_pipe_whole_but_its_payload() -> None:
    """Every field the scorer could read survives the hand-over (the wire is positional: a field
    added to Post or moved must be added here too)."""
    import dataclasses
    from datetime import UTC, datetime

    from tchat_tui.domain.chat_post import ChatPost
    from tchat_tui.domain.classify import Classification
    from tchat_tui.domain.post import Link, Network, Post, Role

    post = Post(
        network=Network.MASTODON,
        native_id="n1",
        author_id="a1",
        author_handle="ada",
        author_name="Ada",
        text="A2 see https://x.example #T",
        created_at=datetime(2026, 11, 27, 18, 0, tzinfo=UTC),
        reply_to_id="n0",
        reply_to_author_id="a0",
        conversation_id="n00",
        hashtags=("T",),
        links=(Link("https://x.example", "https://x.example/long"),),
        mentions=("host",),
        is_repost=False,
        repost_of_id=None,
        lang="fr",
        instance="social.example",
        raw='{"id": "n1"}',
        metrics={"like_count": 3},
    )
    cls = Classification(Role.GUEST, None, 2, True)
    wire = import_scoring._to_wire(ChatPost(post, cls), "Q2 text")
    back, back_cls, question = import_scoring._from_wire(wire)
    assert back == dataclasses.replace(post, raw="", metrics={})
    assert (back.key, back.author_key) == (post.key, post.author_key)
    assert back_cls == cls and question == "Q2 text"
