"""The public recap's words in the chat's language: English, French, Spanish, Portuguese.

Hand-written tables rather than a translation library: a few dozen labels, the names of days and
months, and number punctuation are all the recap needs (the runtime dependencies stay as they
are). A language not in the table reads in English.
"""

from __future__ import annotations

from dataclasses import dataclass

_EN: dict[str, str | tuple[str, str]] = {
    "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "months": "January February March April May June July August September October November"
    " December",
    "date": "{weekday} {day} {month} {year}",
    "no_post": "no post yet",
    "colon": ":",
    "host": "Host",
    "guests": "Guests",
    "co_moderators": "Co-moderators",
    "role.host": "host",
    "role.guest": "guest",
    "role.co-moderator": "co-moderator",
    "figures": "Figures",
    "posts": "Posts",
    "reposts": ("(and {n} repost)", "(and {n} reposts)"),
    "participants": "Participants",
    "first_timers": "First-time participants",
    "answers": "Answers",
    "replies": "Replies",
    "audience_questions": "Audience questions",
    "peak": "Peak minute",
    "peak_value": "{time}, {n} posts",
    "per_network": "Per network",
    "chart": "Posts per minute",
    "chart_label": "Posts per minute, with the time each question was posted",
    "chart_table": "The chart as a table",
    "chart_summary": "{posts} posts between {start} and {end}; the busiest minute was {peak}"
    " ({n} posts).",
    "minutes": "Minutes",
    "questions": "Questions",
    "no_question": "No question was planned or posted.",
    "not_posted": "Not posted.",
    "posted_at": "Posted at {time}",
    "drew": ("{n} answer", "{n} answers"),
    "from": ("from {n} participant", "from {n} participants"),
    "more": "… and {n} more",
    "highlights": "Highlights",
    "no_star": "No post was starred.",
    "starred": "starred by the hosts",
    "top_contributors": "Top contributors",
    "host_team": "Host team",
    "who": "Who",
    "first_time": "first time",
    "thank_you": "Thank you",
    "to_everyone": "To everyone who took part:",
    "nobody": "No participant besides the host team.",
    "left_out": "Hidden posts are left out of this recap.",
    "thanks_lead": "Thank you for joining {tag}!",
    "thanks_guests": "Our guests:",
    "thanks_active": "Thanks for your answers:",
    "thanks_first": "Welcome to those who joined for the first time:",
}
_FR: dict[str, str | tuple[str, str]] = {
    "weekdays": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "months": "janvier février mars avril mai juin juillet août septembre octobre novembre"
    " décembre",
    "date": "{weekday} {day} {month} {year}",
    "no_post": "pas encore de message",
    "colon": "\u00a0:",
    "host": "Animation",
    "guests": "Invité·es",
    "co_moderators": "Co-modération",
    "role.host": "animation",
    "role.guest": "invité·e",
    "role.co-moderator": "co-modération",
    "figures": "Chiffres",
    "posts": "Messages",
    "reposts": ("(et {n} partage)", "(et {n} partages)"),
    "participants": "Participant·es",
    "first_timers": "Première participation",
    "answers": "Réponses",
    "replies": "Échanges",
    "audience_questions": "Questions du public",
    "peak": "Minute la plus active",
    "peak_value": "{time}, {n} messages",
    "per_network": "Par réseau",
    "chart": "Messages par minute",
    "chart_label": "Messages par minute, avec l'heure de chaque question",
    "chart_table": "Le graphique en tableau",
    "chart_summary": "{posts} messages entre {start} et {end} ; la minute la plus active :"
    " {peak} ({n} messages).",
    "minutes": "Minutes",
    "questions": "Questions",
    "no_question": "Aucune question prévue ni posée.",
    "not_posted": "Non posée.",
    "posted_at": "Posée à {time}",
    "drew": ("{n} réponse", "{n} réponses"),
    "from": ("de {n} participant·e", "de {n} participant·es"),
    "more": "… et {n} autres",
    "highlights": "Temps forts",
    "no_star": "Aucun message mis en avant.",
    "starred": "mis en avant par l'animation",
    "top_contributors": "Les plus actifs",
    "host_team": "L'équipe",
    "who": "Qui",
    "first_time": "première fois",
    "thank_you": "Merci",
    "to_everyone": "À toutes celles et ceux qui ont participé :",
    "nobody": "Personne d'autre que l'équipe.",
    "left_out": "Les messages masqués ne figurent pas dans ce résumé.",
    "thanks_lead": "Merci d'avoir participé au {tag} !",
    "thanks_guests": "Nos invité·es :",
    "thanks_active": "Merci pour vos réponses :",
    "thanks_first": "Bienvenue à celles et ceux qui nous rejoignaient pour la première fois :",
}
_ES: dict[str, str | tuple[str, str]] = {
    "weekdays": "lunes martes miércoles jueves viernes sábado domingo",
    "months": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre"
    " diciembre",
    "date": "{weekday}, {day} de {month} de {year}",
    "no_post": "aún sin mensajes",
    "colon": ":",
    "host": "Conducción",
    "guests": "Invitados",
    "co_moderators": "Comoderación",
    "role.host": "conducción",
    "role.guest": "invitado/a",
    "role.co-moderator": "comoderación",
    "figures": "Cifras",
    "posts": "Mensajes",
    "reposts": ("(y {n} reenvío)", "(y {n} reenvíos)"),
    "participants": "Participantes",
    "first_timers": "Primera participación",
    "answers": "Respuestas",
    "replies": "Conversaciones",
    "audience_questions": "Preguntas del público",
    "peak": "Minuto más activo",
    "peak_value": "{time}, {n} mensajes",
    "per_network": "Por red",
    "chart": "Mensajes por minuto",
    "chart_label": "Mensajes por minuto, con la hora de cada pregunta",
    "chart_table": "El gráfico como tabla",
    "chart_summary": "{posts} mensajes entre las {start} y las {end}; el minuto más activo:"
    " {peak} ({n} mensajes).",
    "minutes": "Minutos",
    "questions": "Preguntas",
    "no_question": "No se planificó ni publicó ninguna pregunta.",
    "not_posted": "No publicada.",
    "posted_at": "Publicada a las {time}",
    "drew": ("{n} respuesta", "{n} respuestas"),
    "from": ("de {n} participante", "de {n} participantes"),
    "more": "… y {n} más",
    "highlights": "Destacados",
    "no_star": "Ningún mensaje destacado.",
    "starred": "destacado por el equipo",
    "top_contributors": "Más activos",
    "host_team": "El equipo",
    "who": "Quién",
    "first_time": "primera vez",
    "thank_you": "Gracias",
    "to_everyone": "A todas las personas que participaron:",
    "nobody": "Nadie más que el equipo.",
    "left_out": "Los mensajes ocultos no aparecen en este resumen.",
    "thanks_lead": "¡Gracias por participar en {tag}!",
    "thanks_guests": "Nuestros invitados:",
    "thanks_active": "Gracias por sus respuestas:",
    "thanks_first": "Bienvenida a quienes participaron por primera vez:",
}
_PT: dict[str, str | tuple[str, str]] = {
    "weekdays": "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
    "months": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro"
    " dezembro",
    "date": "{weekday}, {day} de {month} de {year}",
    "no_post": "ainda sem mensagens",
    "colon": ":",
    "host": "Apresentação",
    "guests": "Convidados",
    "co_moderators": "Comoderação",
    "role.host": "apresentação",
    "role.guest": "convidado/a",
    "role.co-moderator": "comoderação",
    "figures": "Números",
    "posts": "Mensagens",
    "reposts": ("(e {n} partilha)", "(e {n} partilhas)"),
    "participants": "Participantes",
    "first_timers": "Primeira participação",
    "answers": "Respostas",
    "replies": "Conversas",
    "audience_questions": "Perguntas do público",
    "peak": "Minuto mais ativo",
    "peak_value": "{time}, {n} mensagens",
    "per_network": "Por rede",
    "chart": "Mensagens por minuto",
    "chart_label": "Mensagens por minuto, com a hora de cada pergunta",
    "chart_table": "O gráfico como tabela",
    "chart_summary": "{posts} mensagens entre {start} e {end}; o minuto mais ativo:"
    " {peak} ({n} mensagens).",
    "minutes": "Minutos",
    "questions": "Perguntas",
    "no_question": "Nenhuma pergunta planeada nem publicada.",
    "not_posted": "Não publicada.",
    "posted_at": "Publicada às {time}",
    "drew": ("{n} resposta", "{n} respostas"),
    "from": ("de {n} participante", "de {n} participantes"),
    "more": "… e mais {n}",
    "highlights": "Destaques",
    "no_star": "Nenhuma mensagem destacada.",
    "starred": "destacada pela equipa",
    "top_contributors": "Mais ativos",
    "host_team": "A equipa",
    "who": "Quem",
    "first_time": "primeira vez",
    "thank_you": "Obrigado",
    "to_everyone": "A todas as pessoas que participaram:",
    "nobody": "Ninguém além da equipa.",
    "left_out": "As mensagens ocultas não aparecem neste resumo.",
    "thanks_lead": "Obrigado por participar no {tag}!",
    "thanks_guests": "Os nossos convidados:",
    "thanks_active": "Obrigado pelas respostas:",
    "thanks_first": "Boas-vindas a quem participou pela primeira vez:",
}
_TABLES: dict[str, dict[str, str | tuple[str, str]]] = {
    "en": _EN,
    "fr": _FR,
    "es": _ES,
    "pt": _PT,
}
LANGUAGES = tuple(_TABLES)
"""The languages the recap speaks (ISO 639-1)."""
_GROUPING = {"en": ",", "fr": "\u202f", "es": ".", "pt": "."}
"""Thousands separators (French: a narrow no-break space)."""


def language_of(tag: str | None) -> str:
    """A known language from a BCP 47 tag ('fr-CA' -> 'fr'); English for any other."""
    base = (tag or "").split("-")[0].split("_")[0].lower()
    return base if base in _TABLES else "en"


@dataclass(frozen=True, slots=True)
class Words:
    """The recap's words in one language."""

    language: str

    def __call__(self, key: str, n: int | None = None, **values: object) -> str:
        """The label `key`, its plural form chosen by `n`, its `{fields}` filled (numbers
        grouped the language's way)."""
        entry = _TABLES[self.language].get(key) or _TABLES["en"][key]
        if isinstance(entry, tuple):
            entry = (
                entry[0]
                if n is not None and (n == 1 or (self.language == "fr" and n == 0))
                else entry[1]
            )
        if n is not None:
            values["n"] = self.number(n)
        return entry.format(**values) if values else entry

    def number(self, n: int) -> str:
        """'1,234' in English, '1 234' in French, '1.234' in Spanish and Portuguese."""
        return f"{n:,}".replace(",", _GROUPING[self.language])

    def date(self, weekday: int, day: int, month: int, year: int) -> str:
        """'Thursday 26 November 2026', 'jeudi 26 novembre 2026'..."""
        days = str(self("weekdays")).split()
        months = str(self("months")).split()
        return self("date", weekday=days[weekday], day=day, month=months[month - 1], year=year)

    def role(self, role: str) -> str:
        """A role's name in the language ('' for a participant)."""
        key = f"role.{role}"
        return self(key) if key in _TABLES["en"] else ""


def words_for(language: str) -> Words:
    """The words of `language` (English when the recap does not speak it)."""
    return Words(language_of(language))
