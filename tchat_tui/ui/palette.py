"""Command palette entries for every console action (the screen lists them in `palette_entries`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.command import Provider

PaletteEntry = tuple[str, str, str]
"""(title, help, action string run on the screen)."""


def console_commands() -> type[Provider]:
    """The provider class, imported when the palette first opens (textual.command is slow to load)."""
    from functools import partial

    from textual.command import DiscoveryHit, Hit, Hits, Provider

    class ConsoleCommands(Provider):
        """Finds the screen's actions by name."""

        def _entries(self) -> list[PaletteEntry]:
            entries = getattr(self.screen, "palette_entries", None)
            return list(entries()) if entries else []

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

    return ConsoleCommands
