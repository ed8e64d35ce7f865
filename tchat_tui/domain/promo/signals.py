"""Content signals of one post (no chat history): links, calls, offers, stuffing, floods."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from tchat_tui.domain.promo.authors import Level
from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.words import (
    EMOJI,
    EXCLAIMS,
    fast_words,
    find_price,
    fold_word,
    host_matches,
    identity,
    lower,
    may_have_price,
    own_site_match,
    registrable_domain,
    site_candidates,
    starts_word,
    strip_entities,
    url_host,
    url_params,
)


@dataclass(frozen=True, slots=True)
class Signal:
    """One fired rule: its id, its weight in the score and its reason in English and French."""

    id: str
    weight: float
    reason_en: str
    reason_fr: str


def make_signal(
    rules: PromoRules,
    sid: str,
    detail_en: object = "",
    detail_fr: object | None = None,
    weight: float | None = None,
) -> Signal:
    """Build a Signal from the rules' weight and reason templates (remembered: a chat's signals
    repeat, such as the same call or the same domain)."""
    # The types are part of the key: 1 == 1.0 == True, but they format differently.
    key: tuple[object, ...] | None = (
        sid,
        type(detail_en),
        detail_en,
        type(detail_fr),
        detail_fr,
        type(weight),
        weight,
    )
    memo = rules.signal_memo
    signal: Signal | None
    try:
        signal = memo.get(key)  # type: ignore[assignment,arg-type]
    except TypeError:  # an unhashable detail: build it each time
        key, signal = None, None
    if signal is None:
        spec = rules.signals[sid]
        fr = detail_en if detail_fr is None else detail_fr
        signal = Signal(
            sid,
            spec.weight if weight is None else weight,
            spec.en.format(detail=detail_en),
            spec.fr.format(detail=fr),
        )
        if key is not None:
            if len(memo) > 4096:
                memo.clear()
            memo[key] = signal
    return signal


@dataclass(slots=True)
class ContentFacts:
    """What the content analysis found, for the context rules that follow."""

    signals: list[Signal] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    """Registrable domains of the non-reference links, in order."""
    words: list[str] = field(default_factory=list)
    """Folded words of the text without URLs, mentions and hashtags."""
    has_link: bool = False
    has_call: bool = False
    has_offer: bool = False


# Patterns here avoid a leading look-behind: it would disable the engine's fast first-char scan.
_URL_OR_MENTION = re.compile(r"[hH][tT][tT][pP][sS]?://\S+|[@＠]\w+")
_CALLS = ("call_buy", "call_signup", "call_look", "call_contact", "call_bio")
_OFFERS = ("offer", "free")
_STATEMENT_CALLS = frozenset({"call_buy", "call_signup", "call_look"})
_OTHER_LEXICONS = ("engagement_bait",)
_LEADING_MENTIONS = re.compile(r"^(?:\s*[@＠]\w{1,50}[\s,:]*)+")
_MENTION = re.compile(r"[@＠]\w+")
# Upper-case letters of the Latin scripts (the capitals rule is about Latin-script shouting).
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ]")
_MAX_QUOTE = 40


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _quote(original: str, folded: str, start: int, end: int) -> str:
    """The matched words as written (falls back to the folded text if lengths differ)."""
    source = original if len(original) == len(folded) else folded
    quoted = " ".join(source[start:end].split())
    return quoted if len(quoted) <= _MAX_QUOTE else quoted[: _MAX_QUOTE - 1] + "…"


_TAG_SETS: dict[tuple[str, ...], frozenset[str]] = {}


def folded_tags(hashtags: tuple[str, ...]) -> frozenset[str]:
    """The folded hashtags of a post (remembered: most posts carry the same few tags)."""
    if type(hashtags) is not tuple:  # a list from a hand-built Post: memo keys must hash
        hashtags = tuple(hashtags)
    tags = _TAG_SETS.get(hashtags)
    if tags is None:
        if len(_TAG_SETS) > 4096:
            _TAG_SETS.clear()
        tags = _TAG_SETS[hashtags] = frozenset(fold_word(tag) for tag in hashtags)
    return tags


def lexicon_hit(rules: PromoRules, name: str, original: str, folded: str) -> str | None:
    """The first phrase of lexicon `name` found in the text, as written, or None."""
    pattern = rules.lexicons.get(name)
    if pattern is None:
        return None
    subjects = rules.subjects if name in _STATEMENT_CALLS else None
    for m in pattern.finditer(folded):
        if not starts_word(folded, m.start()):
            continue
        if subjects is not None and subjects.search(folded, max(0, m.start() - 16), m.start()):
            continue
        return _quote(original, folded, m.start(), m.end())
    return None


def content_signals(
    rules: PromoRules,
    text: str,
    hashtags: tuple[str, ...],
    urls: list[str],
    chat_tag: str,
    handle: str,
    name: str,
) -> ContentFacts:
    """Signals that depend on the post alone (its words, links, tags and mentions).

    Most chat posts fire nothing: cheap tests on the post's words and characters decide which
    regexes can match at all, and only those run.
    """
    facts = ContentFacts()
    if urls:
        _link_signals(rules, facts, urls, handle, name)
    lowered = text.lower()
    words = facts.words = fast_words(text)
    keys = rules.keys
    tags = folded_tags(hashtags) if hashtags else _NO_TAGS
    may: AbstractSet[str] = (
        keys.candidates(words, tags) if keys.may_match(words, tags) else _NO_TAGS
    )
    product = rules.own_product is not None and not rules.possessives.isdisjoint(words)
    if may or product or may_have_price(lowered):
        # The pattern needs "://" or an at sign: without them there is nothing to blank.
        if "://" in text or "@" in text or "＠" in text:
            plain = _URL_OR_MENTION.sub(_blank, text)
        else:
            plain = text
        _lexicon_signals(rules, facts, plain, lower(plain), may, product)
    form = rules.form_limits
    # Each form signal needs one of these; capitals are counted outside URLs, mentions and tags,
    # and the whole text has at least as many.
    if (
        len(hashtags) > form.free_tags
        or text.count("@") + text.count("＠") >= form.mentions
        or (text != lowered and len(_UPPER.findall(text)) >= form.capitals_floor)
        or not text.isascii()
        # Every emoji is above U+00FF: a Latin-1 text (plain or accented) has none.
        and len(text.encode("latin-1", "ignore")) != len(text)
        and EMOJI.search(text)
        or "!!!" in text
        or "！" in text
    ):
        _form_signals(rules, facts.signals, text, hashtags, chat_tag)
    return facts


_NO_TAGS: frozenset[str] = frozenset()


def _lexicon_signals(
    rules: PromoRules,
    facts: ContentFacts,
    plain: str,
    folded: str,
    may: AbstractSet[str],
    product: bool,
) -> None:
    """Calls, own product, offers, price and engagement bait, from the word lists that may match."""
    out = facts.signals
    for sid in _CALLS:
        if sid not in may:
            continue
        hit = lexicon_hit(rules, sid, plain, folded)
        if hit:
            out.append(make_signal(rules, sid, hit))
            facts.has_call = True
    if product and rules.own_product is not None:
        for m in rules.own_product.finditer(folded):
            if starts_word(folded, m.start()):
                out.append(make_signal(rules, "own_product", _quote(plain, folded, *m.span())))
                facts.has_call = True
                break
    for sid in _OFFERS:
        if sid not in may:
            continue
        hit = lexicon_hit(rules, sid, plain, folded)
        if hit:
            out.append(make_signal(rules, sid, hit))
            facts.has_offer = True
            break  # offers count once: "free" adds nothing to "promo code"
    price = find_price(folded)
    if price:
        out.append(make_signal(rules, "price", _quote(plain, folded, *price.span())))
    for sid in _OTHER_LEXICONS:
        if sid not in may:
            continue
        hit = lexicon_hit(rules, sid, plain, folded)
        if hit:
            out.append(make_signal(rules, sid, hit))


def _link_signals(
    rules: PromoRules, facts: ContentFacts, urls: list[str], handle: str, name: str
) -> None:
    """Link, reference link, own site, shortener and tracking signals (each counted once)."""
    plain: list[str] = []
    refs: list[str] = []
    own = short = track = None
    for url in urls:
        info = _url_info(rules, url)
        if info is None:
            continue
        host = info.host
        if info.reference:
            refs.append(host)
            continue
        plain.append(host)
        facts.domains.append(info.domain)
        if own is None:
            who = rules.cache.get(("who", handle, name))
            if who is None:
                who = rules.cache[("who", handle, name)] = identity(
                    handle, name, rules.generic_labels
                )
            if own_site_match(info.candidates, who):  # type: ignore[arg-type]
                own = host
        if short is None and info.shortener:
            short = host
        if track is None:
            track = info.tracking
    facts.has_link = bool(plain or refs)
    out = facts.signals
    if plain:
        out.append(make_signal(rules, "link", ", ".join(dict.fromkeys(plain))))
    elif refs:
        out.append(make_signal(rules, "reference_link", ", ".join(dict.fromkeys(refs))))
    if own:
        out.append(make_signal(rules, "own_site", own))
    if short:
        out.append(make_signal(rules, "shortener", short))
    if track:
        out.append(make_signal(rules, "tracking", track))


@dataclass(frozen=True, slots=True)
class UrlInfo:
    """What a link's expanded URL says, independent of who posted it."""

    host: str
    domain: str
    reference: bool
    shortener: bool
    tracking: str | None
    candidates: list[str]


