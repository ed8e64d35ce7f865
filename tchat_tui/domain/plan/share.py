"""`plan share`: the plan's date in words and promotion posts that fit every network."""

from __future__ import annotations

from tchat_tui.domain.plan.model import Plan
from tchat_tui.domain.text.rules import check_text

_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def when_text(plan: Plan) -> str:
    """'Thursday 26 November 2026, 19:00-20:00 (Europe/Paris)', in the plan's own time zone."""
    start, end = plan.start, plan.end
    if start is None or end is None:
        return "date to be announced"
    zone = plan.timezone or start.strftime("UTC%z").replace("UTC+0000", "UTC")
    if len(zone) == 8 and zone.startswith("UTC"):
        zone = f"{zone[:6]}:{zone[6:]}"
    day = f"{_WEEKDAYS[start.weekday()]} {start.day} {_MONTHS[start.month - 1]} {start.year}"
    return f"{day}, {start:%H:%M}-{end:%H:%M} ({zone})"


def fits(plan: Plan, text: str) -> bool:
    """The text fits every network of the chat and carries the tag."""
    return all(check_text(text, r, plan.tag).valid for r in plan.rules())


def promotion_posts(plan: Plan) -> list[tuple[str, str]]:
    """Posts that announce the chat, each the fullest variant that fits every network.

    Returns (kind, text) pairs: the plan's own `promo` template when it has one, an announcement,
    a reminder for the day, and a teaser with Q1. A kind with no variant that fits is left out.
    """
    if plan.start is None:
        when, time_of_day = "soon", "soon"
    else:
        when = when_text(plan)
        time_of_day = f"at {plan.start:%H:%M}"
    tag, topic = plan.tag, plan.topic
    shown = plan.placeholder_values()  # a person with several handles shows one
    guests = shown["guests"]
    with_guests = f" with {guests}" if guests else ""
    n = len(plan.questions)
    kinds: list[tuple[str, list[str]]] = []
    if "promo" in plan.templates:
        kinds.append(("promo", [plan.tagged(plan.filled_template("promo"))]))
    kinds.append(
        (
            "announcement",
            [
                f"📅 {when}: {tag} on “{topic}”{with_guests}, hosted by {shown['host']}."
                f" {n} questions, answer with A1, A2… and {tag}. Join us!",
                f"📅 {when}: {tag} on “{topic}”{with_guests}. Join us!",
                f"📅 {when}: {tag} on “{topic}”. Join us!",
                f"📅 {when}: {tag}. Join us!",
            ],
        )
    )
    kinds.append(
        (
            "reminder",
            [
                f"⏰ Today {time_of_day}: {tag} on “{topic}”{with_guests}."
                f" Bring your questions, answer with A1, A2… and {tag}!",
                f"⏰ Today {time_of_day}: {tag} on “{topic}”{with_guests}!",
                f"⏰ Today {time_of_day}: {tag}!",
            ],
        )
    )
    if plan.questions:
        kinds.append(
            (
                "teaser",
                [
                    f"Coming up on {tag}, {when}: “{plan.questions[0]}” Think about your A1!",
                    f"Coming up on {tag}: “{plan.questions[0]}”",
                ],
            )
        )
    out = []
    for kind, variants in kinds:
        text = next((v for v in map(plan.tagged, variants) if fits(plan, v)), None)
        if text is not None:
            out.append((kind, text))
    return out
