"""Bluesky's XRPC: login, records, facets."""
