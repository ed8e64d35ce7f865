"""The promo tracker's compact state: same words, same near-duplicates, bounded memory."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

import pytest

from tchat_tui.domain.post import Network, Post, Role
from tchat_tui.domain.promo.authors import AuthorState, ReplyLinks
from tchat_tui.domain.promo.rules import default_rules
from tchat_tui.domain.promo.shingles import SKETCH, jaccard, shingle_mask, shingles
from tchat_tui.domain.promo.tracker import PostContext, PromoTracker
from tchat_tui.domain.promo.words import fast_words, words

RULES = default_rules()
JACCARD = RULES.limit("duplicate_jaccard")
T0 = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "A3 care family sister respite #BenchChat",
        "@hostess merci aidant répit infirmière écoute #BenchChat",
        "see https://t.co/abc and www.example.org/x?utm_source=y now",
        "xhttps://glued.example/path and abcwww.site.com stay glued",
        "mail@example.com @a_b1c #tag_2x 3rd a1b under_score",
        "café written cafe\u0301 with a combining accent, Straße, İstanbul",
        "nbsp\u00a0and narrow\u202fspace, l’offre d’achat qu'on",
        "ΟΔΟΣ ΣΟΦΙΑΣ shouts in Greek; m² and ½ and Ⅻ",
        "がんばって 日本語 and क़िला mixed scripts 🎉🎉",
        "tabs\tand\nnewlines\r\nand  double  spaces",
        "",
        "   ",
    ],
)
def test_fast_words_equal_words(text: str) -> None:
    """The one-pass tokeniser gives exactly the words of the reference `words`."""
    assert fast_words(text) == words(text)


def _random_text(rng: random.Random, vocab: list[str]) -> str:
    return " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 30)))


def test_fast_words_equal_words_on_random_texts() -> None:
    """Random mixes of entities, accents and punctuation tokenise the same both ways."""
    rng = random.Random(3)
    vocab = (
        "the buy Achetez-le inscris-toi #Tag @who https://x.io/a?b=c www.a.fr l'offre "
        "19,99€ -30\u202f% RT!!! ÉCOUTE naïve e\u0301t\u00e9 _x_ 42 don't ça 🎉"
    ).split()
    for _ in range(500):
        text = _random_text(rng, vocab)
        assert fast_words(text) == words(text), text


def _state(posts: list[list[str]], cap: int = 50) -> AuthorState:
    state = AuthorState("ada", cap)
    for w in posts:
        s = shingles(w)
        state.remember(s, shingle_mask(s))
    return state


def _exact_best(history: list[frozenset[int]], s: frozenset[int]) -> float:
    return max((jaccard(s, old) for old in history), default=0.0)


def test_near_duplicate_found_at_the_configured_jaccard() -> None:
    """A lightly reworded post is found (Jaccard >= the rules' limit); an unrelated one is not."""
    pitch = "great point acme rooms fix that try it free today with our team".split()
    reworded = "great point acme rooms fix that try it free today with our crew".split()
    unrelated = "we meet every monday to plan the week and share notes openly".split()
    state = _state([pitch, unrelated[::-1]])
    s = shingles(reworded)
    best = state.best_overlap(s, shingle_mask(s), JACCARD)
    assert best >= JACCARD
    assert best == pytest.approx(jaccard(s, shingles(pitch)))
    s = shingles(unrelated)
    assert state.best_overlap(s, shingle_mask(s), JACCARD) < JACCARD


def test_filter_never_hides_a_near_duplicate() -> None:
    """Against brute force: every post at the limit is found, whatever the filter's fill."""
    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(40)]
    for _ in range(60):
        kept = [[rng.choice(vocab) for _ in range(rng.randint(3, 25))] for _ in range(80)]
        state = _state(kept)
        history = [shingles(w) for w in kept[-50:] if w]
        for _ in range(20):
            base = rng.choice(kept)
            new = list(base)
            for _ in range(rng.randint(0, 3)):
                new[rng.randrange(len(new))] = rng.choice(vocab)
            s = shingles(new)
            expected = _exact_best(history, s)
            got = state.best_overlap(s, shingle_mask(s), JACCARD)
            if expected >= JACCARD:
                assert got == pytest.approx(expected)
            else:
                assert got < JACCARD


