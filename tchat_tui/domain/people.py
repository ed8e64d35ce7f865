"""The chat's people by handle on every network, and how each network writes its authors.

A person is one or more handles, separated by commas: `x:claire_morel`,
`mastodon:claire@example.social`, `bluesky:claire.bsky.social` each apply on their network; a bare
handle (`claire`) applies on every network, in the form each one uses:

- X: the name, any case (`claire` and `Claire`);
- Mastodon: `name@instance` (`claire@example.social`, an instance may carry a port:
  `claire@127.0.0.1:8080`), or `name` alone for the account of that name on the instance the
  console reads (Mastodon writes a local account without its domain);
- Bluesky: the domain handle (`claire.bsky.social`, a custom domain `claire.fr`); a name without a
  dot is `name.bsky.social`.

A bare handle that cannot be written on a network (`claire_morel` on Bluesky: no `_` there) gives
the person no handle on it; `plan check` says so. Everything is compared case-insensitively, with
or without a leading `@`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network

PREFIXES: dict[str, Network] = {
    "x": Network.X,
    "twitter": Network.X,
    "mastodon": Network.MASTODON,
    "bluesky": Network.BLUESKY,
    "bsky": Network.BLUESKY,
}
"""What may stand before `:` to say which network a handle is for."""
NETWORK_NAMES = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}
BLUESKY_DEFAULT = "bsky.social"
"""Where a Bluesky name without a dot lives."""

_X_NAME = re.compile(r"[A-Za-z0-9_]{1,50}")
_MASTODON_USER = r"\w+(?:[.-]+\w+)*"
_DOMAIN = r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*"
_MASTODON = re.compile(rf"({_MASTODON_USER})(?:@({_DOMAIN}(?::\d{{1,5}})?))?")
_BSKY_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_BLUESKY = re.compile(rf"(?:{_BSKY_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?")
_AT = "@＠"
_A = {Network.X: "an", Network.MASTODON: "a", Network.BLUESKY: "a"}
_FORMS = {
    Network.X: "letters, digits and _",
    Network.MASTODON: "name or name@instance",
    Network.BLUESKY: "a domain such as name.bsky.social",
}


class HandleError(TchatError, ValueError):
    """A handle that is not one on its network (or on any network, for a bare one)."""


@dataclass(frozen=True, slots=True)
class Handle:
    """One handle as written: for one network, or bare (`network` None: every network)."""

    network: Network | None
    name: str
    """As written, without the network prefix nor a leading '@'."""

    def __str__(self) -> str:
        return f"{self.network.value}:{self.name}" if self.network else self.name

    def on(self, network: Network) -> str | None:
        """The folded form this handle takes on `network`, or None when it has none there.

        Mastodon: `name@instance`, or `name` for a local account; Bluesky: the full domain."""
        if self.network is not None and self.network is not network:
            return None
        return folded_form(self.name, network)


def folded_form(name: str, network: Network) -> str | None:
    """`name` as `network` writes a handle, folded; None when it cannot be one there."""
    name = name.strip().lstrip(_AT)
    if network is Network.X:
        return name.casefold() if _X_NAME.fullmatch(name) else None
    if network is Network.MASTODON:
        return name.casefold() if _MASTODON.fullmatch(name) else None
    if "." not in name:
        name = f"{name}.{BLUESKY_DEFAULT}"
    return name.casefold() if len(name) <= 253 and _BLUESKY.fullmatch(name) else None


def parse_handle(text: str) -> Handle:
    """`x:claire`, `mastodon:claire@example.social`, `@claire` -> a Handle (never raises)."""
    value = text.strip().lstrip(_AT)
    prefix, colon, rest = value.partition(":")
    network = PREFIXES.get(prefix.strip().casefold()) if colon else None
    if network is not None:
        return Handle(network, rest.strip().lstrip(_AT))
    return Handle(None, value)


def parse_person(spec: str) -> tuple[Handle, ...]:
    """A person's handles from `x:claire, mastodon:claire@example.social` (never raises)."""
    return tuple(parse_handle(p) for p in spec.split(",") if p.strip(_AT + " \t"))


