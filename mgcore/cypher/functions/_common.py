"""Helpers shared by the function modules: error construction and type descriptions.

Errors are built only on the failure path, so none of this costs anything per successful call.
"""

from __future__ import annotations

from typing import Any

from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.values.types import type_name

WHITESPACE = " \t\n\r\x0b\x0c"
"""What trim/lTrim/rTrim/toBoolean/toInteger strip: ASCII whitespace, as Memgraph's isspace."""


def describe(v: Any) -> str:
    """The Cypher type name of ``v`` for messages; the Python type name if it has none."""
    try:
        return type_name(v)
    except Exception:
        return type(v).__name__


def type_error(fn: str, pos: int, expected: str, v: Any) -> CypherTypeError:
    """A CypherTypeError saying argument ``pos`` (1-based) of ``fn`` must be ``expected``."""
    return CypherTypeError(
        f"Function '{fn}' argument {pos} must be {expected}, got {describe(v)}."
    )


def argument_error(fn: str, message: str) -> CypherArgumentError:
    """A CypherArgumentError about an invalid value passed to ``fn``."""
    return CypherArgumentError(f"Function '{fn}': {message}")