def test_author_history_is_compact_and_bounded() -> None:
    """At most `cap` posts of at most SKETCH 32-bit shingles each, whatever the post length."""
    long_post = [f"word{i}" for i in range(200)]
    state = _state([long_post] * 120, cap=50)
    assert len(state.history) == 50
    assert len(state.sketches) == sum(state.sizes) <= 50 * SKETCH
    assert state.sketches.itemsize == 4
    assert state.masked <= 2 * 50
    assert state.mask.bit_length() <= 4096


def test_reply_links_keep_the_last_fifty_per_domain() -> None:
    """The reply trail drops a domain's oldest record beyond 50 and keeps the other domains."""
    trail = ReplyLinks()
    trail.add("other.org", 0, "u0")
    for i in range(1, 81):
        trail.add("acme.io", i, f"u{i}")
    kept = trail.since("acme.io", 0)
    assert len(kept) == 50 and kept[0] == (31, "u31")
    assert trail.since("other.org", 0) == [(0, "u0")]
    assert trail.since("acme.io", 75) == [(t, f"u{t}") for t in range(75, 81)]


def _post(author: int, i: int, seconds: float, text: str) -> Post:
    return Post(
        network=Network.X,
        native_id=str(i),
        author_id=f"id{author}",
        author_handle=f"user{author}",
        author_name=f"User {author}",
        text=text,
        created_at=T0 + timedelta(seconds=seconds),
    )


def test_rate_window_median_matches_statistics_median() -> None:
    """The count-of-counts median equals `statistics.median` of posts per author in the window."""
    rng = random.Random(9)
    tracker = PromoTracker(RULES)
    ctx = PostContext("TestChat", Role.PARTICIPANT)
    window = timedelta(minutes=RULES.limit("rate_window_minutes"))
    seen: list[tuple[datetime, str]] = []
    t = 0.0
    for i in range(3000):
        t += rng.choice([0.1, 0.5, 2.0, 30.0])
        author = int(rng.paretovariate(1.2)) % 120
        p = _post(author, i, t, f"post {i} from {author}")
        tracker.score_and_record(p, ctx)
        seen.append((p.created_at, p.author_key))
        counts: dict[str, int] = {}
        for at, key in seen:
            if at >= p.created_at - window:
                counts[key] = counts.get(key, 0) + 1
        if tracker._window.since_median == 0:
            assert tracker._window.median == float(statistics.median(counts.values()))
        assert tracker._window.active == len(counts)


def test_text_index_is_capped_and_counts_accounts() -> None:
    """The cross-author index keeps a string per single-author text and drops the oldest texts."""
    tracker = PromoTracker(RULES)
    tracker._texts.cap = 100
    ctx = PostContext("TestChat", Role.PARTICIPANT)
    same = "the very same sentence posted by several different accounts today"
    for a in range(3):
        tracker.score_and_record(_post(a, a, a, same), ctx)
    [group] = tracker._texts.values()
    assert isinstance(group, set) and len(group) == 3
    for i in range(300):
        name = "".join(chr(ord("a") + int(d)) for d in str(i))  # digits are not words
        tracker.score_and_record(_post(9, 100 + i, 10 + i, f"unique words {name} " * 2), ctx)
    assert len(tracker._texts) == 100
    assert all(isinstance(g, str) for g in tracker._texts.values())


def test_histories_are_capped_overall() -> None:
    """Beyond the overall caps the least recently active authors forget their posts (and, when
    never promotional, themselves); recent authors keep their histories."""
    tracker = PromoTracker(RULES)
    tracker._KEPT_POSTS_CAP = 300
    tracker._HOT_AUTHORS_CAP = 40
    ctx = PostContext("TestChat", Role.PARTICIPANT)
    for i in range(1000):
        tracker.score_and_record(_post(i % 100, i, i, f"message {i} from a busy chat"), ctx)
    assert tracker._kept <= 300 and tracker._hot <= 40
    kept = [a for a in tracker._authors.values() if a.times]
    assert sum(len(a.times) for a in kept) == tracker._kept and len(kept) == tracker._hot
    assert len(tracker._authors) < 100
    assert tracker._authors["x:id99"].times, "the latest author keeps its history"
