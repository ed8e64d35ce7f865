"""The public recap as Markdown: post texts are escaped so a participant cannot inject links or HTML.

Every text from the database (posts, names, handles, questions, the plan's names) goes through
`escape`: unsafe code points become '�' (`domain.text.untrusted`), line breaks a space, Markdown's
punctuation a literal. Links are built by `report.links` from validated parts only: posts and
profiles on their network's website, a post's own links from its stored entities (http(s)).
"""

from __future__ import annotations

import re

from tchat_tui.domain.summary import Summary, SummaryPost
from tchat_tui.domain.text.untrusted import neutral
from tchat_tui.report.links import post_link, profile_link
from tchat_tui.report.people import Person, person_of, team_lines
from tchat_tui.report.quote import quote_pieces
from tchat_tui.report.wording import clock, drew, figure_rows, when
from tchat_tui.report.words import Words, words_for

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_SPACES = re.compile(r"\s+")


def escape(text: str, *, strip: bool = True) -> str:
    """Untrusted text as literal Markdown: one line, unsafe code points replaced by '�',
    punctuation backslash-escaped (`strip`: no space left at either end)."""
    flat = _SPACES.sub(" ", neutral(text))
    return _SPECIAL.sub(r"\\\1", flat.strip() if strip else flat)


def _link(label: str, url: str | None) -> str:
    # `url` comes from `report.links` only: http(s), validated parts, percent-encoded, so
    # nothing in it can close the <...> target or the link.
    return f"[{label}](<{url}>)" if url else label


def person(p: Person) -> str:
    """'**Claire Morel** [@claire\\_morel](<https://x.com/claire_morel>)'."""
    handle = _link(f"@{escape(p.handle)}", profile_link(p.network, p.handle, p.instance))
    if p.name and p.name.casefold() != p.handle.casefold():
        return f"**{escape(p.name)}** {handle}"
    return handle


def _quote(s: Summary, p: SummaryPost) -> str:
    return "".join(
        _link(escape(piece.text), piece.href) if piece.href else escape(piece.text, strip=False)
        for piece in quote_pieces(p, s.tag)
    ).strip()


def post_line(s: Summary, p: SummaryPost, w: Words) -> str:
    """'- [19:06](<post>) **Name** [@handle](<profile>) · guest ⭐: the words'."""
    time = _link(
        clock(s, p.created_at), post_link(p.network, p.native_id, p.author_handle, p.instance)
    )
    marks = f" · *{escape(w.role(p.role))}*" if w.role(p.role) else ""
    marks += " ⭐" if p.starred else ""
    return f"- {time} {person(person_of(p))}{marks}: {_quote(s, p)}"


def render_markdown(s: Summary) -> str:
    """The whole public recap in Markdown."""
    w = words_for(s.language)
    out = [f"# {escape(s.title)}", "", f"{escape(when(s, w))}  "]
    for label, persons in team_lines(s, w):
        out.append(f"**{escape(label)}**{w('colon')} {', '.join(person(p) for p in persons)}  ")
    out += ["", f"## {escape(w('figures'))}", "", "| | |", "|---|---|"]
    out += [f"| {escape(label)} | {escape(value)} |" for label, value in figure_rows(s, w)]
    if s.highlights:
        out += ["", f"## {escape(w('highlights'))}", ""]
        out += [post_line(s, p, w) for p in s.highlights]
    out += ["", f"## {escape(w('questions'))}", ""]
    if not s.questions:
        out += [escape(w("no_question")), ""]
    for q in s.questions:
        out += [f"### Q{q.number}: {escape(q.text)}", ""]
        if q.post_id is None:
            out += [escape(w("not_posted")), ""]
            continue
        out += [f"{escape(w('posted_at', time=clock(s, q.posted_at)))} · {escape(drew(q, w))}", ""]
        out += [post_line(s, p, w) for p in q.top_answers]
        more = q.answer_count - len(q.top_answers)
        if more > 0:
            out.append(f"- {escape(w('more', more))}")
        out.append("")
    out += _contributors(s, w)
    out += ["", f"## {escape(w('thank_you'))}", ""]
    to_thank = set(s.to_thank)
    thanked = [c for c in s.everyone if c.handle in to_thank]
    if thanked:
        names = ", ".join(person(Person.of(c)) for c in thanked)
        out.append(f"{escape(w('to_everyone'))} {names}")
    else:
        out.append(escape(w("nobody")))
    out.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def _contributors(s: Summary, w: Words) -> list[str]:
    """The top contributors' table, then the host team's."""
    head = (
        f"| {escape(w('who'))} | {escape(w('answers'))} | {escape(w('replies'))}"
        f" | {escape(w('posts'))} |"
    )
    out: list[str] = []
    for title, rows in ((w("top_contributors"), s.top_contributors), (w("host_team"), s.host_team)):
        if not rows:
            continue
        out += ["", f"## {escape(title)}", "", head, "|---|---:|---:|---:|"]
        for c in rows:
            note = w.role(c.role) or (w("first_time") if c.first_time else "")
            who = person(Person.of(c)) + (f" · *{escape(note)}*" if note else "")
            out.append(
                f"| {who} | {w.number(c.answers)} | {w.number(c.replies)} | {w.number(c.posts)} |"
            )
    return out
