"""The chat plan: tag, topic, start, people, questions and templates, read from TOML and checked.

One import point for the plan's four modules, each one idea:

- `plan_model`: the `Plan` itself, its timing (due times) and template filling;
- `plan_read`: TOML in, a `Plan` out, bad input named by file and line (`PlanError`);
- `plan_check`: `plan check`, every prepared post measured on each network, and the findings on
  the tag, the numbering, the count and the start;
- `plan_share`: `plan share`, the date in words and promotion posts that fit.

`from tchat_tui.domain.plan import ...` keeps working for every name below.
"""

from __future__ import annotations

from tchat_tui.domain.plan_check import (
    QUESTIONS_MAX,
    QUESTIONS_MIN,
    TAG_SHORT,
    Finding,
    PlanCheck,
    TextRow,
    check_plan,
    prepared_posts,
    question_findings,
    start_findings,
    tag_findings,
)
from tchat_tui.domain.plan_model import (
    CLOSING_MINUTES,
    OPENING_MINUTES,
    PLACEHOLDERS,
    TEMPLATE_NAMES,
    Plan,
    PlanError,
    fill,
    placeholders_in,
)
from tchat_tui.domain.plan_read import load_plan, parse_plan
from tchat_tui.domain.plan_share import fits, promotion_posts, when_text

__all__ = [
    "CLOSING_MINUTES",
    "OPENING_MINUTES",
    "PLACEHOLDERS",
    "QUESTIONS_MAX",
    "QUESTIONS_MIN",
    "TAG_SHORT",
    "TEMPLATE_NAMES",
    "Finding",
    "Plan",
    "PlanCheck",
    "PlanError",
    "TextRow",
    "check_plan",
    "fill",
    "fits",
    "load_plan",
    "parse_plan",
    "placeholders_in",
    "prepared_posts",
    "promotion_posts",
    "question_findings",
    "start_findings",
    "tag_findings",
    "when_text",
]
