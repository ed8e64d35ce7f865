"""Who the host names as the chat's people: "our guests tonight: @a @b", "co-hosted by @c",
"Convidados: @d", and, with no roster given, everyone the host team @-names before the first
question (the welcome and the rules posts name the guests and the co-moderators)."""

from __future__ import annotations

import re

from tchat_tui.domain.post import Network, Post
from tchat_tui.domain.text.own_words import own_words

# The host naming the chat's people: a keyword, then (right after it) one or more @handles.
_HANDLE = r"[@＠]\w{1,50}"
_SEP = r"(?:\s*[,&+]\s*(?:(?:and|et|y|und)\s+)?|\s+(?:(?:and|et|y|und|&)\s+)?)"
_HANDLES = rf"\s*(?P<handles>{_HANDLE}(?:{_SEP}{_HANDLE})*)"
_WHEN = (
    r"(?:\s+(?:tonight|today|this\s+(?:evening|week)|ce\s+soir|aujourd['’]hui|du\s+jour"
    r"|de\s+hoy|esta\s+noche|hoy|heute(?:\s+abend)?))?"
)
_VERB = r"(?:\s+(?:is|are|will\s+be|est|sont|seront|es|son|ist|sind))?"
_COLON = r"\s*[:：]"
_GUEST_WORD = (
    r"(?:guests?|invit[ée](?:[·.‧-]?e)?(?:[·.‧-]?s)?|invitad[oa]s?|g[äa]st|g[äa]ste|gaeste)"
)
_GUESTS_NAMED = re.compile(
    r"(?<!\w)(?:"
    # "our (special) guest(s) (tonight) (are)", "nos invité·e·s", "nuestros invitados", "unsere Gäste"
    rf"(?:our|nos|notre|nuestr[oa]s?|unser(?:e|en)?)\s+(?:special\s+)?{_GUEST_WORD}"
    rf"{_WHEN}{_VERB}(?:{_COLON})?"
    rf"|special\s+guests?{_WHEN}{_VERB}(?:{_COLON})?"
    rf"|welcome\s+(?:our\s+)?(?:special\s+)?guests?{_WHEN}(?:{_COLON}|\s*,)?"
    r"|joined\s+by"
    rf"|avec\s+nous\s+ce\s+soir(?:{_COLON}|\s*,)?"
    # bare "Guests:", "Invités :", "Invitados:", "Gäste heute:" need their colon
    rf"|{_GUEST_WORD}{_WHEN}{_COLON}"
    rf"){_HANDLES}",
    re.IGNORECASE,
)
_COMODS_NAMED = re.compile(
    r"(?<!\w)(?:"
    r"co[-\s]?(?:anim[ée]e?s?\s+(?:par|avec)|anim(?:ation|ateur|atrice|ateurs|atrices)"
    r"|host(?:s|ed\s+by|ing\s+with)?|mod[ée]ration|moderat(?:ion|ors?|ed\s+by)"
    rf"|mod[ée]rat(?:eur|rice)s?){_WHEN}(?:{_COLON})?"
    rf"|(?:mod[ée]ration|moderation|moderators?|animation){_WHEN}{_COLON}"
    rf"){_HANDLES}",
    re.IGNORECASE,
)


def announced_people(text: str) -> tuple[list[str], list[str]]:
    """(guests, co-moderators) a post announces by @handle, in order, outside a reply's leading
    @mentions; empty lists for an ordinary post."""
    words = own_words(text)
    if "@" not in words and "＠" not in words:
        return [], []
    found: tuple[list[str], list[str]] = ([], [])
    for i, pattern in enumerate((_GUESTS_NAMED, _COMODS_NAMED)):
        for m in pattern.finditer(words):
            for handle in re.findall(r"[@＠](\w{1,50})", m.group("handles")):
                if handle not in found[i]:
                    found[i].append(handle)
    return found


def announced_by(post: Post) -> tuple[list[str], list[str]]:
    """`announced_people` of a post; on Mastodon a name is the account the post mentions
    (`aminak@mamot.fr`: the text shows `@aminak` only), so a guest on another instance is known."""
    guests, comods = announced_people(post.text)
    if post.network is Network.MASTODON and post.mentions and (guests or comods):
        accounts = {m.partition("@")[0].casefold(): m for m in post.mentions if "@" in m}
        guests = [accounts.get(g.casefold(), g) for g in guests]
        comods = [accounts.get(c.casefold(), c) for c in comods]
    return guests, comods


def named_handles(post: Post) -> list[str]:
    """Every @handle a post names in its own words, in order (a reply's automatic leading
    @mentions aside); on Mastodon the account the post mentions, as in `announced_by`."""
    words = own_words(post.text)
    found: list[str] = []
    for handle in re.findall(r"(?<!\w)[@＠](\w{1,50})", words):
        if handle.casefold() not in (h.casefold() for h in found):
            found.append(handle)
    if post.network is Network.MASTODON and post.mentions and found:
        accounts = {m.partition("@")[0].casefold(): m for m in post.mentions if "@" in m}
        found = [accounts.get(h.casefold(), h) for h in found]
    return found
