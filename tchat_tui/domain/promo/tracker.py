"""Self-promotion scoring: a pure, explained score per post and per author in one chat.

`PromoTracker` holds a chat's state (each author's recent posts, a cross-author text index, the
domains each author links); `score` reads it, `record` adds a scored post. Weights, thresholds and
word lists come from `PromoRules` (see `tchat_tui/data/promo_rules.toml`).

Cost: most chat posts fire nothing, so each rule first runs a cheap test on what it needs (a word
that starts a phrase, a currency sign, a kept post sharing shingles, a link) and only then its
regex or comparison. State is compact (arrays, one int per author filter) and capped.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter

from tchat_tui.domain.post import Post, Role
from tchat_tui.domain.promo.authors import AuthorFlag, AuthorState, author_flag_for
from tchat_tui.domain.promo.chat_memo import ChatMemo
from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.content import ContentFacts, content_signals, folded_tags
from tchat_tui.domain.promo.history import (
    domain_history,
    remember_promo,
    repeat_promoter,
    reposts_promo,
    self_duplicate,
)
from tchat_tui.domain.promo.rate_window import RateWindow
from tchat_tui.domain.promo.shared_links import SharedLinks, post_urls
from tchat_tui.domain.promo.shingles import shingle_mask, shingles, text_key, word_ids
from tchat_tui.domain.promo.signals import PromoResult, Signal, make_signal, result_of
from tchat_tui.domain.promo.text_index import TextIndex


@dataclass(frozen=True)
class PostContext:
    """Where a post sits in the chat, as the classifier sees it."""

    chat_tag: str
    """The chat's tag, without `#`."""
    role: Role
    parent: Post | None = None
    """The post replied to, if known."""
    question_text: str | None = None
    """Text of the chat question this post answers, if it is an answer."""
    is_answer: bool = False


_PARTICIPANT = Role.PARTICIPANT
_TEAM_MITIGATORS = frozenset({"chat_host", "host_or_guest"})
"""The mitigators that say the author is the host team or a guest (their links are not kept)."""
_ROLE_WORDS = {
    Role.HOST: ("host", "l'hôte"),
    Role.GUEST: ("guest", "un invité"),
    Role.COMODERATOR: ("co-moderator", "un co-modérateur"),
}


@dataclass(slots=True)
class _Analysis:
    """What `score` worked out about a post, kept so that `record` need not redo it."""

    post: Post
    result: PromoResult
    shingles: frozenset[int]
    mask: int | None
    """The shingles' filter bits, once computed."""
    text_hash: int | None
    domains: list[str]
    reply_user: str | None
    author_key: str
    micros: int
    """The post's time in microseconds since the epoch."""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
_NO_SHINGLES: frozenset[int] = frozenset()


def _micros(moment: datetime) -> int:
    """A time as whole microseconds since the epoch (exact, unlike a float timestamp)."""
    return (moment - (_NAIVE_EPOCH if moment.tzinfo is None else _EPOCH)) // _MICROSECOND


