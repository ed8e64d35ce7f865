"""Follow a hashtag on Bluesky: the login session, `searchPosts` polling through the user's PDS,
and Jetstream as the live feed (every post of the network, filtered on our side by tag).

The parts live in their own modules; this one names them for the callers:

- `bluesky_session`: the app-password login, refreshes, the 0600 session file, XRPC calls;
- `bluesky_posts`: post records and post views as Posts;
- `bluesky_search`: the search-polling source;
- `bluesky_jetstream`: the Jetstream live source and the handle lookup.
"""

from __future__ import annotations

from tchat_tui.sources.bluesky_jetstream import (
    JETSTREAM,
    Connector,
    JetstreamSource,
    ProfileLookup,
    profile_lookup,
    websocket_messages,
)
from tchat_tui.sources.bluesky_posts import (
    POST_COLLECTION,
    REPOST_COLLECTION,
    did_of,
    post_view_to_post,
    record_to_post,
    web_url,
)
from tchat_tui.sources.bluesky_search import BlueskySearchSource
from tchat_tui.sources.bluesky_session import (
    DEFAULT_PDS,
    REFRESH_MARGIN,
    BlueskyAuth,
    SessionFile,
    SessionTokens,
    default_session_path,
    jwt_expiry,
    xrpc,
)

__all__ = [
    "DEFAULT_PDS",
    "JETSTREAM",
    "POST_COLLECTION",
    "REFRESH_MARGIN",
    "REPOST_COLLECTION",
    "BlueskyAuth",
    "BlueskySearchSource",
    "Connector",
    "JetstreamSource",
    "ProfileLookup",
    "SessionFile",
    "SessionTokens",
    "default_session_path",
    "did_of",
    "jwt_expiry",
    "post_view_to_post",
    "profile_lookup",
    "record_to_post",
    "web_url",
    "websocket_messages",
    "xrpc",
]
