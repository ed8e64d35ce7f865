"""The promo rules a host can tune: weights, thresholds and word lists, parsed from TOML text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.promo.lexicon import (
    PhraseKeys,
    compile_lexicon,
    compile_product_lexicon,
    compile_subjects,
    phrase_key,
)
from tchat_tui.domain.promo.words import fold

LANGUAGES = ("en", "fr")
LEXICONS = (
    "call_buy",
    "call_signup",
    "call_look",
    "call_contact",
    "call_bio",
    "offer",
    "free",
    "engagement_bait",
    "ask_link",
    "income_claim",
    "trading",
    "dating",
    "essay_service",
    "giveaway",
    "follow_train",
)
"""Plain word lists; each becomes one merged regex across all languages' tables."""
MARKS = ("money_marks", "flirt_marks", "train_marks", "gift_marks", "pointer_marks")
"""Emoji sets: a signal fires when the post holds any character of its set."""
SIGNAL_IDS = (
    "link",
    "reference_link",
    "own_site",
    "shortener",
    "tracking",
    "call_buy",
    "call_signup",
    "call_look",
    "call_contact",
    "call_bio",
    "own_product",
    "offer",
    "free",
    "price",
    "hashtag_stuffing",
    "mention_stuffing",
    "capitals",
    "emoji_flood",
    "engagement_bait",
    "income_claim",
    "trading",
    "dating",
    "essay_service",
    "giveaway",
    "follow_train",
    "money_marks",
    "flirt_marks",
    "train_marks",
    "gift_marks",
    "pointer_marks",
    "network_repost",
    "self_duplicate",
    "cross_author_duplicate",
    "repeat_promoter",
    "repeated_domain",
    "shared_link",
    "reply_spray",
    "off_topic_answer",
    "tag_hijack",
    "burst",
    "asked_for_link",
    "host_or_guest",
    "chat_host",
    "substantive_answer",
)


class RulesError(TchatError, ValueError):
    """A rules file that cannot be used; the message names the source and, when known, the line."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class SignalSpec:
    """One signal's weight and reason templates (`{detail}` is filled in)."""

    id: str
    weight: float
    en: str
    fr: str
    cap: float | None = None


@dataclass(frozen=True, slots=True)
class FormLimits:
    """The limits of the form signals, read once per post."""

    free_tags: int
    """Hashtags besides the chat tag before stuffing counts."""
    mentions: float
    capitals_floor: float
    """Upper-case letters a post needs before the capitals rule can fire."""


@dataclass(frozen=True)
class PromoRules:
    """Parsed, compiled rules: thresholds, limits, signals, domain lists and lexicon regexes."""

    version: str
    source: str
    amber: float
    red: float
    draft: float
    red_needs: frozenset[str]
    """A red score needs one of these signals (empty: no condition)."""
    author: dict[str, Any]
    limits: dict[str, float]
    signals: dict[str, SignalSpec]
    reference: frozenset[str]
    shorteners: frozenset[str]
    affiliate_hosts: frozenset[str]
    tracking_params: frozenset[str]
    amazon_tag_hosts: tuple[str, ...]
    two_part_suffixes: frozenset[str]
    generic_labels: frozenset[str]
    profile_hosts: frozenset[str]
    lexicons: dict[str, re.Pattern[str] | None]
    own_product: re.Pattern[str] | None
    possessives: frozenset[str]
    """First words of the possessives ("my", "notre"): `own_product` runs only if one is there."""
    keys: PhraseKeys
    """Which word lists may match a post's text: a cheap first pass before their regexes."""
    subjects: re.Pattern[str] | None
    stopwords: frozenset[str]
    marks: tuple[tuple[str, frozenset[str]], ...] = ()
    """The `[marks]` emoji sets, by signal id (non-empty ones only)."""
    cache: dict[tuple[str, ...], object] = field(default_factory=dict, compare=False, repr=False)
    """Per-URL and per-author analyses (pure functions of the rules and their input)."""
    signal_memo: dict[tuple[object, ...], object] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Signals already built, by id, details and weight (they are immutable)."""

    def limit(self, name: str) -> float:
        """A numeric limit from `[limits]`."""
        return self.limits[name]

    @cached_property
    def form_limits(self) -> FormLimits:
        """The form signals' limits, looked up once."""
        lim = self.limits
        return FormLimits(
            int(lim["hashtags_free"]),
            lim["mentions"],
            lim["capitals_min_letters"] * lim["capitals_share"],
        )


