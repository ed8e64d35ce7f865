"""Network clients that sources and publishers share: credentials, HTTP, X, Mastodon, Bluesky."""
