"""`tchat-live plan new|check|share`: a plan written, checked line by line, shared in advance."""

from __future__ import annotations

from pathlib import Path

import pytest

from tchat_tui.cli.main import main
from tchat_tui.domain.plan.read import load_plan

DEMO_PLAN = Path(__file__).resolve().parent.parent / "tchat_tui" / "data" / "demo" / "plan.toml"
BEFORE = "2026-11-01T12:00:00+00:00"


def test_new_plan_reads_back_and_passes_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan new` writes a commented plan that loads and passes `plan check` as written."""
    out = tmp_path / "care.toml"
    assert main(["plan", "new", "#CareChat", "--out", str(out), "--now", BEFORE]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("\n# ") >= 5, "the plan explains itself in comments"
    plan = load_plan(out)
    assert plan.tag == "#CareChat" and plan.duration_minutes == 60 and len(plan.questions) == 6
    assert set(plan.templates) == {"welcome", "rules", "intro", "last_call", "thanks"}
    capsys.readouterr()
    assert main(["plan", "check", str(out), "--now", BEFORE]) == 0
    assert "Ready" in capsys.readouterr().out


def test_new_plan_never_overwrites_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing file is kept unless --force is given."""
    out = tmp_path / "plan.toml"
    out.write_text("mine", encoding="utf-8")
    assert main(["plan", "new", "#CareChat", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"
    assert main(["plan", "new", "#CareChat", "--out", str(out), "--force"]) == 0
    assert "CareChat" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("tag", ["#2026", "#care-chat", ""])
def test_new_plan_refuses_a_tag_that_is_not_a_hashtag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tag: str
) -> None:
    """Only a real hashtag gets a plan."""
    assert main(["plan", "new", tag, "--out", str(tmp_path / "p.toml")]) == 2
    assert "not a hashtag" in capsys.readouterr().err
    assert not (tmp_path / "p.toml").exists()


def test_check_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Every `Qn: ... #tag` and every template, its length on X, ok; the tag, numbering, start."""
    assert main(["plan", "check", str(DEMO_PLAN), "--now", BEFORE]) == 0
    out = capsys.readouterr().out
    for label in [f"Q{i}" for i in range(1, 9)] + ["welcome", "rules", "intro", "last_call"]:
        assert any(line.startswith(label + " ") for line in out.splitlines()), label
    assert "109/280 ok" in out and "Q1: Concrètement" in out
    assert "ok      tag" in out and "ok      questions" in out and "ok      start" in out


def test_check_fails_when_a_post_is_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A question over the limit on one network: 'over by N', the reason, exit 1."""
    text = DEMO_PLAN.read_text(encoding="utf-8").replace(
        'networks = ["x"]', 'networks = ["x", "bluesky"]'
    )
    text = text.replace("Un conseil pour", "Un conseil " + "très " * 50 + "pour")
    plan = tmp_path / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    assert main(["plan", "check", str(plan), "--now", BEFORE]) == 1
    out = capsys.readouterr().out
    q8 = next(line for line in out.splitlines() if line.startswith("Q8 "))
    assert "over by" in q8
    assert "Q8 on Bluesky: over the Bluesky limit" in out
    assert "Not ready" in out


def test_check_fails_after_the_start(capsys: pytest.CaptureFixture[str]) -> None:
    """A start in the past is an error: exit 1."""
    assert main(["plan", "check", str(DEMO_PLAN), "--now", "2026-12-01T00:00:00Z"]) == 1
    assert "in the past" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('tag = "#A"\nquestions = [\n', "plan.toml:3: not valid TOML"),
        ('tag = "#A"\ntopic = "t"\nhost = 4\nquestions = []\n', "plan.toml:3: 'host' must be"),
        ('tag = "#A"\ntopic = "t"\nquestions = []\n', "missing field 'host'"),
    ],
)
@pytest.mark.parametrize("action", ["check", "share"])
def test_bad_plan_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str, action: str
) -> None:
    """A broken plan: one line naming the file and line, exit 2, no traceback."""
    plan = tmp_path / "plan.toml"
    plan.write_text(content, encoding="utf-8")
    assert main(["plan", action, str(plan)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert message in err


def test_share_prints_markdown_plain_text_and_promotion(capsys: pytest.CaptureFixture[str]) -> None:
    """The questions in Markdown and plain text (as posted), then promotion posts."""
    assert main(["plan", "share", str(DEMO_PLAN)]) == 0
    out = capsys.readouterr().out
    assert "- **Q1:** Concrètement" in out
    assert (
        "\nQ8: Un conseil pour quelqu'un qui devient aidant·e aujourd'hui ? #AidantsChat\n" in out
    )
    assert "Thursday 26 November 2026, 19:00-20:00" in out
    promo = out.split("# Promotion posts", 1)[1]
    assert "[announcement]" in promo and "#AidantsChat" in promo
