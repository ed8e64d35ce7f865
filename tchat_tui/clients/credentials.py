"""Network credentials from environment variables or an owner-only TOML file; never shown.

Environment variables win over the file, key by key. The file is `TCHAT_CREDENTIALS_FILE` or
`<user config dir>/tchat-live/credentials.toml`, with one table per network:

    [x]
    bearer_token = "..."          # read (filtered stream, recent search)
    consumer_key = "..."          # post (OAuth 1.0a user context): all four keys
    consumer_secret = "..."
    access_token = "..."
    access_token_secret = "..."
    api_base = "http://127.0.0.1:8765"   # optional: send every X call there (proxy, tests)

    [mastodon]
    instance = "mastodon.social"
    token = "..."

    [bluesky]
    handle = "host.bsky.social"
    app_password = "..."
    pds = "https://bsky.social"   # optional
    jetstream = "wss://jetstream.example/subscribe"   # optional: one URL or a comma list

A file readable by anyone but its owner is refused. No secret value ever appears in a repr,
a str or an error message from this module. The addresses (`api_base`, `instance`, `pds`) are
not secret, but a user, a password or a query in one is: `redact` hides those parts as it hides
the tokens, and `redact_url` shows an address without them. An instance or a PDS address with
any of them is refused (its host is stored with every post read there).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from tchat_tui.domain.errors import TchatError

APP_NAME = "tchat-live"
FILE_ENV = "TCHAT_CREDENTIALS_FILE"

ENV_VARS: dict[str, dict[str, str]] = {
    "x": {
        "bearer_token": "TCHAT_X_BEARER_TOKEN",
        "consumer_key": "TCHAT_X_CONSUMER_KEY",
        "consumer_secret": "TCHAT_X_CONSUMER_SECRET",
        "access_token": "TCHAT_X_ACCESS_TOKEN",
        "access_token_secret": "TCHAT_X_ACCESS_TOKEN_SECRET",
        "api_base": "TCHAT_X_API_BASE",
    },
    "mastodon": {
        "instance": "TCHAT_MASTODON_INSTANCE",
        "token": "TCHAT_MASTODON_TOKEN",
    },
    "bluesky": {
        "handle": "TCHAT_BLUESKY_HANDLE",
        "app_password": "TCHAT_BLUESKY_APP_PASSWORD",
        "pds": "TCHAT_BLUESKY_PDS",
        "jetstream": "TCHAT_BLUESKY_JETSTREAM",
    },
}
"""Every known key per network and the environment variable that sets it."""

PUBLIC_KEYS = frozenset({"api_base", "instance", "handle", "pds", "jetstream"})
"""Keys whose values are not secret (they may appear in messages)."""

URL_KEYS = frozenset({"api_base", "instance", "pds"})
"""Keys whose values are addresses: public, except a user, password or query inside them."""

HOST_ONLY_KEYS = frozenset({"instance", "pds"})
"""Addresses that may not carry a user, password or query at all (their host is stored)."""

REDACTED = "***"


def _split(url: str) -> tuple[str, str, str, str, str]:
    """`urlsplit` of an address written with or without its scheme; never raises."""
    text = url.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
    except ValueError:  # an unbalanced IPv6 bracket: nothing reliable to split
        return "", "", text, "", ""
    return parts.scheme, parts.netloc, parts.path, parts.query, parts.fragment


def url_secrets(url: str) -> list[str]:
    """The secret parts of an address: its `user:password@`, password, query and its values."""
    _, netloc, _, query, fragment = _split(url)
    found: list[str] = []
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        found.append(userinfo)
        if ":" in userinfo:  # the user alone is not secret (unless it is all there is)
            found.append(userinfo.split(":", 1)[1])
    if query:
        found.append(query)
        for pair in query.split("&"):
            found.append(pair)
            value = pair.split("=", 1)[1] if "=" in pair else ""
            if value:
                found.append(value)
    if fragment:
        found.append(fragment)
    return found


def redact_url(url: str) -> str:
    """`url` with any user, password, query value and fragment shown as ***:
    `http://user:pw@host/x?key=v` -> `http://***@host/x?key=***`."""
    scheme, netloc, path, query, fragment = _split(url)
    if not scheme:
        return REDACTED if url_secrets(url) or "@" in url or "?" in url else url
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    shown = f"{scheme}://{netloc}{path}" if "://" in url else f"{netloc}{path}"
    if query:
        shown += "?" + "&".join(
            f"{pair.split('=', 1)[0]}={REDACTED}" if "=" in pair else REDACTED
            for pair in query.split("&")
        )
    if fragment:
        shown += f"#{REDACTED}"
    return shown


class CredentialsError(TchatError):
    """The credentials cannot be used (unsafe file, bad TOML, unknown key); one line, no secret."""


def default_path() -> Path:
    """Where the credentials file lives when nothing else says."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "credentials.toml"


