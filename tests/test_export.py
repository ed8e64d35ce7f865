"""`tchat-live export`: the transcript, one row per post, hidden ones marked; safe CSV cells."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.report.transcript import COLUMNS
from tchat_tui.store.database import Store
from tests.test_summary import SECRET, build_chat, chat_post


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "care.db"
    store, chat = build_chat(path)
    store.add_posts(chat, [chat_post("16", '=HYPERLINK("http://x") #CareChat', "mal", 30)])
    store.close()
    return path


def export(db: Path, fmt: str, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["export", "--db", str(db), "--format", fmt, *extra]) == 0
    return capsys.readouterr().out


def test_csv_one_row_per_post(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every stored post, in time order, with the issue's columns."""
    rows = list(csv.DictReader(io.StringIO(export(db, "csv", capsys))))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 16
    times = [r["time"] for r in rows]
    assert times == sorted(times)
    by_id = {r["post_id"]: r for r in rows}
    assert by_id["5"]["role"] == "guest" and by_id["5"]["answers"] == "1"
    assert by_id["1"]["question"] == "1" and by_id["1"]["role"] == "host"
    assert by_id["6"]["starred"] == "1" and by_id["8"]["hidden"] == "1"
    assert by_id["11"]["flag"] == "red" and by_id["15"]["deleted"] == "1"
    assert by_id["3"]["likes"] == "10" and by_id["3"]["url"] == "https://x.com/ada/status/3"


def test_csv_cells_never_run_as_formulas(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A text a spreadsheet would run gets a leading apostrophe in CSV (JSON keeps it exact)."""
    rows = {r["post_id"]: r for r in csv.DictReader(io.StringIO(export(db, "csv", capsys)))}
    assert rows["16"]["text"].startswith("'=HYPERLINK")
    data = {r["post_id"]: r for r in json.loads(export(db, "json", capsys))}
    assert data["16"]["text"].startswith("=HYPERLINK")


def test_json_rows(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON: a list of objects with the same keys, booleans and numbers typed."""
    data = json.loads(export(db, "json", capsys))
    assert len(data) == 16 and list(data[0]) == COLUMNS
    row = next(r for r in data if r["post_id"] == "8")
    assert row["hidden"] is True and row["answers"] == 1


def test_visible_only_leaves_out_hidden(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--visible-only: no hidden, deleted or dry-run post, and no hidden text."""
    out = export(db, "csv", capsys, "--visible-only")
    ids = {r["post_id"] for r in csv.DictReader(io.StringIO(out))}
    assert {"8", "14", "15"}.isdisjoint(ids) and len(ids) == 13
    assert SECRET not in out


def test_export_never_overwrites_without_force(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing --out is kept unless --force; with it, the file is replaced."""
    out = tmp_path / "t.csv"
    out.write_text("mine", encoding="utf-8")
    assert main(["export", "--db", str(db), "--format", "csv", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"
    assert main(["export", "--db", str(db), "--format", "csv", "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("post_id,network,author")


def test_muted_authors_are_marked_and_not_visible(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """author_muted is 1 on a muted author's posts (csv and json); --visible-only leaves them out."""
    store = Store.open(db)
    store.set_muted(1, "x:id-cyd", "tom", True)
    store.close()
    rows = {r["post_id"]: r for r in csv.DictReader(io.StringIO(export(db, "csv", capsys)))}
    assert rows["6"]["author_muted"] == "1" and rows["6"]["starred"] == "1"
    assert rows["3"]["author_muted"] == "0"
    data = {r["post_id"]: r for r in json.loads(export(db, "json", capsys))}
    assert data["6"]["author_muted"] is True and data["3"]["author_muted"] is False
    for fmt in ("csv", "json"):
        out = export(db, fmt, capsys, "--visible-only")
        assert "A1 my cat" not in out and "A1 my sister" in out


def test_controls_and_bidi_never_reach_csv_or_json(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV shows each control or bidi control as '\ufffd'; JSON escapes them (the text stays
    exact once parsed); a post by a handle X would never give has no url."""
    store = Store.open(db)
    text = "\x1b]0;pwned\x07 \u202eevil\u2066 \x9b2J"
    store.add_posts(1, [chat_post("17", text, "a>)[y](javascript:alert(1)", 31)])
    store.close()
    out = export(db, "csv", capsys)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
    row = {r["post_id"]: r for r in csv.DictReader(io.StringIO(out))}["17"]
    assert row["text"] == "\ufffd]0;pwned\ufffd \ufffdevil\ufffd \ufffd2J"
    assert row["author"] == "a>)[y](javascript:alert(1)" and row["url"] == ""
    out = export(db, "json", capsys)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out.replace("\n", ""))
    data = {r["post_id"]: r for r in json.loads(out)}["17"]
    assert data["text"] == text and data["url"] is None


@pytest.mark.parametrize("instance", ["mastodon.example", "127.0.0.1:8080"])
def test_a_mastodon_post_id_is_the_status_id_whatever_the_instance(
    tmp_path: Path, instance: str
) -> None:
    """The export's post and reply-to ids are status ids, even on an instance with a port."""
    from dataclasses import replace

    from tchat_tui.domain.post import Network
    from tchat_tui.report.transcript import export_rows

    store = Store.open(tmp_path / "m.db")
    chat = store.ensure_chat("CareChat")
    cp = chat_post("115", "A1 rest #CareChat", "ada@mastodon.example", 1, answers=1)
    post = replace(cp.post, network=Network.MASTODON, instance=instance, reply_to_id="114")
    store.add_posts(chat, [replace(cp, post=post)])
    assert [(r["post_id"], r["reply_to"]) for r in export_rows(store, chat)] == [("115", "114")]


def test_audience_questions_say_who_claimed_and_answered_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An audience question's row carries its claim and who marked it answered, when; an open
    one carries its claim only; other posts carry neither (CSV and JSON)."""
    path = tmp_path / "care.db"
    store, chat = build_chat(path)
    store.add_posts(
        chat,
        [
            chat_post("20", "@dr_nhaddad is respite care paid for? #CareChat", "zoe", 31),
            chat_post("21", "@dr_nhaddad and at night? #CareChat", "yan", 32),
        ],
    )
    rows = {
        r["native_id"]: r["key"]
        for r in store.db.execute_returning_dicts(
            "SELECT native_id, key FROM posts WHERE native_id IN ('20', '21')"
        )
    }
    store.db.execute("UPDATE posts SET audience_question = 1 WHERE native_id IN ('20', '21')")
    store.claim(chat, rows["20"], "ana")
    store.mark_answered(chat, rows["20"], "tom")
    store.claim(chat, rows["21"], "ana")
    store.close()
    out = {r["post_id"]: r for r in csv.DictReader(io.StringIO(export(path, "csv", capsys)))}
    assert out["20"]["claimed_by"] == "ana" and out["20"]["answered"] == "1"
    assert out["20"]["answered_by"] == "tom" and out["20"]["answered_at"]
    assert out["21"]["claimed_by"] == "ana" and out["21"]["answered"] == "0"
    assert out["21"]["answered_by"] == ""
    assert out["1"]["claimed_by"] == "" and out["1"]["answered_by"] == ""
    as_json = {r["post_id"]: r for r in json.loads(export(path, "json", capsys))}
    assert as_json["20"]["answered_by"] == "tom" and as_json["21"]["answered"] is False