def _url_info(rules: PromoRules, url: str) -> UrlInfo | None:
    """Analyse a URL once (cached in the rules: the same links come back in a chat)."""
    key = ("url", url)
    cached = rules.cache.get(key)
    if cached is not None or key in rules.cache:
        return cached  # type: ignore[return-value]
    host = url_host(url)
    info = None
    if host:
        info = UrlInfo(
            host=host,
            domain=registrable_domain(host, rules.two_part_suffixes),
            reference=host_matches(host, rules.reference) is not None,
            shortener=host_matches(host, rules.shorteners) is not None,
            tracking=_tracking(rules, url, host),
            candidates=site_candidates(url, host, rules.generic_labels, rules.profile_hosts),
        )
    if len(rules.cache) > 4096:
        rules.cache.clear()
    rules.cache[key] = info
    return info


def _tracking(rules: PromoRules, url: str, host: str) -> str | None:
    """Why a link is a tracking or affiliate link, or None."""
    if host_matches(host, rules.affiliate_hosts):
        return host
    amazon = any(a in host for a in rules.amazon_tag_hosts)
    for key, value in url_params(url):
        if key.startswith("utm_") or key in rules.tracking_params or (amazon and key == "tag"):
            return f"{host} ?{key}={value[:20]}"
    return None


