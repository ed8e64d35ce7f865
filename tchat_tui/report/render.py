"""One entry point for the summary's formats: Markdown, HTML, JSON; the private report with them."""

from __future__ import annotations

import json

from tchat_tui.domain.summary import Summary
from tchat_tui.domain.text.untrusted import json_text
from tchat_tui.report.html import render_html
from tchat_tui.report.links import post_link
from tchat_tui.report.markdown import render_markdown
from tchat_tui.report.private import PrivateReport
from tchat_tui.report.private_render import private_html, private_markdown

FORMATS = ("md", "html", "json")


def render_json(s: Summary) -> str:
    """The summary as JSON: `questions`, `participants`, `stats` and more (native post ids).

    Texts are kept exact, with DEL, C1 and bidi controls escaped (`\\u202e`), never raw; a
    highlight's `url` is there only when built from validated parts (`report.links`).
    """
    data = s.to_json()
    for item, p in zip(data["highlights"], s.highlights, strict=True):
        item["url"] = post_link(p.network, p.native_id, p.author_handle, p.instance)
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def render(s: Summary, fmt: str, private: PrivateReport | None = None) -> str:
    """The summary in `fmt` ('md', 'html' or 'json'); with `private`, the private report after
    the public recap (md and html)."""
    if fmt == "md":
        out = render_markdown(s)
        return out + private_markdown(s, private) if private is not None else out
    if fmt == "html":
        return render_html(s, private_html(s, private) if private is not None else None)
    return render_json(s)
