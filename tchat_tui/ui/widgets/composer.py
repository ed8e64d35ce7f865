"""The composer: reply context, the draft, a live count per network, and why sending is blocked."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region
from textual.reactive import var
from textual.widgets import Input, Static

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import NetworkRules, TextCheck, check_for_networks, rules_for
from tchat_tui.domain.text.tag import ensure_tag
from tchat_tui.ui.focus import focus_now
from tchat_tui.ui.safe import one_line
from tchat_tui.ui.stream_entry import StreamEntry

NETWORK_NAMES = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}

SendDraft = Callable[[str, str, StreamEntry | None], bool]
"""Sends a draft the host accepted with Enter: (final text, 'post' or 'reply', the post replied
to) -> whether it was accepted (its outbox rows committed)."""


@cache
def _default_promo_rules() -> Any:
    """The default promo rules, or None when they cannot be loaded."""
    try:
        from tchat_tui.domain.promo.rules import default_rules

        return default_rules()
    except Exception:  # the composer works without promo warnings
        return None


def promo_warning(text: str, tag: str, rules: Any = None) -> str:
    """Why the host's draft reads as promotional ('' when it does not)."""
    if not text.strip():
        return ""
    rules = rules if rules is not None else _default_promo_rules()
    if rules is None:
        return ""
    from tchat_tui.domain.promo.draft import score_draft

    result = score_draft(text, tag, rules)
    if not result.promo:
        return ""
    return "; ".join(result.reasons("en")[:-1])


class DraftInput(Input):
    """The draft line. Its box never depends on its text, so typing never re-lays out the screen.

    Textual's Input grows its virtual width with every character, and `virtual_size` is a layout
    reactive: each key press would re-arrange and repaint the whole screen, stream included.
    """

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        """Repaint the input only; its size is fixed by the composer's CSS."""
        return super().refresh(*regions, repaint=repaint, layout=False, recompose=recompose)

    async def action_submit(self) -> None:
        """Enter: the composer sends the draft now, as it is at this key.

        Textual's Input would post a `Submitted` message and the draft would be read when it is
        handled: keys that came in the same burst as Enter (tmux, ssh, a paste) are typed into
        it first (`send-keys Enter s` sent "...s #tag"), and a ctrl+q right behind Enter quit
        before the message was read (nothing sent, nothing said).
        """
        parent = self.parent
        if isinstance(parent, Composer):
            parent.submit()


class Composer(Vertical):
    """Writes a post, a reply, or the next question; the tag is added automatically."""

    DEFAULT_CSS = """
    Composer { height: auto; padding: 0 1; border-top: solid $primary; }
    Composer #reply-context { height: 1; color: $text-muted; }
    Composer #draft { border: tall $primary-darken-2; }
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
        **kw: str,
    ) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.tag = tag
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
        self.aside: list[tuple[str, StreamEntry | None]] = []
        """Drafts that `start` replaced (text, post replied to), newest last: ctrl+y swaps the
        draft with the newest; none is ever dropped."""

    def compose(self) -> ComposeResult:
        """Reply context, the draft, the checks."""
        yield Static(id="reply-context")
        yield DraftInput(
            placeholder="Write a post (i) · Enter sends · Esc back",
            id="draft",
            select_on_focus=False,
        )
        yield Static(id="draft-check")

    def on_mount(self) -> None:
        """Show the empty state."""
        self._show_context()
        self._check()

    @property
    def draft(self) -> Input:
        """The draft input."""
        return self.query_one("#draft", Input)

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
        self.draft.cursor_position = len(text)
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

    @on(Input.Changed, "#draft")
    def _changed(self) -> None:
        self._check()

    def _check(self) -> None:
        text = self.final_text()
        self.checks = check_for_networks(
            text, self.networks, self.tag or None, self.rules, classic=self.classic
        )
        line = Text(no_wrap=True, overflow="ellipsis")
        for i, c in enumerate(self.checks):
            if i:
                line.append(" · ")
            ok = c.valid or not text
            line.append(
                f"{NETWORK_NAMES.get(c.network, c.network.value)} {c.length}/{c.limit}",
                "green" if ok else "bold red",
            )
        reasons = self.block_reason()
        if reasons and text:
            line.append(f"   not sendable: {reasons}", "bold red")
        warn = Text(no_wrap=True, overflow="ellipsis")
        promo = promo_warning(text, self.tag, self.promo_rules)
        if promo:
            warn.append(" ⚠ reads as promotional ", "bold black on dark_orange")
            warn.append(f" {one_line(promo)}")
        self.query_one("#draft-check", Static).update(Text("\n").join([line, warn]), layout=False)

    def block_reason(self) -> str:
        """Why the draft cannot be sent ('' when it can)."""
        if not self.final_text():
            return "empty"
        bad = [c for c in self.checks if not c.valid]
        return "; ".join(
            f"{NETWORK_NAMES.get(c.network, c.network.value)}: {c.reason}" for c in bad
        )

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
