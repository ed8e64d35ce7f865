"""What the command line (or a test) asks of a console run, where chats are stored, and the tag check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from importlib import resources
from pathlib import Path

import platformdirs

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network
from tchat_tui.domain.text.tag import normalize_tag

APP_NAME = "tchat-live"
DEMO_SPEED = 10.0
"""The demo hour plays at 10x: six minutes."""


def data_dir() -> Path:
    """The user data folder where chat databases live by default."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path(tag: str) -> Path:
    """One database per tag in the user data folder (created here if missing).

    The data folder is ours to create; a folder named with `--db` is not (a typo there is
    refused, `tchat_tui.store.precheck.check_folder_exists`). A folder that cannot be created
    is left to that check to report.
    """
    safe = (
        "".join(ch for ch in tag.lstrip("#＃").casefold() if ch.isalnum() or ch in "-_") or "chat"
    )
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return folder / f"{safe}.db"


def demo_files() -> tuple[Path, Path]:
    """The bundled demo chat (stream file) and its plan."""
    base = resources.files("tchat_tui") / "data" / "demo"
    return Path(str(base / "chat.jsonl")), Path(str(base / "plan.toml"))


class TagError(TchatError, ValueError):
    """The chat's tag is not a hashtag, or not the one of the plan or demo it goes with."""


def check_tag(tag: str) -> str:
    """`tag` without its '#' if X would read '#tag' as one whole hashtag, else TagError.

    The composer adds the tag to every post and refuses a post without it: a tag that is not a
    hashtag ('bad tag!', '#a#b', '123') would make every post unsendable.
    """
    from tchat_tui.domain.text.twitter.hashtags import extract_hashtags_with_indices

    bare = normalize_tag(tag)
    found = extract_hashtags_with_indices("#" + bare)
    if len(found) != 1 or found[0][0] != bare:
        raise TagError(
            f"{tag!r} is not a hashtag: letters, digits and _ only, not digits alone"
            " (quote it: tchat-live '#MyChat')"
        )
    return bare


@dataclass
class Settings:
    """What the command line (or a test) asks for."""

    tag: str
    db_path: Path | None = None
    replay: Path | None = None
    demo: bool = False
    speed: float | None = None
    plan_path: Path | None = None
    host: str | None = None
    guests: tuple[str, ...] = ()
    co_moderators: tuple[str, ...] = ()
    moderators: tuple[str, ...] = ()
    """Who may be on duty (switch with one key); the first starts on duty."""
    dry_run: bool = False
    networks: tuple[Network, ...] = (Network.X,)
    classic: bool = False
    """The classic 140 limit on X."""
    new_chat: bool = False
    practice: bool = False
    """Rehearse as the host on a recording (`--demo`, `--replay FILE --practice`): the recorded
    host's and co-moderators' own posts are held back, the user's sends are the host's."""
    join: bool = False
    """Open beside the running console (`--join`): follow the database, read nothing."""
    undo_seconds: float | None = None
    """How long each send waits, cancellable, before the outbox; None: the plan's, else 5 s."""
    start_sources: bool = True
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    zone: tzinfo | None = None
    """The chat's time zone (tests give one); None: the plan's, else the machine's local zone."""
