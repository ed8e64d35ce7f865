"""Searching the chat ('/'): what the host types is looked up among every stored post of the chat,
and the stream shows what was found (and the new posts it finds) until Escape."""

from __future__ import annotations

from tchat_tui.domain.post_search import PostSearch
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.ui.actions.view import ConsoleView
from tchat_tui.ui.inbox import Inbox
from tchat_tui.ui.modals.search_prompt import SearchPrompt
from tchat_tui.ui.stream_entry import StreamEntry

FOUND_LIMIT = 2000
"""Posts a search shows at most (the newest it finds): the pane stays O(window)."""


class Searching:
    """The stream's search, over the chat's store (not only the posts the pane still holds)."""

    def __init__(self, session: ChatSession, feed: Inbox, view: ConsoleView) -> None:
        self.session = session
        self.feed = feed
        """Its `allowed` keys, for the posts found."""
        self.view = view

    def ask(self) -> None:
        """Ask what to search for (the current search is offered for refining)."""
        shown = self.view.stream.search
        self.view.push_screen(SearchPrompt(shown.typed if shown else ""), self._typed)

    def _typed(self, typed: str | None) -> None:
        if typed is None:
            return
        search = PostSearch.parse(typed)
        if search.empty:
            self.view.stream.action_clear_search()
        else:
            self.show(search)

    def show(self, search: PostSearch) -> None:
        """Find the search's posts in the store (in a worker) and show them in the stream."""
        stream = self.view.stream
        store, chat = self.session.store, self.session.chat_id

        def find() -> None:
            rows = store.search_posts(chat, search, FOUND_LIMIT + 1)
            more = len(rows) > FOUND_LIMIT
            entries = [StreamEntry.from_row(r) for r in rows[-FOUND_LIMIT:]]
            for e in entries:
                e.allowed = e.key in self.feed.allowed
            stream.app.call_from_thread(stream.show_found, search, entries, more)

        stream.run_worker(find, thread=True, exclusive=True, group="search", exit_on_error=False)
