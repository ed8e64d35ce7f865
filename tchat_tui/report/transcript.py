"""The transcript export: one row per post (CSV or JSON), in time order, read in batches.

Every post of the chat is there, hidden ones too, with their `hidden` flag, so the record is
complete; `author_muted` says whether the post's author is muted (mutes are per author).
`visible_only` leaves hidden, deleted and dry-run posts out, and muted authors' posts. Credentials are never in
the database, so never here; the raw network payload is not exported.

Untrusted text stays text: in CSV, unsafe code points (`domain.text.untrusted`) become '\ufffd'
and a cell a spreadsheet would run as a formula gets a leading apostrophe; in JSON, texts are
exact, with every control and bidi control escaped (`\\u001b`), never raw. A post's `url` is
built from validated parts only (`report.links`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tchat_tui.domain.text.untrusted import json_text, neutral
from tchat_tui.report.links import post_link
from tchat_tui.store import summary_queries as q

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

COLUMNS = (
    "post_id network author author_name role time text question answers audience_question"
    " claimed_by answered answered_by answered_at reply_to repost flag flag_score flag_reasons starred hidden deleted dry_run author_muted"
    " likes"
    " reposts url"
).split()
"""The export's columns (CSV header and JSON keys), in order."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _native(key: str | None) -> str | None:
    if not key:
        return None
    head, _, rest = key.partition(":")
    if head == "mastodon" and ":" in rest:
        return rest.rsplit(":", 1)[1]  # after the instance, which may hold a port's colon
    return rest or None


def export_rows(store: Store, chat: int, *, visible_only: bool = False) -> Iterator[dict[str, Any]]:
    """The transcript's rows as dicts keyed by `COLUMNS`."""
    for r in q.transcript(store.db, chat):
        if visible_only and (r["hidden"] or r["deleted"] or r["dry_run"] or r["author_muted"]):
            continue
        metrics = json.loads(r["metrics"]) if r["metrics"] else {}
        reasons = json.loads(r["promo_reasons"]) if r["promo_reasons"] else []
        yield {
            "post_id": r["native_id"],
            "network": r["network"],
            "author": r["author_handle"],
            "author_name": r["author_name"],
            "role": r["role"],
            "time": r["created_at"],
            "text": r["text"],
            "question": r["question_number"],
            "answers": r["answers"],
            "audience_question": bool(r["audience_question"]),
            "claimed_by": r["claimed_by"],
            "answered": bool(r["answered"]),
            "answered_by": r["answered_by"],
            "answered_at": r["answered_at"],
            "reply_to": _native(r["reply_to_key"]),
            "repost": bool(r["is_repost"]),
            "flag": r["promo_level"] or "none",
            "flag_score": r["promo_score"],
            "flag_reasons": list(reasons),
            "starred": bool(r["starred"]),
            "hidden": bool(r["hidden"]),
            "deleted": bool(r["deleted"]),
            "dry_run": bool(r["dry_run"]),
            "author_muted": bool(r["author_muted"]),
            "likes": metrics.get("like_count"),
            "reposts": metrics.get("retweet_count", metrics.get("repost_count")),
            "url": post_link(r["network"], r["native_id"], r["author_handle"], r["instance"]),
        }


_BOOL_CELLS = [
    COLUMNS.index(c)
    for c in (
        "audience_question",
        "answered",
        "repost",
        "starred",
        "hidden",
        "deleted",
        "dry_run",
        "author_muted",
    )
]
_REASONS_CELL = COLUMNS.index("flag_reasons")
_TEXT_CELLS = [
    COLUMNS.index(c)
    for c in (
        "post_id network author author_name role time text claimed_by answered_by answered_at"
        " reply_to flag flag_reasons url"
    ).split()
]
"""Every column that holds text (the others are numbers and booleans, typed by the store)."""
_FORMULA_CHARS = frozenset(_FORMULA_START)


def csv_cells(row: dict[str, Any]) -> list[Any]:
    """One CSV line's cells: booleans as 0/1, reasons joined with '; ', None as empty.

    In every text cell, unsafe code points become '\ufffd' (tab and line breaks stay: CSV quotes
    them), and a text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
    leading apostrophe.
    """
    cells = [row[c] for c in COLUMNS]
    for i in _BOOL_CELLS:
        cells[i] = int(cells[i])
    cells[_REASONS_CELL] = "; ".join(cells[_REASONS_CELL])
    for i in _TEXT_CELLS:
        value = cells[i]
        if value and (value[0] in _FORMULA_CHARS or not value.isprintable()):
            cells[i] = _safe_cell(value)
    return cells


def _safe_cell(value: str) -> str:
    """A text cell with its unsafe code points replaced, an apostrophe before a formula."""
    formula = value.startswith(_FORMULA_START)  # a leading CR is one, even once made a LF
    value = neutral(value)
    return "'" + value if formula or value.startswith(_FORMULA_START) else value


def to_csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """CSV text in chunks: a header, then one line per post."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for i, row in enumerate(rows, 1):
        writer.writerow(csv_cells(row))
        if i % 1000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def to_json(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON array of post objects, in chunks (texts exactly as stored, controls escaped)."""
    yield "["
    sep = "\n"
    for row in rows:
        yield sep + json_text(json.dumps(row, ensure_ascii=False))
        sep = ",\n"
    yield "\n]\n"
