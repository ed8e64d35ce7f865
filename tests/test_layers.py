"""Imports point downwards: the headless layers never load Textual; the domain loads no I/O library.

The layer order itself, Textual only under ui/ and the absence of import cycles are import-linter
contracts in pyproject.toml (`lint-imports`, run by scripts/check); these tests keep what a contract
cannot say: what the layers load at run time, and the shape of the tree.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

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
        (
            "tchat_tui.domain",
            {"textual", "tweepy", "httpx", "sqlite_utils", "sqlite3", "requests", "websockets"},
        ),
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


PACKAGE = Path(__file__).resolve().parents[1] / "tchat_tui"
MAX_LINES = 400


def modules() -> list[Path]:
    """Every Python module of the package."""
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    """A module past 400 lines holds two ideas: split it."""
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long


def test_no_module_is_loose_at_the_top_of_the_package() -> None:
    """Each module sits in its layer's folder; only the package's own files are at the top."""
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py"]


def test_packages_re_export_nothing() -> None:
    """One import path per name: a package's __init__ imports nothing from the package."""
    exporting = []
    for init in PACKAGE.rglob("__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tchat_tui"):
                exporting.append(str(init.relative_to(PACKAGE)))
    assert not exporting
