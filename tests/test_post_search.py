"""The chat's search: the store's SQL finds exactly the posts `PostSearch.matches` finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Role
from tchat_tui.domain.post_search import PostSearch
from tchat_tui.store.database import Store
from tests.factories import make_post


@pytest.mark.parametrize(
    ("typed", "words", "handles", "questions"),
    [
        ("Q3", (), (), (3,)),
        ("a2 répit", ("répit",), (), (2,)),
        ("@Claire ÉCOUTE", ("ÉCOUTE",), ("Claire",), ()),
        ("  ", (), (), ()),
        ("Q3x", ("Q3x",), (), ()),
    ],
)
def test_parse(
    typed: str, words: tuple[str, ...], handles: tuple[str, ...], questions: tuple[int, ...]
) -> None:
    """Q<n>/A<n> are question numbers, @x a handle, the rest words (kept as typed)."""
    s = PostSearch.parse(typed)
    assert (s.words, s.handles, s.questions) == (words, handles, questions)
    assert s.empty == (not (words or handles or questions))


POSTS = [
    ("1", "Q3: What helps? #T", "hostess", 3, None),
    ("2", "A3 l'Écoute, surtout #T", "claire_morel", None, 3),
    ("3", "@claire_morel oui, l'écoute #T", "marc", None, 3),
    ("4", "A2 la paperasse #T", "Claire_B", None, 2),
    ("5", "nothing to see #T", "zed", None, None),
    ("6", "Die Straße, 100% sicher #T", "clairexmorel", None, None),
    ("7", "ÉCOUTE! #T", "x_y", None, None),
]


@pytest.fixture
def store(tmp_path: Path) -> tuple[Store, int]:
    """A chat with five classified posts."""
    st = Store.open(tmp_path / "c.db")
    chat = st.ensure_chat("T")
    items = [
        ChatPost(
            make_post(nid, text, handle, minute=i),
            Classification(Role.PARTICIPANT, question_number=q, answers=a),
        )
        for i, (nid, text, handle, q, a) in enumerate(POSTS)
    ]
    st.add_posts(chat, items)
    return st, chat


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Q3", ["1", "2", "3"]),
        ("A2", ["4"]),
        ("écoute", ["2", "3", "7"]),  # 'Écoute' too: Unicode case folding
        ("@claire", ["2", "3", "4", "6"]),  # the author's handle, or mentioned
        ("@claire Q3", ["2", "3"]),
        ("claire paperasse", ["4"]),
        ("absent", []),
        ("claire_m", ["2", "3"]),  # '_' is a character, not LIKE's wildcard
        ("100%", ["6"]),
        ("0%s", []),
        ("strasse", []),  # an ASCII term folds A-Z only, in SQL and in memory alike
        ("straße", ["6"]),
        ("STRAẞE", ["6"]),  # casefolded: 'strasse' both sides
        ("Écoute", ["2", "3", "7"]),
        ("ecoute", []),
        ("@x_y", ["7"]),
    ],
)
def test_store_search_agrees_with_matches(
    store: tuple[Store, int], typed: str, found: list[str]
) -> None:
    """The SQL search and the in-memory test find the same posts."""
    st, chat = store
    search = PostSearch.parse(typed)
    rows = st.search_posts(chat, search)
    assert [r["native_id"] for r in rows] == found
    in_memory = [
        nid for nid, text, handle, q, a in POSTS if search.matches(text, handle, handle, q, a)
    ]
    assert in_memory == found
