"""`record --network`: a chat on Mastodon, on Bluesky, and on all three networks at once,
recorded against fakes on 127.0.0.1, then replayed and imported: every post once, judged as
the live console judged it (the stored rows are the same), credentials never in the file."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tchat_tui.cli.main import main as cli
from tchat_tui.cli.record import main as record
from tchat_tui.domain.post import Network
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tests.recordings.fakes import (
    APP_PASSWORD,
    FIRST,
    HOUR,
    TAG,
    TOKEN,
    FakeBluesky,
    FakeMastodon,
    Said,
)
from tests.x.fake_x_server import FakeX

COLUMNS = (
    "key, network, native_id, instance, author_key, author_handle, author_name, role, text,"
    " created_at, reply_to_key, root_key, hashtags, links, mentions, is_repost, repost_of_key,"
    " lang, metrics, engagement, raw, question_number, answers, audience_question, promo_level,"
    " promo_score, promo_reasons, deleted, hidden"
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """No credentials but the ones a test gives; config and data folders in tmp_path."""
    for var in list(os.environ):
        if var.startswith("TCHAT_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    def give(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"TCHAT_{name.upper()}", value)

    return give


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    """The fake instance."""
    fake = FakeMastodon()
    yield fake
    fake.stop()


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    """The fake PDS and Jetstream; Jetstream waits for the test's word (`release_when`)."""
    fake = FakeBluesky()
    yield fake
    fake.stop()


def mastodon_env(give: Callable[..., None], fake: FakeMastodon) -> None:
    give(mastodon_instance=fake.url, mastodon_token=TOKEN)


def bluesky_env(give: Callable[..., None], fake: FakeBluesky) -> None:
    give(
        bluesky_handle="claire.bsky.social",
        bluesky_app_password=APP_PASSWORD,
        bluesky_pds=fake.pds,
        bluesky_jetstream=fake.jetstream,
    )


def host(mastodon: FakeMastodon | None = None) -> str:
    """The host's handles (one person, one handle per network)."""
    handles = ["x:claire", "bluesky:claire.bsky.social"]
    if mastodon is not None:
        handles.append(f"mastodon:claire@{mastodon.host}")
    return ",".join(handles)


def rows(db: Path) -> list[dict[str, Any]]:
    """Every stored post's columns that say what it is and how it was judged."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f"SELECT {COLUMNS} FROM posts ORDER BY key")]
    finally:
        con.close()


def count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM posts").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        con.close()


def run_session(settings: Settings, expected: int) -> list[dict[str, Any]]:
    """A console without a screen (live or replay) until `expected` posts are stored."""
    session = ChatSession(settings)
    try:
        session.start()
        deadline = time.monotonic() + 40
        while count(session.db_path) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # nothing more arrives (a duplicate would show in the rows)
    finally:
        session.shutdown()
    return rows(session.db_path)


def release_when(fake: FakeBluesky, ready: Callable[[], bool]) -> None:
    """Let Jetstream send once `ready()` says the search's posts are in: the same order in
    every run (the live console's and the recording's)."""
    fake.release.clear()

    def wait() -> None:
        deadline = time.monotonic() + 30
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.02)
        fake.release.set()

    threading.Thread(target=wait, daemon=True).start()


def lines(path: Path) -> int:
    """How many lines a recording has so far."""
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def live(tmp_path: Path, networks: tuple[Network, ...], who: str) -> list[dict[str, Any]]:
    return run_session(
        Settings(tag=TAG, db_path=tmp_path / "live.db", host=who, networks=networks),
        len(HOUR),
    )


def replayed_and_imported(
    tmp_path: Path, recording: Path, networks: tuple[Network, ...], who: str, expected: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    replayed = run_session(
        Settings(
            tag=TAG,
            db_path=tmp_path / "replay.db",
            replay=recording,
            speed=0,
            host=who,
            networks=networks,
        ),
        expected,
    )
    db = tmp_path / "import.db"
    assert cli(["import", str(recording), "--db", str(db), "--host", who]) == 0
    return replayed, rows(db)


def check_recording(path: Path, expected: int) -> None:
    """One line per post, no credential anywhere."""
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) == expected
    for secret in (TOKEN, APP_PASSWORD, "access-token", "refresh-token", "test-bearer"):
        assert secret not in text


def judged(found: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """Each post's text and the judgement on it."""
    return {
        r["text"]: (r["role"], r["question_number"], r["answers"], r["audience_question"])
        for r in found
    }


