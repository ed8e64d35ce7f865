"""What the Bluesky gap tests share: times around NOW, tagged records, a pipeline on a store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tchat_tui.domain.classify import Classifier
from tchat_tui.domain.roster import Roster
from tchat_tui.pipeline.ingest import Pipeline
from tchat_tui.pipeline.runner import PipelineRunner
from tchat_tui.store.database import Store
from tests.mastodon.helpers import NOW

TAG = "FinMariageEnfants"


def iso(seconds: float) -> str:
    """NOW + `seconds` as Bluesky writes times."""
    moment = NOW + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tagged(text: str) -> dict[str, Any]:
    """A post record whose text starts with the tag, with its tag facet."""
    full = f"#{TAG} {text}"
    return {
        "$type": "app.bsky.feed.post",
        "text": full,
        "createdAt": iso(0),
        "facets": [
            {
                "index": {"byteStart": 0, "byteEnd": len(TAG) + 1},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": TAG}],
            }
        ],
    }


def pipeline_runner(tmp_path: Path) -> tuple[PipelineRunner, Store, int]:
    """A pipeline runner (the real sink) on a new chat in a temporary store."""
    store = Store.open(tmp_path / "chat.db")
    chat_id = store.ensure_chat(TAG)
    return (
        PipelineRunner(Pipeline(store, chat_id, Classifier(Roster("host", ()), TAG))),
        store,
        chat_id,
    )
