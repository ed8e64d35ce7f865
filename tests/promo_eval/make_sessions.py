"""Write the promo evaluation set as replay files (X filtered-stream JSON lines) plus labels.

Run from the repository root: `.venv/bin/python tests/promo_eval/make_sessions.py`. The output is
deterministic: `sessions/<name>.jsonl` (one stream line per post, t.co links with `expanded_url`,
entity offsets in code points), `sessions.json` (tag, host, guests, language, split of each
session) and `labels.jsonl` (id -> label, language, hard-case kind, expected signal).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from sessions_en import SESSIONS_EN  # noqa: E402
from sessions_fr import SESSIONS_FR  # noqa: E402

from tchat_tui.domain.text.twitter.hashtags import extract_hashtags_with_indices  # noqa: E402

NAMES = {
    "focusly_app": "Focusly",
    "lena_park": "Dr Lena Park",
    "remotechat_sam": "Sam | Remote Chat",
    "slimtea_lisa": "Lisa ✨",
    "tina_fit": "Tina Fit",
    "jo_health": "Jo",
    "vitaboost_co": "VitaBoost",
    "healthchat_jen": "Jen | HealthChat",
    "foodfirst_ngo": "FoodFirst",
    "kate_rd": "Kate, RD",
    "mktchat_host": "Marketing Chat",
    "subjectai_tools": "SubjectAI",
    "ana_writes": "Ana Writes",
    "leadgen_tom": "Tom | Lead Gen",
    "codefast_academy": "CodeFast Academy",
    "rustacean_kim": "Kim Tran",
    "devchat_ola": "Ola | DevChat",
    "budgetly_app": "Budgetly",
    "finchat_rae": "Rae | FinChat",
    "econ_paul": "Paul Okafor, economist",
    "cashflow_king": "Cashflow King 👑",
    "tchatrh_camille": "Camille | TchatRH",
    "julien_dares": "Julien Morel",
    "coach_sabine": "Sabine Coaching Carrière",
    "securivpn_fr": "SecuriVPN",
    "pierre_cyber": "Pierre Duval",
    "cyberchat_anne": "Anne | CyberChatFR",
    "lucie_formation": "Lucie Formation Cyber",
    "zerodechet_marion": "Marion | Zéro Déchet Tchat",
    "zerowaste_asso": "Zero Waste Asso",
    "lola_zerodechet": "Lola Zéro Déchet",
    "claire_ademe": "Claire (ADEME)",
    "fabien_recettes": "Fabien Recettes",
    "box_fraicheur": "Box Fraîcheur",
    "cuisinetchat_hugo": "Hugo | CuisineTchat",
    "maman_cuisine": "Maman en cuisine",
    "nutri_emma": "Emma, diététicienne",
    "appli_classe1": "ClasseMagique",
    "formapro_edu": "FormaPro Édu",
    "tchatedu_alice": "Alice | TchatEdu",
    "chercheur_tom": "Tom Lefèvre",
    "writerschat_bea": "Bea | WritersChat",
    "novelist_omar": "Omar Haddad",
    "inkwell_press": "Inkwell Press",
    "kdp_secrets": "KDP Secrets 💰",
    "marco_author": "Marco Bellini, author",
    "tchatvoyage_ines": "Inès | TchatVoyage",
    "guide_mathieu": "Mathieu Roux",
    "evasion_deals": "Évasion Deals",
    "aventure_de_lou": "Lou | L'Aventure de Lou",
    "voyage_pas_cher": "Voyage Pas Cher",
}

_URL = re.compile(r"<(https?://[^>]+)>")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def user_id(handle: str) -> str:
    """A stable numeric X user id for a handle."""
    return str(int(_digest("user", handle)[:12], 16) % 10**15 + 10**15)


def tco(session: str, n: int, k: int) -> str:
    """A stable t.co wrapper URL."""
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    h = int(_digest("tco", session, n, k)[:16], 16)
    code = "".join(alphabet[(h >> (6 * i)) % len(alphabet)] for i in range(10))
    return f"https://t.co/{code}"


def build_text(session: str, n: int, raw: str) -> tuple[str, list[dict[str, Any]]]:
    """Replace `<url>` markers by t.co links; return the text and the URL entities."""
    out: list[str] = []
    urls: list[dict[str, Any]] = []
    pos = 0
    length = 0
    for k, m in enumerate(_URL.finditer(raw)):
        chunk = raw[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        short = tco(session, n, k)
        expanded = m.group(1)
        display = re.sub(r"^https?://(www\.)?", "", expanded)
        urls.append(
            {
                "start": length,
                "end": length + len(short),
                "url": short,
                "expanded_url": expanded,
                "display_url": display if len(display) <= 26 else display[:25] + "…",
            }
        )
        out.append(short)
        length += len(short)
        pos = m.end()
    out.append(raw[pos:])
    return "".join(out), urls


def session_lines(index: int, session: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The stream lines and label rows of one session."""
    start = datetime.fromisoformat(session["start"].replace("Z", "+00:00"))
    name = session["name"]
    ids: dict[int, str] = {}
    authors: dict[int, str] = {}
    roots: dict[int, str] = {}
    lines: list[str] = []
    labels: list[dict[str, Any]] = []
    when = start
    for n, (author, raw, reply_to, label, kind, expect) in enumerate(session["posts"], 1):
        native = str(1_880_000_000_000_000_000 + index * 100_000 + n * 7)
        ids[n] = native
        authors[n] = author
        if reply_to is not None and not raw.startswith("@"):
            raw = f"@{authors[reply_to]} {raw}"
        text, urls = build_text(name, n, raw)
        hashtags = [
            {"start": s, "end": e, "tag": tag} for tag, s, e in extract_hashtags_with_indices(text)
        ]
        mentions = [
            {"start": m.start(), "end": m.end(), "username": m.group(1), "id": user_id(m.group(1))}
            for m in _MENTION.finditer(text)
        ]
        entities: dict[str, Any] = {}
        if hashtags:
            entities["hashtags"] = hashtags
        if mentions:
            entities["mentions"] = mentions
        if urls:
            entities["urls"] = urls
        tweet: dict[str, Any] = {
            "id": native,
            "text": text,
            "edit_history_tweet_ids": [native],
            "author_id": user_id(author),
            "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "lang": session["lang"],
            "entities": entities,
        }
        if reply_to is not None:
            roots[n] = roots.get(reply_to, ids[reply_to])
            tweet["conversation_id"] = roots[n]
            tweet["in_reply_to_user_id"] = user_id(authors[reply_to])
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": ids[reply_to]}]
        else:
            tweet["conversation_id"] = native
        users = [
            {
                "id": user_id(author),
                "name": NAMES.get(author, author.replace("_", " ").title()),
                "username": author,
            }
        ]
        line = {
            "data": tweet,
            "includes": {"users": users},
            "matching_rules": [{"id": "1", "tag": session["tag"].lower()}],
        }
        lines.append(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
        labels.append(
            {
                "id": native,
                "session": name,
                "n": n,
                "author": author,
                "label": label,
                "lang": session["lang"],
                "kind": kind,
                "expect": expect,
                "split": session["split"],
            }
        )
        when += timedelta(seconds=45 + (n * 37) % 50)
    return lines, labels


def main() -> None:
    """Write sessions/*.jsonl, sessions.json and labels.jsonl next to this script."""
    out_dir = HERE / "sessions"
    out_dir.mkdir(exist_ok=True)
    meta: list[dict[str, Any]] = []
    all_labels: list[dict[str, Any]] = []
    for index, session in enumerate(SESSIONS_EN + SESSIONS_FR, 1):
        lines, labels = session_lines(index, session)
        path = out_dir / f"{session['name']}.jsonl"
        path.write_text("".join(line + "\r\n" for line in lines), encoding="utf-8")
        meta.append(
            {
                "name": session["name"],
                "file": f"sessions/{session['name']}.jsonl",
                "tag": session["tag"],
                "host": session["host"],
                "guests": session["guests"],
                "lang": session["lang"],
                "split": session["split"],
            }
        )
        all_labels.extend(labels)
    (HERE / "sessions.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    with (HERE / "labels.jsonl").open("w", encoding="utf-8") as fh:
        for row in all_labels:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    promo = sum(r["label"] != "none" for r in all_labels)
    print(f"{len(all_labels)} posts, {promo} promotional, {len(meta)} sessions")


if __name__ == "__main__":
    main()
