"""What the host sends from the console: replies, posts, the next question, templates, retweets.

Everything goes through the outbox (a row before any network call); with no credentials the
publisher is dry-run and the post comes back into the stream marked as such.
"""

from __future__ import annotations

from typing import Any

from textual import on

from tchat_tui.domain.post import Network
from tchat_tui.pipeline.connect_fediverse import check_for_networks
from tchat_tui.ui.actions.moderation import ModerationScreen
from tchat_tui.ui.focus import focus_now
from tchat_tui.ui.messages import DraftReady
from tchat_tui.ui.pacing import DEFAULT_GAP, next_question
from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.widgets.composer import NETWORK_NAMES, Composer
from tchat_tui.ui.widgets.stream import StreamPane


class OutgoingScreen(ModerationScreen):
    """The sending actions of the main screen (its base class)."""

    refused: list[dict[str, Any]]
    """Replies X refused that were not yet posted as mentions (newest last)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = []

    @property
    def composer(self) -> Composer:
        """The composer."""
        return self.query_one(Composer)

    @property
    def stream(self) -> StreamPane:
        """The stream pane."""
        return self.query_one(StreamPane)

    def action_reply(self) -> None:
        """Reply to the selected post."""
        entry = self.selected_or_warn()
        if entry is not None:
            self.composer.start(reply_to=entry)

    def action_next_question(self) -> None:
        """Put the next prepared question, `Qn: ... #tag`, in the composer."""
        nxt = next_question(self.feed.questions, DEFAULT_GAP)
        if nxt is None:
            self.notify("No prepared question left.", severity="warning")
            return
        number = nxt[0]
        text = next((q.text for q in self.feed.questions if q.number == number), "")
        if not text:
            self.notify(f"Q{number} is not in the plan: write it after the prefix.")
        tag = f" #{self.session.tag}" if self.session.tag else ""
        self.composer.start(f"Q{number}: {text}{tag}" if text else f"Q{number}: ")

    def action_insert_template(self, name: str) -> None:
        """Put one of the plan's templates (welcome, rules, thanks...) in the composer."""
        plan = self.session.plan
        template = plan.templates.get(name) if plan else None
        if not template:
            self.notify(f"No template {name!r} in the plan.", severity="warning")
            return
        filled = getattr(plan, "filled_template", None)
        if callable(filled):
            self.composer.start(str(filled(name)))
            return
        roster = self.session.roster
        values = {
            "tag": f"#{self.session.tag}",
            "topic": self.session.topic,
            "host": f"@{roster.host}" if roster.host else "",
            "guests": ", ".join(f"@{g}" for g in roster.guests),
        }
        for field, value in values.items():
            template = template.replace("{" + field + "}", value)
        self.composer.start(template)

    @on(DraftReady)
    def _send(self, event: DraftReady) -> None:
        s = self.session
        networks = list(self.composer.networks)
        target = event.reply_to.as_reply_target() if event.reply_to else None
        if event.reply_to is not None:
            networks = [n for n in networks if n.value == event.reply_to.network] or networks
        try:
            rows = s.outbox.submit(
                event.text, networks, moderator=s.on_duty, kind=event.kind, reply_to=target
            )
        except ValueError as exc:
            self.notify(f"Not sent: {exc}", severity="error")
            return
        dry = " (dry-run)" if rows and rows[0].get("dry_run") else ""
        what = "Reply" if event.kind == "reply" else "Post"
        self.notify(f"{what} queued{dry} by {s.on_duty}", timeout=3)
        focus_now(self.stream)

    def action_repost(self) -> None:
        """Retweet (repost) the selected post on its own network, once: not one the outbox or
        the host (in the stream) already retweeted, nor the host's own post."""
        from datetime import datetime

        from tchat_tui.publish.outbox import AlreadyReposted
        from tchat_tui.ui.safe import one_line
        from tchat_tui.ui.stream_entry import local_time

        entry = self.selected_or_warn()
        if entry is None:
            return
        s = self.session
        if entry.is_repost:  # a retweet is retweeted as its original, as X does
            entry = self._original_of(entry)
            if entry is None:
                return
        if entry.outgoing or entry.role == "host":
            self.notify(
                f"Not retweeted: that is the host's own post (@{one_line(entry.handle)}).",
                severity="warning",
                markup=False,
            )
            return
        network = Network(entry.network)
        if network not in s.publishers:
            self.notify(f"No publisher for {network.value}.", severity="error")
            return
        try:
            rows = s.outbox.submit(
                entry.raw_text,
                [network],
                moderator=s.on_duty,
                kind="repost",
                reply_to=entry.as_reply_target(),
            )
        except AlreadyReposted as exc:
            handle = one_line(entry.handle)
            if exc.post is not None:
                at = local_time(datetime.fromisoformat(str(exc.post["created_at"])))
                by = f"by the host at {at}"
            else:
                by = f"(by {one_line(str(exc.row.get('moderator') or 'a moderator'))})"
            self.notify(
                f"Not retweeted: @{handle}'s post is already retweeted {by}.",
                severity="warning",
                markup=False,
            )
            return
        except ValueError as exc:
            self.notify(f"Not retweeted: {exc}", severity="error", markup=False)
            return
        dry = " (dry-run)" if rows and rows[0].get("dry_run") else ""
        self.notify(
            f"Retweet of @{one_line(entry.handle)} queued{dry} by {s.on_duty}",
            timeout=3,
            markup=False,
        )

    def _original_of(self, repost: StreamEntry) -> StreamEntry | None:
        """The post a retweet repeats, from the stream or the store (None, said, if unknown)."""
        row = self.session.store.post(repost.key)
        original_key = row.get("repost_of_key") if row else None
        original = self.stream.by_key.get(original_key) if original_key else None
        if original is None and original_key:
            stored = self.session.store.post(original_key)
            original = StreamEntry.from_row(stored) if stored else None
        if original is None:
            from tchat_tui.ui.safe import one_line

            self.notify(
                f"@{one_line(repost.handle)}'s retweet repeats a post this chat has not stored:"
                " retweet the original post instead.",
                severity="warning",
                markup=False,
            )
        return original

    def action_retry_failed(self) -> None:
        """Queue every failed outgoing post again (not those retrying cannot help)."""
        failed = self.session.store.outbox(self.session.chat_id, ("failed",))
        retryable = [r for r in failed if r.get("retryable") not in (0, False)]
        for row in retryable:
            self.session.outbox.retry(int(row["id"]))
        kept = len(failed) - len(retryable)
        note = f"; {kept} left failed (refused or rejected: retrying cannot help)" if kept else ""
        self.notify(f"{len(retryable)} failed posts queued again{note}.")

    def action_toggle_tag(self) -> None:
        """Turn the composer's automatic tag on or off."""
        self.composer.action_toggle_tag()

    # -- failures ----------------------------------------------------------------------------

    def show_failed(self, row: dict[str, Any]) -> None:
        """A row ended failed: say why; a refused reply is offered as a mention post."""
        network = NETWORK_NAMES.get(Network(row["network"]), str(row["network"]))
        reason = str(row.get("error") or "failed")
        if row.get("reply_refused"):
            self.refused.append(row)
            self.notify(f"Reply refused by {network}: {reason}", severity="error", timeout=10)
            self.action_mention_refused()
            return
        hint = (
            " (palette: Retry failed sends)"
            if row.get("retryable") not in (0, False)
            else " (retrying cannot help)"
        )
        self.notify(f"Not sent to {network}: {reason}{hint}", severity="error", timeout=10)

    def refused_author(self, row: dict[str, Any]) -> str | None:
        """The handle of the author whose post the refused reply answered."""
        target = row.get("target_key")
        post = self.session.store.post(str(target)) if target else None
        return str(post["author_handle"]) if post and post.get("author_handle") else None

    def action_mention_refused(self) -> None:
        """Offer to post the latest refused reply as a new post that mentions its author."""
        from tchat_tui.publish.x import mention_instead
        from tchat_tui.ui.modals.mention_offer import MentionOffer

        if not self.refused:
            self.notify("No refused reply to post.", severity="warning")
            return
        row = self.refused.pop()
        author = self.refused_author(row)
        if author is None:
            self.notify("The refused reply's post is not stored: write it by hand.")
            return
        network = Network(row["network"])
        text = mention_instead(str(row["text"]), author)

        def decided(post: bool | None) -> None:
            if post:
                self.post_mention(text, network)

        name = NETWORK_NAMES.get(network, network.value)
        self.app.push_screen(
            MentionOffer(name, str(row.get("error") or "refused"), author, text), decided
        )

    def post_mention(self, text: str, network: Network) -> None:
        """Send a refused reply's text as a new post; too long, it goes to the composer first."""
        s = self.session
        rules = self.composer.rules
        check = check_for_networks(text, [network], s.tag or None, rules)[0]
        if not check.valid:
            self.composer.start(text)
            self.notify(f"Too long as a mention ({check.reason}): edit it, then send.")
            return
        if network not in s.publishers:
            self.notify(f"No publisher for {network.value}.", severity="error")
            return
        rows = s.outbox.submit(text, [network], moderator=s.on_duty, kind="post")
        dry = " (dry-run)" if rows and rows[0].get("dry_run") else ""
        self.notify(f"Mention post queued{dry} by {s.on_duty}", timeout=3)

    def action_cost(self) -> None:
        """Show what the hour costs on X, kind by kind."""
        from tchat_tui.ui.modals.costs import CostScreen

        s = self.session
        estimated = bool(getattr(self, "cost_estimated", True))
        self.app.push_screen(CostScreen(s.cost_meter, s.clock.now(), estimated=estimated))