_NUMERIC_LIMITS = (
    "hashtags_free",
    "mentions",
    "capitals_share",
    "capitals_min_letters",
    "emoji",
    "duplicate_jaccard",
    "duplicate_min_shingles",
    "cross_author_accounts",
    "cross_author_min_words",
    "repeat_domain",
    "spray_users",
    "spray_window_minutes",
    "rate_posts",
    "rate_window_minutes",
    "rate_median_factor",
    "substantive_words",
)
_AUTHOR_KEYS = ("min_promo_posts", "amber_share", "red_promo_posts", "red_share", "history")


def _line_of(text: str, *needles: str) -> int | None:
    """The 1-based line where the first of `needles` appears (best effort, for error messages)."""
    lines = text.splitlines()
    for needle in needles:
        for i, line in enumerate(lines, 1):
            if line.split("#", 1)[0].strip().startswith(needle):
                return i
    return None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_rules(toml_text: str, source: str = "<rules>") -> PromoRules:
    """Parse and compile rules from TOML text; raise RulesError naming `source` and the line."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise RulesError(source, str(exc), int(match.group(1)) if match else None) from None

    def fail(message: str, *needles: str) -> RulesError:
        return RulesError(source, message, _line_of(toml_text, *needles))

    version = data.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool) or str(version) == "":
        raise fail("missing or empty 'version' (a string such as \"3\")", "version")
    thresholds = data.get("thresholds")
    if not isinstance(thresholds, dict):
        raise fail("missing [thresholds] table", "[thresholds]")
    for key in ("amber", "red", "draft"):
        if not _number(thresholds.get(key)):
            raise fail(f"[thresholds] needs a number '{key}'", key, "[thresholds]")
    if not 0 < thresholds["amber"] <= thresholds["red"]:
        raise fail("[thresholds] needs 0 < amber <= red", "amber", "[thresholds]")
    red_needs = thresholds.get("red_needs", [])
    if not isinstance(red_needs, list) or not all(v in SIGNAL_IDS for v in red_needs):
        raise fail("[thresholds] 'red_needs' must list known signal ids", "red_needs")
    limits = data.get("limits")
    if not isinstance(limits, dict):
        raise fail("missing [limits] table", "[limits]")
    for key in _NUMERIC_LIMITS:
        if not _number(limits.get(key)):
            raise fail(f"[limits] needs a number '{key}'", key, "[limits]")
    author = data.get("author")
    if not isinstance(author, dict):
        raise fail("missing [author] table", "[author]")
    for key in _AUTHOR_KEYS:
        if not _number(author.get(key)):
            raise fail(f"[author] needs a number '{key}'", key, "[author]")
    signals = _parse_signals(data.get("signals"), fail)
    domains = data.get("domains")
    if not isinstance(domains, dict):
        raise fail("missing [domains] table", "[domains]")

    def domain_list(key: str) -> list[str]:
        value = domains.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"[domains] '{key}' must be a list of strings", key, "[domains]")
        return [v.strip().lower().lstrip(".") for v in value if v.strip()]

    lex = data.get("lexicon")
    if not isinstance(lex, dict):
        raise fail("missing [lexicon.en] / [lexicon.fr] tables", "[lexicon")
    words: dict[str, list[str]] = {}
    for lang, table in lex.items():
        if not isinstance(table, dict):
            raise fail(f"[lexicon.{lang}] must be a table", f"[lexicon.{lang}]")
        for key, value in table.items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise fail(f"[lexicon.{lang}] '{key}' must be a list of strings", key)
            words.setdefault(key, []).extend(value)
    try:
        lexicons = {key: compile_lexicon(words.get(key, [])) for key in LEXICONS}
        own_product = compile_product_lexicon(
            words.get("possessives", []), words.get("products", [])
        )
        subjects = compile_subjects(words.get("subjects", []))
        # "ask_link" runs on parent posts only, never through the keys.
        keys = PhraseKeys.of({key: words.get(key, []) for key in LEXICONS if key != "ask_link"})
    except re.error as exc:
        raise fail(f"a word list does not compile: {exc}", "[lexicon") from None
    marks_table = data.get("marks", {})
    if not isinstance(marks_table, dict):
        raise fail("[marks] must be a table", "[marks]")
    marks: list[tuple[str, frozenset[str]]] = []
    for key, value in marks_table.items():
        if key not in MARKS:
            raise fail(f"unknown mark set '{key}'", key, "[marks]")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"[marks] '{key}' must be a list of strings", key, "[marks]")
        chars = frozenset(ch for v in value for ch in v if not ch.isascii() and ch != "\ufe0f")
        if chars:
            marks.append((key, chars))
    return PromoRules(
        version=str(version),
        source=source,
        amber=float(thresholds["amber"]),
        red=float(thresholds["red"]),
        draft=float(thresholds["draft"]),
        red_needs=frozenset(red_needs),
        author=dict(author),
        limits={k: float(limits[k]) for k in _NUMERIC_LIMITS},
        signals=signals,
        reference=frozenset(domain_list("reference")),
        shorteners=frozenset(domain_list("shorteners")) - {"t.co"},
        affiliate_hosts=frozenset(domain_list("affiliate_hosts")),
        tracking_params=frozenset(p.lower() for p in domain_list("tracking_params")),
        amazon_tag_hosts=tuple(domain_list("amazon_tag_hosts")),
        two_part_suffixes=frozenset(domain_list("two_part_suffixes")),
        generic_labels=frozenset(domain_list("generic_labels")),
        profile_hosts=frozenset(domain_list("profile_hosts")),
        lexicons=lexicons,
        own_product=own_product,
        possessives=frozenset(phrase_key(p)[0][0] for p in words.get("possessives", [])),
        keys=keys,
        subjects=subjects,
        stopwords=frozenset(fold(w) for w in words.get("stopwords", [])),
        marks=tuple(marks),
    )


def _parse_signals(table: object, fail: Any) -> dict[str, SignalSpec]:
    """Check every known signal has a numeric weight and both reason templates."""
    if not isinstance(table, dict):
        raise fail("missing [signals.*] tables", "[signals")
    out: dict[str, SignalSpec] = {}
    for sid in SIGNAL_IDS:
        spec = table.get(sid)
        header = f"[signals.{sid}]"
        if not isinstance(spec, dict):
            raise fail(f"missing {header}", "[signals")
        if not _number(spec.get("weight")):
            raise fail(f"{header} needs a number 'weight'", header)
        for lang in LANGUAGES:
            if not isinstance(spec.get(lang), str):
                raise fail(f"{header} needs a reason template '{lang}'", header)
        cap = spec.get("cap")
        if cap is not None and not _number(cap):
            raise fail(f"{header} 'cap' must be a number", header)
        out[sid] = SignalSpec(
            sid,
            float(spec["weight"]),
            spec["en"],
            spec["fr"],
            float(cap) if cap is not None else None,
        )
    unknown = sorted(set(table) - set(SIGNAL_IDS))
    if unknown:
        raise fail(f"unknown signal [signals.{unknown[0]}]", f"[signals.{unknown[0]}]")
    return out
