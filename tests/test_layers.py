"""Imports point downwards: the headless layers never load Textual; the domain loads no I/O library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import importlib, json, pkgutil, sys
name = sys.argv[1]
mod = importlib.import_module(name)
names = [name]
if hasattr(mod, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(mod.__path__, name + ".")]
for n in names:
    importlib.import_module(n)
print(json.dumps({"modules": names, "loaded": sorted(sys.modules)}))
"""


def loaded_by(package: str) -> tuple[list[str], set[str]]:
    """Import a package and all its modules in a fresh interpreter; return them and sys.modules."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, package], capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["modules"], {m.split(".")[0] for m in data["loaded"]}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("tchat_tui.domain", {"textual", "tweepy", "httpx", "sqlite_utils", "sqlite3"}),
        ("tchat_tui.store", {"textual"}),
        ("tchat_tui.sources", {"textual"}),
        ("tchat_tui.publish", {"textual"}),
        ("tchat_tui.pipeline", {"textual"}),
        ("tchat_tui.clients", {"textual"}),
        ("tchat_tui.report", {"textual"}),
    ],
)
def test_layer_does_not_import(package: str, forbidden: set[str]) -> None:
    """A layer and every module in it import none of the libraries above it."""
    modules, loaded = loaded_by(package)
    assert modules, package
    assert not forbidden & loaded, f"{package} loads {sorted(forbidden & loaded)}"
