"""`tchat-live record`: replay-format lines, flushed as they come; clean ends; clear refusals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tchat_tui.cli.record import main
from tchat_tui.clients.x.stream_line import parse_stream_line
from tchat_tui.sources.replay import read_posts
from tests.x.fake_x_server import FakeX

TAG = "PyChat"


@pytest.fixture
def fake() -> Iterator[FakeX]:
    """A fake X with one participant."""
    server = FakeX(keepalive=0.1).start()
    server.add_user("2001", "ada")
    yield server
    server.stop()


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No X credentials anywhere (environment or default credentials file)."""
    for var in list(os.environ):
        if var.startswith("TCHAT_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return dict(os.environ)


def x_env(fake: FakeX, monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials pointing at the fake server."""
    monkeypatch.setenv("TCHAT_X_BEARER_TOKEN", fake.bearer)
    monkeypatch.setenv("TCHAT_X_API_BASE", fake.url)


def post_later(fake: FakeX, count: int, delay: float = 0.05) -> threading.Thread:
    """Publish posts on the fake once the stream is connected."""

    def work() -> None:
        deadline = time.monotonic() + 10
        while not fake._live and time.monotonic() < deadline:
            time.sleep(0.02)
        for i in range(count):
            fake.publish("2001", f"A{i} recorded #{TAG}")
            time.sleep(delay)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["#PyChat", "--out", "OUT"], "no X credentials: set TCHAT_X_BEARER_TOKEN"),
        (["#", "--out", "OUT"], "not a hashtag"),
        (["#123", "--out", "OUT"], "not a hashtag"),
        (["#PyChat", "--out", "OUT", "--max-posts", "0"], "--max-posts must be at least 1"),
        (["#PyChat", "--out", "OUT", "--duration", "-1"], "--duration must be a positive"),
    ],
)
def test_refusals_are_one_line_and_exit_2(
    clean_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    fragment: str,
) -> None:
    """Bad input or no credentials: one line on stderr, exit code 2, no file written."""
    out = tmp_path / "chat.jsonl"
    assert main([str(out) if a == "OUT" else a for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err
    assert len(err.splitlines()) == 1
    assert not out.exists()


def test_an_existing_recording_is_not_overwritten(
    fake: FakeX, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: dict[str, str]
) -> None:
    """A non-empty file needs --append."""
    x_env(fake, monkeypatch)
    out = tmp_path / "chat.jsonl"
    out.write_text("keep me\n", encoding="utf-8")
    assert main(["#PyChat", "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_records_stream_lines_up_to_max_posts(
    fake: FakeX,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each post is one filtered-stream line the replay reads back; it stops at --max-posts."""
    x_env(fake, monkeypatch)
    out = tmp_path / "chat.jsonl"
    post_later(fake, 8)
    assert main(["#PyChat", "--out", str(out), "--max-posts", "5"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    posts = [parse_stream_line(line) for line in lines]
    assert [p.text for p in posts if p] == [f"A{i} recorded #{TAG}" for i in range(5)]
    assert len(list(read_posts(out))) == 5
    assert "5 posts written to" in capsys.readouterr().err
    assert not [r for r in fake.rules.values() if r["tag"].startswith("tchat-live:")]


def test_duration_ends_the_recording(
    fake: FakeX, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: dict[str, str]
) -> None:
    """--duration stops after that many seconds with whatever arrived."""
    x_env(fake, monkeypatch)
    out = tmp_path / "chat.jsonl"
    post_later(fake, 2)
    started = time.monotonic()
    assert main(["#PyChat", "--out", str(out), "--duration", "1.5"]) == 0
    assert time.monotonic() - started < 10
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_ctrl_c_ends_cleanly_with_a_count(
    fake: FakeX, tmp_path: Path, clean_env: dict[str, str]
) -> None:
    """SIGINT: the lines already flushed stay, the process says how many and exits 0."""
    out = tmp_path / "chat.jsonl"
    env = {**clean_env, "TCHAT_X_BEARER_TOKEN": fake.bearer, "TCHAT_X_API_BASE": fake.url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tchat_tui.cli.record", "#PyChat", "--out", str(out)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        post_later(fake, 3)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if out.exists() and len(out.read_text(encoding="utf-8").splitlines()) >= 3:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "interrupted: 3 posts written" in err
    assert "Traceback" not in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


@pytest.mark.parametrize("mode", ["stream", "search"])
def test_a_bad_post_is_written_clean_and_the_others_too(
    fake: FakeX,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: dict[str, str],
    mode: str,
) -> None:
    """Half a surrogate pair or a NUL in a post: the file stays UTF-8 that replays as read,
    the bad characters are U+FFFD, and every post is written."""
    x_env(fake, monkeypatch)
    out = tmp_path / "chat.jsonl"
    texts = [f"A0 fine #{TAG}", f"A1 half \ud800 a pair #{TAG}", f"A2 a \x00 nul #{TAG}"]
    texts.append(f"A3 fine #{TAG}")
    if mode == "search":
        for text in texts:
            fake.publish("2001", text)
    else:

        def work() -> None:
            deadline = time.monotonic() + 10
            while not fake._live and time.monotonic() < deadline:
                time.sleep(0.02)
            for text in texts:
                fake.publish("2001", text)

        threading.Thread(target=work, daemon=True).start()
    assert main(["#PyChat", "--out", str(out), "--max-posts", "4", "--mode", mode]) == 0
    data = out.read_bytes().decode("utf-8")  # strict: the file is UTF-8
    assert "\\ud800" not in data and "\\u0000" not in data
    posts = [p for p in read_posts(out) if p]
    assert sorted(p.text for p in posts) == sorted(
        t.replace("\ud800", "\ufffd").replace("\x00", "\ufffd") for t in texts
    )


def test_a_recording_that_never_connects_fails_with_the_reason(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nothing answers at the API base: not '0 posts written' and exit 0, but exit 1 and why;
    the password in the address is never printed."""
    import socket

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TCHAT_X_BEARER_TOKEN", "bearer-for-nobody")
    monkeypatch.setenv("TCHAT_X_API_BASE", f"http://proxyuser:pa55word-xyz@127.0.0.1:{port}")
    out = tmp_path / "chat.jsonl"
    assert main(["#PyChat", "--out", str(out), "--duration", "1.5"]) == 1
    err = capsys.readouterr().err
    assert "0 posts written" in err
    assert "never connected to X" in err.strip().splitlines()[-1]
    assert "pa55word-xyz" not in err and "bearer-for-nobody" not in err
