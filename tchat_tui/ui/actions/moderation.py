"""Moderation on the selected post: star, hide, mute, allow, claim, author card, duty, action log.

Every action is written to the store with the name of the moderator on duty before the view changes.
The host, the guests and the co-moderators are never muted; a mute or a hide is undone from the
palette.
"""

from __future__ import annotations

from tchat_tui.pipeline.session import ChatSession
from tchat_tui.store.moderation_history import hidden_in_chat, muted_in_chat
from tchat_tui.ui.actions.view import ConsoleView, selected_or_warn
from tchat_tui.ui.inbox import Inbox
from tchat_tui.ui.safe import one_line
from tchat_tui.ui.stream_entry import StreamEntry

NEVER_MUTED = {"host": "the host", "guest": "a guest", "co-moderator": "a co-moderator"}
"""Roles never muted (they lead the chat), and how a refusal names them."""


class Moderation:
    """The moderation actions of the main screen, on its selected post, as the moderator on duty."""

    def __init__(self, session: ChatSession, feed: Inbox, view: ConsoleView) -> None:
        self.session = session
        self.feed = feed
        """Its `allowed` keys: the flagged posts a moderator judged fine."""
        self.view = view
        self.hidden_here: list[str] = []
        """Keys of the posts hidden in this session, oldest hide first (Unhide walks it back)."""
        self.just_hidden: tuple[StreamEntry, str | None] | None = None
        """The post hidden last and the post the cursor moved to: until the cursor moves on,
        `m` mutes the hidden post's author (not the post that took its place)."""

    @property
    def _chat(self) -> int:
        return self.session.chat_id

    def _changed(self, entry: StreamEntry) -> None:
        self.view.stream.update_entry(entry)
        self.view.refresh_panes()

    def star(self) -> None:
        """Star or unstar the selected post."""
        entry = selected_or_warn(self.view)
        if entry is None:
            return
        self.session.store.set_starred(
            self._chat, entry.key, self.session.on_duty, not entry.starred
        )
        entry.starred = not entry.starred
        self._changed(entry)

    def hide(self) -> None:
        """Hide the selected post: it leaves the stream (and the summary), stays in the database."""
        entry = selected_or_warn(self.view)
        if entry is None:
            return
        self.session.store.set_hidden(self._chat, entry.key, self.session.on_duty, True)
        entry.hidden = True
        self.hidden_here.append(entry.key)
        self._changed(entry)
        after = self.view.stream.selected
        self.just_hidden = (entry, after.key if after else None)
        handle = one_line(entry.handle)
        self.view.notify(
            f"Hidden: post by @{handle} (m now mutes @{handle}; palette: Unhide the last hidden"
            " post)",
            markup=False,
        )

    def unhide_last(self) -> None:
        """Bring back the post hidden last in this session; again, the one hidden before it
        (posts unhidden since are skipped)."""
        store = self.session.store
        while self.hidden_here:
            key = self.hidden_here.pop()
            row = store.post(key)
            if row is not None and row.get("hidden"):
                self.unhide_post(key)
                return
        self.view.notify(
            "Nothing hidden in this session. (palette: Unhide a post…)", severity="warning"
        )

    def unhide_post(self, key: str) -> None:
        """Unhide a post (as the moderator on duty): back in the stream if the view holds it."""
        self.session.store.set_hidden(self._chat, key, self.session.on_duty, False)
        stream = self.view.stream
        entry = stream.by_key.get(key)
        if entry is not None:
            entry.hidden = False
            self._changed(entry)
            handle = entry.handle
        else:  # older than the view's window: unhidden in the store only
            self.view.refresh_panes()
            row = self.session.store.post(key) or {}
            handle = str(row.get("author_handle") or "?")
        self.view.notify(
            f"Unhidden: post by @{one_line(handle)} is back in the stream", markup=False
        )

    def choose_hidden_post(self) -> None:
        """Choose one of this chat's hidden posts and unhide it."""
        from tchat_tui.ui.modals.choosers import HiddenPosts

        rows = hidden_in_chat(self.session.store, self._chat)
        if not rows:
            self.view.notify("No post is hidden in this chat.", severity="warning")
            return

        def done(key: str | None) -> None:
            if key:
                self.unhide_post(key)

        self.view.push_screen(HiddenPosts(rows), done)

    def mute(self) -> None:
        """Mute the selected post's author: their posts leave the stream (not the host, a guest
        or a co-moderator). Right after `h` (the cursor not moved since), the hidden post's."""
        hidden = self.hidden_to_mute()
        entry = hidden or selected_or_warn(self.view)
        if entry is not None:
            self._mute_author_of(entry)

    def hidden_to_mute(self) -> StreamEntry | None:
        """The post just hidden, while the cursor is still where the hide left it; else None."""
        if self.just_hidden is None:
            return None
        entry, cursor_key = self.just_hidden
        self.just_hidden = None
        now = self.view.stream.selected
        return entry if (now.key if now else None) == cursor_key and entry.hidden else None

    def mute_handle(self) -> None:
        """Ask for a handle and mute that author of this chat (every network's, if several)."""
        from tchat_tui.ui.modals.texts_form import TextsForm

        def done(texts: list[str] | None) -> None:
            if texts:
                self.mute_by_handle(texts[0])

        hint = "A handle as the stream shows it (@name, or name@instance) · Enter mutes"
        self.view.push_screen(TextsForm("Mute @handle", [("Handle", "")], hint), done)

    def mute_by_handle(self, handle: str) -> None:
        """Mute the authors of this chat with this handle (not the host, a guest or a
        co-moderator); say so when nobody in the chat has it."""
        wanted = handle.strip().lstrip("@＠")
        found = self.session.store.chat_authors_named(self._chat, wanted)
        if not found:
            self.view.notify(
                f"Nobody in this chat posts as @{one_line(wanted)}.",
                severity="warning",
                markup=False,
            )
            return
        for row in found:
            who = NEVER_MUTED.get(str(row.get("role") or ""))
            if who:
                self.view.notify(
                    f"@{one_line(str(row['handle']))} is {who}: not muted",
                    severity="warning",
                    markup=False,
                )
            else:
                self.set_muted(str(row["key"]), True, str(row["handle"]))

    def unmutable_reason(self, entry: StreamEntry) -> str | None:
        """Why the post's author must not be muted ('@x is the host: not muted'), or None.

        The post's role, or the author's stored role (the plan may have named them since); the
        console's own posts are the host's.
        """
        role = "host" if entry.outgoing else entry.role
        if role not in NEVER_MUTED:
            author = self.session.store.author(entry.author_key)
            role = (author or {}).get("role") or role
        who = NEVER_MUTED.get(role)
        return f"@{one_line(entry.handle)} is {who}: not muted" if who else None

    def _mute_author_of(self, entry: StreamEntry) -> None:
        reason = self.unmutable_reason(entry)
        if reason:
            self.view.notify(reason, severity="warning", markup=False)
            return
        self.set_muted(entry.author_key, True, entry.handle)

    def set_muted(self, author_key: str, muted: bool, handle: str) -> None:
        """Mute or unmute an author and refilter the stream."""
        self.session.store.set_muted(self._chat, author_key, self.session.on_duty, muted)
        stream = self.view.stream
        if muted:
            stream.muted.add(author_key)
        else:
            stream.muted.discard(author_key)
        stream.refilter()
        self.view.refresh_panes()
        if muted:
            self.view.notify(f"Muted @{one_line(handle)} (palette: Unmute an author)", markup=False)
        else:
            self.view.notify(
                f"Unmuted @{one_line(handle)}: their posts are back in the stream", markup=False
            )

    def _unmute(self, author_key: str) -> None:
        author = self.session.store.author(author_key) or {}
        self.set_muted(author_key, False, author.get("handle") or author_key)

    def choose_muted_author(self) -> None:
        """Choose a muted author of this chat and unmute them."""
        from tchat_tui.ui.modals.choosers import MutedAuthors

        rows = muted_in_chat(self.session.store, self._chat)
        if not rows:
            self.view.notify("No author is muted in this chat.", severity="warning")
            return

        def done(author_key: str | None) -> None:
            if author_key:
                self._unmute(author_key)

        self.view.push_screen(MutedAuthors(rows), done)

    def unmute_last(self) -> None:
        """Unmute the author muted last in this chat."""
        rows = muted_in_chat(self.session.store, self._chat)
        if not rows:
            self.view.notify("No author is muted in this chat.", severity="warning")
            return
        self._unmute(rows[0]["key"])

    def allow(self) -> None:
        """Allow a flagged post: the moderator judged it fine (the decision is stored)."""
        entry = selected_or_warn(self.view)
        if entry is None:
            return
        if not entry.flagged:
            self.view.notify("This post is not flagged.", severity="warning")
            return
        self.session.store.record_action(
            self._chat, self.session.on_duty, "allow", entry.key, entry.promo_level
        )
        self.feed.allowed.add(entry.key)
        entry.allowed = True
        self._changed(entry)

    def _selected_audience_question(self) -> StreamEntry | None:
        """The selected post if it is an audience question (else a warning and None)."""
        entry = selected_or_warn(self.view)
        if entry is not None and not entry.audience:
            self.view.notify("This post is not an audience question.", severity="warning")
            return None
        return entry

    def claim(self, entry: StreamEntry | None = None) -> None:
        """Claim the selected audience question (or `entry`) for the moderator on duty."""
        entry = entry or self._selected_audience_question()
        if entry is None:
            return
        holder = self.session.store.claim_question(self._chat, entry.key, self.session.on_duty)
        if holder is not None:  # another moderator (maybe at another console) has it
            entry.claimed_by = holder
            self.view.notify(
                f"Already claimed by {one_line(holder)}", severity="warning", markup=False
            )
        else:
            entry.claimed_by = self.session.on_duty
        self._changed(entry)

    def answered(self, entry: StreamEntry | None = None) -> None:
        """Mark the selected audience question (or `entry`) answered."""
        entry = entry or self._selected_audience_question()
        if entry is None:
            return
        self.session.store.mark_answered(self._chat, entry.key, self.session.on_duty)
        entry.answered = True
        self._changed(entry)

    def open_author_card(self) -> None:
        """Open the selected post's author: posts here, role, note, mute."""
        from tchat_tui.ui.modals.author_card import AuthorCard

        entry = selected_or_warn(self.view)
        if entry is None:
            return

        def save_note(note: str) -> None:
            self.session.store.set_note(self._chat, entry.author_key, self.session.on_duty, note)
            self.view.notify(f"Note saved on @{one_line(entry.handle)}", markup=False)

        card = AuthorCard(self.session.store, self._chat, entry.author_key, save_note)

        def done(result: str | None) -> None:
            if result == "mute":
                self._mute_author_of(entry)
            elif result == "unmute":
                self.set_muted(entry.author_key, False, entry.handle)

        self.view.push_screen(card, done)

    def switch_duty(self) -> None:
        """Hand the keyboard to the next moderator."""
        who = self.session.switch_duty()
        self.view.refresh_panes()
        self.view.notify(f"On duty: {who}", timeout=3)

    def show_action_log(self) -> None:
        """Show who did what."""
        from tchat_tui.ui.modals.action_log import ActionLog

        self.view.push_screen(ActionLog(self.session.store, self._chat))
