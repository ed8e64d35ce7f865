"""Follow a hashtag on Bluesky: `searchPosts` polling through the user's PDS (search) and Jetstream as the live feed (jetstream)."""