class PromoTracker:
    """A chat's promo state: author histories, cross-author text index, linked domains.

    Memory is bounded: each author keeps at most `author.history` posts in compact arrays
    (`AuthorState`), the text index keeps its last `cap` texts (`TextIndex`), and the rate window
    keeps two numbers a post (`RateWindow`).
    """

    _KEPT_POSTS_CAP = 150_000
    """Posts kept in all histories together (about 100 bytes each)..."""
    _HOT_AUTHORS_CAP = 30_000
    """...and authors with a history (about 1 kB each): beyond either, the least recently active
    half of the authors forget their posts (the promotional ones keep their counts and flags)."""

    def __init__(self, rules: PromoRules) -> None:
        """Start an empty chat under `rules`."""
        self.rules = rules
        self._authors: dict[str, AuthorState] = {}
        self._kept = 0
        """Posts kept in the authors' histories."""
        self._hot = 0
        """Authors with a kept post."""
        self._texts = TextIndex()
        """Who posted each normalised text (the cross-author index)."""
        self._links = SharedLinks()
        self._last: _Analysis | None = None
        self._promo_posts: dict[str, None] = {}
        """Keys of the chat's promotional posts, oldest first (what a retweet of one is)."""
        self._none = result_of(rules, [])
        self._memo = ChatMemo(rules)
        self._history = int(rules.author["history"])
        self._rate_window = timedelta(minutes=rules.limit("rate_window_minutes")) // _MICROSECOND
        self._window = RateWindow(self._rate_window)
        self._spray_window = timedelta(minutes=rules.limit("spray_window_minutes")) // _MICROSECOND
        # Limits read for every post, looked up once.
        self._cross_min_words = rules.limit("cross_author_min_words")
        self._cross_accounts = rules.limit("cross_author_accounts")
        self._dup_min_shingles = rules.limit("duplicate_min_shingles")
        self._dup_jaccard = rules.limit("duplicate_jaccard")
        self._repeat_domain = rules.limit("repeat_domain")
        self._rate_need = rules.limit("rate_posts")
        self._rate_factor = rules.limit("rate_median_factor")

    # -- scoring ---------------------------------------------------------------------------
    def score(self, post: Post, ctx: PostContext, now: datetime | None = None) -> PromoResult:
        """Score a post against the chat so far (does not change the chat's state)."""
        analysis = self._analyse(post, ctx, now or post.created_at)
        self._last = analysis
        return analysis.result

    def record(self, post: Post, result: PromoResult) -> None:
        """Add a scored post to its author's history and to the chat's indexes.

        Call it right after `score` for the same post, which it reuses; otherwise the post is
        analysed again (as a participant's post, without context).
        """
        if post.is_repost:
            return
        a = self._last
        if a is None or (a.post is not post and a.post.key != post.key):
            a = self._analyse(post, PostContext("", Role.PARTICIPANT), post.created_at)
        akey = a.author_key
        author = self._authors.get(akey)
        if author is None:
            author = self._authors[akey] = AuthorState(post.author_handle, self._history)
        author.posts += 1
        promo = result.promo
        if promo:
            author.promo += 1
            remember_promo(self._promo_posts, post.key)
            ids = result.signal_ids
            if "reply_spray" in ids:
                author.sprayed = True
            if "cross_author_duplicate" in ids:
                author.coordinated = True
        if a.domains and not _TEAM_MITIGATORS.intersection(result.signal_ids):
            self._links.add(post_urls(post), a.domains, akey)
        if a.shingles:
            mask = a.mask if a.mask is not None else shingle_mask(a.shingles)
            author.remember(a.shingles, mask)
        times = author.times
        if len(times) >= self._history:
            del times[0]
        else:
            self._kept += 1
            if not times:
                self._hot += 1
        times.append(a.micros)
        if self._kept > self._KEPT_POSTS_CAP or self._hot > self._HOT_AUTHORS_CAP:
            self._cool_authors()
        text_hash = a.text_hash
        if text_hash is not None:
            self._texts.add(text_hash, akey, promo)
            hashes = author.hashes
            if len(hashes) >= 50:
                del hashes[0]
            hashes.append(text_hash)
        for domain in a.domains:
            author.links += 1
            author.domains[domain] = author.domains.get(domain, 0) + 1
            if a.reply_user is not None:
                author.add_reply_link(domain, a.micros, a.reply_user)
        # The rate window (what the median of F1 reads): this post in, the old ones out.
        self._window.add(author, a.micros)

    def _cool_authors(self) -> None:
        """Forget the kept posts of the least recently active half of the authors with any;
        those of them never promotional are forgotten entirely (a flood of one-post accounts
        must not fill the memory)."""
        hot = [(a.times[-1], key, a) for key, a in self._authors.items() if a.times]
        hot.sort(key=itemgetter(0))
        for _, key, author in hot[: len(hot) // 2 + 1]:
            self._kept -= len(author.times)
            self._hot -= 1
            author.forget_posts()
            if not (author.promo or author.sprayed or author.coordinated):
                del self._authors[key]

    def score_and_record(self, post: Post, ctx: PostContext) -> PromoResult:
        """Score a post, then add it to the chat's state."""
        result = self.score(post, ctx)
        self.record(post, result)
        return result

    def _analyse(self, post: Post, ctx: PostContext, now: datetime) -> _Analysis:
        rules = self.rules
        akey = post.author_key
        created = post.created_at
        micros = _micros(created)
        if post.is_repost:
            # A spam network: accounts of the chat retweeting each other's flagged posts.
            net = (
                reposts_promo(post, self._promo_posts)
                or self._links.spread(post_urls(post), self._flagged) > 1
            )
            result = result_of(rules, [make_signal(rules, "network_repost")]) if net else self._none
            return _Analysis(post, result, _NO_SHINGLES, None, None, [], None, akey, micros)
        urls = post_urls(post)
        facts = content_signals(
            rules,
            post.text,
            post.hashtags,
            urls,
            ctx.chat_tag,
            post.author_handle,
            post.author_name,
        )
        sigs = facts.signals
        if facts.domains and ctx.role is _PARTICIPANT and not ctx.is_answer:
            shared = self._links.others(urls, facts.domains, akey, self._flagged)
            if shared:
                sigs.append(make_signal(rules, "shared_link", shared + 1))
        word_list = facts.words
        ids = word_ids(word_list)
        shing = shingles(word_list, ids)
        mask: int | None = None
        text_hash = text_key(ids) if len(ids) >= self._cross_min_words else None
        reply_user = post.reply_to_author_id or (ctx.parent.author_id if ctx.parent else None)
        if reply_user == post.author_id:
            reply_user = None
        author = self._authors.get(akey)
        if author is not None:
            # D1, P1, R1, R2 read the author's history; each needs its input first.
            if sigs and author.promo:
                repeat_promoter(rules, sigs, author)
            if author.sizes and len(shing) >= self._dup_min_shingles:
                mask = shingle_mask(shing)
                best = author.best_overlap(shing, mask, self._dup_jaccard)
                if best >= self._dup_jaccard:
                    self_duplicate(rules, sigs, best)
            if facts.domains:
                domain_history(
                    rules,
                    sigs,
                    author,
                    facts.domains,
                    reply_user,
                    micros if now is created else _micros(now),
                    self._repeat_domain,
                    self._spray_window,
                )
        if text_hash is not None:
            group = self._texts.get(text_hash)
            if group:
                if isinstance(group, str):
                    accounts = 1 + (akey != group)
                else:
                    accounts = len(group) + (akey not in group)
                if accounts >= self._cross_accounts:
                    sigs.append(make_signal(rules, "cross_author_duplicate", accounts))
            elif 1 >= self._cross_accounts:
                sigs.append(make_signal(rules, "cross_author_duplicate", 1))
        if (ctx.role is _PARTICIPANT or ctx.role not in _ROLE_WORDS) and (
            facts.has_link
            or facts.has_call
            or author is not None
            and len(author.times) + 1 >= self._rate_need
            and len(author.times) + 1 >= self._rate_factor * self._window.median
        ):
            # T1 and T2 need a link or a call, F1 enough kept posts for a burst.
            self._context_signals(
                sigs,
                post,
                ctx,
                facts,
                word_list,
                author,
                micros if now is created else _micros(now),
            )
        if not sigs:
            result = self._none
        else:
            if sum(s.weight for s in sigs) > 0:
                self._mitigators(sigs, ctx, facts, word_list)
            result = result_of(rules, sigs)
        return _Analysis(
            post, result, shing, mask, text_hash, facts.domains, reply_user, akey, micros
        )

    def _flagged(self, author_key: str) -> bool:
        """The author has a promotional post in this chat."""
        a = self._authors.get(author_key)
        return a is not None and a.promo > 0

    def _context_signals(
        self,
        sigs: list[Signal],
        post: Post,
        ctx: PostContext,
        facts: ContentFacts,
        word_list: list[str],
        author: AuthorState | None,
        now: int,
    ) -> None:
        """T1 off-topic answer, T2 tag hijack, F1 burst (participants only); `now` in µs."""
        rules = self.rules
        carries = facts.has_link or facts.has_call
        if ctx.is_answer and ctx.question_text and carries:
            q = self._memo.question_stems(ctx.question_text)
            # `words` never keeps an apostrophe: the stems are the words' first five letters.
            stop = rules.stopwords
            mine = {w[:5] for w in word_list if len(w) >= 4 and w not in stop}
            if q and not (q & mine):
                sigs.append(make_signal(rules, "off_topic_answer"))
        if facts.has_link and facts.has_call and not ctx.is_answer and post.reply_to_id is None:
            tag = self._memo.folded_tag(ctx.chat_tag)
            if tag and tag in folded_tags(post.hashtags):
                sigs.append(make_signal(rules, "tag_hijack"))
        need = max(self._rate_need, self._rate_factor * self._window.median)
        # At most 1 + len(times) posts are in the window: most authors cannot reach `need`.
        if author is not None and 1 + len(author.times) >= need:
            # Times are in arrival order: bisect finds the window's edge.
            recent = 1 + len(author.times) - bisect_left(author.times, now - self._rate_window)
            if recent >= need:
                mins = int(rules.limit("rate_window_minutes"))
                sigs.append(
                    make_signal(
                        rules,
                        "burst",
                        f"{recent} posts in {mins} min",
                        f"{recent} messages en {mins} min",
                    )
                )

    def _mitigators(
        self, sigs: list[Signal], ctx: PostContext, facts: ContentFacts, word_list: list[str]
    ) -> None:
        """M1 link asked for, M2 host or guest, M3 substantive answer."""
        rules = self.rules
        if facts.has_link or facts.has_call:
            for asked in (ctx.parent.text if ctx.parent else None, ctx.question_text):
                if asked:
                    hit = self._memo.asks_for_link(asked)
                    if hit:
                        sigs.append(make_signal(rules, "asked_for_link", hit))
                        break
        role = _ROLE_WORDS.get(ctx.role)
        if role is not None:
            sid = "host_or_guest" if ctx.role is Role.GUEST else "chat_host"
            sigs.append(make_signal(rules, sid, role[0], role[1]))
        if ctx.is_answer and not facts.has_call and not facts.has_offer:
            content = [w for w in word_list if w not in rules.stopwords and len(w) > 2]
            if len(content) >= rules.limit("substantive_words"):
                sigs.append(make_signal(rules, "substantive_answer", len(content)))

    # -- authors ---------------------------------------------------------------------------
    def author_flag(self, author_key: str) -> AuthorFlag | None:
        """The author's flag if their posts are repeatedly promotional, else None."""
        a = self._authors.get(author_key)
        if a is None:
            return None
        need = self.rules.limit("cross_author_accounts")
        coordinated = a.coordinated or any(
            h in self._texts.promo and self._texts.account_count(h) >= need for h in a.hashes
        )
        return author_flag_for(author_key, a, self.rules, coordinated)

    def author_flags(self) -> list[AuthorFlag]:
        """Every flagged author, red first, then by promotional posts."""
        flags = [f for key in self._authors if (f := self.author_flag(key)) is not None]
        flags.sort(key=lambda f: (f.level != "red", -f.promo_posts, f.handle.lower()))
        return flags
