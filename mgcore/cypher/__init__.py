"""The Cypher front end: ``parse(text)`` turns a query into an AST (see ``mgcore.cypher.ast``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mgcore.cypher.parser import parse


def __getattr__(name: str) -> Any:
    if name == "parse":
        return importlib.import_module("mgcore.cypher.parser").parse
    raise AttributeError(name)


__all__ = ["parse"]
