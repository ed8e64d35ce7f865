"""Posts that send readers to the author's own profile, in any words: "tap my profile", "the
story's on my page", "check my pinned", "toca mi foto de perfil", "lá em cima no meu @", "kijk
naar mijn vastgepinde tweet", "DM me and I'll send you the link".

The word lists (`call_bio` in the rules) hold set phrases; spam accounts write new ones every
week. What they share is a shape: a first-person possessive and a profile word ("my pinned",
"mi perfil", "mon épinglé"), after a pointing verb or a place ("on", "en", "no", "sur"); or a
link promised in private messages. Those shapes are read here and fire the same signal as the
word lists (`call_bio`), so the weight, the reason and the asked-for-link mitigator are shared.
"""

from __future__ import annotations

import re

_MY = (
    r"(?:my|mi|mis|mon|ma|mes|meu|minha|meus|minhas|mijn|mein|meine|meinem|meiner|il\s+mio|"
    r"la\s+mia|nuestro|nuestra|nosso|nossa|our|notre)"
)
_PROFILE = (
    r"(?:profile|profil|perfil|profiel|profilo|bio|page|p[áa]gina|pinned(?:\s+(?:tweet|post))?|"
    r"pin|fijado|tuit\s+fijado|tweet\s+fijado|fixado|tweet\s+fixado|post\s+fixado|"
    r"[ée]pingl[ée]|tweet\s+[ée]pingl[ée]|vastgepinde(?:\s+tweet)?|name|nombre|nome|naam|"
    r"(?:profile\s+)?(?:photo|pic|picture|foto|fotinha)(?:\s+(?:de|do)\s+perfil)?|@)"
)
_POINT = (
    r"(?:tap|tapping|click|check|see|look\s+at|have\s+a\s+look\s+at|visit|go\s+to|head\s+to|"
    r"toca|toc[áa]|mira|mir[áa]|revisa|revis[áa]|entra\s+a|pasa\s+por|ve\s+a|chequea|"
    r"clica|clique|cliquez|clic|regarde|regardez|va\s+voir|allez\s+voir|jette\s+un\s+(?:œ|oe)il\s+[àa]|"
    r"kijk(?:\s+even)?(?:\s+naar|\s+op)?|bekijk|klik(?:\s+op)?|d[áa]\s+uma\s+olhada\s+n[oa]|"
    r"olha|olhe|v[êe]|passa\s+n[oa]|entra\s+n[oa]|schau(?:\s+mal)?(?:\s+(?:in|auf))?|guarda)"
)
_PLACE = (
    r"(?:in|on|at|up\s+top\s+on|at\s+the\s+top\s+of|en|arriba\s+en|no|na|em|l[áa]\s+em\s+cima\s+n[oa]|"
    r"dans|sur|op|auf|nel|nella|sul|sulla)"
)
_TELLS = (
    r"(?:explains|says|shows|tells|has\s+(?:it|all|everything)|explica|cuenta|muestra|explique|"
    r"raconte|montre|conta|mostra|legt\s+uit|laat\s+zien|erkl[äa]rt|spiega)"
)
# "is in my bio", "it's all up top on my page", "está arriba en mi perfil", "tá lá em cima no meu
# @", "alles staat op mijn profiel": a place after a verb of being (not "in my bio I list ...").
_IS = (
    r"(?:\b(?:is|are|all|everything|está|esta|están|estan|tá|ta|fica|ficam|tudo|todo|est|sont|"
    r"tout|staat|zit|alles|ist|liegt|è|pinned|fijado|fixado|[ée]pingl[ée]|vastgepind)|'s)"
)
_ON_PROFILE = re.compile(
    rf"\b{_POINT}\s+(?:on\s+|at\s+|en\s+|sur\s+|op\s+)?{_MY}\s+{_PROFILE}(?![\w])"
    rf"|{_IS}\s+(?:[\w']+\s+){{0,3}}?{_PLACE}\s+{_MY}\s+{_PROFILE}(?![\w])"
    rf"|\b{_MY}\s+{_PROFILE}\s+{_TELLS}\b",
    re.IGNORECASE,
)
_PRIVATE = (
    r"(?:dms?|direct|inbox|priv[ée]|mp|md|pv|privado|privada|priv[ée]bericht(?:je)?|"
    r"message\s+priv[ée]|mensaje\s+privado|mensagem\s+privada|whats(?:app)?|zap)"
)
_LINK = r"(?:link|links|enlace|lien|liens|linkje)"
# "DM me and I'll send you the link", "escríbeme al DM y te paso el enlace", "me chama no direct
# que eu te passo o link" (never "there is no direct link").
_PRIVATELY = rf"\b(?:dm\s+me|(?:in|into|by|via|no|na|al|el|en|au|em|per|por|par|een|my|mi|mon|meu)\s+{_PRIVATE})\b"
_LINK_IN_PRIVATE = re.compile(
    rf"{_PRIVATELY}(?!\s+{_LINK})[^.!?\n]{{0,50}}\b{_LINK}\b"
    rf"|\b{_LINK}\b[^.!?\n]{{0,30}}{_PRIVATELY}",
    re.IGNORECASE,
)
_ANCHORS = frozenset(
    "profile profil perfil profiel profilo bio page pagina página pinned pin fijado fixado "
    "epingle vastgepinde name nombre nome naam photo pic picture foto fotinha "
    "link links enlace lien liens linkje".split()
)


_BARE_AT = re.compile(r"[@＠](?!\w)")


def may_point(words: list[str], text: str) -> bool:
    """False when none of the words a pointer needs is there (most posts): skip the regexes."""
    return not _ANCHORS.isdisjoint(words) or ("@" in text and bool(_BARE_AT.search(text)))


def profile_pointer(folded: str) -> tuple[int, int] | None:
    """The span of a pointer to the author's own profile or a link by private message in the
    (lower-cased, mentions blanked) text, or None."""
    found = _ON_PROFILE.search(folded) or _LINK_IN_PRIVATE.search(folded)
    return found.span() if found else None