def _form_signals(
    rules: PromoRules,
    out: list[Signal],
    text: str,
    hashtags: tuple[str, ...],
    chat_tag: str,
) -> None:
    """Hashtag and mention stuffing, capitals, emoji and exclamation floods."""
    lim = rules.limits.__getitem__
    free_tags = int(lim("hashtags_free"))
    if len(hashtags) > free_tags:
        extra = {lower(h) for h in hashtags} - {lower(chat_tag.lstrip("#"))}
        if len(extra) > free_tags:
            spec = rules.signals["hashtag_stuffing"]
            weight = spec.weight * (len(extra) - free_tags)
            if spec.cap is not None:
                weight = min(weight, spec.cap)
            out.append(make_signal(rules, "hashtag_stuffing", len(extra), weight=weight))
    if text.count("@") + text.count("＠") >= lim("mentions"):
        own_words = _LEADING_MENTIONS.sub("", text, count=1)
        mentions = len({m.lower() for m in _MENTION.findall(own_words)})
        if mentions >= lim("mentions"):
            out.append(make_signal(rules, "mention_stuffing", mentions))
    bare = strip_entities(text)
    upper = len(_UPPER.findall(bare))
    enough = upper >= lim("capitals_min_letters") * lim("capitals_share")
    letters = sum(map(str.isalpha, bare)) if enough else 0
    if letters >= lim("capitals_min_letters") and upper > lim("capitals_share") * letters:
        pct = round(100 * upper / letters)
        out.append(make_signal(rules, "capitals", f"{pct}%", f"{pct} %"))
    emoji = 0 if text.isascii() else len(EMOJI.findall(text))
    if emoji >= lim("emoji"):
        out.append(make_signal(rules, "emoji_flood", f"{emoji} emoji"))
    elif ("!!!" in text or "！" in text) and EXCLAIMS.search(text):
        out.append(make_signal(rules, "emoji_flood", "'!!!'", "« !!! »"))


def _num(value: float, lang: str) -> str:
    """A weight as `+1.5` (English) or `+1,5` (French)."""
    text = f"{value:+.1f}"
    return text.replace(".", ",") if lang == "fr" else text


@dataclass(frozen=True)
class PromoResult:
    """A post's level, score, the signals behind it and the rules version that produced it."""

    level: Level
    score: float
    signals: tuple[Signal, ...]
    rules_version: str

    @property
    def promo(self) -> bool:
        """True when the post is promotional (amber) or spam-like (red)."""
        return self.level != "none"

    def reasons(self, lang: str = "en") -> list[str]:
        """Each signal in words with its weight, then the rules version (`rules v1`)."""
        fr = lang.lower().startswith("fr")
        out = [
            f"{s.reason_fr if fr else s.reason_en} ({_num(s.weight, 'fr' if fr else 'en')})"
            for s in self.signals
        ]
        out.append(f"{'règles' if fr else 'rules'} v{self.rules_version}")
        return out

    @property
    def signal_ids(self) -> tuple[str, ...]:
        """The ids of the fired signals, in order."""
        return tuple(s.id for s in self.signals)


def result_of(rules: PromoRules, sigs: list[Signal]) -> PromoResult:
    """Sum the weights (floored at 0) and pick the level."""
    score = round(max(0.0, sum(s.weight for s in sigs)), 2)
    return PromoResult(level_of(rules, score, sigs, rules.amber), score, tuple(sigs), rules.version)


def level_of(rules: PromoRules, score: float, sigs: list[Signal], amber: float) -> Level:
    """Red from the red threshold when a spam pattern fired, amber from `amber`, else none."""
    if score >= rules.red and (not rules.red_needs or any(s.id in rules.red_needs for s in sigs)):
        return "red"
    return "amber" if score >= amber else "none"
