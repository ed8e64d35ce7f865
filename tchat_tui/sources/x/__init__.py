"""Follow a hashtag on X: filtered stream, recent search, gaps."""
