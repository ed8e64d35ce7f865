"""Clear refusals: a `--db` in a folder that does not exist, a plan without questions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.domain.plan.check import check_plan
from tchat_tui.domain.plan.model import Plan, PlanError
from tchat_tui.domain.plan.read import parse_plan
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tests.factories import stream_line

NO_QUESTIONS = 'tag = "#Care"\ntopic = "Care"\nhost = "hostess"\nquestions = []\n'


@pytest.fixture(autouse=True)
def no_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were a refusal missed, the console would not take over the terminal: it returns at once."""
    from tchat_tui.ui.app import ChatApp

    monkeypatch.setattr(ChatApp, "run", lambda self, *a, **k: None)


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The whole error output is one line, without a traceback."""
    err = capsys.readouterr().err.strip()
    assert err and "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


def a_recording(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    src.write_text(stream_line("1", "A1 hello #Care") + "\n")
    return src


def argv_for(command: str, db: Path, src: Path) -> list[str]:
    return {
        "console": ["#Care", "--db", str(db)],
        "replay": ["#Care", "--replay", str(src), "--db", str(db)],
        "import": ["import", str(src), "--db", str(db)],
        "summary": ["summary", "--db", str(db)],
        "export": ["export", "--db", str(db), "--format", "csv"],
    }[command]


@pytest.mark.parametrize("command", ["console", "replay", "import", "summary", "export"])
def test_a_db_in_a_missing_folder_is_refused_and_nothing_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A mistyped folder is not created (an empty chat would start instead of the one meant)."""
    src = a_recording(tmp_path)
    missing = tmp_path / "typo" / "deeper"
    assert main(argv_for(command, missing / "chat.db", src)) == 2
    err = one_line(capsys)
    assert str(missing / "chat.db") in err
    if command in ("console", "replay", "import"):
        assert "folder" in err and "does not exist; create it or choose another --db" in err
    assert not (tmp_path / "typo").exists()


def test_the_default_data_folder_is_still_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db, the data folder is ours: made on first use."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    session = ChatSession(Settings(tag="Care"), open_now=False)
    assert session.db_path.parent.is_dir()
    assert session.db_path.parent.is_relative_to(tmp_path / "data")


def test_a_plan_without_questions_does_not_read() -> None:
    """`questions = []`: the plan says which line and why."""
    with pytest.raises(PlanError, match=r"plan.toml:4: 'questions' is empty: .* at least one"):
        parse_plan(NO_QUESTIONS)


@pytest.mark.parametrize("command", ["console", "import", "plan check"])
def test_a_plan_without_questions_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """The console and `import` refuse it; `plan check` says why."""
    plan = tmp_path / "plan.toml"
    plan.write_text(NO_QUESTIONS, encoding="utf-8")
    db = tmp_path / "c.db"
    argv = {
        "console": ["--plan", str(plan), "--db", str(db)],
        "import": ["import", str(a_recording(tmp_path)), "--plan", str(plan), "--db", str(db)],
        "plan check": ["plan", "check", str(plan)],
    }[command]
    assert main(argv) == 2
    assert "'questions' is empty: a chat needs at least one question" in one_line(capsys)
    assert not db.exists()


def test_the_check_of_a_plan_without_questions_fails() -> None:
    """A Plan built in code without questions: `check_plan` has an error row for it."""
    plan = Plan(tag="#Care", topic="Care", host="hostess", questions=[])
    report = check_plan(plan, datetime(2026, 1, 1, tzinfo=UTC))
    assert report.failed
    assert [f.message for f in report.findings if f.subject == "questions"] == [
        "no questions: a chat needs at least one"
    ]


def test_summary_and_export_name_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """summary and export on a --db whose folder does not exist say which folder, in one line."""
    db = tmp_path / "nowhere" / "chat.db"
    for argv in (["summary", "--db", str(db)], ["export", "--db", str(db), "--format", "csv"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and f"the folder {db.parent} does not exist" in err
    assert not db.parent.exists()
