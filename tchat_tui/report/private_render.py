"""The private report's sections, in Markdown and in HTML (escaped as the public recap is)."""

from __future__ import annotations

from tchat_tui.domain.summary import Summary
from tchat_tui.report import html as h
from tchat_tui.report import markdown as m
from tchat_tui.report.links import post_link
from tchat_tui.report.private import (
    NotedPost,
    PrivateReport,
    audience_fate,
    flag_note,
    moderation_figures,
)
from tchat_tui.report.wording import COST_HEADING, clock, cost_line, cost_rows

BANNER = "Private: for the host team, not for publishing"


def _md_post(s: Summary, p: NotedPost, note: str) -> str:
    url = post_link(p.network, p.native_id, p.author, p.instance)
    time = f"[{clock(s, p.created_at)}](<{url}>)" if url else clock(s, p.created_at)
    return f"- {time} **@{m.escape(p.author)}** ({m.escape(note)}): {m.escape(p.text)}"


def private_markdown(s: Summary, r: PrivateReport) -> str:
    """The private sections in Markdown."""
    out = ["", "---", "", f"# {BANNER}", "", "## Moderation", "", "| | |", "|---|---|"]
    out += [f"| {label} | {value} |" for label, value in moderation_figures(s)]
    out += ["", "## Flagged posts", ""]
    for f in r.flagged:
        out.append(_md_post(s, f, flag_note(f)))
        out += [f"  - {m.escape(reason)}" for reason in f.reasons]
    if not r.flagged:
        out.append("No post was flagged.")
    out += ["", "## Muted authors", ""]
    out += [f"- @{m.escape(h_)}" + (f" (by {m.escape(by)})" if by else "") for h_, by in r.muted]
    if not r.muted:
        out.append("No author was muted.")
    out += ["", "## Audience questions", ""]
    out += [_md_post(s, a, audience_fate(s, a)) for a in r.audience] or ["None."]
    out += ["", "## To follow up: unanswered audience questions", ""]
    out += [_md_post(s, a, audience_fate(s, a)) for a in r.unanswered] or ["None."]
    if s.cost is not None:
        out += ["", f"## {COST_HEADING}", "", cost_line(s.cost), ""]
        out += ["| | Count | USD |", "|---|---:|---:|"]
        out += [f"| {m.escape(what)} | {n} | {m.escape(v)} |" for what, n, v in cost_rows(s.cost)]
    return "\n".join(out) + "\n"


def _html_post(s: Summary, p: NotedPost, note: str, reasons: bool = False) -> str:
    url = post_link(p.network, p.native_id, p.author, p.instance)
    time = h.escape(clock(s, p.created_at))
    if url:
        time = f'<a href="{h.escape(url)}">{time}</a>'
    why = ""
    if reasons and p.reasons:
        why = "<ul>" + "".join(f"<li>{h.escape(x)}</li>" for x in p.reasons) + "</ul>"
    return (
        f'<li><span class="time">{time}</span> <span class="handle">@{h.escape(p.author)}</span>'
        f' <span class="role">{h.escape(note)}</span>'
        f'<div class="text">{h.escape(p.text)}</div>{why}</li>'
    )


def private_html(s: Summary, r: PrivateReport) -> list[str]:
    """The private sections as HTML elements (added before the end of the document's body)."""
    out = [
        f'<h1 id="private">{h.escape(BANNER)}</h1>',
        "<h2>Moderation</h2>",
        "<table>",
        *(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in moderation_figures(s)),
        "</table>",
        "<h2>Flagged posts</h2>",
    ]
    lists = (
        ("flagged", r.flagged, "No post was flagged.", True),
        ("Audience questions", r.audience, "None.", False),
        ("To follow up: unanswered audience questions", r.unanswered, "None.", False),
    )
    for title, posts, empty, reasons in lists:
        if title != "flagged":
            out.append(f"<h2>{h.escape(title)}</h2>")
        notes = [flag_note(p) if reasons else audience_fate(s, p) for p in posts]
        items = [_html_post(s, p, n, reasons) for p, n in zip(posts, notes, strict=True)]
        out += (
            ['<ul class="posts">', *items, "</ul>"] if items else [f'<p class="empty">{empty}</p>']
        )
        if title == "flagged":
            out.append("<h2>Muted authors</h2>")
            muted = [
                f"<li>@{h.escape(x)}" + (f" (by {h.escape(by)})" if by else "") + "</li>"
                for x, by in r.muted
            ]
            out += (
                ["<ul>", *muted, "</ul>"]
                if muted
                else ['<p class="empty">No author was muted.</p>']
            )
    if s.cost is not None:
        out += [
            f'<h2 id="cost">{h.escape(COST_HEADING)}</h2>',
            f"<p>{h.escape(cost_line(s.cost))}</p>",
            '<table><tr><th></th><th class="n">Count</th><th class="n">USD</th></tr>',
            *(
                f'<tr><td>{h.escape(what)}</td><td class="n">{n}</td>'
                f'<td class="n">{h.escape(v)}</td></tr>'
                for what, n, v in cost_rows(s.cost)
            ),
            "</table>",
        ]
    return out
