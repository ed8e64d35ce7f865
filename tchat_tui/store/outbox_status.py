"""An outbox row's statuses (no database library here: the screen reads them without one)."""

from __future__ import annotations

PENDING, SENDING, SENT, DRY_RUN, FAILED = "pending", "sending", "sent", "dry-run", "failed"
"""An outbox row's `status`: written (`pending`), claimed by a sender (`sending`), then `sent`
(the network took it), `dry-run` (recorded only, never sent: a dry-run publisher's row; rows
of databases written before this status say `sent` with `dry_run` = 1) or `failed`."""
DONE = (SENT, DRY_RUN)
"""The statuses of a row that went as far as it will: its post is the console's own."""
