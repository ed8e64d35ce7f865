"""twitter-text conformance: the upstream YAML, loaded when the tests run (upstream's request)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from tchat_tui.domain.text.twitter.hashtags import extract_hashtags, extract_hashtags_with_indices
from tchat_tui.domain.text.twitter.length import (
    CONFIG_V1,
    CONFIG_V2,
    CONFIG_V3,
    WeightConfig,
    parse_tweet,
)
from tchat_tui.domain.text.twitter.mentions import extract_mentions
from tchat_tui.domain.text.twitter.urls import extract_urls, extract_urls_with_indices

CONFORMANCE = Path(__file__).parent / "conformance"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when libyaml is there


def _load(name: str) -> dict[str, Any]:
    with (CONFORMANCE / name).open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.load(f, Loader=_LOADER)
    return data


VALIDATE = _load("validate.yml")["tests"]
EXTRACT = _load("extract.yml")["tests"]
TLDS = _load("tlds.yml")["tests"]


def _cases(section: list[dict[str, Any]]) -> list[Any]:
    return [pytest.param(case, id=case["description"][:80]) for case in section]


def _parsed_as_upstream(text: str, config: WeightConfig) -> dict[str, Any]:
    parsed = parse_tweet(text, config)
    return {
        "weightedLength": parsed.weighted_length,
        "valid": parsed.valid,
        "permillage": parsed.permillage,
        "displayRangeStart": parsed.display_range_start,
        "displayRangeEnd": parsed.display_range_end,
        "validRangeStart": parsed.valid_range_start,
        "validRangeEnd": parsed.valid_range_end,
    }


@pytest.mark.parametrize(
    ("name", "config"), [("v1", CONFIG_V1), ("v2", CONFIG_V2), ("v3", CONFIG_V3)]
)
def test_weight_configs_match_upstream_json(name: str, config: WeightConfig) -> None:
    """The built-in configs equal upstream config/v1-v3.json."""
    raw = json.loads((CONFORMANCE / "config" / f"{name}.json").read_text(encoding="utf-8"))
    assert config.max_weighted_length == raw["maxWeightedTweetLength"]
    assert config.scale == raw["scale"]
    assert config.default_weight == raw["defaultWeight"]
    assert config.transformed_url_length == raw["transformedURLLength"]
    assert config.emoji_parsing == raw.get("emojiParsingEnabled", False)
    assert config.ranges == tuple((r["start"], r["end"], r["weight"]) for r in raw["ranges"])


@pytest.mark.parametrize("case", _cases(VALIDATE["WeightedTweetsCounterTest"]))
def test_weighted_counter_v2(case: dict[str, Any]) -> None:
    """Config v2: every field of parseTweet matches upstream."""
    assert _parsed_as_upstream(case["text"], CONFIG_V2) == case["expected"]


@pytest.mark.parametrize("case", _cases(VALIDATE["WeightedTweetsWithDiscountedEmojiCounterTest"]))
def test_weighted_counter_v3_emoji(case: dict[str, Any]) -> None:
    """Config v3 (an emoji sequence counts once): every field matches upstream."""
    assert _parsed_as_upstream(case["text"], CONFIG_V3) == case["expected"]


@pytest.mark.parametrize("case", _cases(VALIDATE["UnicodeDirectionalMarkerCounterTest"]))
def test_directional_markers(case: dict[str, Any]) -> None:
    """Default config (v3) with directional marks and invalid characters."""
    assert _parsed_as_upstream(case["text"], CONFIG_V3) == case["expected"]


@pytest.mark.parametrize("case", _cases(VALIDATE["tweets"]))
def test_classic_tweets_v1(case: dict[str, Any]) -> None:
    """The classic 140 rule (config v1) says valid or not as upstream does."""
    assert parse_tweet(case["text"], CONFIG_V1).valid is case["expected"]


@pytest.mark.parametrize("case", _cases(EXTRACT["hashtags"] + EXTRACT["hashtags_from_astral"]))
def test_extract_hashtags(case: dict[str, Any]) -> None:
    """Hashtags extracted in order, without '#'."""
    assert extract_hashtags(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases(EXTRACT["hashtags_with_indices"]))
def test_extract_hashtags_with_indices(case: dict[str, Any]) -> None:
    """Hashtags with code-point indices covering the '#'."""
    got = [
        {"hashtag": tag, "indices": [start, end]}
        for tag, start, end in extract_hashtags_with_indices(case["text"])
    ]
    assert got == case["expected"]


@pytest.mark.parametrize("case", _cases(EXTRACT["mentions"]))
def test_extract_mentions(case: dict[str, Any]) -> None:
    """Mentioned handles in order, without '@'."""
    assert extract_mentions(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases(EXTRACT["urls"] + EXTRACT["tco_urls_with_params"]))
def test_extract_urls(case: dict[str, Any]) -> None:
    """URLs extracted as X links them."""
    assert extract_urls(case["text"]) == case["expected"]


@pytest.mark.parametrize(
    "case", _cases(EXTRACT["urls_with_indices"] + EXTRACT["urls_with_directional_markers"])
)
def test_extract_urls_with_indices(case: dict[str, Any]) -> None:
    """URLs with code-point indices."""
    got = [
        {"url": url, "indices": [start, end]}
        for url, start, end in extract_urls_with_indices(case["text"])
    ]
    assert got == case["expected"]


@pytest.mark.parametrize("case", _cases(TLDS["country"] + TLDS["generic"]))
def test_tlds(case: dict[str, Any]) -> None:
    """A URL on every known top-level domain is extracted."""
    assert extract_urls(case["text"]) == case["expected"]


@pytest.mark.parametrize("kind", ["country", "generic"])
def test_shipped_tld_data_equals_upstream_list(kind: str) -> None:
    """The package's TLD data is exactly the conformance tld_lib.yml, in order."""
    shipped = resources.files("tchat_tui").joinpath("data", f"tlds_{kind}.txt")
    lines = shipped.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == _load("tld_lib.yml")[
        kind
    ]
