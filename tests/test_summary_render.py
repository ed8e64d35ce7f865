"""Summary formats: Markdown and HTML escape post text, HTML stands alone, JSON has the ids."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tchat_tui.domain.summary import Summary
from tchat_tui.report.build import build_summary
from tchat_tui.report.chart import posts_per_minute_svg
from tchat_tui.report.markdown import escape
from tchat_tui.report.render import render
from tchat_tui.report.words import words_for
from tests.test_summary import SECRET, build_chat


@pytest.fixture
def summary(tmp_path: Path) -> Summary:
    store, _ = build_chat(tmp_path / "care.db")
    return build_summary(store)


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_every_format_has_the_essentials(summary: Summary, fmt: str) -> None:
    """Title, date, host, guests, figures, each question with its count; no hidden text."""
    out = render(summary, fmt)
    for words in ("CareChat", "Caring for a parent", "claire", "nadia", "What helps you most?"):
        assert words in out
    assert SECRET not in out


@pytest.mark.parametrize(
    "words",
    [
        "Thursday 26 November 2026, 19:00-20:00 (UTC+01:00)",
        "**Host**: [@claire](<https://x.com/claire>)",
        "| Posts | 11 (and 1 repost) |",
        "| Answers | 5 |",
        "| Peak minute | 19:06, 2 posts |",
        "### Q1: What helps you most?",
        "Posted at 19:05 · 4 answers from 4 participants",
        "## Highlights",
        "- [19:07](<https://x.com/nadia/status/5>) [@nadia](<https://x.com/nadia>) · *guest*:"
        " A1 rest",
        "| [@bob](<https://x.com/bob>) | 2 | 0 | 2 |",
        "| [@claire](<https://x.com/claire>) · *host* | 0 | 0 | 3 |",
        "To everyone who took part: [@bob](<https://x.com/bob>), [@ada](<https://x.com/ada>),"
        " [@cyd](<https://x.com/cyd>)",
    ],
)
def test_markdown_sections(summary: Summary, words: str) -> None:
    """The Markdown recap carries each part the issue lists."""
    assert words in render(summary, "md")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_public_recap_keeps_moderation_private(summary: Summary, fmt: str) -> None:
    """Flags, hidden and muted counts are not in the recap people publish; --private adds them."""
    out = render(summary, fmt).casefold()
    for words in ("flagged", "promotion", "muted", "hidden", "spammy", "private"):
        assert words not in out, words


def test_markdown_answers_in_time_order_marked(summary: Summary) -> None:
    """Under Q1: the quoted answers in the order they were written; the guest's and the starred
    one are marked."""
    md = render(summary, "md")
    q1 = md.split("### Q1", 1)[1].split("### Q2", 1)[0]
    order = [q1.index(f"[@{h}]") for h in ("ada", "bob", "nadia", "cyd")]
    assert order == sorted(order)
    assert "[@cyd](<https://x.com/cyd>) ⭐: A1 my cat" in q1
    assert "[@nadia](<https://x.com/nadia>) · *guest*: A1 rest" in q1


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("[link](http://evil)", r"\[link\](http://evil)"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert(1)\>"),
        ("*bold* _it_ `code`", r"\*bold\* \_it\_ \`code\`"),
        ("line\nbreak\x1b[31m", "line break\ufffd\\[31m"),
        ("bidi \u202eabc\u2066d\u2069 \u200e", "bidi \ufffdabc\ufffdd\ufffd \ufffd"),
        ("a | b", r"a \| b"),
    ],
)
def test_markdown_escapes_post_text(text: str, escaped: str) -> None:
    """A participant's text cannot add links, HTML, emphasis or table cells."""
    assert escape(text) == escaped


def test_html_escapes_post_text(summary: Summary) -> None:
    """The starred post's markup is shown as text, never run."""
    html = render(summary, "html")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [link]" in html


def test_html_drops_terminal_escapes(summary: Summary) -> None:
    """Control characters in a post never reach the HTML file: each shows as '\ufffd'."""
    post = summary.highlights[1]
    tricky = replace(summary, highlights=(replace(post, text="red \x1b[31mtext\x07"),))
    html = render(tricky, "html")
    assert "red \ufffd[31mtext\ufffd" in html and "\x1b" not in html and "\x07" not in html


def test_html_is_self_contained(summary: Summary) -> None:
    """No script, stylesheet, image or font is loaded from anywhere: it reads offline."""
    html = render(summary, "html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<svg" in html and "<style>" in html
    for needle in ("<script", "<link", "<img", "src=", "@import", "url(", "<iframe"):
        assert needle not in html
    assert all(h.startswith("https://x.com/") for h in re.findall(r'href="([^"]*)"', html))


def test_chart_marks_each_question(summary: Summary) -> None:
    """One bar per minute with posts, a dashed mark and a label at each question's time."""
    svg = posts_per_minute_svg(summary, words_for("en"))
    assert svg.count("<rect") == len(summary.per_minute)
    assert svg.count("stroke-dasharray") == 2
    assert ">Q1<title>Q1 at 19:05: What helps you most?</title>" in svg
    assert ">Q2<title>Q2 at 19:20" in svg


def test_json_shape(summary: Summary) -> None:
    """questions [{number, text, post_id, answers}], participants [handles], stats {...}."""
    data = json.loads(render(summary, "json"))
    q1 = data["questions"][0]
    assert {k: q1[k] for k in ("number", "text", "post_id", "answers")} == {
        "number": 1,
        "text": "What helps you most?",
        "post_id": "1",
        "answers": ["6", "5", "4", "3"],
    }
    assert set(data["participants"]) == {"claire", "ada", "bob", "nadia", "cyd", "spammy", "tom"}
    assert data["stats"]["posts"] == 11 and data["stats"]["hidden"] == 1
    assert data["stats"]["peak_minute"] == "2026-11-26T19:06:00+01:00"
    assert [h["post_id"] for h in data["highlights"]] == ["6", "12"]


def test_an_invalid_handle_is_text_never_a_link(summary: Summary) -> None:
    """A handle X would never give (`a>)[y](javascript:alert(1)`) is escaped text and its post is
    not linked, in Markdown and HTML; a valid one is linked, URL-encoded."""
    post = summary.highlights[1]
    evil = replace(post, author_handle="a>)[y](javascript:alert(1)")
    tricky = replace(summary, highlights=(evil, post))
    md = render(tricky, "md")
    assert "[19:10](<https://x.com/ada/status/12>) [@ada](<https://x.com/ada>)" in md
    assert "- 19:10 **Ada** @a\\>)\\[y\\](javascript:alert(1) ⭐: " in md
    assert "javascript" not in "".join(re.findall(r"\]\(<([^>]*)>\)", md))
    html = render(tricky, "html")
    assert '<span class="handle">@a&gt;)[y](javascript:alert(1)</span>' in html
    assert re.findall(r'href="([^"]*)"', html).count("https://x.com/ada/status/12") == 1
    assert "javascript" not in "".join(re.findall(r'href="([^"]*)"', html))
    data = json.loads(render(tricky, "json"))
    assert [h["url"] for h in data["highlights"]] == [None, "https://x.com/ada/status/12"]


def test_json_escapes_controls_and_keeps_the_text(summary: Summary) -> None:
    """JSON: no raw control or bidi control in the document; parsed, the text is as stored."""
    post = summary.highlights[1]
    text = "a\x1b]52;c;eA==\x07 \x9b2J \u202eb\u2066"
    out = render(replace(summary, highlights=(replace(post, text=text),)), "json")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
    assert json.loads(out)["highlights"][0]["text"] == text
