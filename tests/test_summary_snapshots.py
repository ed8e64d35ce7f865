"""The public recap as people will read it, Markdown and HTML, compared with reviewed snapshots.

Three real-sized chats: the bundled demo (French majority, bilingual), and the labelled French
(Québec/Lyon) and Spanish chats of tests/judgement/, each imported with its plan as a host would.
The files live in `snapshots/test_summary_snapshots/`; after a deliberate change, regenerate them with
`pytest tests/test_summary_snapshots.py --snapshot-update` and read the diff before committing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from syrupy import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tchat_tui.cli.main import main
from tchat_tui.report.build import build_summary
from tchat_tui.report.render import render
from tchat_tui.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "snapshots" / "test_summary_snapshots"
CHATS = ROOT / "tests" / "judgement" / "chats"
DEMO = ROOT / "tchat_tui" / "data" / "demo"
SOURCES = {
    "demo": (DEMO / "chat.jsonl", DEMO / "plan.toml", None),
    "fr-sante": (CHATS / "fr-sante.jsonl", CHATS / "fr-sante.plan.toml", "America/Toronto"),
    "es-farms": (CHATS / "es-farms.jsonl", CHATS / "es-farms.plan.toml", "America/Bogota"),
}
"""Chat -> (recording, plan, time zone when the plan gives none)."""


class _Recap(SingleFileSnapshotExtension):
    """One readable text file per snapshot, under `snapshots/test_summary_snapshots/`."""

    _write_mode = WriteMode.TEXT

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        """Every recap snapshot in one reviewed folder."""
        return str(SNAPSHOTS)


class _Markdown(_Recap):
    _file_extension = "md"


class _Html(_Recap):
    _file_extension = "html"


_DBS: dict[str, Path] = {}


@pytest.fixture
def chat_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The chat imported with its plan (once per chat)."""
    name = request.node.callspec.params["chat"]
    if name not in _DBS:
        stream, plan, _ = SOURCES[name]
        db = tmp_path_factory.mktemp(name) / "chat.db"
        assert main(["import", str(stream), "--db", str(db), "--plan", str(plan)]) == 0
        _DBS[name] = db
    return _DBS[name]


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("chat", list(SOURCES))
def test_recap_snapshot(
    chat: str,
    fmt: str,
    chat_db: Path,
    snapshot: SnapshotAssertion,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The recap of each chat in each format is the reviewed one (labels in the chat's language,
    quotes cleaned, links expanded, answers in time order, no first-timer without an earlier
    chat, nothing private)."""
    capsys.readouterr()
    zone = SOURCES[chat][2]
    store = Store.open(chat_db)
    try:
        s = build_summary(store, zone=ZoneInfo(zone) if zone else None)
    finally:
        store.close()
    extension = _Markdown if fmt == "md" else _Html
    assert render(s, fmt) == snapshot(extension_class=extension)
