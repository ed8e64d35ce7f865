"""Mastodon's API: statuses and their HTML."""
