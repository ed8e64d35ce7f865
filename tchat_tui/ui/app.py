"""The console app and the one factory that builds it (used by the CLI, the tests and the bench)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import App
from textual.widgets import Input, TextArea

from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.ui.chat_time import show_times_in
from tchat_tui.ui.focus import caught_up
from tchat_tui.ui.leaving import farewell, unsent_posts, where_kept
from tchat_tui.ui.modals.confirm_quit import ConfirmQuit
from tchat_tui.ui.modals.pending_quit import PendingQuit, QuitChoice
from tchat_tui.ui.screens.main import MainScreen
from tchat_tui.ui.widgets.composer import Composer
from tchat_tui.ui.widgets.stream import StreamPane

_CLAIMING = (
    events.Key,
    events.Paste,
    events.MouseDown,
    events.MouseUp,
    events.MouseScrollDown,
    events.MouseScrollUp,
)
"""Input that the host waits to see answered (a mouse merely moving does not claim)."""


class ChatApp(App[int]):
    """tchat-live: the host's console for one hashtag chat."""

    CSS_PATH = "console.tcss"
    TITLE = "tchat-live"

    def __init__(self, session: ChatSession) -> None:
        super().__init__()
        self.session = session
        """The chat: the main screen opens it after the first frame; the app shuts it down."""
        self.title = f"tchat-live #{session.tag}"
        self.main: MainScreen | None = None
        self.farewell = ""
        """What the host was told on the way out (posts the outbox still held), if anything."""
        self.kept = ""
        """Said once the terminal is back: where the chat is stored, how to summarize it."""
        show_times_in(session.zone)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The command palette opens over the main screen only: its commands are the main
        screen's, and Textual's palette opened over a modal that is closing could query its own
        list before composing it (NoMatches: a crash, seen in the walkthrough)."""
        if action == "command_palette" and not isinstance(self.screen, MainScreen):
            return False
        return super().check_action(action, parameters)

    async def on_event(self, event: events.Event) -> None:
        """Input first: a key or a click claims the next milliseconds from the pipeline.

        A key for the stream runs its command here, in the order the keys came: Textual would
        post it to the stream, whence it bubbles back to the app for its binding, while the
        next keys of the same burst (a paste, fast typing over ssh or tmux) are already posted
        to the stream too. After `r` or `i` moved the focus to the composer, those keys would
        still run as one-key commands (`rmerci` muted the author instead of typing "merci").
        Here each key finds the focus that the previous one left. So does a key that a text
        field does not type (Esc leaves the composer: the next keys are the stream's again),
        once the field has typed the keys before it (Enter sends "merci", not ""), and a key
        on the quit question (`n`, then the burst goes on in the draft).
        """
        if isinstance(event, _CLAIMING):
            self.session.foreground.touch()
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and (
                isinstance(self.focused, StreamPane)
                # In a text field only the keys it does not type (Esc leaves the composer).
                or (isinstance(self.focused, (Input, TextArea)) and not event.is_printable)
                # Its keys are all bindings: `n` gives the next keys back to the draft at once.
                or isinstance(self.screen, (ConfirmQuit, PendingQuit))
            )
            and self.screen.maximized is None
        ):
            self.app_focus = True
            if isinstance(self.focused, (Input, TextArea)):
                # The printable keys before this one went to the field's own queue: typed first.
                await caught_up(self.focused)
            # Textual's own binding lookup (pinned exactly): priority bindings first, then the
            # chain from the focused widget up, as the bubbled key would have found them.
            if await self._check_bindings(event.key, priority=True) or await self._check_bindings(
                event.key
            ):
                return
        await super().on_event(event)

    async def action_quit(self) -> None:
        """ctrl+q: quit without losing what the host wrote.

        Sends still in their undo window are asked about first (send now, drop, or stay: they
        were not accepted yet), then a draft never sent (typed, or set aside); ctrl+q on either
        question quits. A send whose window ended is already an outbox row (with no window,
        Enter makes it at once, even in the same burst as ctrl+q): the outbox worker gets a
        moment to send it, and what it still holds is said in one line on the way out (it goes
        at the next start).
        """
        if isinstance(self.screen, ConfirmQuit):
            self.screen.dismiss(True)
            return
        if isinstance(self.screen, PendingQuit):  # ctrl+q twice: they were sent with Enter
            self.screen.dismiss("send")
            return
        composers = list(self.main.query(Composer)) if self.main is not None else []
        held = [p.what for p in composers[0].pending.held] if composers else []
        if held:  # not accepted yet: asked about before the drafts, their clocks stopped
            composers[0].pending.pause()
            self.push_screen(PendingQuit(held), self._pending_decided)
            return
        drafts = composers[0].unsent() if composers else []
        if drafts:
            self.push_screen(ConfirmQuit(drafts), self._quit_confirmed)
            return
        await self._leave()

    async def _pending_decided(self, choice: QuitChoice | None) -> None:
        """Sends held on ctrl+q: sent now (to the outbox, then the usual wait) or dropped."""
        composers = list(self.main.query(Composer)) if self.main is not None else []
        if not composers:
            return
        if choice not in ("send", "drop"):
            composers[0].pending.resume()
            return
        if choice == "send":
            composers[0].pending.release_all()
        else:
            composers[0].pending.drop_all()
        await self.action_quit()

    async def _quit_confirmed(self, leave: bool | None) -> None:
        if leave:
            await self._leave()

    async def _leave(self) -> None:
        self.farewell = farewell(await unsent_posts(self.session))
        # Printed by Textual once the terminal is back to the shell (on stderr).
        self.exit(message=Text(self.farewell) if self.farewell else None)

    def on_unmount(self) -> None:
        """The console is closing: stop the workers, save the costs, close the database."""
        if not self.error:
            self.kept = where_kept(self.session)
        self.session.shutdown()

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's "Screenshot": an SVG beside the chat's database, said in a toast.

        Textual saves into the Downloads folder, which a server seldom has ("Failed to save
        screenshot"); the database's folder exists (the console refuses to start otherwise).
        """
        folder = Path(path) if path else self.session.db_path.parent
        return super().deliver_screenshot(
            filename or _screenshot_name(self.session.tag, folder), str(folder), time_format
        )

    def get_default_screen(self) -> MainScreen:
        """The main screen is the first thing painted (no blank screen before it)."""
        self.main = MainScreen(self.session)
        return self.main

    @property
    def error(self) -> str | None:
        """Why the console stopped before the chat opened, if it did (one line)."""
        return self.main.error if self.main is not None else None


def _screenshot_name(tag: str, folder: Path) -> str:
    """`tchat-live-TAG-2026-11-26_19-42-10.svg` (the machine's time in the chat's zone), not
    one already in `folder`."""
    from tchat_tui.ui.chat_time import ShownZone

    stem = f"tchat-live-{tag or 'chat'}-{datetime.now(ShownZone.get()):%Y-%m-%d_%H-%M-%S}"
    name, n = f"{stem}.svg", 1
    while (folder / name).exists():
        n += 1
        name = f"{stem}-{n}.svg"
    return name


def build_app(settings: Settings) -> ChatApp:
    """The console for `settings`, owning its session.

    The settings and the plan are read and checked now: what the database would refuse raises
    its one-line error (StoreError, SourceError, PlanError, TagError, OSError) before any screen.
    The database opens after the first frame; the session is shut down when the app exits.
    """
    return ChatApp(ChatSession(settings, open_now=False))
