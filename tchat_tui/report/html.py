"""The summary as one self-contained HTML file: inline CSS and SVG, no script, no external asset.

Every text from the database (posts, names, handles, questions) goes through `escape`: unsafe
code points become '\ufffd' (`domain.text.untrusted`), then `html.escape` (quotes too, so the
same function serves attributes). The only links are to posts, built by `report.links`: https on
the network's website, from validated handles and ids.
"""

from __future__ import annotations

from html import escape as _escape

from tchat_tui.domain.summary import Summary, SummaryPost
from tchat_tui.domain.text.untrusted import neutral
from tchat_tui.report.chart import posts_per_minute_svg
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


def escape(text: str, quote: bool = True) -> str:
    """Text for HTML (content or attribute): unsafe code points replaced by '\ufffd', markup
    escaped."""
    return _escape(neutral(text), quote=quote)


_STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: #555; margin: .1rem 0; }
table { border-collapse: collapse; }
td, th { padding: .2rem .8rem .2rem 0; text-align: left; vertical-align: top; }
td.n { text-align: right; }
ol.answers, ul.posts { padding-left: 1.2rem; }
li { margin: .4rem 0; }
.who { font-weight: 600; }
.role { color: #7a5; font-size: .85em; }
.time { color: #777; font-size: .85em; }
.star { color: #d4a000; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.more, .empty { color: #777; }
svg { max-width: 100%; height: auto; }
"""


def _post(s: Summary, p: SummaryPost) -> str:
    star = '<span class="star" title="starred">★</span> ' if p.starred else ""
    role = (
        f' <span class="role">{escape(role_note(p.role).strip())}</span>'
        if role_note(p.role)
        else ""
    )
    time = escape(clock(s, p.created_at))
    url = post_link(p.network, p.native_id, p.author_handle, p.instance)
    if url:
        time = f'<a href="{escape(url, quote=True)}">{time}</a>'
    return (
        f'<li>{star}<span class="who">@{escape(p.author_handle)}</span>{role}'
        f' <span class="time">{time}</span><div class="text">{escape(p.text)}</div></li>'
    )


def render_html(s: Summary) -> str:
    """The whole summary as an HTML document."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(s.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(s.title)}</h1>",
        f'<p class="meta">{escape(when(s))}</p>',
    ]
    out += [
        f'<p class="meta"><strong>{escape(label)}:</strong> {escape(value)}</p>'
        for label, value in people(s)
    ]
    out += ["<h2>Figures</h2>", "<table>"]
    out += [
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in figure_rows(s)
    ]
    out += ["</table>", "<h2>Posts per minute</h2>", posts_per_minute_svg(s), "<h2>Questions</h2>"]
    if not s.questions:
        out.append('<p class="empty">No question was planned or posted.</p>')
    for q in s.questions:
        out.append(f'<h3 id="q{q.number}">Q{q.number}: {escape(q.text)}</h3>')
        if q.post_id is None:
            out.append('<p class="empty">Not posted.</p>')
            continue
        drew = f"{q.answer_count:,} answer{'s' if q.answer_count != 1 else ''}"
        if q.answer_count:
            drew += f" from {q.answerers:,} participant{'s' if q.answerers != 1 else ''}"
        out.append(f'<p class="meta">Posted at {escape(clock(s, q.posted_at))}: {drew}.</p>')
        if q.top_answers:
            out.append('<ol class="answers">')
            out += [_post(s, p) for p in q.top_answers]
            out.append("</ol>")
        more = q.answer_count - len(q.top_answers)
        if more > 0:
            out.append(f'<p class="more">… and {more:,} more.</p>')
    out.append("<h2>Highlights</h2>")
    if s.highlights:
        out += ['<ul class="posts">', *(_post(s, p) for p in s.highlights), "</ul>"]
    else:
        out.append('<p class="empty">No post was starred.</p>')
    out += [
        "<h2>Top contributors</h2>",
        '<table><tr><th>Who</th><th class="n">Posts</th><th class="n">Answers</th></tr>',
    ]
    for c in s.top_contributors:
        new = " · first time" if c.first_time and c.role == "participant" else ""
        out.append(
            f"<tr><td>@{escape(c.handle)}{escape(role_note(c.role))}{new}</td>"
            f'<td class="n">{c.posts:,}</td><td class="n">{c.answers:,}</td></tr>'
        )
    out += ["</table>", "<h2>Thank you</h2>"]
    if s.to_thank:
        handles = ", ".join(f"@{escape(h)}" for h in s.to_thank)
        out.append(f"<p>To everyone who took part: {handles}</p>")
    else:
        out.append('<p class="empty">No participant besides the host and guests.</p>')
    out += ["<h2>Moderation</h2>", f"<p>{escape(moderation_line(s))}</p>"]
    if s.cost is not None:
        out += [
            f'<h2 id="cost">{escape(COST_HEADING)}</h2>',
            f"<p>{escape(cost_line(s.cost))}</p>",
            '<table><tr><th></th><th class="n">Count</th><th class="n">USD</th></tr>',
        ]
        out += [
            f'<tr><td>{escape(what)}</td><td class="n">{n}</td><td class="n">{escape(v)}</td></tr>'
            for what, n, v in cost_rows(s.cost)
        ]
        out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
