"""Command palette entries for every console action (the screen lists them in `palette_entries`).

The plan's templates rank first for their own words: "last" then Enter runs the last-call
template, not "Unhide the last hidden post" (Textual's fuzzy score alone put that one first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.command import Provider

PaletteEntry = tuple[str, str, str]
"""(title, help, action string run on the screen)."""

TEMPLATE_TITLE = "Template: "
"""How a template's palette entry begins: `Template: last call`."""
OWN_WORDS_FIRST = 1000.0
"""Added to the fuzzy score of a template whose name's words begin with every word typed, so it
sorts above every other entry (Textual's scores are small positive numbers)."""


def template_title(name: str) -> str:
    """A template's palette title: `last_call` -> `Template: last call`."""
    return TEMPLATE_TITLE + name.replace("_", " ")


def own_words_match(query: str, title: str) -> bool:
    """Whether `title` is a template's and each word of `query` begins one of its name's words."""
    if not title.startswith(TEMPLATE_TITLE):
        return False
    words = title[len(TEMPLATE_TITLE) :].casefold().split()
    typed = query.casefold().split()
    return bool(typed) and all(any(w.startswith(t) for w in words) for t in typed)


def palette_score(fuzzy: float, query: str, title: str) -> float:
    """The palette's score for an entry: Textual's fuzzy score, a template's own words first."""
    if fuzzy > 0 and own_words_match(query, title):
        return fuzzy + OWN_WORDS_FIRST
    return fuzzy


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
            """Actions whose title matches the query, templates first for their own words."""
            matcher = self.matcher(query)
            for title, help_text, action in self._entries():
                score = palette_score(matcher.match(title), query, title)
                if score > 0:
                    yield Hit(
                        score, matcher.highlight(title), partial(self._run, action), help=help_text
                    )

    return ConsoleCommands
