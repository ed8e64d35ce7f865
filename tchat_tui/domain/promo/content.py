"""Content signals of one post (no chat history): calls, offers, price, stuffing, floods; the
post's links are read by `links`."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.lexicon import starts_word
from tchat_tui.domain.promo.links import link_signals
from tchat_tui.domain.promo.profile_pointer import may_point, profile_pointer
from tchat_tui.domain.promo.signals import Signal, make_signal
from tchat_tui.domain.promo.words import fast_words, fold_word, lower, strip_entities


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


EMOJI = re.compile(
    "[\U0001f300-\U0001faff\U0001f000-\U0001f2ff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff]"
)
EXCLAIMS = re.compile(r"[!！]{3,}")
PRICE = re.compile(
    r"(?<![\w])(?:(?:[$€£₹]|r\$)\s?(?:\d{1,3}(?:[,. ]\d{3})+|\d{1,6})(?:[.,]\d{1,2})?(?!\d)k?"
    r"|(?:\d{1,3}(?:[,. ]\d{3})+|\d{1,6})(?:[.,]\d{1,2})?\s?(?:€|\$|£|eur|euros?|usd|dollars?|chf)"
    r"(?![\w])"
    r"|-\s?\d{1,2}(?:[.,]\d+)?\s?%"
    r"|\d{1,2}\s?%\s?(?:off|de r[ée]duction|de remise|de rabais|discount))",
    re.IGNORECASE,
)


def may_have_price(lowered: str) -> bool:
    """False when no currency sign, `%` or currency word is in the lower-cased text: every
    alternative of PRICE needs one (`ſ` is the one lower-case letter that `re.IGNORECASE` matches
    with another letter of these words). Blanking URLs or mentions cannot add one."""
    return (
        "%" in lowered
        or "€" in lowered
        or "$" in lowered
        or "£" in lowered
        or "₹" in lowered
        or "eur" in lowered
        or "usd" in lowered
        or "dollar" in lowered
        or "chf" in lowered
        or "ſ" in lowered
    )


def find_price(lowered: str) -> re.Match[str] | None:
    """`PRICE.search` on lower-cased text (as `lower` makes it), skipped when `may_have_price`
    says it cannot match."""
    return PRICE.search(lowered) if may_have_price(lowered) else None


# Patterns here avoid a leading look-behind: it would disable the engine's fast first-char scan.
_URL_OR_MENTION = re.compile(r"[hH][tT][tT][pP][sS]?://\S+|[@＠]\w+")
_CALLS = ("call_buy", "call_signup", "call_look", "call_contact", "call_bio")
_OFFERS = ("offer", "free")
_STATEMENT_CALLS = frozenset({"call_buy", "call_signup", "call_look"})
_OTHER_LEXICONS = ("engagement_bait",)
_FAMILIES = ("income_claim", "trading", "dating", "essay_service", "giveaway", "follow_train")
"""Word lists of the spam families: a hit counts as an offer (no 'substantive answer' credit)."""
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
        facts.has_link = link_signals(rules, facts.signals, facts.domains, urls, handle, name)
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
    if may_point(words, text) and not any(s.id == "call_bio" for s in facts.signals):
        _pointer_signal(rules, facts, text)
    if rules.marks and not text.isascii():
        _mark_signals(rules, facts.signals, text)
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
    for sid in _FAMILIES:
        if sid not in may:
            continue
        hit = lexicon_hit(rules, sid, plain, folded)
        if hit:
            out.append(make_signal(rules, sid, hit))
            facts.has_offer = True


def _pointer_signal(rules: PromoRules, facts: ContentFacts, text: str) -> None:
    """`call_bio` for a pointer to the author's profile the word lists do not hold."""
    plain = _URL_OR_MENTION.sub(_blank, text)
    folded = lower(plain)
    span = profile_pointer(folded)
    if span is not None:
        facts.signals.append(make_signal(rules, "call_bio", _quote(plain, folded, *span)))
        facts.has_call = True


def _mark_signals(rules: PromoRules, out: list[Signal], text: str) -> None:
    """The emoji sets of the spam families (money, flirting, trains, gifts)."""
    for sid, chars in rules.marks:
        if not chars.isdisjoint(text):
            found = "".join(sorted(chars.intersection(text)))
            out.append(make_signal(rules, sid, found))


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
