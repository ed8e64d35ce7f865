"""--host, --guest and --comod take handles per network, as the plan does."""

from __future__ import annotations

import pytest

from tchat_tui.cli.console import console_parser
from tchat_tui.cli.main import main


def test_handles_per_network_on_the_command_line() -> None:
    """--host repeated gives the host's handle on each network; one guest's handles are joined
    by commas; '@' is dropped."""
    args = console_parser().parse_args(
        [
            "CareChat",
            "--host",
            "x:claire_morel",
            "--host",
            "mastodon:claire@127.0.0.1:8080",
            "--guest",
            "x:dr_nhaddad,mastodon:@nadia@toot.example",
            "--guest",
            "julien",
            "--comod",
            "@tom",
        ]
    )
    assert args.host == "x:claire_morel, mastodon:claire@127.0.0.1:8080"
    assert args.guest == ["x:dr_nhaddad, mastodon:nadia@toot.example", "julien"]
    assert args.comod == ["tom"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--guest", "mastodon:nadia smith", "'mastodon:nadia smith' is not a Mastodon handle"),
        ("--host", "x:claire.morel", "'x:claire.morel' is not an X handle"),
        ("--comod", "bluesky:tom_l.bsky.social", "is not a Bluesky handle"),
    ],
)
def test_a_handle_that_is_none_on_its_network_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    """Refused before anything opens: one line naming the handle and its network, exit 2."""
    try:
        code = main(["import", "missing.jsonl", option, value])
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "--help" in err
