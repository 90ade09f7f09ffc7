"""The Cypher standard function library, by family, and the registry it is registered in.

``register_standard_library(registry)`` adds every built-in scalar and aggregate function; the
built-in functions plugin calls it from ``mg_register_functions``. See ``registry`` for the
calling conventions the expression compiler follows.
"""

from __future__ import annotations

from mgcore.cypher.functions import (
    aggregates,
    conversion,
    graphfn,
    listfn,
    mathfn,
    scalar,
    string,
    temporal,
)
from mgcore.cypher.functions.registry import (
    Accumulator,
    AggregateFunction,
    Function,
    FunctionRegistry,
)

__all__ = [
    "Accumulator",
    "AggregateFunction",
    "Function",
    "FunctionRegistry",
    "register_standard_library",
]


def register_standard_library(registry: FunctionRegistry) -> None:
    """Register every standard scalar and aggregate function on ``registry``."""
    for module in (scalar, graphfn, string, listfn, mathfn, conversion, temporal):
        for fn in module.FUNCTIONS:
            registry.register(fn)
    for agg in aggregates.AGGREGATES:
        registry.register_aggregate(agg)
