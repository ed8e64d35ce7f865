"""The Spanish and Portuguese word lists (issue 13): spam and self-promotion in es/pt reach amber by
their words alone (no emoji, no link), and ordinary es/pt chat answers stay below the draft warning.
Texts are written here, not taken from the judgement corpus."""

from __future__ import annotations

import pytest

from tchat_tui.domain.post import Role
from tchat_tui.domain.promo.draft import score_draft
from tchat_tui.domain.promo.rules import default_rules
from tchat_tui.domain.promo.tracker import PostContext, PromoTracker
from tests.factories import make_post

RULES = default_rules()
CTX = PostContext("T", Role.PARTICIPANT)

SPAM = [
    # Spanish (Latin America and Spain)
    ("Gano 300 USD por semana con señales de trading, te explico por DM #T", "income"),
    (
        "Multiplica tu dinero con bitcoin, rentabilidad garantizada, escríbeme al whatsapp #T",
        "income",
    ),
    ("Hola guapo, estoy sola esta noche, mira mi perfil y escríbeme #T", "dating"),
    ("Hacemos tu tesis, TFG y TFM, 100% sin plagio, pedidos por DM #T", "essay"),
    (
        "SORTEO: regalamos una tablet. Para participar: sígueme, dale RT y etiqueta a 2 amigos #T",
        "giveaway",
    ),
    ("Tren de seguidores: deja tu @ y sigo de vuelta a todos #T", "train"),
    ("Tienda online de cosmética natural, envíos a todo el país, pedidos por DM #T", "shop"),
    ("Pídelo ya: envíos a toda España en 24h y 20% de descuento con el código VERANO #T", "shop"),
    (
        "Inscríbete en mi masterclass gratuita de marca personal, plazas limitadas, link en bio #T",
        "webinar",
    ),
    (
        "Mentorías de emprendimiento: agenda tu llamada de descubrimiento, cupos limitados #T",
        "coaching",
    ),
    ("Ya a la venta mi nuevo libro, consíguelo con el código LIBRO20 #T", "product"),
    # Portuguese (Brazil and Portugal)
    ("Renda extra pelo celular: ganhe até 500 reais por dia, me chama no direct #T", "income"),
    ("Larguei o CLT e hoje faturo 10 mil por mês com infoproduto, te explico no pv #T", "income"),
    ("Oi lindo, tô sozinha em casa, vem ver no meu perfil #T", "dating"),
    (
        "Fazemos seu TCC, monografia e artigos, 100% sem plágio, orçamento sem compromisso #T",
        "essay",
    ),
    (
        "SORTEIO! Vamos sortear um kit. Pra participar: me segue, dê RT e marque 3 amigos #T",
        "giveaway",
    ),
    ("Passatempo: participem no passatempo para ganhar um cabaz, sigam a página #T", "giveaway"),
    ("Trem sdv: deixe seu @ que eu sigo de volta todo mundo #T", "train"),
    (
        "Loja de semijoias com frete grátis, enviamos para todo o Brasil, encomendas pelo direct #T",
        "shop",
    ),
    ("Encomendas abertas para bolos, faça a sua encomenda por mensagem privada #T", "shop"),
    (
        "Inscrições abertas para minha mentoria de Instagram, últimas vagas, link na bio #T",
        "coaching",
    ),
    ("Aula gratuita de marketing digital hoje às 20h, garanta sua vaga, link na bio #T", "webinar"),
]

PLAIN = [
    # Spanish
    "R1 En mi hospital usamos la escala de Braden en cada turno, el informe del ministerio está "
    "aquí: https://www.sanidad.gob.es/informe-2025.pdf #T",
    "R2 La inscripción es gratuita para todos, solo hay que llevar la credencial del colegio #T",
    "@ana Si quieres te paso por DM la guía que uso con mis alumnos, es gratis y sin registro #T",
    "R3 Yo descargo los datos del INE cada mes y los cruzo con nuestras encuestas #T",
    "R4 Nunca compres seguidores, la comunidad se nota cuando es real #T",
    "@luis El enlace al estudio que comentaba: https://doi.org/10.1000/xyz123, la muestra es "
    "pequeña pero interesante #T",
    "R5 En las últimas horas hemos recibido muchas preguntas sobre el taller de mañana #T",
    "R6 Mi programa de doctorado exige dos publicaciones antes de defender la tesis #T",
    "R7 Estoy sola en el turno de noche casi siempre, por eso valoro tanto estos chats #T",
    "R8 Para participar en el chat solo usen el hashtag y respondan con R1, R2 #T",
    "R9 Yo me apunto al taller del jueves, ¿alguien sabe si es presencial? #T",
    # Portuguese
    "R1 O link do relatório está aqui: https://www.gov.br/saude/relatorio-2025, a parte sobre "
    "atenção básica começa na página 40 #T",
    "R2 A inscrição no congresso é gratuita para estudantes, mas as vagas acabam rápido #T",
    "@ju Sou professora e tenho um material de revisão bem simples, te mando no privado se "
    "quiser, é de graça #T",
    "R3 Eu baixei o aplicativo do SUS e consigo ver todas as vacinas da família #T",
    "R4 Hoje é o último dia do congresso e ainda não consegui ver metade das palestras #T",
    "R5 Nossa, que pergunta boa! Na minha escola a gente faz roda de conversa toda sexta #T",
    "R6 Meu canal preferido sobre finanças pessoais é o do Banco Central, bem didático #T",
    "R7 No meu TCC eu pesquisei exatamente isso, os dados do IBGE mostram a queda #T",
    "R8 Estou sozinha no plantão de domingo e acompanho o chat pelo celular #T",
    "R9 O certificado é válido até dezembro, depois precisa renovar no site do conselho #T",
    "R10 Cá em Lisboa a formação é gratuita para enfermeiros, basta fazer a inscrição no portal #T",
    "R11 Muitos professores precisam de renda extra porque o salário não chega #T",
    "R12 Não existe dinheiro fácil, desconfie de quem promete #T",
    "R13 Sigo todos os protocolos da CCIH e nos últimos dias a unidade ficou cheia #T",
    "R10 Solo hoy me enteré de este chat, gano más en el turno de noche pero duermo fatal #T",
    # An English answer: the es/pt lists run on every post ("no direct" is not "no direct" in pt).
    "A1 There is no direct link between the two, see https://example.org/paper #T",
]


@pytest.mark.parametrize(("text", "family"), SPAM)
def test_es_pt_spam_reaches_amber(text: str, family: str) -> None:
    """A participant's es/pt spam post is flagged on its words (no emoji, no link)."""
    tracker = PromoTracker(RULES)
    result = tracker.score(make_post("1", text, "someone"), CTX)
    assert result.level in ("amber", "red"), (family, result.reasons())


@pytest.mark.parametrize("text", PLAIN)
def test_es_pt_plain_answer_gets_no_warning(text: str) -> None:
    """An ordinary es/pt answer, even with a link, a DM offer or "gratuita", is not warned."""
    result = score_draft(text, "T", RULES)
    assert result.level == "none", result.reasons()


def test_the_es_and_pt_tables_have_every_list() -> None:
    """Spanish and Portuguese define every list that English and French define."""
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(files("tchat_tui.data").joinpath("promo_rules.toml").read_text("utf-8"))
    lexicon = data["lexicon"]
    wanted = set(lexicon["en"]) | set(lexicon["fr"])
    for lang in ("es", "pt"):
        assert wanted <= set(lexicon[lang]), (lang, wanted - set(lexicon[lang]))
