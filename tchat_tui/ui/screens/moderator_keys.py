"""What the main screen's moderation keys do, as a mixin of `MainScreen`: each `action_*` hands
over to the action object that does the work (`Moderation`, the queue's `QueueSteering`), so the
screen itself stays about composing and refreshing panes (the sending keys: `sending_keys`)."""

from __future__ import annotations

from tchat_tui.ui.actions.moderation import Moderation
from tchat_tui.ui.actions.queue_steering import QueueSteering
from tchat_tui.ui.actions.sending import Sending


class ModeratorKeys:
    """The moderation keys' actions: star, hide, mute, claim, answered, the author card, duty,
    the action log; and `do(name)` for the queue's and moderation's named actions."""

    moderation: Moderation
    sending: Sending
    queue: QueueSteering

    def action_do(self, what: str) -> None:
        """Run a queue or moderation action by name (keys and palette: `do('queue_skip')`)."""
        getattr(self.queue if hasattr(self.queue, what) else self.moderation, what)()

    def action_star(self) -> None:
        """Star or unstar the selected post."""
        self.moderation.star()

    def action_hide(self) -> None:
        """Hide the selected post (it stays in the database)."""
        self.moderation.hide()

    def action_unhide_last(self) -> None:
        """Bring back the post hidden last in this session."""
        self.moderation.unhide_last()

    def action_unhide_post(self) -> None:
        """Choose one of this chat's hidden posts and unhide it."""
        self.moderation.choose_hidden_post()

    def action_mute(self) -> None:
        """Mute the selected post's author."""
        self.moderation.mute()

    def action_unmute_author(self) -> None:
        """Choose a muted author of this chat and unmute them."""
        self.moderation.choose_muted_author()

    def action_unmute_last(self) -> None:
        """Unmute the author muted last in this chat."""
        self.moderation.unmute_last()

    def action_allow(self) -> None:
        """Allow a flagged post."""
        self.moderation.allow()

    def action_claim(self) -> None:
        """Claim the selected audience question."""
        self.moderation.claim()

    def action_answered(self) -> None:
        """Mark the selected audience question answered."""
        self.moderation.answered()

    def action_author_card(self) -> None:
        """Open the selected post's author."""
        self.moderation.open_author_card()

    def action_switch_duty(self) -> None:
        """Hand the keyboard to the next moderator."""
        self.moderation.switch_duty()

    def action_action_log(self) -> None:
        """Show who did what."""
        self.moderation.show_action_log()
