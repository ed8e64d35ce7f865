"""The chat's text rules and the twitter-text port."""
