"""Self-promotion: the tracker, its signals, authors, rules and words."""
