"""Credentials: environment first, then an owner-only TOML file; secrets never shown."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tchat_tui.clients.credentials import CredentialsError, load_credentials

SECRET = "s3cr3t-bearer-value"

FILE = """
[x]
bearer_token = "file-bearer-token"
consumer_key = "file-consumer-key"

[mastodon]
instance = "mastodon.example"
token = "file-mastodon-token"
"""


def write(tmp_path: Path, text: str = FILE, mode: int = 0o600) -> Path:
    """A credentials file with the given permissions."""
    path = tmp_path / "credentials.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_environment_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment variables fill each network's table; a blank one counts as absent."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    creds = load_credentials(
        None,
        env={
            "TCHAT_X_BEARER_TOKEN": SECRET,
            "TCHAT_X_API_BASE": "http://127.0.0.1:9",
            "TCHAT_BLUESKY_HANDLE": "  ",
            "TCHAT_CREDENTIALS_FILE": "",
        },
    )
    assert creds.get("x") == {"bearer_token": SECRET, "api_base": "http://127.0.0.1:9"}
    assert creds.get("bluesky") == {}
    assert creds.origin("x", "bearer_token") == "TCHAT_X_BEARER_TOKEN"


def test_file_then_environment_wins(tmp_path: Path) -> None:
    """The file gives values; an environment variable overrides the same key."""
    path = write(tmp_path)
    creds = load_credentials(path, env={"TCHAT_X_BEARER_TOKEN": SECRET})
    assert creds.get("x") == {"bearer_token": SECRET, "consumer_key": "file-consumer-key"}
    assert creds.get("mastodon")["instance"] == "mastodon.example"
    assert creds.origin("x", "consumer_key") == f"consumer_key in [x] of {path}"
    assert creds.missing("x", "consumer_key", "access_token") == ["TCHAT_X_ACCESS_TOKEN"]


def test_file_named_by_environment(tmp_path: Path) -> None:
    """TCHAT_CREDENTIALS_FILE points at the file."""
    path = write(tmp_path)
    creds = load_credentials(env={"TCHAT_CREDENTIALS_FILE": str(path)})
    assert creds.get("mastodon")["token"] == "file-mastodon-token"
    assert creds.path == path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666])
def test_readable_file_is_refused(tmp_path: Path, mode: int) -> None:
    """A file others can read is refused, saying why and how to fix it, without its content."""
    path = write(tmp_path, mode=mode)
    with pytest.raises(CredentialsError) as err:
        load_credentials(path, env={})
    message = str(err.value)
    assert f"chmod 600 {path}" in message
    assert f"{mode:04o}" in message
    assert "file-bearer-token" not in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[x]\nbearer = "file-bearer-token"\n', "unknown key 'bearer' in [x]"),
        ('[twitter]\ntoken = "file-bearer-token"\n', "unknown table [twitter]"),
        ("[x]\nbearer_token = 12345678\n", "must be a quoted string"),
        ('[x]\nbearer_token = "file-bearer-token\n', "not valid TOML"),
        ('x = "file-bearer-token"\n', "[x] must be a table"),
    ],
)
def test_bad_file_is_one_clear_line(tmp_path: Path, text: str, fragment: str) -> None:
    """Mistakes in the file are named; the secret value is never echoed."""
    path = write(tmp_path, text)
    with pytest.raises(CredentialsError) as err:
        load_credentials(path, env={})
    assert fragment in str(err.value)
    assert "file-bearer-token" not in str(err.value)
    assert "12345678" not in str(err.value)
    assert "\n" not in str(err.value)


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    """A file named explicitly must exist."""
    with pytest.raises(CredentialsError, match="not found"):
        load_credentials(tmp_path / "nope.toml", env={})


def test_repr_and_redact_never_show_secrets(tmp_path: Path) -> None:
    """repr/str list key names only; redact() masks every secret but not public values."""
    creds = load_credentials(write(tmp_path), env={"TCHAT_X_BEARER_TOKEN": SECRET})
    for shown in (repr(creds), str(creds), f"{creds}"):
        assert SECRET not in shown
        assert "file-mastodon-token" not in shown
        assert "bearer_token" in shown
    masked = creds.redact(f"Bearer {SECRET} at mastodon.example with file-mastodon-token")
    assert masked == "Bearer *** at mastodon.example with ***"
