"""Opening a chat database for reading and writing reports without overwriting by accident."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tchat_tui.domain.errors import TchatError
from tchat_tui.store.database import Store
from tchat_tui.store.errors import StoreError
from tchat_tui.store.precheck import is_chat_database


class ReportError(TchatError):
    """A database or an output file that cannot be used; the message is one line."""


def open_chat_database(path: Path) -> Store:
    """Open an existing tchat-live database; never create or convert one.

    Raises:
        ReportError: no such file, a folder, an empty file, or not a tchat-live chat database.
    """
    if not path.exists():
        if not path.parent.exists():
            raise ReportError(f"{path}: no such database (the folder {path.parent} does not exist)")
        raise ReportError(f"{path}: no such database")
    if path.is_dir():
        raise ReportError(f"{path} is a folder, not a chat database")
    if path.stat().st_size == 0:
        raise ReportError(f"{path} is empty, not a tchat-live chat database")
    # Look before Store.open, which would adopt an empty SQLite file as a new chat database.
    if not is_chat_database(path):
        raise ReportError(f"{path} is not a tchat-live chat database")
    try:
        return Store.open(path)
    except StoreError as exc:
        raise ReportError(str(exc)) from None


def check_writable(out: Path | None, force: bool) -> None:
    """Refuse an existing output file unless `force` (checked before any work is done).

    Raises:
        ReportError: the file exists and `force` is not set, or it is a folder.
    """
    if out is None or str(out) == "-":
        return
    if out.is_dir():
        raise ReportError(f"{out} is a folder")
    if out.exists() and not force:
        raise ReportError(f"{out} exists (use --force to overwrite it)")


def write_output(out: Path | None, chunks: Iterable[str], force: bool) -> None:
    """Write to `out` (stdout when None or '-'), atomically: a failed write leaves the old file.

    Raises:
        ReportError: the file exists without `force`, or cannot be written.
    """
    if out is None or str(out) == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    check_writable(out, force)
    folder = out.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=folder)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
        if out.exists() and not force:  # appeared while we were writing
            raise ReportError(f"{out} exists (use --force to overwrite it)")
        os.replace(tmp, out)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
