"""Where posts come from: recorded streams, X (tweepy), Mastodon and Bluesky (httpx)."""
