"""Every error tchat-live raises on purpose shares one base, so a caller can catch them all."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import tchat_tui
from tchat_tui.domain.errors import TchatError


def test_every_error_class_derives_from_tchat_error() -> None:
    """An exception class defined anywhere in the package is a TchatError."""
    strays = []
    for info in pkgutil.walk_packages(tchat_tui.__path__, "tchat_tui."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and obj.__module__ == info.name
                and issubclass(obj, BaseException)
                and not issubclass(obj, TchatError)
            ):
                strays.append(f"{info.name}.{name}")
    assert not strays
