"""Built-in plugin: the Cypher standard function library, registered like any plugin's functions.

It runs first (``tryfirst``), so a plugin may replace a standard function by registering the same
name with ``replace=True``.
"""

from __future__ import annotations

from typing import Any

from mgcore import hookimpl


@hookimpl(tryfirst=True)
def mg_register_functions(registry: Any) -> None:
    """Add every standard scalar and aggregate function; imported lazily to keep start-up fast."""
    from mgcore.cypher.functions import register_standard_library

    register_standard_library(registry)
