"""The main screen's sending keys: each hands its key to the screen's `Sending` actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tchat_tui.ui.actions.sending import Sending


class SendingKeys:
    """What r, t, f2..f9, ctrl+z and the palette's sending entries do (a mixin of the main
    screen, which owns `sending`)."""

    sending: Sending

    def action_reply(self) -> None:
        """Reply to the selected post."""
        self.sending.reply()

    def action_repost(self) -> None:
        """Retweet (repost) the selected post, after the undo window."""
        self.sending.repost()

    def action_insert_template(self, name: str) -> None:
        """Put one of the plan's templates in the composer."""
        self.sending.insert_template(name)

    def action_template_key(self, number: int) -> None:
        """f2..f9 (f(N+1)): put the plan's Nth template in the composer."""
        self.sending.template_key(number)

    def action_cancel_send(self) -> None:
        """ctrl+z: cancel the newest send still in its undo window."""
        self.sending.cancel_send()

    def action_retry_failed(self) -> None:
        """Queue every failed outgoing post again."""
        self.sending.retry_failed()

    def action_mention_refused(self) -> None:
        """Offer the latest refused reply as a mention post."""
        self.sending.mention_refused()

    def action_cost(self) -> None:
        """Show what the hour costs on X, kind by kind."""
        self.sending.show_costs()

    def action_toggle_tag(self) -> None:
        """Turn the composer's automatic tag on or off."""
        self.sending.view.composer.action_toggle_tag()
