"""Subcommands of `tchat-live`: each module exposes `register(subparsers)`."""