def test_a_mastodon_chat_recorded_replays_and_imports_as_it_was_live(
    env: Callable[..., None],
    mastodon: FakeMastodon,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Live console, then `record --network mastodon`, against the same instance: replaying
    and importing the recording stores the very rows the live console stored."""
    mastodon_env(env, mastodon)
    who = host(mastodon)
    networks = (Network.MASTODON,)
    live_rows = live(tmp_path, networks, who)
    assert len(live_rows) == len(HOUR)

    out = tmp_path / "mastodon.jsonl"
    assert record([f"#{TAG}", "--out", str(out), "--network", "mastodon", "--max-posts", "8"]) == 0
    err = capsys.readouterr().err
    assert f"8 posts written to {out}" in err and "Mastodon: live" in err
    assert "of X reads" not in err
    check_recording(out, len(HOUR))

    replayed, imported = replayed_and_imported(tmp_path, out, networks, who, len(HOUR))
    assert replayed == live_rows
    assert imported == live_rows
    found = judged(live_rows)
    assert found[f"Q1: What keeps you going on a hard day? #{TAG}"][:2] == ("host", 1)
    assert found[f"A1 my friends and a long walk #{TAG}"][2] == 1
    assert found[f"tiredness, mostly #{TAG}"][2] == 2  # a reply in Q2's thread
    assert found[f"@claire how do you prepare the questions? #{TAG}"][3] == 1
    assert any(r["promo_level"] != "none" for r in live_rows)
    capsys.readouterr()
    assert cli(["flag", str(out), "--host", who]) == 0  # `flag` reads the recording alike
    flagged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {o["id"]: o["level"] for o in flagged} == {
        r["native_id"]: r["promo_level"] for r in live_rows
    }


def test_a_bluesky_chat_recorded_replays_and_imports_as_it_was_live(
    env: Callable[..., None],
    bluesky: FakeBluesky,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Search and Jetstream, live then recorded: the same rows after replay and import; the
    Jetstream posts keep the handles the console looked up."""
    bluesky_env(env, bluesky)
    who = host()
    networks = (Network.BLUESKY,)
    release_when(bluesky, lambda: count(tmp_path / "live.db") >= FIRST)
    live_rows = live(tmp_path, networks, who)
    assert len(live_rows) == len(HOUR)

    out = tmp_path / "bluesky.jsonl"
    release_when(bluesky, lambda: lines(out) >= FIRST)
    assert record([f"#{TAG}", "--out", str(out), "--network", "bluesky", "--max-posts", "8"]) == 0
    assert "8 posts written" in capsys.readouterr().err
    check_recording(out, len(HOUR))

    replayed, imported = replayed_and_imported(tmp_path, out, networks, who, len(HOUR))
    assert replayed == live_rows
    assert imported == live_rows
    assert {r["author_handle"] for r in live_rows} == {f"{s.author}.bsky.social" for s in HOUR}
    assert {r["instance"] for r in live_rows} == {"jetstream", bluesky.pds.removeprefix("http://")}
    found = judged(live_rows)
    assert found[f"Q2: And what slows you down? #{TAG}"][:2] == ("host", 2)
    assert found[f"A2 the weather, honestly #{TAG}"][2] == 2


def test_a_chat_on_three_networks_records_into_one_file_and_replays_as_one_chat(
    env: Callable[..., None],
    mastodon: FakeMastodon,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """X, Mastodon and Bluesky recorded at once: one file, one chat on replay and import, each
    post once, and the answers on X and Bluesky counted for the questions the host asked on
    Mastodon."""
    others = [Said("n1", "nadia", f"A1 music, loud #{TAG}", 300)]
    others.append(Said("n2", "nadia", f"A2 bad sleep #{TAG}", 320))
    bluesky = FakeBluesky(hour=others, first=0)
    x = FakeX(keepalive=0.1).start()
    x.add_user("2001", "ada")
    try:
        mastodon_env(env, mastodon)
        bluesky_env(env, bluesky)
        env(x_bearer_token=x.bearer, x_api_base=x.url)
        out = tmp_path / "mixed.jsonl"
        total = len(HOUR) + len(others) + 1

        def the_others_after_mastodon() -> None:
            deadline = time.monotonic() + 30
            while lines(out) < len(HOUR) and time.monotonic() < deadline:
                time.sleep(0.05)
            while not x._live and time.monotonic() < deadline:
                time.sleep(0.02)
            x.publish("2001", f"A2 deadlines, always #{TAG}")
            bluesky.release.set()

        threading.Thread(target=the_others_after_mastodon, daemon=True).start()
        argv = [f"#{TAG}", "--out", str(out), "--network", "x,mastodon,bluesky"]
        assert record([*argv, "--max-posts", str(total)]) == 0
        err = capsys.readouterr().err
        assert f"{total} posts written" in err and "of X reads" in err
        for label in ("X: ", "Mastodon: ", "Bluesky: "):
            assert f"tchat-live record: {label}" in err
        check_recording(out, total)
    finally:
        x.stop()
        bluesky.stop()

    networks = (Network.X, Network.MASTODON, Network.BLUESKY)
    who = host(mastodon)
    replayed, imported = replayed_and_imported(tmp_path, out, networks, who, total)
    assert replayed == imported
    assert len(replayed) == total
    assert len({r["key"] for r in replayed}) == total
    con = sqlite3.connect(tmp_path / "replay.db")
    assert con.execute("SELECT count(*) FROM chats").fetchone()[0] == 1
    con.close()
    found = {r["text"]: r for r in replayed}
    assert found[f"A1 music, loud #{TAG}"]["network"] == "bluesky"
    assert found[f"A1 music, loud #{TAG}"]["answers"] == 1
    assert found[f"A2 bad sleep #{TAG}"]["answers"] == 2
    assert found[f"A2 deadlines, always #{TAG}"]["network"] == "x"
    assert found[f"A2 deadlines, always #{TAG}"]["answers"] == 2
    assert found[f"Q2: And what slows you down? #{TAG}"]["network"] == "mastodon"


def test_a_network_without_credentials_is_refused_in_one_line(
    env: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing starts and no file is written; the line names the settings to give."""
    out = tmp_path / "chat.jsonl"
    env(bluesky_handle="claire.bsky.social")
    assert record([f"#{TAG}", "--out", str(out), "--network", "mastodon"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "tchat-live record: no Mastodon credentials: set TCHAT_MASTODON_INSTANCE and"
        " TCHAT_MASTODON_TOKEN (or a credentials file)"
    )
    assert record([f"#{TAG}", "--out", str(out), "--network", "bluesky"]) == 2
    assert "set TCHAT_BLUESKY_APP_PASSWORD (or" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        record([f"#{TAG}", "--out", str(out), "--network", "mastodon,myspace"])
    assert exited.value.code == 2
    assert "unknown network" in capsys.readouterr().err
    assert not out.exists()


def test_a_refused_token_ends_the_recording_with_the_reason_never_the_token(
    env: Callable[..., None],
    mastodon: FakeMastodon,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The instance refuses the token: exit 1, the reason said once, the token never shown."""
    env(mastodon_instance=mastodon.url, mastodon_token="wrong-token-123")
    out = tmp_path / "chat.jsonl"
    assert record([f"#{TAG}", "--out", str(out), "--network", "mastodon", "--duration", "20"]) == 1
    err = capsys.readouterr().err
    assert "0 posts written" in err
    assert f"Mastodon {mastodon.host} refused the token" in err
    assert err.count("refused the token") == 2  # the state as it changed, then why it ended
    assert "never connected" not in err  # the reason is said already
    assert "wrong-token-123" not in err
