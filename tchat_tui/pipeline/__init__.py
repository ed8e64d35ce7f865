"""The running chat: settings, session, connecting the networks, ingesting posts, scoring, clock, costs."""