def check_person(spec: str) -> str:
    """A person given on the command line or in the plan, as the chat keeps it: the handles
    without '@', joined by ', '.

    Raises:
        HandleError: no handle at all, or one that is not a handle on its network (on any
            network, for a bare one), in one line.
    """
    handles = parse_person(spec)
    if not handles:
        raise HandleError(f"{spec!r} is not a handle")
    for h in handles:
        if h.network is not None:
            if h.on(h.network) is None:
                raise HandleError(
                    f"{str(h)!r} is not {_A[h.network]} {NETWORK_NAMES[h.network]} handle"
                    f" ({_FORMS[h.network]})"
                )
        elif not any(h.on(n) for n in Network):
            raise HandleError(f"{h.name!r} is not a handle (write it without @)")
    return ", ".join(str(h) for h in handles)


def handle_on(spec: str, network: Network) -> str | None:
    """The person's handle on `network` as written (for a mention or a name), or None."""
    for h in parse_person(spec):
        if h.on(network) is not None:
            name = h.name
            if network is Network.BLUESKY and "." not in name:
                name = f"{name}.{BLUESKY_DEFAULT}"
            return name
    return None


def display_handle(spec: str, networks: Iterable[Network] = ()) -> str:
    """The handle to show for a person (in a template's `{host}`, a summary): the one given for
    the first of `networks` that has one, else the bare one, else the first, as written."""
    handles = parse_person(spec)
    for network in networks:
        for h in handles:
            if h.network is network and h.on(network) is not None:
                return h.name
    bare = next((h for h in handles if h.network is None), None)
    first = bare or (handles[0] if handles else None)
    return first.name if first else spec.strip().lstrip(_AT)


def networks_missing(spec: str, networks: Iterable[Network]) -> list[Network]:
    """The networks among `networks` on which this person has no handle."""
    handles = parse_person(spec)
    return [n for n in networks if not any(h.on(n) for h in handles)]


V = TypeVar("V")


class PeopleIndex(Generic[V]):
    """Handles -> a value (a role), looked up in the form each network writes its authors.

    Built once per roster; a lookup is a few dict reads."""

    def __init__(self, people: Iterable[tuple[str, V]]) -> None:
        """`people`: (spec, value) pairs; a later pair wins over an earlier one."""
        self._by: dict[Network, dict[str, V]] = {n: {} for n in Network}
        self._written: dict[str, V] = {}
        self._short: set[str] = set()
        for spec, value in people:
            for h in parse_person(spec):
                self._written[h.name.casefold()] = value
                for network in Network:
                    form = h.on(network)
                    if form is not None:
                        self._by[network][form] = value
                        cut = "." if network is Network.BLUESKY else "@"
                        self._short.add(form.partition(cut)[0])
        # The Mastodon names an account of the reading instance answers to: `name` alone.
        self._local = {k: v for k, v in self._by[Network.MASTODON].items() if "@" not in k}

    def get(
        self, handle: str, network: Network | None = None, instance: str | None = None
    ) -> V | None:
        """The value of the author with this handle, as `network` wrote it (`instance`: the
        Mastodon instance the post was read from); without a network, any network's form."""
        folded = handle.strip().lstrip(_AT).casefold()
        if network is None:
            found = self._written.get(folded)
            for by in self._by.values():
                if found is None:
                    found = by.get(folded)
            return found
        found = self._by[network].get(folded)
        if found is None and network is Network.MASTODON:
            name, at, domain = folded.partition("@")
            # A local account: `name` alone, or `name@` the instance the console reads.
            if not at or (instance is not None and domain == instance.casefold()):
                found = self._local.get(name)
        return found

    def short_names(self) -> set[str]:
        """The names the people answer to in a text's `@name` (folded): the X name, the
        Mastodon name without its instance, the Bluesky handle's first label."""
        return set(self._short)
