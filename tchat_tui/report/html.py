"""The public recap as one self-contained HTML file: inline CSS and SVG, no script, no external asset.

Every text from the database (posts, names, handles, questions) goes through `escape`: unsafe
code points become '\ufffd' (`domain.text.untrusted`), then `html.escape` (quotes too, so the
same function serves attributes). Links are built by `report.links` from validated parts only:
posts and profiles on their network's website, a post's own links from its stored entities
(http(s), percent-encoded).
"""

from __future__ import annotations

from html import escape as _escape

from tchat_tui.domain.summary import Contributor, Summary, SummaryPost
from tchat_tui.domain.text.untrusted import neutral
from tchat_tui.report.chart import chart_table, posts_per_minute_svg
from tchat_tui.report.links import post_link, profile_link
from tchat_tui.report.people import Person, person_of, team_lines
from tchat_tui.report.quote import quote_pieces
from tchat_tui.report.wording import clock, drew, figure_rows, when
from tchat_tui.report.words import Words, words_for


def escape(text: str, quote: bool = True) -> str:
    """Text for HTML (content or attribute): unsafe code points replaced by '\ufffd', markup
    escaped."""
    return _escape(neutral(text), quote=quote)


STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; line-height: 1.25; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; }
a { color: #1d5a9a; }
.meta { color: #555; margin: .1rem 0; }
table { border-collapse: collapse; }
td, th { padding: .2rem .8rem .2rem 0; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
ol.answers, ul.posts { padding-left: 0; list-style: none; }
li.post { margin: .8rem 0; padding-left: .6rem; border-left: 3px solid #e3e3e3; }
li.guest { border-left-color: #7a5; }
li.starred { border-left-color: #d4a000; }
.name { font-weight: 600; }
.handle { color: #555; }
.role { color: #4d7a2a; font-size: .85em; }
.time { color: #777; font-size: .85em; margin-right: .3rem; }
.star { color: #b58900; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.more, .empty { color: #777; }
svg { max-width: 100%; height: auto; }
svg.narrow { display: none; }
@media (max-width: 600px) {
  body { margin: 1rem auto; }
  svg.wide { display: none; }
  svg.narrow { display: block; }
}
details { margin: .5rem 0; }
.thanks .name { font-weight: normal; }
"""


def person(p: Person) -> str:
    """'<span class="name">Claire Morel</span> <a class="handle" href=...>@claire_morel</a>'."""
    url = profile_link(p.network, p.handle, p.instance)
    handle = f"@{escape(p.handle)}"
    handle = (
        f'<a class="handle" href="{escape(url)}">{handle}</a>'
        if url
        else f'<span class="handle">{handle}</span>'
    )
    if p.name and p.name.casefold() != p.handle.casefold():
        return f'<bdi class="name">{escape(p.name)}</bdi> {handle}'
    return handle


def _quote(s: Summary, p: SummaryPost) -> str:
    return "".join(
        f'<a href="{escape(piece.href)}">{escape(piece.text)}</a>'
        if piece.href
        else escape(piece.text)
        for piece in quote_pieces(p, s.tag)
    )


def post_item(s: Summary, p: SummaryPost, w: Words) -> str:
    """One quoted post: time (linked to the post), name, handle, marks, the words."""
    time = escape(clock(s, p.created_at))
    url = post_link(p.network, p.native_id, p.author_handle, p.instance)
    if url:
        time = f'<a href="{escape(url)}">{time}</a>'
    classes = "post" + (" guest" if p.role == "guest" else "") + (" starred" if p.starred else "")
    role = f' <span class="role">{escape(w.role(p.role))}</span>' if w.role(p.role) else ""
    star = f' <span class="star" title="{escape(w("starred"))}">★</span>' if p.starred else ""
    return (
        f'<li class="{classes}"><span class="time">{time}</span>{person(person_of(p))}{role}'
        f'{star}<div class="text">{_quote(s, p)}</div></li>'
    )


def _chart(s: Summary, w: Words) -> list[str]:
    wide = posts_per_minute_svg(s, w, css_class="wide")
    if not wide:
        return []
    narrow = posts_per_minute_svg(s, w, 360, 200, font=12, label_minutes=15, css_class="narrow")
    sentence, rows = chart_table(s, w)
    out = [
        f"<h2>{escape(w('chart'))}</h2>",
        wide,
        narrow,
        f'<p class="meta">{escape(sentence)}</p>',
    ]
    out += [
        f"<details><summary>{escape(w('chart_table'))}</summary><table>",
        f'<tr><th>{escape(w("minutes"))}</th><th class="n">{escape(w("posts"))}</th>'
        f"<th>{escape(w('questions'))}</th></tr>",
    ]
    out += [
        f'<tr><td>{escape(span)}</td><td class="n">{escape(w.number(n))}</td>'
        f"<td>{escape(asked)}</td></tr>"
        for span, n, asked in rows
    ]
    return [*out, "</table></details>"]


def _contributors(title: str, rows: tuple[Contributor, ...], w: Words) -> list[str]:
    if not rows:
        return []
    out = [
        f"<h2>{escape(title)}</h2>",
        f'<table><tr><th>{escape(w("who"))}</th><th class="n">{escape(w("answers"))}</th>'
        f'<th class="n">{escape(w("replies"))}</th><th class="n">{escape(w("posts"))}</th></tr>',
    ]
    for c in rows:
        note = w.role(c.role) or (w("first_time") if c.first_time else "")
        note_html = f' <span class="role">{escape(note)}</span>' if note else ""
        out.append(
            f"<tr><td>{person(Person.of(c))}{note_html}</td>"
            f'<td class="n">{escape(w.number(c.answers))}</td>'
            f'<td class="n">{escape(w.number(c.replies))}</td>'
            f'<td class="n">{escape(w.number(c.posts))}</td></tr>'
        )
    return [*out, "</table>"]


def render_html(s: Summary, extra: list[str] | None = None) -> str:
    """The whole public recap as an HTML document (`extra`: more HTML sections at its end)."""
    w = words_for(s.language)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(w.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(s.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(s.title)}</h1>",
        f'<p class="meta">{escape(when(s, w))}</p>',
    ]
    out += [
        f'<p class="meta"><strong>{escape(label)}</strong>{escape(w("colon"))}'
        f" {', '.join(person(p) for p in persons)}</p>"
        for label, persons in team_lines(s, w)
    ]
    out += [f"<h2>{escape(w('figures'))}</h2>", "<table>"]
    out += [
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in figure_rows(s, w)
    ]
    out += ["</table>", *_chart(s, w)]
    if s.highlights:
        out += [f"<h2>{escape(w('highlights'))}</h2>", '<ul class="posts">']
        out += [*(post_item(s, p, w) for p in s.highlights), "</ul>"]
    out.append(f"<h2>{escape(w('questions'))}</h2>")
    if not s.questions:
        out.append(f'<p class="empty">{escape(w("no_question"))}</p>')
    for q in s.questions:
        out.append(f'<h3 id="q{q.number}">Q{q.number}: {escape(q.text)}</h3>')
        if q.post_id is None:
            out.append(f'<p class="empty">{escape(w("not_posted"))}</p>')
            continue
        posted = w("posted_at", time=clock(s, q.posted_at))
        out.append(f'<p class="meta">{escape(posted)} · {escape(drew(q, w))}</p>')
        if q.top_answers:
            out += ['<ol class="answers">', *(post_item(s, p, w) for p in q.top_answers), "</ol>"]
        more = q.answer_count - len(q.top_answers)
        if more > 0:
            out.append(f'<p class="more">{escape(w("more", more))}</p>')
    out += _contributors(w("top_contributors"), s.top_contributors, w)
    out += _contributors(w("host_team"), s.host_team, w)
    out.append(f"<h2>{escape(w('thank_you'))}</h2>")
    thanked = set(s.to_thank)
    names = [person(Person.of(c)) for c in s.everyone if c.handle in thanked]
    if names:
        out.append(f'<p class="thanks">{escape(w("to_everyone"))} {", ".join(names)}</p>')
    else:
        out.append(f'<p class="empty">{escape(w("nobody"))}</p>')
    out += [*(extra or []), "</body>", "</html>"]
    return "\n".join(out) + "\n"
