"""One entry point for the summary's formats: Markdown, HTML, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from tchat_tui.domain.summary import Summary
from tchat_tui.report.html import render_html
from tchat_tui.report.markdown import render_markdown


def render_json(s: Summary) -> str:
    """The summary as JSON: `questions`, `participants`, `stats` and more (native post ids)."""
    return json.dumps(s.to_json(), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Summary], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}
"""Format name -> renderer."""


def render(s: Summary, fmt: str) -> str:
    """The summary in `fmt` ('md', 'html' or 'json')."""
    return RENDERERS[fmt](s)
