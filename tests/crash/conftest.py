"""The crash suite's marker (`-m crash` runs it alone, `-m "not crash"` leaves it out)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "crash: SIGKILL a console or an import, restart, check")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/crash/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.crash)
