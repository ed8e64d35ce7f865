"""Command palette entries for every console action (the screen lists them in PALETTE)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

PaletteEntry = tuple[str, str, str]
"""(title, help, action string run on the screen)."""


class ConsoleCommands(Provider):
    """Finds the screen's actions by name."""

    def _entries(self) -> Sequence[PaletteEntry]:
        entries: Sequence[PaletteEntry] = getattr(self.screen, "palette_entries", lambda: [])()
        return entries

    async def _run(self, action: str) -> None:
        await self.screen.run_action(action)

    async def discover(self) -> Hits:
        """Every action, before anything is typed."""
        for title, help_text, action in self._entries():
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions whose title matches the query."""
        matcher = self.matcher(query)
        for title, help_text, action in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )
