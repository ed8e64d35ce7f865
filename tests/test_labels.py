"""Question and answer labels as real chats write them; teasers that carry a number are not
questions (forms from public chat recaps and the hosting guides' examples, not from one fixture)."""

from __future__ import annotations

import pytest

from tchat_tui.domain.labels import (
    after_preamble,
    answer_label,
    later_question_label,
    loose_question_label,
    question_label,
)


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("Q1: What got you started? #T", 1),
        ("Q1 What got you onto nights? #T", 1),
        ("Q1 : Tell us about your week #T", 1),
        ("Q1. Tell us about your week", 1),
        ("Q1 - Tell us about your week", 1),
        ("Q 3: what helps?", 3),
        ("q2: and you?", 2),
        ("Q.2 Quels signaux repérez-vous ?", 2),
        ("[Q2] Sleep. How do you sleep after a shift?", 2),
        ("(Q5) What would you change?", 5),
        ("Q3 (EN) -> What do you eat on nights?", 3),
        ("Q3 (FR/EN) : Que mangez-vous ?", 3),
        ("🔹Q4. Safety at 4am: what have you seen?", 4),
        ("❓F3 Mieterstrom: wie kommt man an Sonnenstrom?", 3),
        ("#T Q2 Como vocês lidam com o erro?", 2),
        ("Question 5: How do nights affect your family?", 5),
        ("QUESTION 3 : Qu'est-ce qui aide ?", 3),
        ("Question 3 : Financement. Qu'est-ce qui marche ?", 3),
        ("🔁 Rappel / Reminder — Question 3 : Financement ?", 3),
        ("P1: ¿Qué cambios notan en su finca?", 1),
        ("Pregunta 3 - El agua: ¿cómo la guardan?", 3),
        ("Pergunta 1 ➡️ O que mais trava os alunos?", 1),
        ("Frage 2 ➜ Wer ist Mitglied?", 2),
        ("F4) Anmeldung, Zähler: wie viel Bürokratie?", 4),
        ("D1: Cosa vi porta in biblioteca?", 1),
        ("🟣 Q4 Le télétravail vous aide-t-il ?", 4),
    ],
)
def test_question_labels_in_every_form(words: str, number: int) -> None:
    """A label (any language's word or letter, brackets, emoji, the tag before it) then a question."""
    found = question_label(words, "T")
    assert found is not None and found[0] == number


@pytest.mark.parametrize(
    "words",
    [
        "Q2 coming at you in a minute ⏰ #T",
        "Q4 in about a minute, it's about safety ⚠️",
        "Question 5 is next, a more personal one 💙",
        "Q7 in a minute. It's a heavy one",
        "Q6 em 30 segundos! 🏁",
        "Pergunta 2 chegando em 1 minutinho",
        "Pergunta 7 já já. Preparem o coração",
        "Pregunta 3 en un momentito ⏳",
        "Question 2 dans une minute / Q2 in a minute ⏱️",
        "Question 3 arrive, on parle argent 💶",
        "Q6 dans 1 minute, sécurité 🔐",
        "F4 kommt in einer Minute, es wird technisch",
        "F5 gleich, es geht um Speicher & Co",
        "Q3 in 2 minutes! Ready?",
        "P5 resumida: apoyos hay, pero llegan tarde",
        "Resumen P3: el suelo es el primer tanque",
        "En un minuto viene la P2",
        "Answer with A1, A2… and the tag",
        "Q",
    ],
)
def test_teasers_and_summaries_are_not_questions(words: str) -> None:
    """A countdown, an announcement or a summary that names a question is not its posting."""
    assert question_label(words, "T") is None


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("A1 my sister", 1),
        ("A1: my sister", 1),
        ("a1 yes", 1),
        ("A 1 yes", 1),
        ("R1 oui", 1),
        ("R1: oui", 1),
        ("r2 claro", 2),
        ("A1a first part", 1),
        ("A1b second part", 1),
        ("A3 (1/2) long answer", 3),
        ("A.2 nope", 2),
        ("Answer 3: yes", 3),
        ("Respuesta 4 sí", 4),
        ("Réponse 2 : oui", 2),
        ("Antwort 2 ja", 2),
        ("Risposta 5 sì", 5),
        ("Resposta 6 sim", 6),
        ("R2- Les maux de tête", 2),
        ("Agreed, great point", None),
        ("A great point", None),
        ("Art 3 of the law", None),
        ("A10x faster build", None),
    ],
)
def test_answer_labels(words: str, number: int | None) -> None:
    """`An`/`Rn` and the words for "answer", with a part letter; not words that start with A or R."""
    assert answer_label(words) == number


def test_a_participants_q_label_names_the_question() -> None:
    """`Q3 my answer is ...` names question 3 however it goes on; `P3` alone is not read."""
    assert loose_question_label("Q3 my answer is yes") == 3
    assert loose_question_label("Question 3, for me: yes") == 3
    assert loose_question_label("P3 perfecto") is None


def test_a_host_post_carrying_a_planned_question_is_its_posting() -> None:
    """With a plan, a question posted after a preamble or without its label is found by its
    words; a short or unrelated post is not."""
    from tchat_tui.domain.labels import planned_question, question_words

    planned = [
        question_words("Which early signs of burnout have you learned to spot at work?"),
        question_words("Does remote work help you, or make things harder?"),
    ]
    oops = "Oops, forgot the tag 🙈 Q.2 Does remote work help you, or make things harder? #T"
    assert planned_question(oops, planned) == 2
    assert (
        planned_question("1/ Which early signs of burnout have you learned to spot?", planned) == 1
    )
    assert planned_question("Remote work: next question in a minute!", planned) is None
    assert planned_question("Thanks all!", planned) is None


def test_dutch_labels_and_pointing_arrows() -> None:
    """`V1`, `Vraag 6:` (Belgian chats), an arrow after the number, `Antwoord 2`."""
    assert question_label("V1 | Welke winkel zou je nooit willen missen? #T", "T") == (
        1,
        "Welke winkel zou je nooit willen missen? #T",
    )
    assert question_label("Vraag 6: Hoe wordt een winkel een plek van ontmoeting?", "T")
    assert question_label("Pregunta 8 👉 Cerramos: un consejo para tu primer sencillo", "T")
    assert question_label("Q3 👉 in a minute", "T") is None
    assert answer_label("Antwoord 2: de huur") == 2


def test_a_label_after_a_clause_restating_a_question() -> None:
    """'For the latecomers, here is P6: ...?' is question 6; 'Before Q1: who are you?' is not."""
    words = "Para los que llegaron tarde, repito la P6: ¿es distinto vivir de la champeta?"
    assert later_question_label(words, (7, 6), "T") == (6, "¿es distinto vivir de la champeta?")
    assert later_question_label("Before Q1: who are you, where do you garden?", (1, 0)) is None


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("1/ What made you start a developer community? #T", 1),
        ("🔸3. ¿Cómo separas las finanzas del negocio? #T", 3),
        ("7️⃣ ¿Has pedido un crédito para tu negocio? #T", 7),
        ("❺ Communes et Régions : quelles aides fonctionnent vraiment ? #T", 5),
        (
            "🏁 Q8 One piece of advice for someone starting their tech career in 2027, in one tweet!",
            8,
        ),
        ("Pregunta #2 ¿Cuál fue el error más caro de tu primer año? #T", 2),
        ("Chegou agora? Estamos na P5 | Alertas de calor: vocês recebem?", 5),
        ("Relembrando a P4 pra quem chegou agora: o que é justo pedir num processo?", 4),
    ],
)
def test_questions_numbered_without_a_letter_or_after_a_preamble(words: str, expected: int) -> None:
    """The host team's forms a label regex misses; each only when its number is expected."""
    found = after_preamble(words, (expected, expected - 1), [], "T") or question_label(words, "T")
    assert found is not None and found[0] == expected


@pytest.mark.parametrize(
    "words", ["1/ What made you start a community? #T", "7️⃣ ¿Has pedido un crédito? #T"]
)
def test_a_bare_number_is_a_question_only_when_that_number_is_next(words: str) -> None:
    assert after_preamble(words, (4, 3), [], "T") is None


@pytest.mark.parametrize(
    "words",
    [
        "3/ thread, bear with me",
        "Q5 dropping in 2 minutes, get your A5s ready!",
        "Q4 coming up in a sec, grab a coffee",
        "1. Be kind 2. Use the tag 3. Have fun",
        "Before Q1: who are you and where are you from?",
    ],
)
def test_teasers_and_lists_are_not_questions(words: str) -> None:
    """Even with their number expected next."""
    number = int(next(c for c in words if c.isdigit()))
    assert after_preamble(words, (number, number - 1), [], "T") is None
