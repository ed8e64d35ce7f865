"""The X API through tweepy: the client and the stream line format."""
