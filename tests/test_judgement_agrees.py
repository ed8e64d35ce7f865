"""One judgement everywhere: on a labelled chat, the stored columns, `flag`'s JSON lines, the
export and the summary's questions say the same of each post."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from tchat_tui.cli.main import main

CHATS = Path(__file__).resolve().parent / "judgement" / "chats"


@pytest.mark.parametrize("name", ["es-farms", "fr-sante", "fr-en-sciences", "pt-br-devs"])
def test_stored_flag_export_and_summary_agree(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Promo levels (stored, flag, export), answers (stored, export, summary) and question
    postings (stored, summary) match post by post."""
    stream, plan, db = CHATS / f"{name}.jsonl", CHATS / f"{name}.plan.toml", tmp_path / "c.db"
    assert main(["import", str(stream), "--plan", str(plan), "--db", str(db)]) == 0
    con = sqlite3.connect(db)
    stored = {
        r[0]: r[1:]
        for r in con.execute("SELECT native_id, promo_level, answers, question_number FROM posts")
    }
    con.close()
    capsys.readouterr()

    assert main(["flag", str(stream), "--plan", str(plan)]) == 0
    flagged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {o["id"]: o["level"] for o in flagged if "id" in o} == {
        k: v[0] for k, v in stored.items()
    }

    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    exported = {r["post_id"].rsplit(":", 1)[-1]: r for r in rows}
    assert {k: r["flag"] for k, r in exported.items()} == {k: v[0] for k, v in stored.items()}
    assert {k: (r["answers"] or None) for k, r in exported.items()} == {
        k: (str(v[1]) if v[1] is not None else None) for k, v in stored.items()
    }

    assert main(["summary", "--db", str(db), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    posted = {v[2] for v in stored.values() if v[2] is not None}
    assert {q["number"] for q in summary["questions"] if q.get("posted_at")} == posted
    answered = {
        n: sum(1 for v in stored.values() if v[1] == n) for n in {v[1] for v in stored.values()}
    }
    for q in summary["questions"]:
        assert q["answer_count"] == answered.get(q["number"], 0)
