"""Parsing of an engine's settings (``EngineContext.settings``): a value comes as given by the
config file, an ``MGCORE_*`` variable or a flag (a string) or by the embedded API (a Python value),
and ``None`` when it was not set."""

from __future__ import annotations

from typing import Any


def setting_bool(value: Any, default: bool) -> bool:
    """A boolean setting: ``1``/``true``/``yes``/``on`` (any case) or a Python truth value."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def setting_int(value: Any, default: int) -> int:
    """An integer setting; unset or empty means ``default``."""
    return default if value is None or value == "" else int(value)
