"""Secrets inside addresses (a proxy's user:password, a token in a query) are redacted like the
other credentials: never in the header, an error, a log line or the database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tchat_tui.clients.credentials import (
    Credentials,
    CredentialsError,
    load_credentials,
    redact_url,
)
from tchat_tui.clients.x.api import ApiBaseError, check_api_base
from tchat_tui.pipeline.connect import header_note
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tests.x.xfixtures import BEARER

PASSWORD = "pa55-w0rd-secret"
BASE = f"http://proxyuser:{PASSWORD}@proxy.test:8080/x"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (BASE, "http://***@proxy.test:8080/x"),
        ("https://tok3n-only@host", "https://***@host"),
        ("https://host/api?token=abcd1234&v=2", "https://host/api?token=***&v=***"),
        ("https://host/#s3cret-fragment", "https://host/#***"),
        ("mastodon.example", "mastodon.example"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ],
)
def test_an_address_is_shown_without_its_secrets(url: str, shown: str) -> None:
    """The host and path stay readable; a user, password, query value or fragment is ***."""
    assert redact_url(url) == shown


def test_redact_hides_the_password_of_an_address_in_any_text() -> None:
    """`Credentials.redact` treats the secret parts of an address as it treats a token."""
    creds = Credentials({"x": {"bearer_token": BEARER, "api_base": BASE}})
    text = f"cannot reach {BASE}: password {PASSWORD} refused; token {BEARER}"
    redacted = creds.redact(text)
    assert PASSWORD not in redacted and BEARER not in redacted
    assert "proxy.test:8080" in redacted


def test_the_header_shows_the_api_base_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The X note of the header (and the session's note) names the proxy, not its password."""
    for var in [v for v in os.environ if v.startswith("TCHAT_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TCHAT_X_BEARER_TOKEN", BEARER)
    monkeypatch.setenv("TCHAT_X_API_BASE", BASE)
    session = ChatSession(Settings(tag="PyChat", db_path=tmp_path / "c.db", start_sources=False))
    try:
        note = header_note(session.network_note)
        assert "via http://***@proxy.test:8080/x" in note
        assert PASSWORD not in note and "proxyuser" not in note
    finally:
        session.shutdown()
    con = sqlite3.connect(tmp_path / "c.db")
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    assert PASSWORD not in dump


@pytest.mark.parametrize(
    "value", [f"{BASE}?token={PASSWORD}", f"ftp://u:{PASSWORD}@host", f"http://u:{PASSWORD}@"]
)
def test_a_refused_api_base_is_not_echoed_with_its_secret(value: str) -> None:
    """The refusal names the variable and shows the address redacted."""
    with pytest.raises(ApiBaseError) as caught:
        check_api_base(value)
    assert "TCHAT_X_API_BASE" in str(caught.value)
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("TCHAT_MASTODON_INSTANCE", f"https://me:{PASSWORD}@mastodon.example"),
        ("TCHAT_MASTODON_INSTANCE", f"https://mastodon.example/?access_token={PASSWORD}"),
        ("TCHAT_BLUESKY_PDS", f"https://{PASSWORD}@pds.example"),
    ],
)
def test_an_instance_or_pds_with_a_secret_in_it_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    """Their host is stored with every post: an address carrying a secret is refused, unshown."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no credentials file
    with pytest.raises(CredentialsError) as caught:
        load_credentials(None, env={var: value})
    assert var in str(caught.value)
    assert PASSWORD not in str(caught.value)
