"""Every query of the openCypher TCK parses, and compile-time syntax errors are raised.

Queries of scenarios that expect ``SyntaxError ... at compile time`` must raise
``CypherSyntaxError``, except where the TCK's "SyntaxError" is really a semantic check; those are
listed below by the TCK's error detail and must parse (the binder will reject them).
"""

from __future__ import annotations

import pytest
from cypher_tck import TCK_FEATURES, TckQuery, tck_queries

from mgcore.cypher import ast, parse
from mgcore.errors import CypherSyntaxError

# TCK error details that the binder (written after the parser) checks: the query is
# syntactically valid openCypher and parses for now.
SEMANTIC_DETAILS = {
    # Scoping: needs the variables in scope at each clause.
    "UndefinedVariable": "binder: variable not in scope",
    "VariableAlreadyBound": "binder: variable redeclared in CREATE/MERGE/YIELD",
    "VariableTypeConflict": "binder: a node variable reused as a relationship/path or vice versa",
    "ColumnNameConflict": "binder: two projection items with the same name",
    "DifferentColumnsInUnion": "binder: UNION parts must return the same columns",
    # Aggregation rules.
    "InvalidAggregation": "binder: aggregate in WHERE, ORDER BY after aggregation, arguments...",
    "NestedAggregation": "binder: aggregate inside an aggregate",
    "AmbiguousAggregationExpression": "binder: grouping keys vs aggregates in one expression",
    # Functions, procedures and constant folding.
    "UnknownFunction": "binder: function lookup",
    "InvalidNumberOfArguments": "binder: procedure signature",
    "InvalidArgumentType": "binder: static types (literals of the wrong type, path/node misuse)",
    "NonConstantExpression": "binder: SKIP/LIMIT and rand() in aggregates must be constant",
    "NegativeIntegerArgument": "binder: SKIP/LIMIT must be non-negative",
}

QUERIES = tck_queries() if TCK_FEATURES.is_dir() else []


def _expects_syntax_error(query: TckQuery) -> bool:
    error = query.compile_error
    return error is not None and error[0] == "SyntaxError" and error[1] not in SEMANTIC_DETAILS


@pytest.mark.skipif(not QUERIES, reason=f"TCK features not found at {TCK_FEATURES}")
@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_tck_query(query: TckQuery) -> None:
    if _expects_syntax_error(query):
        with pytest.raises(CypherSyntaxError):
            parse(query.text)
    else:
        assert isinstance(parse(query.text), ast.Statement)


def _returned_columns(query: TckQuery) -> tuple[str, ...] | None:
    """The column names the parser gives a query ending in RETURN (without ``*``)."""
    statement = parse(query.text)
    if not isinstance(statement, ast.Query):
        return None
    last = statement.parts[-1].clauses[-1]
    if not isinstance(last, ast.Return) or last.projection.star:
        return None
    return tuple(item.name for item in last.projection.items)


WITH_COLUMNS = [q for q in QUERIES if q.columns is not None and q.compile_error is None]


@pytest.mark.skipif(not QUERIES, reason=f"TCK features not found at {TCK_FEATURES}")
def test_tck_column_names() -> None:
    """Unaliased RETURN items are named by their source text, as the TCK's result tables say."""
    checked = 0
    for query in WITH_COLUMNS:
        columns = _returned_columns(query)
        if columns is not None:
            assert columns == query.columns, query.id
            checked += 1
    assert checked > 500


@pytest.mark.skipif(not QUERIES, reason=f"TCK features not found at {TCK_FEATURES}")
def test_tck_coverage() -> None:
    syntax = [q for q in QUERIES if _expects_syntax_error(q)]
    semantic = [q for q in QUERIES if q.compile_error and q.compile_error[1] in SEMANTIC_DETAILS]
    assert len(QUERIES) > 3000
    assert len(syntax) >= 30
    assert len(semantic) >= 200
