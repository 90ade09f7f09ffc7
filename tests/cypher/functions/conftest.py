"""Fixtures for the function tests: a fake transaction and context, the standard registry, and
helpers calling functions and aggregates the way compiled expressions do."""

from __future__ import annotations

from typing import Any

import pytest
from fn_fakes import FakeCtx, FakeTx

from mgcore.cypher.functions import FunctionRegistry, register_standard_library


@pytest.fixture
def tx() -> FakeTx:
    return FakeTx()


@pytest.fixture
def ctx(tx: FakeTx) -> FakeCtx:
    return FakeCtx(tx)


@pytest.fixture(scope="session")
def registry() -> FunctionRegistry:
    r = FunctionRegistry()
    register_standard_library(r)
    return r


@pytest.fixture
def call(registry: FunctionRegistry, ctx: FakeCtx) -> Any:
    """Call a registered function by name the way compiled expressions do."""

    def _call(name: str, *args: Any) -> Any:
        fn = registry.lookup(name)
        assert fn is not None, name
        fn.check_arity(len(args))
        if fn.needs_context:
            return fn.impl(ctx, *args)
        return fn.impl(*args)

    return _call


@pytest.fixture
def aggregate(registry: FunctionRegistry) -> Any:
    """Run a registered aggregate over rows (tuples of arguments, or single values)."""

    def _aggregate(name: str, rows: Any, distinct: bool = False) -> Any:
        agg = registry.lookup_aggregate(name)
        assert agg is not None, name
        acc = agg.create(distinct)
        for row in rows:
            if isinstance(row, tuple):
                acc.update(*row)
            else:
                acc.update(row)
        return acc.result()

    return _aggregate
