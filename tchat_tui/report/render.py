"""One entry point for the summary's formats: Markdown, HTML, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from tchat_tui.domain.summary import Summary
from tchat_tui.domain.text.untrusted import json_text
from tchat_tui.report.html import render_html
from tchat_tui.report.links import post_link
from tchat_tui.report.markdown import render_markdown


def render_json(s: Summary) -> str:
    """The summary as JSON: `questions`, `participants`, `stats` and more (native post ids).

    Texts are kept exact, with DEL, C1 and bidi controls escaped (`\\u202e`), never raw; a
    highlight's `url` is there only when built from validated parts (`report.links`).
    """
    data = s.to_json()
    for item, p in zip(data["highlights"], s.highlights, strict=True):
        item["url"] = post_link(p.network, p.native_id, p.author_handle, p.instance)
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


RENDERERS: dict[str, Callable[[Summary], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}
"""Format name -> renderer."""


def render(s: Summary, fmt: str) -> str:
    """The summary in `fmt` ('md', 'html' or 'json')."""
    return RENDERERS[fmt](s)
