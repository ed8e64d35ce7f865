"""The composer: reply context, the draft, a live count per network, why sending is blocked,
and the sends waiting out their undo window."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import Static, TextArea

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import NetworkRules, TextCheck, check_for_networks, rules_for
from tchat_tui.domain.text.tag import ensure_tag
from tchat_tui.ui.focus import focus_now
from tchat_tui.ui.pending_send import DEFAULT_UNDO_SECONDS, PendingSends
from tchat_tui.ui.safe import one_line
from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.widgets.draft_area import DraftArea
from tchat_tui.ui.widgets.draft_check import block_reason, counts_line, detail_line, promo_warning

SendDraft = Callable[[str, str, StreamEntry | None], bool]
"""Sends a draft the host accepted with Enter: (final text, 'post' or 'reply', the post replied
to) -> whether it was accepted (held for its undo window, or its outbox rows committed)."""
PENDING_TICK = 0.25
"""How often the countdown of held sends is redrawn and their windows checked (seconds)."""


class Composer(Vertical):
    """Writes a post, a reply, or the next question; the tag is added automatically."""

    DEFAULT_CSS = """
    Composer { height: auto; padding: 0 1; border-top: solid $primary; }
    Composer #reply-context { height: 1; color: $text-muted; }
    Composer #draft { height: 3; border: tall $primary-darken-2; padding: 0 1; }
    Composer #draft:focus { border: tall $accent; }
    Composer #draft-check { height: 2; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Back to stream", id="composer-cancel"),
        Binding("ctrl+t", "toggle_tag", "Auto tag", id="toggle-tag"),
        Binding("ctrl+y", "swap_draft", "Set-aside draft", id="swap-draft"),
    ]

    reply_to: var[StreamEntry | None] = var(None)
    """The post being replied to, if any."""
    auto_tag: var[bool] = var(True)
    """Add the chat's tag when the draft lacks it."""

    def __init__(
        self,
        tag: str,
        networks: Sequence[Network],
        *,
        classic: bool = False,
        promo_rules: Any = None,
        limits: Mapping[Network, NetworkRules] | None = None,
        send: SendDraft | None = None,
        undo_seconds: float = DEFAULT_UNDO_SECONDS,
        **kw: str,
    ) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.tag = tag
        self.pending = PendingSends(undo_seconds)
        """Sends waiting out their undo window (ctrl+z cancels the newest), shown on the
        context line."""
        self.send = send
        """Where Enter sends the draft (the screen's sending actions), called at the key itself."""
        self.promo_rules = promo_rules
        """The chat's promo rules (the scorer's), for the warning on the host's draft."""
        self.networks = tuple(networks)
        self.classic = classic
        self.rules: dict[Network, NetworkRules] = {
            n: (limits or {}).get(n) or rules_for(n, classic=classic) for n in self.networks
        }
        """Each target network's counting rules (a Mastodon instance's own limit when known)."""
        self.checks: list[TextCheck] = []
        self.kind = "post"
        self._pending_shown = False
        self.aside: list[tuple[str, StreamEntry | None]] = []
        """Drafts that `start` replaced (text, post replied to), newest last: ctrl+y swaps the
        draft with the newest; none is ever dropped."""

    def compose(self) -> ComposeResult:
        """Reply context, the draft, the checks."""
        yield Static(id="reply-context")
        yield DraftArea(
            placeholder="Write a post (i) · Enter sends · ctrl+j new line · Esc back",
            submit=self.submit,
            swap=self.action_swap_draft,
            id="draft",
        )
        yield Static(id="draft-check")

    def on_mount(self) -> None:
        """Show the empty state; check the held sends' windows a few times a second."""
        self._show_context()
        self._check()
        self.set_interval(PENDING_TICK, self.tick_pending)

    @property
    def draft(self) -> DraftArea:
        """The draft's text area."""
        return self.query_one("#draft", DraftArea)

    def tick_pending(self) -> None:
        """Send the held sends whose window ended; redraw the countdown while any is held."""
        if not self.pending.held and not self._pending_shown:
            return
        self.pending.release_due()
        self._show_context()

    def hold(
        self,
        what: str,
        send: Callable[[], object],
        cancelled: Callable[[], object] | None = None,
        key: str = "",
    ) -> None:
        """Hold a send for the undo window (sent at once when the window is 0) and show it."""
        self.pending.hold(what, send, cancelled, key)
        self._show_context()

    def cancel_newest(self) -> bool:
        """ctrl+z: cancel the newest held send (a draft comes back); False if none was held."""
        cancelled = self.pending.cancel_newest()
        self._show_context()
        if cancelled is None:
            return False
        self.notify(f"Cancelled: {cancelled.what} (never sent).", timeout=4, markup=False)
        return True

    def final_text(self) -> str:
        """The text that would be sent: the draft with the tag added when auto-tag is on."""
        text = self.draft.value.strip()
        if self.auto_tag and text and self.tag:
            try:
                return ensure_tag(text, self.tag)
            except ValueError:
                return text
        return text

    def start(self, text: str = "", reply_to: StreamEntry | None = None) -> None:
        """Begin a draft (a reply when `reply_to` is given) and focus it.

        A draft in progress is never thrown away: a reply with no text of its own keeps it and
        only changes the post replied to; anything else sets it aside (ctrl+y brings it back).
        """
        current = self.draft.value
        if current.strip() and current != text:
            if reply_to is not None and not text:
                text = current
                self.notify(f"Draft kept: now replying to @{one_line(reply_to.handle)}.", timeout=4)
            else:
                self.aside.append((current, self.reply_to))
                waiting = f" ({len(self.aside)} set aside)" if len(self.aside) > 1 else ""
                self.notify(f"Your draft was set aside{waiting}: ctrl+y brings it back.", timeout=6)
        self._set(text, reply_to)

    def _set(self, text: str, reply_to: StreamEntry | None) -> None:
        self.kind = "reply" if reply_to is not None else "post"
        self.reply_to = reply_to
        self.draft.value = text
        focus_now(self.draft)
        self._check()

    def action_swap_draft(self) -> None:
        """Swap the draft with the newest one set aside (an empty draft is not kept)."""
        if not self.aside:
            self.notify("No draft set aside.", severity="warning")
            return
        text, reply_to = self.aside.pop()
        current = self.draft.value
        if current.strip():
            self.aside.insert(0, (current, self.reply_to))  # the oldest: ctrl+y cycles them all
        self._set(text, reply_to)

    def watch_reply_to(self) -> None:
        """Show whom we reply to."""
        if self.is_mounted:
            self._show_context()

    def watch_auto_tag(self) -> None:
        """Re-check with or without the automatic tag."""
        if self.is_mounted:
            self._show_context()
            self._check()

    def set_rules(self, rules: Mapping[Network, NetworkRules]) -> None:
        """Count against new rules (a Mastodon instance's limit, once its source read it)."""
        fresh = {n: rules.get(n) or self.rules[n] for n in self.networks}
        if fresh != self.rules:
            self.rules = fresh
            if self.is_mounted:
                self._check()

    def _show_context(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis")
        held = self.pending.status()
        self._pending_shown = bool(held)
        if held:
            line.append(f" ⏳ {one_line(held)} ", "bold black on yellow")
            line.append("  ")
        entry = self.reply_to
        if entry is not None:
            line.append("↳ replying to ", "bold")
            line.append(f"@{entry.handle}: ", "bold cyan")
            line.append(entry.text)
        else:
            line.append("new post", "bold")
        line.append(f"   tag #{one_line(self.tag)} {'added' if self.auto_tag else 'NOT added'}")
        line.append(" automatically (ctrl+t)", "dim")
        self.query_one("#reply-context", Static).update(line, layout=False)

    @on(TextArea.Changed, "#draft")
    def _changed(self) -> None:
        self.draft.fit_rows()
        self._check()

    def _check(self) -> None:
        text = self.final_text()
        self.checks = check_for_networks(
            text, self.networks, self.tag or None, self.rules, classic=self.classic
        )
        promo = promo_warning(text, self.tag, self.promo_rules)
        lines = [
            counts_line(text, self.checks),
            detail_line(self.draft.value, text, self.checks, self.rules, promo),
        ]
        self.query_one("#draft-check", Static).update(Text("\n").join(lines), layout=False)

    def block_reason(self) -> str:
        """Why the draft cannot be sent ('' when it can)."""
        return block_reason(self.final_text(), self.checks)

    def submit(self) -> None:
        """Send the draft as it is now (Enter): checked, handed to `send`, then cleared.

        Synchronous, so the keys behind Enter find the draft sent and the stream focused; a
        draft that is refused (not sendable, or not queued) stays in the composer.
        """
        self._check()
        reason = self.block_reason()
        if reason:
            self.app.bell()
            self.notify(f"Not sent: {reason}", severity="error", timeout=6)
            return
        if self.send is not None and self.send(self.final_text(), self.kind, self.reply_to):
            self.clear()

    def unsent(self) -> list[str]:
        """The drafts that were never sent: the one being written, then those set aside."""
        drafts = [self.draft.value, *(text for text, _ in reversed(self.aside))]
        return [d for d in drafts if d.strip()]

    def clear(self) -> None:
        """Empty the draft and forget the reply context."""
        self.draft.value = ""
        self.reply_to = None
        self.kind = "post"
        self._check()

    def action_cancel(self) -> None:
        """Leave the composer (the draft stays) and go back to the stream."""
        if self.reply_to is not None and not self.draft.value:
            self.reply_to = None
            self.kind = "post"
        focus_now(self.screen.query_one("StreamPane"))

    def action_toggle_tag(self) -> None:
        """Turn the automatic tag on or off."""
        self.auto_tag = not self.auto_tag
