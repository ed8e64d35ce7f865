"""What the host sends from the console: replies, posts, templates, retweets (the next question:
`queue_steering`);
and what sending costs on X.

Every send, a retweet too, first waits out the undo window in the composer (ctrl+z cancels it;
see `ui.pending_send`), then goes through the outbox (a row before any network call); with no
credentials the publisher is dry-run and the post comes back into the stream marked as such.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.rules import check_for_networks
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.ui.actions.view import ConsoleView, selected_or_warn
from tchat_tui.ui.focus import focus_now
from tchat_tui.ui.inbox import Inbox
from tchat_tui.ui.pending_send import DEFAULT_UNDO_SECONDS
from tchat_tui.ui.safe import one_line
from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.widgets.draft_check import NETWORK_NAMES


class Sending:
    """The sending actions of the main screen: through the outbox, as the moderator on duty."""

    def __init__(self, session: ChatSession, feed: Inbox, view: ConsoleView) -> None:
        self.session = session
        self.feed = feed
        """Its prepared questions (the next question)."""
        self.view = view
        self.refused: list[dict[str, Any]] = []
        """Replies X refused that were not yet posted as mentions (newest last)."""

    @property
    def undo_seconds(self) -> float:
        """How long a send waits, cancellable, before the outbox: `--undo`, else the plan's
        `undo_seconds`, else 5 s (0: at once)."""
        given = self.session.settings.undo_seconds
        if given is None and self.session.plan is not None:
            given = self.session.plan.undo_seconds
        return DEFAULT_UNDO_SECONDS if given is None else max(0.0, float(given))

    def reply(self) -> None:
        """Reply to the selected post."""
        entry = selected_or_warn(self.view)
        if entry is not None:
            self.view.composer.start(reply_to=entry)

    def template_key(self, number: int) -> None:
        """f(N+1) (f2 the first): put the plan's Nth template (in its order) in the composer."""
        plan = self.session.plan
        names = list(plan.templates) if plan else []
        if not 1 <= number <= len(names):
            have = f"the plan has {len(names)}" if names else "the plan has none"
            self.view.notify(f"No template {number}: {have}.", severity="warning")
            return
        self.insert_template(names[number - 1])

    def insert_template(self, name: str) -> None:
        """Put one of the plan's templates (welcome, rules, thanks...) in the composer."""
        plan = self.session.plan
        template = plan.templates.get(name) if plan else None
        if not template:
            self.view.notify(f"No template {name!r} in the plan.", severity="warning")
            return
        filled = getattr(plan, "filled_template", None)
        if callable(filled):
            self.view.composer.start(str(filled(name)))
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
        self.view.composer.start(template)

    def send(self, text: str, kind: str, reply_to: StreamEntry | None) -> bool:
        """Accept a draft the host sent from the composer: `kind` 'post', or 'reply' to
        `reply_to` (on that post's network). It waits out the undo window, then goes to the
        outbox as the moderator on duty at Enter. True once held (or, with no window, once its
        outbox rows are committed): the stream has the focus again, so the keys behind Enter
        are the stream's commands."""
        s = self.session
        composer = self.view.composer
        networks = list(composer.networks)
        if reply_to is not None:
            networks = [n for n in networks if n.value == reply_to.network] or networks
        missing = [n.value for n in networks if n not in s.publishers]
        if missing and s.is_open:
            self.view.notify(f"Not sent: no publisher for {', '.join(missing)}", severity="error")
            return False
        moderator = s.on_duty
        what = f"reply to @{one_line(reply_to.handle)}" if reply_to is not None else "post"
        typed = composer.draft.value or text  # as written, the tag not yet added

        def submit() -> None:
            if not self._submit(text, networks, moderator, kind, reply_to):
                composer.start(typed, reply_to)  # refused after its window: back, never lost

        def cancelled() -> None:
            composer.start(typed, reply_to)  # the draft comes back; one in progress is set aside

        if composer.pending.seconds <= 0:
            if not self._submit(text, networks, moderator, kind, reply_to):
                return False
        else:
            composer.hold(what, submit, cancelled)
        focus_now(self.view.stream)
        return True

    def _submit(
        self,
        text: str,
        networks: list[Network],
        moderator: str,
        kind: str,
        reply_to: StreamEntry | None,
    ) -> bool:
        """Write the send's outbox rows (the outbox worker sends them); say so, or why not."""
        s = self.session
        target = reply_to.as_reply_target() if reply_to else None
        try:
            rows = s.outbox.submit(text, networks, moderator=moderator, kind=kind, reply_to=target)
        except ValueError as exc:
            self.view.notify(f"Not sent: {exc}", severity="error", markup=False)
            return False
        dry = " (dry-run)" if rows and rows[0].get("dry_run") else ""
        what = "Reply" if kind == "reply" else "Post"
        self.view.notify(f"{what} queued{dry} by {moderator}", timeout=3)
        return True

    def cancel_send(self) -> None:
        """ctrl+z: cancel the newest send still in its undo window."""
        if not self.view.composer.cancel_newest():
            self.view.notify("No send to cancel: it already went to the outbox.")

    def repost(self) -> None:
        """Retweet (repost) the selected post on its own network, once: not one the outbox or
        the host (in the stream) already retweeted, nor the host's own post."""
        entry = selected_or_warn(self.view)
        if entry is None:
            return
        s = self.session
        if entry.is_repost:  # a retweet is retweeted as its original, as X does
            entry = self._original_of(entry)
            if entry is None:
                return
        if entry.outgoing or entry.role == "host":
            self.view.notify(
                f"Not retweeted: that is the host's own post (@{one_line(entry.handle)}).",
                severity="warning",
                markup=False,
            )
            return
        network = Network(entry.network)
        if network not in s.publishers:
            self.view.notify(f"No publisher for {network.value}.", severity="error")
            return
        composer = self.view.composer
        if composer.pending.holds_key(entry.key):
            self.view.notify(
                f"Not retweeted: @{one_line(entry.handle)}'s post is already waiting to be"
                " retweeted (ctrl+z cancels it).",
                severity="warning",
                markup=False,
            )
            return
        moderator = s.on_duty
        target = entry.as_reply_target()
        if composer.pending.seconds > 0:
            refused = self._repost_refused(entry, target)
            if refused:
                self.view.notify(refused, severity="warning", markup=False)
                return
            composer.hold(
                f"retweet of @{one_line(entry.handle)}",
                lambda: self._submit_repost(entry, network, moderator),
                key=entry.key,
            )
            return
        self._submit_repost(entry, network, moderator)

    def _repost_refused(self, entry: StreamEntry, target: dict[str, object]) -> str:
        """Why the outbox would refuse this retweet now ('' when it would take it)."""
        from tchat_tui.publish.outbox import AlreadyReposted

        s = self.session
        row = s.outbox.reposted(target)
        post = s.store.host_repost(s.chat_id, entry.key) if row is None else None
        if row is None and post is None:
            return ""
        return self._already(entry, AlreadyReposted(row, post=post))

    @staticmethod
    def _already(entry: StreamEntry, exc: Any) -> str:
        """`Not retweeted: ...` for an AlreadyReposted: by whom, or when the host did."""
        from tchat_tui.ui.stream_entry import local_time

        if exc.post is not None:
            at = local_time(datetime.fromisoformat(str(exc.post["created_at"])))
            by = f"by the host at {at}"
        else:
            by = f"(by {one_line(str(exc.row.get('moderator') or 'a moderator'))})"
        return f"Not retweeted: @{one_line(entry.handle)}'s post is already retweeted {by}."

    def _submit_repost(self, entry: StreamEntry, network: Network, moderator: str) -> None:
        """Write the retweet's outbox row (once: the outbox refuses a second); say so."""
        from tchat_tui.publish.outbox import AlreadyReposted

        s = self.session
        try:
            rows = s.outbox.submit(
                entry.raw_text,
                [network],
                moderator=moderator,
                kind="repost",
                reply_to=entry.as_reply_target(),
            )
        except AlreadyReposted as exc:
            self.view.notify(self._already(entry, exc), severity="warning", markup=False)
            return
        except ValueError as exc:
            self.view.notify(f"Not retweeted: {exc}", severity="error", markup=False)
            return
        dry = " (dry-run)" if rows and rows[0].get("dry_run") else ""
        self.view.notify(
            f"Retweet of @{one_line(entry.handle)} queued{dry} by {moderator}",
            timeout=3,
            markup=False,
        )

    def _original_of(self, repost: StreamEntry) -> StreamEntry | None:
        """The post a retweet repeats, from the stream or the store (None, said, if unknown)."""
        row = self.session.store.post(repost.key)
        original_key = row.get("repost_of_key") if row else None
        original = self.view.stream.by_key.get(original_key) if original_key else None
        if original is None and original_key:
            stored = self.session.store.post(original_key)
            original = StreamEntry.from_row(stored) if stored else None
        if original is None:
            self.view.notify(
                f"@{one_line(repost.handle)}'s retweet repeats a post this chat has not stored:"
                " retweet the original post instead.",
                severity="warning",
                markup=False,
            )
        return original

    def retry_failed(self) -> None:
        """Queue every failed outgoing post again (not those retrying cannot help)."""
        failed = self.session.store.outbox(self.session.chat_id, ("failed",))
        retryable = [r for r in failed if r.get("retryable") not in (0, False)]
        for row in retryable:
            self.session.outbox.retry(int(row["id"]))
        kept = len(failed) - len(retryable)
        note = f"; {kept} left failed (refused or rejected: retrying cannot help)" if kept else ""
        self.view.notify(f"{len(retryable)} failed posts queued again{note}.")

    # -- failures ----------------------------------------------------------------------------

    def show_failed(self, row: dict[str, Any]) -> None:
        """A row ended failed: say why; a refused reply is offered as a mention post."""
        network = NETWORK_NAMES.get(Network(row["network"]), str(row["network"]))
        reason = str(row.get("error") or "failed")
        if row.get("reply_refused"):
            self.refused.append(row)
            self.view.notify(f"Reply refused by {network}: {reason}", severity="error", timeout=10)
            self.mention_refused()
            return
        hint = (
            " (palette: Retry failed sends)"
            if row.get("retryable") not in (0, False)
            else " (retrying cannot help)"
        )
        self.view.notify(f"Not sent to {network}: {reason}{hint}", severity="error", timeout=10)

    def refused_author(self, row: dict[str, Any]) -> str | None:
        """The handle of the author whose post the refused reply answered."""
        target = row.get("target_key")
        post = self.session.store.post(str(target)) if target else None
        return str(post["author_handle"]) if post and post.get("author_handle") else None

    def mention_refused(self) -> None:
        """Offer to post the latest refused reply as a new post that mentions its author."""
        from tchat_tui.publish.x import mention_instead
        from tchat_tui.ui.modals.mention_offer import MentionOffer

        if not self.refused:
            self.view.notify("No refused reply to post.", severity="warning")
            return
        row = self.refused.pop()
        author = self.refused_author(row)
        if author is None:
            self.view.notify("The refused reply's post is not stored: write it by hand.")
            return
        network = Network(row["network"])
        text = mention_instead(str(row["text"]), author)

        def decided(post: bool | None) -> None:
            if post:
                self.post_mention(text, network)

        name = NETWORK_NAMES.get(network, network.value)
        self.view.push_screen(
            MentionOffer(name, str(row.get("error") or "refused"), author, text), decided
        )

    def post_mention(self, text: str, network: Network) -> None:
        """Send a refused reply's text as a new post, after the undo window; too long, it goes to
        the composer first."""
        s = self.session
        rules = self.view.composer.rules
        check = check_for_networks(text, [network], s.tag or None, rules)[0]
        if not check.valid:
            self.view.composer.start(text)
            self.view.notify(f"Too long as a mention ({check.reason}): edit it, then send.")
            return
        if network not in s.publishers:
            self.view.notify(f"No publisher for {network.value}.", severity="error")
            return
        moderator, composer = s.on_duty, self.view.composer

        def submit() -> None:
            if not self._submit(text, [network], moderator, "post", None):
                composer.start(text)  # refused after its window: back, never lost

        # Like every send: the undo window first (ctrl+z gives the text to the composer).
        composer.hold("mention post", submit, lambda: composer.start(text))

    # -- costs -------------------------------------------------------------------------------

    def show_costs(self) -> None:
        """Show what the hour costs on X, kind by kind."""
        from tchat_tui.ui.modals.costs import CostScreen

        s = self.session
        self.view.push_screen(
            CostScreen(s.cost_meter, s.clock.now(), estimated=self.cost_estimated)
        )

    @property
    def cost_estimated(self) -> bool:
        """Whether the cost meter only estimates (replay or dry-run: nothing is billed)."""
        s = self.session
        return bool(s.settings.replay or s.settings.demo or s.settings.dry_run) or all(
            p.dry_run for p in s.publishers.values()
        )

    def cost_text(self, now: datetime) -> str:
        """The header's cost: '$0.42/h est.', or '$0.42/h est. if live' in replay and dry-run."""
        if Network.X not in self.session.publishers:
            return ""
        text = self.session.cost_meter.header_text(now)
        return f"{text} if live" if self.cost_estimated else text
