"""The one base of every error tchat-live raises on purpose.

A command line or a screen that catches `TchatError` catches what the program meant to say (a bad
plan, a locked database, a refused send) and lets real bugs through as tracebacks. Each layer keeps
its own subclasses next to the code that raises them; where an error is also a `ValueError` or a
`RuntimeError`, it stays one, so callers that catch those keep working.
"""

from __future__ import annotations


class TchatError(Exception):
    """An error with a one-line message meant for the host."""
