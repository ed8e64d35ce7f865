"""What the console loads before its first frame stays light: the screen's modules and the
replay's line reader import no database library and no HTTP client (the store opens after the
first frame; an X recording never needs httpx). A regression here cost the demo 70 ms of
start-up (bench/bench_console.py --startup-only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_screen_and_the_replay_load_no_store_and_no_http_client() -> None:
    """Imported in a fresh interpreter: neither sqlite_utils nor httpx (nor numpy) is loaded."""
    code = (
        "import sys, tchat_tui.ui.app, tchat_tui.sources.replay;"
        "print(sorted(m for m in ('sqlite_utils', 'httpx', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