class Credentials:
    """The credentials found, per network; `repr` and `str` list key names, never values."""

    __slots__ = ("_values", "_origins", "path")

    def __init__(
        self,
        values: Mapping[str, Mapping[str, str]],
        origins: Mapping[str, Mapping[str, str]] | None = None,
        path: Path | None = None,
    ) -> None:
        self._values = {n: dict(v) for n, v in values.items() if v}
        self._origins = {n: dict(v) for n, v in (origins or {}).items()}
        self.path = path
        """The credentials file that was read, if any."""

    def get(self, network: str) -> dict[str, str]:
        """A copy of one network's credentials (empty dict when there are none)."""
        return dict(self._values.get(network, {}))

    def has(self, network: str, *keys: str) -> bool:
        """Whether every one of `keys` is set for `network`."""
        found = self._values.get(network, {})
        return all(found.get(k) for k in keys)

    def origin(self, network: str, key: str) -> str:
        """Where a key comes from, to name in a message: its env var, or the file's table."""
        known = self._origins.get(network, {}).get(key)
        if known:
            return known
        return ENV_VARS.get(network, {}).get(key, f"{key} in [{network}]")

    def missing(self, network: str, *keys: str) -> list[str]:
        """The environment variable names of the keys that are not set."""
        found = self._values.get(network, {})
        return [ENV_VARS.get(network, {}).get(k, k) for k in keys if not found.get(k)]

    def secrets(self) -> list[str]:
        """Every secret value, and the secret parts of addresses (for redaction only)."""
        found: list[str] = []
        for table in self._values.values():
            for key, value in table.items():
                if key in URL_KEYS:
                    found.extend(url_secrets(value))
                elif key not in PUBLIC_KEYS and value:
                    found.append(value)
        return found

    def redact(self, text: str) -> str:
        """`text` with every secret value replaced by ***."""
        for value in sorted(self.secrets(), key=len, reverse=True):
            if len(value) >= 4:
                text = text.replace(value, REDACTED)
        return text

    def __repr__(self) -> str:
        tables = ", ".join(
            f"{n}: [{', '.join(sorted(v))}]" for n, v in sorted(self._values.items())
        )
        return f"Credentials({tables})"

    __str__ = __repr__


def load_credentials(path: Path | None = None, env: Mapping[str, str] | None = None) -> Credentials:
    """Read the credentials file (if any) and the environment; environment values win.

    Raises CredentialsError when the file is readable by others, is not valid TOML, holds an
    unknown key or a non-string value, or was named explicitly and does not exist.
    """
    environ = os.environ if env is None else env
    explicit = path is not None or bool(environ.get(FILE_ENV))
    file_path = path or (Path(environ[FILE_ENV]) if environ.get(FILE_ENV) else default_path())
    values: dict[str, dict[str, str]] = {}
    origins: dict[str, dict[str, str]] = {}
    read_path: Path | None = None
    if file_path.exists() or explicit:
        values = _read_file(file_path)
        read_path = file_path
        for network, table in values.items():
            origins[network] = {k: f"{k} in [{network}] of {file_path}" for k in table}
    for network, keys in ENV_VARS.items():
        for key, var in keys.items():
            value = environ.get(var, "").strip()
            if value:
                values.setdefault(network, {})[key] = value
                origins.setdefault(network, {})[key] = var
    for network, table in values.items():
        for key in HOST_ONLY_KEYS & table.keys():
            if url_secrets(table[key]):
                where = origins.get(network, {}).get(key, key)
                raise CredentialsError(
                    f"{where} holds a user, password or query ({redact_url(table[key])}):"
                    " give the server's address only, such as https://example.social"
                )
    return Credentials(values, origins, read_path)


def _read_file(path: Path) -> dict[str, dict[str, str]]:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise CredentialsError(f"credentials file not found: {path}") from None
    except OSError as exc:
        raise CredentialsError(f"cannot read credentials file {path}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise CredentialsError(f"credentials file {path} is not a regular file")
    mode = stat.S_IMODE(st.st_mode)
    if os.name != "nt" and mode & 0o077:
        raise CredentialsError(
            f"credentials file {path} has mode {mode:04o}, so others can read it; "
            f"it must be 0600: run chmod 600 {path}"
        )
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise CredentialsError(f"cannot read credentials file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        # the decoder's message gives a position, never the offending value
        raise CredentialsError(f"credentials file {path} is not valid TOML: {exc}") from None
    out: dict[str, dict[str, str]] = {}
    for network, table in data.items():
        if network not in ENV_VARS:
            known = ", ".join(f"[{n}]" for n in ENV_VARS)
            raise CredentialsError(
                f"credentials file {path}: unknown table [{network}] (known: {known})"
            )
        if not isinstance(table, dict):
            raise CredentialsError(f"credentials file {path}: [{network}] must be a table")
        for key, value in table.items():
            if key not in ENV_VARS[network]:
                known = ", ".join(ENV_VARS[network])
                raise CredentialsError(
                    f"credentials file {path}: unknown key {key!r} in [{network}] (known: {known})"
                )
            if not isinstance(value, str):
                raise CredentialsError(
                    f"credentials file {path}: {key} in [{network}] must be a quoted string"
                )
            if value.strip():
                out.setdefault(network, {})[key] = value.strip()
    return out
