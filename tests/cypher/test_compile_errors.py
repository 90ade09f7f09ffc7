"""Errors found while a query is prepared (binder and static types): their class, their TCK
detail, and that the graph is left unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mgcore.cypher import ast
from mgcore.cypher.functions import register_standard_library
from mgcore.cypher.functions.registry import FunctionRegistry
from mgcore.cypher.parser import parse
from mgcore.cypher.typecheck import (
    ANY,
    BOOLEAN,
    FLOAT,
    INTEGER,
    LIST,
    MAP,
    NODE,
    NUMBER,
    PATH,
    STRING,
    StaticType,
    TypeChecker,
    join,
    list_of,
    parse_signature,
)
from mgcore.database import Database
from mgcore.errors import CypherSyntaxError, CypherTypeError, MgError
from mgcore.session import Session


@pytest.fixture
def s(db: Database) -> Iterator[Session]:
    with db.session() as session:
        session.run("MATCH (n) DETACH DELETE n").consume()
        session.run("CREATE (:A {num: 1})-[:R {w: 2}]->(:B {num: 3})").consume()
        yield session


def graph(s: Session) -> list[Any]:
    return [list(r) for r in s.run(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN labels(n), properties(n), type(r) "
        "ORDER BY labels(n)"
    )]


def assert_compile_error(
    db: Database, s: Session, query: str, error: type[MgError], detail: str
) -> None:
    before = graph(s)
    with pytest.raises(error) as info:
        db.prepare(query)
    assert info.value.tck_detail == detail
    with pytest.raises(error):
        s.run(query).consume()
    assert graph(s) == before


INVALID_ARGUMENT_TYPE = [
    "RETURN 'a' % 1",
    "RETURN [1] OR true",
    "RETURN true AND 123",
    "RETURN false XOR 'x'",
    "RETURN NOT 1",
    "RETURN -'a'",
    "RETURN 1 IN 2",
    "RETURN 1 IN {x: []}",
    "RETURN 1 + true",
    "RETURN {} - 1",
    "RETURN [1, 2] * 2",
    "RETURN 'x' =~ 1",
    "RETURN properties('x')",
    "RETURN properties([true, false])",
    "MATCH (n) RETURN length(n)",
    "MATCH ()-[r]->() RETURN length(r)",
    "MATCH (n) RETURN size(n)",
    "MATCH p = (n)-->() RETURN p.name",
    "MATCH (n) WHERE (n) RETURN n",
    "MATCH (n) WHERE 1 RETURN n",
    "WITH 1 AS x WHERE x RETURN x",
    "RETURN none(x IN ['a', 'b'] WHERE x % 2 = 0)",
    "RETURN [x IN [true] | x * 2]",
    "UNWIND ['a'] AS x RETURN x % 2",
    "WITH toInteger('1') AS i RETURN i OR true",
    "WITH [1, 2.5] AS l RETURN l[0] OR true",
    "MATCH (n) CREATE (m {v: n}) WITH m DELETE 1 + 1",
    "MATCH (n) WITH n, 'x' AS s DELETE s",
]


@pytest.mark.parametrize("query", INVALID_ARGUMENT_TYPE)
def test_statically_invalid_arguments(db: Database, s: Session, query: str) -> None:
    assert_compile_error(db, s, query, CypherSyntaxError, "InvalidArgumentType")


@pytest.mark.parametrize(
    "query",
    [
        "WITH 123 AS x RETURN x.num",
        "WITH 'string' AS x RETURN x.num",
        "WITH [123, true] AS x RETURN x.num",
        "MATCH (n) SET n.v = [1][0].x",
    ],
)
def test_property_of_a_non_graph_value_is_a_type_error(
    db: Database, s: Session, query: str
) -> None:
    assert_compile_error(db, s, query, CypherTypeError, "InvalidArgumentType")


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("MATCH (a) CREATE (a)", "VariableAlreadyBound"),
        ("MATCH (a) CREATE (a {name: 'foo'})", "VariableAlreadyBound"),
        ("MATCH (a) MERGE (a)", "VariableAlreadyBound"),
        ("UNWIND [1] AS x UNWIND [2] AS x RETURN x", "VariableAlreadyBound"),
        ("WITH 123 AS r MATCH ()-[r]-() RETURN r", "VariableTypeConflict"),
        ("WITH [10] AS r MATCH ()-[r]-() RETURN r", "VariableTypeConflict"),
        ("WITH {x: 1} AS n MATCH (n) RETURN n", "VariableTypeConflict"),
        ("UNWIND [1, 2] AS n MATCH (n) RETURN n", "VariableTypeConflict"),
        ("MATCH (r) MATCH ()-[r]-() RETURN r", "VariableTypeConflict"),
        ("MATCH r = ()-->() MATCH ()-[r*]-() RETURN r", "VariableTypeConflict"),
        ("MATCH (n) WHERE (n)-[r]->(a) RETURN n", "UndefinedVariable"),
        ("MATCH (n) WHERE ()-[r]-() RETURN n", "UndefinedVariable"),
        ("MATCH (n) WHERE (n)-[:R*0..2]->(a {num: 5}) RETURN n", "UndefinedVariable"),
        ("MATCH (a) DELETE x", "UndefinedVariable"),
        ("RETURN count(rand())", "NonConstantExpression"),
        ("MATCH (n) RETURN collect(n.num + rand())", "NonConstantExpression"),
        ("MATCH (n) RETURN n LIMIT n.num", "NonConstantExpression"),
        ("MATCH (n) RETURN n SKIP -1", "NegativeIntegerArgument"),
        ("MATCH (n) RETURN n LIMIT 1.5", "InvalidArgumentType"),
        ("MATCH (n) WHERE count(n) > 1 RETURN n", "InvalidAggregation"),
        ("RETURN count(count(1))", "NestedAggregation"),
        ("RETURN 1 AS a, 2 AS a", "ColumnNameConflict"),
    ],
)
def test_binder_errors_carry_their_detail(
    db: Database, s: Session, query: str, detail: str
) -> None:
    assert_compile_error(db, s, query, CypherSyntaxError, detail)


@pytest.mark.parametrize(
    "query",
    [
        "RETURN false OR null",
        "RETURN true OR $p",
        "RETURN 'a' + 1",
        "RETURN [1] + true",
        "RETURN 1 IN null",
        "RETURN 2 ^ 0.5",
        "MATCH (n) RETURN n.num % 2",
        "MATCH (n) WHERE n.num RETURN n",
        "MATCH (n) WHERE null RETURN n",
        "MATCH (n) WHERE (n)-->() RETURN n",
        "MATCH (n) WHERE exists((n)-[r]->()) RETURN n",
        "MATCH (n) RETURN [(n)-[r]->(m) | m.num]",
        "MATCH (n) RETURN properties(n), size('abc'), length([1])",
        "MATCH p = ()-->() RETURN length(p), size(p)",
        "MATCH (a) CREATE (a)-[:R]->(b)",
        "MATCH (a)-[r]->() WITH r MATCH ()-[r]->() RETURN r",
        "WITH null AS r MATCH ()-[r]-() RETURN r",
        "WITH {k: 1} AS m RETURN m.k",
        "RETURN count(timestamp()) > 0",
        "RETURN any(x IN [1, 'a'] WHERE x = 1)",
        "RETURN reduce(acc = 0, x IN [1, 2] | acc + x)",
    ],
)
def test_valid_or_unknown_types_prepare(db: Database, query: str) -> None:
    db.prepare(query)


def test_runtime_checks_remain_for_unknown_types(s: Session) -> None:
    with pytest.raises(CypherTypeError) as info:
        s.run("RETURN $a OR true", {"a": 1}).consume()
    assert info.value.tck_detail is None


def infer(text: str, scope: dict[str, StaticType] | None = None) -> StaticType:
    functions = FunctionRegistry()
    register_standard_library(functions)
    statement = parse(f"RETURN {text} AS v")
    assert isinstance(statement, ast.Query)
    clause = statement.parts[0].clauses[0]
    assert isinstance(clause, ast.Return)
    return TypeChecker(functions).infer(clause.projection.items[0].expression, scope or {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", INTEGER),
        ("1.5", FLOAT),
        ("'a'", STRING),
        ("null", ANY),
        ("[1, 2]", list_of(INTEGER)),
        ("[1, 2.5]", list_of(NUMBER)),
        ("[1, 'a']", LIST),
        ("[]", LIST),
        ("{a: 1}", MAP),
        ("1 + 2", INTEGER),
        ("1 + 2.0", FLOAT),
        ("'a' + 1", STRING),
        ("[1] + [2]", list_of(INTEGER)),
        ("2 ^ 2", FLOAT),
        ("1 < 2", BOOLEAN),
        ("n", NODE),
        ("n.x", ANY),
        ("$p", ANY),
        ("labels(n)", list_of(STRING)),
        ("toInteger('1')", INTEGER),
        ("head([1])", ANY),
        ("nodes(p)", list_of(NODE)),
        ("[x IN [1, 2] | x * 1.5]", list_of(FLOAT)),
        ("[1, 2][0]", INTEGER),
        ("CASE WHEN true THEN 1 ELSE 2 END", INTEGER),
        ("count(*)", INTEGER),
    ],
)
def test_inferred_types(text: str, expected: StaticType) -> None:
    assert infer(text, {"n": NODE, "p": PATH}) == expected


def test_signatures_and_join() -> None:
    params, returned = parse_signature(
        "substring(original :: STRING, start :: INTEGER, length = null :: INTEGER) :: STRING"
    )
    assert params == ((STRING,), (INTEGER,), (INTEGER,)) and returned == STRING
    assert parse_signature("date(input :: STRING | MAP) :: DATE") == (((STRING, MAP),), ANY)
    assert parse_signature("f(x :: DATE) :: LIST OF NODE") == ((None,), list_of(NODE))
    assert join([]) == ANY and join([INTEGER, FLOAT]) == NUMBER and join([NODE, PATH]) == ANY
    assert str(list_of(NODE)) == "list of nodes" and INTEGER.runtime_name == "int"
