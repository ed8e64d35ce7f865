"""`tchat-live summary`: formats to stdout or a file, thanks drafts, one-line errors, no overwrite."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.domain.text.rules import check_text, rules_for
from tests.test_summary import build_chat


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "care.db"
    build_chat(path)[0].close()
    return path


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err
    return err


@pytest.mark.parametrize(("fmt", "start"), [("md", "# #CareChat"), ("html", "<!DOCTYPE html>")])
def test_summary_prints(db: Path, capsys: pytest.CaptureFixture[str], fmt: str, start: str) -> None:
    """Without --out the summary goes to stdout."""
    assert main(["summary", "--db", str(db), "--format", fmt]) == 0
    assert capsys.readouterr().out.startswith(start)


def test_summary_json_file(db: Path, tmp_path: Path) -> None:
    """--format json --out writes the JSON summary."""
    out = tmp_path / "s.json"
    assert main(["summary", "--db", str(db), "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["questions"][0]["answers"] == ["6", "5", "4", "3"]


def test_summary_never_overwrites_without_force(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing --out is kept unless --force."""
    out = tmp_path / "s.md"
    out.write_text("mine", encoding="utf-8")
    assert main(["summary", "--db", str(db), "--out", str(out)]) == 2
    assert "--force" in one_line_error(capsys)
    assert out.read_text(encoding="utf-8") == "mine"
    assert main(["summary", "--db", str(db), "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("# #CareChat")


def _not_chat(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.db"
    if kind == "text":
        path.write_text("hello, I am not a database\n")
    elif kind == "other-sqlite":
        sqlite3.connect(path).execute("CREATE TABLE notes (x)").connection.close()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "folder":
        path.mkdir()
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing", "no such database"),
        ("text", "is not a tchat-live chat database"),
        ("other-sqlite", "is not a tchat-live chat database"),
        ("empty", "is empty, not a tchat-live chat database"),
        ("folder", "is a folder"),
    ],
)
@pytest.mark.parametrize("command", ["summary", "export"])
def test_not_a_chat_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, message: str, command: str
) -> None:
    """Anything but a chat database: one line, exit 2, the file left as it was."""
    path = _not_chat(tmp_path, kind)
    before = path.read_bytes() if path.is_file() else None
    extra = ["--format", "csv"] if command == "export" else []
    assert main([command, "--db", str(path), *extra]) == 2
    assert message in one_line_error(capsys)
    if before is not None:
        assert path.read_bytes() == before
    assert path.exists() == (kind != "missing")


def test_unknown_chat(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--chat with an id the database does not have."""
    assert main(["summary", "--db", str(db), "--chat", "7"]) == 2
    assert "has no chat 7" in one_line_error(capsys)


def test_thanks_drafts_fit(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--thanks: the plan's thanks, then the most active participants by name, each within
    280; the promo account is never mentioned, and stderr says so."""
    assert main(["summary", "--db", str(db), "--thanks"]) == 0
    captured = capsys.readouterr()
    posts = [block.split("\n", 1)[1].strip() for block in captured.out.split("--- ")[1:]]
    assert posts[0] == "Thank you all, and thank you @nadia! #CareChat"
    assert posts[1] == "Thanks for your answers: @bob @ada @cyd #CareChat"
    assert len(posts) == 2
    for text in posts:
        assert check_text(text, rules_for("x"), "#CareChat").valid
    assert "spammy" not in captured.out
    assert "# never mentioned (flagged as promotion or muted) (1): @spammy" in captured.err


def test_demo_chat_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled demo, imported with its plan: every question has answers, the figures add up."""
    root = Path(__file__).resolve().parent.parent / "tchat_tui" / "data" / "demo"
    db = tmp_path / "demo.db"
    argv = ["import", str(root / "chat.jsonl"), "--db", str(db), "--plan", str(root / "plan.toml")]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["summary", "--db", str(db), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [q["number"] for q in data["questions"]] == list(range(1, 9))
    assert all(q["post_id"] and len(q["answers"]) >= 10 for q in data["questions"])
    stats = data["stats"]
    assert stats["posts"] + stats["reposts"] == 414
    assert sum(stats["per_network"].values()) == stats["posts"]
    assert stats["participants"] == len(data["participants"]) >= 40
    assert data["chat"]["host"] == "claire_morel"
    assert main(["summary", "--db", str(db), "--format", "html"]) == 0
    assert capsys.readouterr().out.count(">Q") >= 8
