"""Thank-you drafts a host can post as they are: few mentions each, in the chat's language.

A post that @-mentions a crowd reads as spam on X (and gets throttled), so each draft mentions at
most `MAX_MENTIONS` accounts, chosen in this order: the guests (the plan's thanks template
already names them when there is one), the most active participants (answers and replies), then
the first-timers when an earlier chat with the tag is known. Everyone else is left out, and the
command says who. An account with a post flagged as promotion (even one a moderator allowed) or
a muted one is never mentioned. Each draft is written for one network, with that network's
handles, and fits its limit (`domain.text.rules`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tchat_tui.domain.post import Network, Role
from tchat_tui.domain.summary import Contributor, Summary
from tchat_tui.domain.text.handle_syntax import valid_handle
from tchat_tui.domain.text.rules import NetworkRules, check_text, rules_for
from tchat_tui.report.words import words_for

MAX_MENTIONS = 5
"""Mentions per draft at most."""
ACTIVE = 5
"""The most active participants thanked by name."""


@dataclass
class ThanksDrafts:
    """The drafts, per network, and who they leave out."""

    posts: list[tuple[str, str]] = field(default_factory=list)
    """(network, text) in posting order."""
    left_out: list[str] = field(default_factory=list)
    """Participants worth thanking but not mentioned (mentions kept few)."""
    never: list[str] = field(default_factory=list)
    """Accounts never mentioned: flagged as promotion (allowed or not) or muted."""


def mention(c: Contributor) -> str | None:
    """How `c` is mentioned on their network ('@ada', '@bob@social.example'); None when the
    handle is not one the network would give."""
    if not valid_handle(c.network, c.handle):
        return None
    if c.network == Network.MASTODON.value and "@" not in c.handle and c.instance:
        return f"@{c.handle}@{c.instance}"
    return f"@{c.handle}"


def _pack(lead: str, mentions: list[str], tag: str, rules: NetworkRules) -> list[str]:
    """Posts of `lead`, up to MAX_MENTIONS mentions and the tag, each within the limit."""
    tail = "" if tag.lstrip("#").casefold() in lead.casefold() else f" {tag}"
    posts: list[str] = []
    current: list[str] = []

    def text(ms: list[str]) -> str:
        return " ".join([lead, *ms]) + tail

    if not mentions:
        return [text([])]
    for m in mentions:
        if len(current) < MAX_MENTIONS and check_text(text([*current, m]), rules, tag).valid:
            current.append(m)
            continue
        if current:
            posts.append(text(current))
        current = [m] if check_text(text([m]), rules, tag).valid else []
    if current:
        posts.append(text(current))
    return posts


def thanks_drafts(s: Summary) -> ThanksDrafts:
    """The thank-you drafts of the chat (the plan's thanks template first, when it has one)."""
    w = words_for(s.language)
    out = ThanksDrafts()
    out.never = [f"@{c.handle}" for c in s.everyone if not c.thank]
    if s.thanks_template:
        out.posts.append((s.networks[0] if s.networks else "x", s.thanks_template))
    chosen: set[tuple[str, str]] = set()
    networks = [n for n in dict.fromkeys(s.networks) if n in {x.value for x in Network}]
    for network in networks or ["x"]:
        rules = rules_for(network, classic=s.classic)
        here = [c for c in s.everyone if c.network == network and c.thank]
        guests = [c for c in here if c.role == Role.GUEST.value]
        active = [c for c in here if not c.host_team]
        active.sort(key=lambda c: (-(c.answers + c.replies), -c.posts))
        firsts = [c for c in active if c.first_time] if s.first_timers is not None else []
        groups = [(w("thanks_active"), active[:ACTIVE]), (w("thanks_first"), firsts)]
        if not s.thanks_template and guests:
            groups.insert(0, (w("thanks_lead", tag=s.tag) + " " + w("thanks_guests"), guests))
        elif not s.thanks_template:
            out.posts.append((network, _pack(w("thanks_lead", tag=s.tag), [], s.tag, rules)[0]))
        for lead, people in groups:
            fresh = [c for c in people if (c.network, c.handle) not in chosen]
            mentions = [m for c in fresh if (m := mention(c))]
            posts = _pack(lead, mentions[:MAX_MENTIONS], s.tag, rules) if mentions else []
            if posts:
                chosen |= {(c.network, c.handle) for c in fresh[:MAX_MENTIONS]}
                out.posts += [(network, p) for p in posts]
        out.left_out += [
            f"@{c.handle}" for c in here if not c.host_team and (c.network, c.handle) not in chosen
        ]
    return out
