"""The command line: one-line errors and non-zero exits on bad input; import is idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.store.database import Store
from tests.factories import stream_line


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err and "Traceback" not in err
    return err.splitlines()[-1]


def test_no_tag_explains_the_shell_comment(capsys: pytest.CaptureFixture[str]) -> None:
    """`tchat-live #tag` reaches us with no tag: say why and show both forms."""
    assert main([]) == 2
    err = one_line_error(capsys)
    assert "comment" in err and "tchat-live '#tag'" in err and "tchat-live tag" in err


def test_speed_needs_a_replay(capsys: pytest.CaptureFixture[str]) -> None:
    """--speed alone is refused."""
    assert main(["tag", "--speed", "2"]) == 2
    assert "--speed" in one_line_error(capsys)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "not found"), ("hello\nworld\n", "not a recorded stream"), ("", "empty")],
)
def test_import_refuses_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    """A missing, foreign or empty file: one line, exit 2, nothing created."""
    src = tmp_path / "in.jsonl"
    if content is not None:
        src.write_text(content)
    db = tmp_path / "c.db"
    assert main(["import", str(src), "--db", str(db), "--tag", "T"]) == 2
    assert message in one_line_error(capsys)
    assert not db.exists()


def test_import_refuses_an_unwritable_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database path under a file cannot be created: one line, exit 2."""
    src = tmp_path / "in.jsonl"
    src.write_text(stream_line("1", "hi #T") + "\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["import", str(src), "--db", str(blocker / "c.db")]) == 2
    assert "cannot" in one_line_error(capsys)


def test_import_refuses_a_foreign_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not a chat database is not touched."""
    src = tmp_path / "in.jsonl"
    src.write_text(stream_line("1", "hi #T") + "\n")
    db = tmp_path / "notes.db"
    db.write_text("not sqlite " * 200)
    assert main(["import", str(src), "--db", str(db)]) == 2
    assert "not a tchat-live chat database" in one_line_error(capsys)
    assert db.read_text() == "not sqlite " * 200


def test_import_twice_stores_once_and_counts_malformed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Malformed lines are counted and skipped; a second import stores nothing new."""
    src = tmp_path / "in.jsonl"
    lines = [
        stream_line("1", "Q1: hello? #Care", "hostess"),
        "garbage",
        stream_line("2", "A1 fine #Care", "ada"),
    ]
    src.write_text("\n".join(lines) + "\n")
    db = tmp_path / "c.db"
    assert main(["import", str(src), "--db", str(db), "--host", "hostess"]) == 0
    out = capsys.readouterr()
    assert "2 stored" in out.out and "1 malformed" in out.out and "line 2" in out.err
    assert main(["import", str(src), "--db", str(db), "--host", "hostess"]) == 0
    assert "0 stored, 2 already there" in capsys.readouterr().out
    store = Store.open(db)
    chat = store.ensure_chat("Care")
    assert store.count_posts(chat) == 2
    assert [q["number"] for q in store.questions(chat)] == [1]


def exactly_one_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The whole error output is one line (no argparse usage block, no traceback)."""
    err = capsys.readouterr().err.strip()
    assert err and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


def exit_code(argv: list[str]) -> int:
    """main(argv), whether it returns the code or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--demo", "--speed", "abc"], "--speed takes a number"),
        (["--demo", "--speed", "-3"], "--speed must be 0"),
        (["--demo", "--moderator", ""], "cannot be empty"),
        (["--demo", "--network", "myspace"], "unknown network"),
        (["export", "--db", "x.db"], "--format"),
        (["import"], "required"),
    ],
)
def test_bad_arguments_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """argparse's own errors come in one line with the way to the help, exit code 2."""
    assert exit_code(argv) == 2
    err = exactly_one_line(capsys)
    assert message in err and "--help" in err


@pytest.mark.parametrize("tag", ["bad tag!", "#a#b", "#", "123", "#tag?"])
def test_a_tag_that_is_not_a_hashtag_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str
) -> None:
    """Every post must carry the tag: one that X would not read as a hashtag is refused."""
    assert exit_code([tag, "--db", str(tmp_path / "c.db")]) == 2
    assert "not a hashtag" in exactly_one_line(capsys)


def test_the_demo_or_a_plan_with_another_tag_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tchat-live x --demo` would add #x to posts answering #AidantsChat: refused; the same
    tag in another case is the same tag."""
    assert exit_code(["x", "--demo", "--db", str(tmp_path / "c.db")]) == 2
    err = exactly_one_line(capsys)
    assert "#AidantsChat" in err and "#x" in err
    from tchat_tui.pipeline.session import ChatSession
    from tchat_tui.pipeline.settings import Settings

    session = ChatSession(
        Settings(tag="#aidantschat", demo=True, db_path=tmp_path / "d.db"), open_now=False
    )
    assert session.tag == "aidantschat"
