"""The Textual console: `build_app(session)` is the one way to make it."""
