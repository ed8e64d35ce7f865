"""The summary as Markdown: post texts are escaped so a participant cannot inject links or HTML.

Every text from the database (posts, handles, questions, the plan's names) goes through `escape`:
unsafe code points become '�' (`domain.text.untrusted`), line breaks a space, Markdown's
punctuation a literal. Links are built by `report.links` from validated handles only.
"""

from __future__ import annotations

import re

from tchat_tui.domain.summary import Summary, SummaryPost
from tchat_tui.domain.text.untrusted import neutral
from tchat_tui.report.links import post_link
from tchat_tui.report.wording import (
    COST_HEADING,
    clock,
    cost_line,
    cost_rows,
    figure_rows,
    moderation_line,
    people,
    role_note,
    when,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_SPACES = re.compile(r"\s+")


def escape(text: str) -> str:
    """Untrusted text as literal Markdown: one line, unsafe code points replaced by '�',
    punctuation backslash-escaped."""
    flat = _SPACES.sub(" ", neutral(text)).strip()
    return _SPECIAL.sub(r"\\\1", flat)


def _link(label: str, url: str | None) -> str:
    # `url` comes from `post_link` only: https, validated parts, percent-encoded, so nothing in
    # it can close the <...> target or the link.
    return f"[{label}](<{url}>)" if url else label


def _post_line(s: Summary, p: SummaryPost) -> str:
    star = "⭐ " if p.starred else ""
    url = post_link(p.network, p.native_id, p.author_handle, p.instance)
    who = f"**@{escape(p.author_handle)}**{role_note(escape(p.role))}"
    return f"- {star}{who}, {_link(clock(s, p.created_at), url)}: {escape(p.text)}"


def render_markdown(s: Summary) -> str:
    """The whole summary in Markdown."""
    out = [f"# {escape(s.title)}", "", f"{escape(when(s))}  "]
    out += [f"**{label}:** {escape(value)}  " for label, value in people(s)]
    out += ["", "## Figures", "", "| | |", "|---|---|"]
    out += [f"| {label} | {escape(value)} |" for label, value in figure_rows(s)]
    out += ["", "## Questions", ""]
    if not s.questions:
        out += ["No question was planned or posted.", ""]
    for q in s.questions:
        out += [f"### Q{q.number}: {escape(q.text)}", ""]
        if q.post_id is None:
            out += ["Not posted.", ""]
            continue
        drew = f"{q.answer_count:,} answer{'s' if q.answer_count != 1 else ''}"
        if q.answer_count:
            drew += f" from {q.answerers:,} participant{'s' if q.answerers != 1 else ''}"
        out += [f"Posted at {clock(s, q.posted_at)}: {drew}.", ""]
        out += [_post_line(s, p) for p in q.top_answers]
        more = q.answer_count - len(q.top_answers)
        if more > 0:
            out.append(f"- … and {more:,} more")
        out.append("")
    out += ["## Highlights", ""]
    out += [_post_line(s, p) for p in s.highlights] or ["No post was starred."]
    out += ["", "## Top contributors", "", "| Who | Posts | Answers |", "|---|---:|---:|"]
    for c in s.top_contributors:
        new = " · first time" if c.first_time and c.role == "participant" else ""
        out.append(f"| @{escape(c.handle)}{role_note(c.role)}{new} | {c.posts:,} | {c.answers:,} |")
    out += ["", "## Thank you", ""]
    if s.to_thank:
        out.append("To everyone who took part: " + ", ".join(f"@{escape(h)}" for h in s.to_thank))
    else:
        out.append("No participant besides the host and guests.")
    out += ["", "## Moderation", "", moderation_line(s), ""]
    if s.cost is not None:
        out += [f"## {COST_HEADING}", "", cost_line(s.cost), ""]
        out += ["| | Count | USD |", "|---|---:|---:|"]
        out += [f"| {escape(what)} | {n} | {escape(v)} |" for what, n, v in cost_rows(s.cost)]
        out.append("")
    return "\n".join(out)
