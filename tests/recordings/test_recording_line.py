"""The recording line format: each network's payload written and read back as the same post;
a line's network told by the line; bad lines refused in one line; a mixed file paced as one."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.clients.bluesky.records import post_view_to_post
from tchat_tui.clients.mastodon.api import status_to_post
from tchat_tui.clients.recording_line import parse_recording_line, recording_line
from tchat_tui.clients.x.stream_line import MalformedLine, parse_stream_line
from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.post import Network, Post
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.pipeline.runner import PipelineRunner
from tchat_tui.sources.bluesky.jetstream import JetstreamSource
from tchat_tui.sources.replay import ReplaySource, ReplayStats, read_posts
from tchat_tui.store.database import Store
from tests.factories import stream_line
from tests.mastodon.helpers import RecordingSink
from tests.recordings.fakes import HOUR, TAG, FakeBluesky, FakeMastodon, iso


@pytest.fixture(scope="module")
def mastodon() -> Iterator[FakeMastodon]:
    """Only its payload builders are used here (nothing connects)."""
    fake = FakeMastodon()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def bluesky() -> Iterator[FakeBluesky]:
    """Only its payload builders are used here (nothing connects)."""
    fake = FakeBluesky()
    yield fake
    fake.stop()


def jetstream_post(bluesky: FakeBluesky, ref: str) -> Post:
    """The post the live feed makes of a Jetstream event (its author looked up)."""
    said = next(s for s in HOUR if s.ref == ref)
    source = JetstreamSource(TAG, endpoint=bluesky.jetstream)
    source._names[f"did:plc:{said.author:0<24}"] = (f"{said.author}.bsky.social", "Lucie")
    post = source.handle_message(bluesky.event(said), RecordingSink())
    assert post is not None
    return post


def test_each_networks_post_reads_back_as_the_same_post(
    mastodon: FakeMastodon, bluesky: FakeBluesky
) -> None:
    """A post written by `record` parses back equal, payload included, on every network."""
    said = HOUR[2]
    posts = [
        parse_stream_line(stream_line("101", f"A1 naps #{TAG}", "ada")),
        status_to_post(mastodon.status(said), mastodon.host),
        post_view_to_post(bluesky.view(said), "bsky.social"),
        jetstream_post(bluesky, said.ref),
    ]
    for post in posts:
        assert post is not None
        line = recording_line(post)
        assert "\n" not in line
        assert parse_recording_line(line) == post


def test_the_envelopes_name_the_network_and_x_lines_stay_as_they_were(
    mastodon: FakeMastodon, bluesky: FakeBluesky
) -> None:
    """X: the filtered-stream object unchanged; Mastodon: instance + status; Bluesky: a post
    view, or a Jetstream event with the author the console looked up."""
    x_line = stream_line("101", f"A1 naps #{TAG}", "ada")
    x_post = parse_stream_line(x_line)
    assert x_post is not None and recording_line(x_post) == x_line
    said = HOUR[2]
    status = json.loads(recording_line(status_to_post(mastodon.status(said), mastodon.host)))
    assert status.keys() == {"network", "instance", "status"}
    assert (status["network"], status["instance"]) == ("mastodon", mastodon.host)
    view = json.loads(recording_line(post_view_to_post(bluesky.view(said), "bsky.social")))
    assert view.keys() == {"network", "instance", "post"} and view["network"] == "bluesky"
    event = json.loads(recording_line(jetstream_post(bluesky, said.ref)))
    assert event["author"] == {"handle": "lucie.bsky.social", "displayName": "Lucie"}
    assert event["instance"] == "jetstream" and event["event"]["commit"]["rkey"]


def test_an_x_line_that_names_its_network_is_read_too() -> None:
    """`"network": "x"` beside an X object is accepted (a hand-made mixed file)."""
    obj = json.loads(stream_line("7", f"hello #{TAG}"))
    post = parse_recording_line(json.dumps({"network": "x", **obj}))
    assert post is not None and post.network is Network.X and post.native_id == "7"


STATUS = {"id": "1", "created_at": iso(0), "content": "<p>hi</p>", "account": {"id": "9"}}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"network": "myspace", "post": {}}', "unknown network 'myspace'"),
        ('{"network": "\\u001b[31mred", "post": {}}', "unknown network '\\x1b[31mred'"),
        ('{"network": 7, "status": {}}', "'network' is a int, not a name"),
        ('{"network": "mastodon", "instance": "h.example", "status": []}', "'status' is not an"),
        (json.dumps({"network": "mastodon", "status": STATUS}), "without a valid 'instance'"),
        (
            json.dumps({"network": "mastodon", "instance": "a b/c", "status": STATUS}),
            "without a valid 'instance'",
        ),
        (
            json.dumps(
                {"network": "mastodon", "instance": "h", "status": {**STATUS, "created_at": 5}}
            ),
            "a Mastodon status of an unexpected shape",
        ),
        (
            json.dumps({"network": "mastodon", "instance": "h", "status": {"id": "1"}}),
            "no 'account'",
        ),
        (
            '{"network": "bluesky", "instance": "bsky.social", "post": {"uri": "at://x",'
            ' "author": {"did": "d"}, "record": {"text": 5, "createdAt": "2026-01-01T00:00:00Z"}}}',
            "a Bluesky post of an unexpected shape",
        ),
        (
            '{"network": "bluesky", "instance": "jetstream", "event": {"did": "d", "time_us": 1}}',
            "a Jetstream event of an unexpected shape (no 'commit')",
        ),
        ('{"network": "bluesky", "instance": "jetstream"}', "'post' is not an object"),
        ('["network", "mastodon"]', "not a JSON object"),
        ('{"data": 5}', "no 'data' object"),
    ],
)
def test_bad_lines_are_refused_in_one_line(line: str, message: str) -> None:
    """An unknown network, a field of the wrong type, a payload of the wrong shape: one
    MalformedLine whose message says what, on one line with no control character."""
    with pytest.raises(MalformedLine) as caught:
        parse_recording_line(line)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text and "\x1b" not in text


def test_bad_lines_are_counted_and_skipped_by_replay_and_import(
    mastodon: FakeMastodon, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Between good lines of two networks, the bad ones are counted, each said in one line with
    its number, and skipped; the good ones are stored."""
    good = [recording_line(status_to_post(mastodon.status(s), mastodon.host)) for s in HOUR[:3]]
    lines = [
        good[0],
        '{"network": "myspace", "post": {}}',
        stream_line("7", f"A1 from X #{TAG}", "ada"),
        json.dumps({"network": "mastodon", "instance": "h", "status": {"id": "1"}}),
        good[1],
        "{not json",
        good[2],
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stats = ReplayStats()
    assert len(list(read_posts(path, stats))) == 4
    assert stats.malformed == 3
    assert [e.split(":")[0] for e in stats.examples] == ["line 2", "line 4", "line 6"]

    assert main(["import", str(path), "--db", str(tmp_path / "c.db"), "--tag", TAG]) == 0
    out, err = capsys.readouterr()
    assert "4 stored, 0 already there, 3 malformed lines skipped" in out
    skipped = [line for line in err.splitlines() if line.startswith("  skipped")]
    assert skipped == [
        "  skipped line 2: unknown network 'myspace' (x, mastodon or bluesky)",
        "  skipped line 4: a Mastodon status of an unexpected shape (no 'account')",
        "  skipped line 6: not JSON (Expecting property name enclosed in double quotes)",
    ]


def test_a_mixed_recording_is_paced_by_each_posts_creation_time(
    mastodon: FakeMastodon, bluesky: FakeBluesky, tmp_path: Path
) -> None:
    """Mastodon at +60 s, Bluesky at +120.5 s, X at +180 s after the first post: at 60x the
    replay's clock moves three seconds, and the three land in one chat."""
    x = json.loads(stream_line("900", f"A1 from X #{TAG}", "ada"))
    x["data"]["created_at"] = iso(180)
    lines = [
        recording_line(status_to_post(mastodon.status(HOUR[0]), mastodon.host)),
        recording_line(status_to_post(mastodon.status(HOUR[1]), mastodon.host)),
        recording_line(post_view_to_post(bluesky.view(HOUR[2]), "bsky.social")),
        json.dumps(x),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    now = [0.0]
    delivered: list[tuple[float, str]] = []

    class Stop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            now[0] += timeout or 0
            return False

    class Timed(PipelineRunner):
        def posts(self, posts: list[Post]) -> None:
            delivered.extend((now[0], p.network.value) for p in posts)
            super().posts(posts)

    store = Store.open(tmp_path / "c.db")
    runner = Timed(Pipeline(store, store.ensure_chat(TAG), Classifier(Roster(), TAG)))
    ReplaySource(path, speed=60, clock=lambda: now[0], batch_window=0).run(runner, Stop())
    assert [n for _, n in delivered] == ["mastodon", "mastodon", "bluesky", "x"]
    times = [t for t, _ in delivered]
    assert times[0] == 0 and 0.9 <= times[1] <= 1.3
    assert 1.9 <= times[2] <= 2.3 and 2.9 <= times[3] <= 3.3
    assert len(runner.fresh) == 4
