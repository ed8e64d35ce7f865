"""tchat-live: a terminal console for the host of a hashtag chat."""

__version__ = "0.1.0"
