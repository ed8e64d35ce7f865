"""Where posts go: the outbox worker, one publisher per network, and dry-run."""
