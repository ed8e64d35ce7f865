"""`tchat-live reclassify --db PATH` judges a stored chat again with the current rules: the
judgement columns follow the rules, moderator decisions stay, a second run changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tests.factories import stream_line

LINES = [
    stream_line("1", "Pergunta 1 ➡️ O que mais trava os alunos? #T", "host", minute=1),
    stream_line("2", "R1 a fração, sempre #T", "ada", minute=2),
    stream_line("3", "link na bio 👉 ganhe 3000 por semana #T", "spam", minute=3),
    stream_line("4", "R1 o medo de errar #T", "bob", minute=4),
]


def imported(tmp_path: Path) -> Path:
    """A chat imported, then its judgement spoiled as old rules would have left it."""
    stream = tmp_path / "s.jsonl"
    stream.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    assert main(["import", str(stream), "--db", str(db), "--host", "host"]) == 0
    con = sqlite3.connect(db)
    con.execute(
        "UPDATE posts SET question_number = NULL, answers = NULL, promo_level = 'none',"
        " promo_reasons = NULL"
    )
    con.execute("UPDATE questions SET posted_at = NULL, post_key = NULL")
    con.execute("UPDATE posts SET starred = 1, hidden = 1 WHERE native_id = '4'")
    con.execute(
        "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
        " VALUES (1, '2026-12-07T20:00:00.000+00:00', 'tom', 'allow', 'x:3', 'red')"
    )
    con.commit()
    con.close()
    return db


def test_reclassify_follows_the_rules_and_keeps_the_moderators_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Questions, answers and flags come back; stars, hides and allows stay; one line a chat."""
    db = imported(tmp_path)
    capsys.readouterr()  # the import's own line
    assert main(["reclassify", "--db", str(db)]) == 0
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0 and "question postings 0 -> 1" in out and "answers 0 -> 2" in out
    con = sqlite3.connect(db)
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT native_id, question_number, answers, promo_level, starred, hidden FROM posts"
        )
    }
    assert rows["1"][0] == 1 and rows["2"][1] == 1 and rows["4"][1:2] == (1,)
    assert rows["3"][2] in ("amber", "red")
    assert rows["4"][3:] == (1, 1)
    assert con.execute("SELECT count(*) FROM actions WHERE action = 'allow'").fetchone()[0] == 1
    assert con.execute("SELECT posted_at IS NOT NULL FROM questions").fetchall() == [(1,)]
    con.close()
    assert main(["reclassify", "--db", str(db)]) == 0
    assert " 0 changed" in capsys.readouterr().out


def test_reclassify_refuses_what_is_not_a_chat_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing database or an unknown chat: one line, exit 2, nothing created."""
    assert main(["reclassify", "--db", str(tmp_path / "no.db")]) == 2
    assert "no such database" in capsys.readouterr().err
    db = imported(tmp_path)
    assert main(["reclassify", "--db", str(db), "--chat", "9"]) == 2
    assert capsys.readouterr().err.strip() == f"tchat-live: {db} has no chat 9"
    assert not (tmp_path / "no.db").exists()
