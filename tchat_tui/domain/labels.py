"""The labels chats put in front of questions and answers: `Q3:`, `Pregunta 3 -`, `[Q2]`, `🔹Q4.`,
`#Tag Q2 ...`, `F1:`, `Frage 2 ➜`; `A1`, `R1:`, `a 2`, `A1b`, `Respuesta 4`, `Antwort 2`.

Real chats write them in many ways (English, French, Spanish, Portuguese, German, Italian and
Dutch forms below), and hosts also post teasers that carry a number but are not the question ("Q4 in
a minute!", "Pregunta 3 en un momentito", "F5 gleich"): a question label is only a question when
what follows reads as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# What may come before a label: emoji, brackets, arrows, a reminder word ("🔁 Rappel /
# Reminder — Question 3 :"), the chat's tag (handled by the caller, which knows it).
_LEAD = re.compile(
    r"^(?:[^\w#＃@＠]|_)*"
    r"(?:(?:rappel|reminder|recordatorio|lembrete|erinnerung|herinnering|promemoria|repost|again)"
    r"(?:[^\w]|_)+)*",
    re.IGNORECASE,
)
_QUESTION_WORDS = r"question|pregunta|pergunta|quest[ãa]o|frage|domanda|vraag"
_QUESTION_LABEL = re.compile(
    rf"(?:(?P<word>{_QUESTION_WORDS})\s*#?|(?P<letter>[QqPpFfDdVv])\.?\s?#?)(?P<n>\d{{1,2}})(?!\d)"
    r"(?P<after>\s*(?:\((?:[A-Za-z]{2}(?:[/|][A-Za-z]{2})*|[A-Za-z]{2,10})\))?\s*"
    r"(?P<sep>[:.\-–—/)\]|>→➜➡️👉▶►⇒»,]+\s*|\s|$))",
    re.IGNORECASE,
)
_STRONG_SEP = re.compile(r"[:.\-–—)\]|>→➜➡👉▶►⇒»]")
# Answers: "A3", "A3:", "a 3 -", "R3", "A1b", "A.2", "Answer 3:", "Respuesta 4", "Réponse 2".
_ANSWER_WORDS = r"answer|r[ée]ponse|respuesta|resposta|antwort|antwoord|risposta"
_ANSWER_LABEL = re.compile(
    rf"^\s*(?:(?:{_ANSWER_WORDS})\s*|[AaRr]\s?\.?\s?)(?P<n>\d{{1,2}})(?![\d])"
    r"(?:[a-d](?![a-z]))?(?![\w])",
    re.IGNORECASE,
)
# A teaser: the label is followed by when the question comes, not by the question.
_SOON = re.compile(
    r"^\s*(?:is\s+|est\s+|es\s+|é\s+|ist\s+)?(?:coming|comes|next|up\s+next|arrive|arrives|"
    r"arriving|chegando|chega|llega|viene|vem|kommt|komt|straks|gleich|já\s+já|soon|shortly|bient[ôo]t|"
    r"tout\s+[àa]\s+l'heure|daqui\s+a\s+pouco|en\s+un\s+rato|later|plus\s+tard|"
    r"en\s+breve|em\s+breve|in\s+arrivo|a\s+breve|dans\s+un|dans\s+une|in\s+a\s+(?:bit|minute|"
    r"moment|sec)|en\s+un|em\s+um|em\s+uma|in\s+einer|tra\s+un)\b",
    re.IGNORECASE,
)
_TIME_WORD = re.compile(
    r"\b\d*\s*(?:min(?:ute)?s?|minut[oe]s?|minutinhos?|minutit[oa]s?|minuten|minuti|heure|"
    r"sec(?:ond)?s?|segundos?|secondes?|sekunden|secondi|instants?|instante|momento|"
    r"momentito|momentinho|moment|augenblick)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_TAGS = re.compile(r"[#＃]\w+")


def question_label(words: str, tag: str = "") -> tuple[int, str] | None:
    """(n, the question's own text) if `words` (a post's own words) open with a question label
    and go on with a question; None for anything else, teasers included."""
    rest = _skip_lead(words, tag)
    m = _QUESTION_LABEL.match(rest)
    if m is None:
        return None
    body = rest[m.end() :].strip()
    if not _reads_as_a_question(body, strong=bool(_STRONG_SEP.search(m.group("after")))):
        return None
    return int(m.group("n")), body


_LABEL_START = re.compile(rf"(?<!\w)(?:{_QUESTION_WORDS}|[QqPpFfDdVv]\.?\s?\d)", re.IGNORECASE)
_ASKED = re.compile(r"[?？¿]")
_BEFORE_OR_AFTER = re.compile(
    r"\b(?:before|after|until|till|antes|después|despues|depois|avant|après|apres|jusqu'à|vor|"
    r"nach|bis|prima|dopo|voor)(?:\s+(?:de|del|da|do|di|the|la|el|a|à|o))?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?:[.!?…)\]]|[^\w\s#＃@＠,;:'’\"-])\s+")


def later_question_label(
    words: str, numbers: tuple[int, ...], tag: str = ""
) -> tuple[int, str] | None:
    """(n, the question's own text) when `words` carry the label of one of `numbers` after a
    first sentence ("Oops, forgot the tag 🙈 Q.2 Which signs ...?"), read as a question; else
    None."""
    for end in _SENTENCE_END.finditer(words):
        found = question_label(words[end.end() :], tag)
        if found is not None and found[0] in numbers:
            return found
    # Inside the first sentence, a label and then, after a colon or a bar, a question: "Para los
    # que llegaron tarde, repito la P6: ¿...?", "Estamos na P5 | ...?", "Relembrando a P4 pra
    # quem chegou agora: o que ...?".
    for start in _LABEL_START.finditer(words):
        label = _QUESTION_LABEL.match(words, start.start())
        if start.start() == 0 or label is None or int(label.group("n")) not in numbers:
            continue
        if _BEFORE_OR_AFTER.search(words[: start.start()]):
            continue  # "Before Q1: who are you?" is the warm-up
        if ":" in label.group("after") or "|" in label.group("after"):
            body = words[label.end() :].strip()
        else:
            colon = _SOON_COLON.match(words, label.end())
            if colon is None:
                continue
            body = words[colon.end() :].strip()
        if _ASKED.search(body) and not _SOON.match(body):
            return int(label.group("n")), body
    return None


_SOON_COLON = re.compile(r"[^:?!.\n]{1,40}?:\s")
"""A few words and a colon after a label ("P4 pra quem chegou agora: ...")."""
_BARE_NUMBER = re.compile(
    r"(?:#?(?P<n>\d{1,2})(?:\ufe0f?\u20e3|\s*[/.)\-:|]))|(?P<circled>[❶-❿①-⑩➊-➓➀-➉])"
)
_CIRCLED = {c: i % 10 + 1 for i, c in enumerate("❶❷❸❹❺❻❼❽❾❿①②③④⑤⑥⑦⑧⑨⑩➊➋➌➍➎➏➐➑➒➓➀➁➂➃➄➅➆➇➈➉")}
LOOSE_WORDS = 8
"""Words after a label, with no question mark, that make a host's post the question itself."""


def host_question_label(
    words: str, numbers: tuple[int, ...], tag: str = ""
) -> tuple[int, str] | None:
    """For the host team's top-level posts only: a question numbered without a letter (`1/`,
    `🔸3.`, `7️⃣`, `❺`) that asks something, or a labelled one that asks without a question
    mark ("🏁 Q8 One piece of advice for ... in one tweet!"), when its number is expected."""
    rest = _skip_lead(words, tag)
    m = _BARE_NUMBER.match(rest)
    if m is not None:
        n = int(m.group("n")) if m.group("n") else _CIRCLED[m.group("circled")]
        body = rest[m.end() :].strip()
        if n in numbers and _ASKED.search(body) and not _SOON.match(body):
            return n, body
    m = _QUESTION_LABEL.match(rest)
    if m is None or int(m.group("n")) not in numbers:
        return None
    body = rest[m.end() :].strip()
    first = _WORD.findall(_TAGS.sub(" ", body))
    if len(first) < LOOSE_WORDS or _SOON.match(body) or _TIME_WORD.search(" ".join(first[:8])):
        return None
    return int(m.group("n")), body


_LEADING_TAGS = re.compile(r"^\s*(?:[#＃]\w+\s*)+")


def answer_label(words: str) -> int | None:
    """The question number an answer's label names (`A3`, `R3:`, `Respuesta 3`, also after
    leading hashtags: `#Tag R1 ...`), or None."""
    m = _ANSWER_LABEL.match(words)
    if m is None and words[:1] in "#＃" and words:
        m = _ANSWER_LABEL.match(_LEADING_TAGS.sub("", words, count=1))
    return int(m.group("n")) if m else None


def loose_question_label(words: str, tag: str = "") -> int | None:
    """The number of a question label at the start of a participant's words (`Q3 my answer is
    ...`), however it goes on; None without one."""
    m = _QUESTION_LABEL.match(_skip_lead(words, tag))
    return int(m.group("n")) if m and (m.group("word") or m.group("letter") in "Qq") else None


def _skip_lead(words: str, tag: str) -> str:
    """`words` past emoji, brackets, a reminder word and the chat's own tag."""
    rest = words
    for _ in range(3):
        before = rest
        rest = rest[_LEAD.match(rest).end() :]  # type: ignore[union-attr]
        if tag and rest[:1] in "#＃" and rest[1 : 1 + len(tag)].casefold() == tag.casefold():
            after = rest[1 + len(tag) :]
            if not after[:1].isalnum() and after[:1] != "_":
                rest = after
        if rest == before:
            break
    return rest


def _reads_as_a_question(body: str, *, strong: bool) -> bool:
    """A question after its label: a question mark, or any words after a `:`/`-`/`.`-like
    separator (`Q1: Tell us ...`); never "in a minute", "coming up", "gleich"."""
    text = _TAGS.sub(" ", body)
    if _SOON.match(text):
        return False
    asked = "?" in text or "¿" in text or "？" in text
    before = re.split(r"[?？]", text, maxsplit=1)[0]
    if _TIME_WORD.search(" ".join(_WORD.findall(before)[:8])) and len(_WORD.findall(before)) < 8:
        return False
    return asked or (strong and bool(_WORD.search(text)))


_ABOUT_THE_QUESTION = re.compile(
    r"question|pregunta|pergunta|quest[ãa]o|frage|domanda|vraag|q\d", re.IGNORECASE
)
_TRAILING_TAGS = re.compile(r"(?:\s*[#＃]\w+)+\s*$")
REACTION_WORDS = 8
"""A reply to a question shorter than this that talks about the question is a reaction."""


def is_reaction(words: str) -> bool:
    """ "Great question!", "boa pergunta 👀", "Super Einstiegsfrage": a short reply about the
    question itself, not an answer to it."""
    text = _TRAILING_TAGS.sub("", words)
    return len(_WORD.findall(text)) < REACTION_WORDS and bool(_ABOUT_THE_QUESTION.search(text))


_FOLD_WORD = re.compile(r"[^\W_]{3,}")
PLAN_MATCH = 0.7
"""Share of a planned question's words a host's post must carry to be that question's posting."""


def question_words(text: str) -> frozenset[str]:
    """The words (3 letters or more, case folded, hashtags aside) that identify a question."""
    return frozenset(w.casefold() for w in _FOLD_WORD.findall(_TAGS.sub(" ", text)))


def planned_question(
    words: str, planned: Sequence[frozenset[str] | Sequence[frozenset[str]]]
) -> int | None:
    """The number of the planned question whose words the host's post carries (a question
    posted without its label, or after a preamble: "Oops, forgot the tag 🙈 Q.2 ..."), else None;
    a planned question of fewer than 4 such words is never matched this way. A question may
    have several versions (one per language: `question_words` of each); any of them matches."""
    if not planned:
        return None
    have = question_words(words)
    if len(have) < 4:
        return None
    best, best_share = None, PLAN_MATCH
    for i, question in enumerate(planned):
        for want in (question,) if isinstance(question, frozenset) else question:
            if len(want) < 4:
                continue
            share = len(have & want) / len(want)
            if share >= best_share:
                best, best_share = i + 1, share
    return best


def restated(words: str, questions: Iterable[tuple[int, str]]) -> tuple[int, ...]:
    """The numbers of the posted `questions` ((number, text) pairs) at least half of whose words
    `words` carry: a question restated for latecomers."""
    have = question_words(words)
    found = []
    for number, text in questions:
        want = question_words(text)
        if len(want) >= 4 and len(have & want) >= len(want) / 2:
            found.append(number)
    return tuple(found)


def after_preamble(
    words: str, now: tuple[int, int], questions: Iterable[tuple[int, str]], tag: str = ""
) -> tuple[int, str] | None:
    """A host team's top-level post that is a question without a label at its start: after a
    preamble (the next question or the open one, `now`, or an earlier one it restates), or
    numbered without a letter or asked without a question mark (the next one)."""
    expected = (*now, *restated(words, questions))
    return later_question_label(words, expected, tag) or host_question_label(words, now[:1], tag)
