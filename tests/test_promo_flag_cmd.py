"""`tchat-live flag FILE`: JSON lines per post, author lines, skipped lines, clear errors."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tchat_tui.cli import flag

EVAL = Path(__file__).resolve().parent / "promo_eval"


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse `flag` arguments with the command's own sub-parser."""
    parser = argparse.ArgumentParser(prog="tchat-live")
    flag.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["flag", *argv])


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[Any], str]:
    """Run the command; return its exit code, the JSON objects printed and stderr."""
    code = flag.run(parse(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_one_object_per_post_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    """Each post gives id, author, promo, level, score and reasons, in stream order."""
    path = EVAL / "sessions" / "fr-cyber.jsonl"
    code, objs, err = run(
        [str(path), "--host", "cyberchat_anne", "--guest", "pierre_cyber"], capsys
    )
    assert code == 0 and err == ""
    ids = [json.loads(line)["data"]["id"] for line in path.read_text("utf-8").splitlines()]
    assert [o["id"] for o in objs] == ids
    for o in objs:
        assert set(o) == {"id", "author", "promo", "level", "score", "reasons"}
        assert o["promo"] == (o["level"] != "none")
        assert isinstance(o["score"], float | int)
    spam = [o for o in objs if o["author"] == "securivpn_fr"]
    assert all(o["promo"] for o in spam)
    assert spam[-1]["level"] == "red"
    assert any("securivpn.fr" in r for r in spam[-1]["reasons"])
    assert spam[-1]["reasons"][-1].startswith("rules v")


def test_authors_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """--authors adds one line per flagged author with the 'P of N' reason."""
    path = EVAL / "sessions" / "en-finance.jsonl"
    code, objs, _ = run([str(path), "--host", "finchat_rae", "--authors"], capsys)
    authors = [o for o in objs if o.get("type") == "author"]
    assert code == 0
    assert [a["author"] for a in authors] == ["budgetly_app"]
    assert authors[0]["reason"].startswith("4 of 4 posts promotional (guide: at most 1 in 10)")
    assert authors[0]["top_domain"] == "budgetly.app"


def test_french_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    """--lang fr gives the reasons in French."""
    path = EVAL / "sessions" / "fr-rh.jsonl"
    _, objs, _ = run([str(path), "--host", "tchatrh_camille", "--lang", "fr"], capsys)
    reasons = [r for o in objs for r in o["reasons"]]
    assert any(r.startswith("appel à s'inscrire") for r in reasons)
    assert reasons[-1].startswith("règles v")


def test_malformed_lines_are_counted_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad lines and keep-alives do not stop the run; a summary goes to stderr."""
    good = (EVAL / "sessions" / "en-remote.jsonl").read_text("utf-8").splitlines()
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good[0], "", "{not json", good[1], '{"errors":[{}]}']) + "\n")
    code, objs, err = run([str(path)], capsys)
    assert code == 0
    assert len(objs) == 2
    assert err.count("\n") == 1
    assert "skipped 2 malformed line(s)" in err and "line 3" in err


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "cannot read"),
        ("bad_rules", "rules.toml:"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str
) -> None:
    """A missing file or a broken rules file: one clear line on stderr, exit code 2."""
    stream = tmp_path / "s.jsonl"
    shutil.copy(EVAL / "sessions" / "en-dev.jsonl", stream)
    argv = [str(stream)]
    if setup == "missing":
        argv = [str(tmp_path / "nope.jsonl")]
    else:
        rules = tmp_path / "rules.toml"
        rules.write_text("version = \n", encoding="utf-8")
        argv += ["--rules", str(rules)]
    code = flag.run(parse(argv))
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err
    assert "Traceback" not in err


def test_control_characters_never_reach_the_terminal() -> None:
    """Quoted post words with DEL/C1 controls are escaped in the JSON line."""
    line = flag.dumps({"reasons": ["call to buy: 'b\x9buy\x7f'"]})
    assert "\x9b" not in line and "\x7f" not in line
    assert json.loads(line)["reasons"] == ["call to buy: 'b\x9buy\x7f'"]


PLAN = """\
tag = "#FinChat"
topic = "Budgeting in your first year of work"
start = 2026-02-12T21:00:00+00:00
duration_minutes = 60
host = "finchat_rae"
guests = ["econ_paul"]
questions = ["First rule?", "Apps?", "Advice at 22?", "Four?", "Five?", "Six?"]
"""


def test_plan_gives_roster_and_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--plan gives host, guests and tag: the host's announcement is mitigated as the host's."""
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN, encoding="utf-8")
    path = EVAL / "sessions" / "en-finance.jsonl"
    code, objs, err = run([str(path), "--plan", str(plan)], capsys)
    assert code == 0 and err == ""
    last = objs[-1]
    assert last["author"] == "finchat_rae" and not last["promo"]
    assert any("host" in r for r in last["reasons"])


def test_bad_plan_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A plan that does not parse: one line naming it, exit 2."""
    plan = tmp_path / "plan.toml"
    plan.write_text("tag = \n", encoding="utf-8")
    code = flag.run(parse([str(EVAL / "sessions" / "en-dev.jsonl"), "--plan", str(plan)]))
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and "plan.toml" in err
