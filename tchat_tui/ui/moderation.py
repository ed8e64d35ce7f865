"""Moderation on the selected post: star, hide, mute, allow, claim, author card, duty, action log.

Every action is written to the store with the name of the moderator on duty before the view changes.
"""

from __future__ import annotations

from textual.screen import Screen

from tchat_tui.session import ChatSession
from tchat_tui.ui.entries import StreamEntry
from tchat_tui.ui.feed import Feed
from tchat_tui.ui.stream import StreamPane


class ModerationScreen(Screen[None]):
    """The moderation actions of the main screen (its base class)."""

    session: ChatSession
    feed: Feed
    last_hidden: StreamEntry | None

    def refresh_panes(self) -> None:
        """Redraw header, queue and detail (the main screen implements it)."""

    def selected_or_warn(self) -> StreamEntry | None:
        """The selected post, or a hint when there is none."""
        entry = self.query_one(StreamPane).selected
        if entry is None:
            self.notify("Select a post in the stream first (↑/↓).", severity="warning")
        return entry

    @property
    def _chat(self) -> int:
        return self.session.chat_id

    def _changed(self, entry: StreamEntry) -> None:
        self.query_one(StreamPane).update_entry(entry)
        self.refresh_panes()

    def action_star(self) -> None:
        """Star or unstar the selected post."""
        entry = self.selected_or_warn()
        if entry is None:
            return
        self.session.store.set_starred(
            self._chat, entry.key, self.session.on_duty, not entry.starred
        )
        entry.starred = not entry.starred
        self._changed(entry)

    def action_hide(self) -> None:
        """Hide the selected post: it leaves the stream (and the summary), stays in the database."""
        entry = self.selected_or_warn()
        if entry is None:
            return
        self.session.store.set_hidden(self._chat, entry.key, self.session.on_duty, True)
        entry.hidden = True
        self.last_hidden = entry
        self._changed(entry)
        self.notify(f"Hidden: post by @{entry.handle} (palette: Unhide the last hidden post)")

    def action_unhide_last(self) -> None:
        """Bring back the post hidden last."""
        entry = self.last_hidden
        if entry is None:
            self.notify("Nothing hidden in this session.", severity="warning")
            return
        self.session.store.set_hidden(self._chat, entry.key, self.session.on_duty, False)
        entry.hidden = False
        self.last_hidden = None
        self._changed(entry)

    def action_mute(self) -> None:
        """Mute the selected post's author: their posts leave the stream."""
        entry = self.selected_or_warn()
        if entry is not None:
            self.set_muted(entry.author_key, True, entry.handle)

    def set_muted(self, author_key: str, muted: bool, handle: str) -> None:
        """Mute or unmute an author and refilter the stream."""
        self.session.store.set_muted(self._chat, author_key, self.session.on_duty, muted)
        stream = self.query_one(StreamPane)
        if muted:
            stream.muted.add(author_key)
        else:
            stream.muted.discard(author_key)
        stream.refilter()
        self.notify(f"{'Muted' if muted else 'Unmuted'} @{handle}")

    def action_allow(self) -> None:
        """Allow a flagged post: the moderator judged it fine (the decision is stored)."""
        entry = self.selected_or_warn()
        if entry is None:
            return
        if not entry.flagged:
            self.notify("This post is not flagged.", severity="warning")
            return
        self.session.store.record_action(
            self._chat, self.session.on_duty, "allow", entry.key, entry.promo_level
        )
        self.feed.allowed.add(entry.key)
        entry.allowed = True
        self._changed(entry)

    def _selected_audience_question(self) -> StreamEntry | None:
        """The selected post if it is an audience question (else a warning and None)."""
        entry = self.selected_or_warn()
        if entry is not None and not entry.audience:
            self.notify("This post is not an audience question.", severity="warning")
            return None
        return entry

    def action_claim(self) -> None:
        """Claim the selected audience question for the moderator on duty."""
        entry = self._selected_audience_question()
        if entry is None:
            return
        self.session.store.claim(self._chat, entry.key, self.session.on_duty)
        entry.claimed_by = self.session.on_duty
        self._changed(entry)

    def action_answered(self) -> None:
        """Mark the selected audience question answered."""
        entry = self._selected_audience_question()
        if entry is None:
            return
        self.session.store.mark_answered(self._chat, entry.key, self.session.on_duty)
        entry.answered = True
        self._changed(entry)

    def action_author_card(self) -> None:
        """Open the selected post's author: posts here, role, note, mute."""
        from tchat_tui.ui.modals import AuthorCard

        entry = self.selected_or_warn()
        if entry is None:
            return
        card = AuthorCard(self.session.store, self._chat, entry.author_key)

        def done(result: str | None) -> None:
            if result in ("mute", "unmute"):
                self.set_muted(entry.author_key, result == "mute", entry.handle)
            elif result == "note":
                self.session.store.set_note(
                    self._chat, entry.author_key, self.session.on_duty, card.note
                )
                self.notify(f"Note saved on @{entry.handle}")

        self.app.push_screen(card, done)

    def action_switch_duty(self) -> None:
        """Hand the keyboard to the next moderator."""
        who = self.session.switch_duty()
        self.refresh_panes()
        self.notify(f"On duty: {who}", timeout=3)

    def action_action_log(self) -> None:
        """Show who did what."""
        from tchat_tui.ui.modals import ActionLog

        self.app.push_screen(ActionLog(self.session.store, self._chat))
