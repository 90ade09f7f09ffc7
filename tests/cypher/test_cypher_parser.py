"""The AST that ``mgcore.cypher.parse`` builds for each construct of the language."""

from __future__ import annotations

import dataclasses

import pytest

from mgcore.cypher import ast, parse
from mgcore.cypher.ast import (
    BinaryOp,
    BinaryOperator,
    Direction,
    Literal,
    MapLiteral,
    NodePattern,
    Parameter,
    PathPattern,
    Property,
    RelationshipPattern,
    UnaryOp,
    UnaryOperator,
    Variable,
    VarLength,
)
from mgcore.errors import CypherSemanticError, CypherSyntaxError

a, b, n, x = Variable("a"), Variable("b"), Variable("n"), Variable("x")


def lit(value: object) -> Literal:
    return Literal(value)  # type: ignore[arg-type]


def op(operator: BinaryOperator, left: ast.Expr, right: ast.Expr) -> BinaryOp:
    return BinaryOp(operator, left, right)


def clauses(text: str) -> tuple[ast.Clause, ...]:
    statement = parse(text)
    assert isinstance(statement, ast.Query) and len(statement.parts) == 1
    return statement.parts[0].clauses


def clause(text: str) -> ast.Clause:
    return clauses(text)[0]


def projection(text: str) -> ast.Projection:
    result = clauses(text)[-1]
    assert isinstance(result, ast.Return)
    return result.projection


def expr(text: str) -> ast.Expr:
    return projection(f"RETURN {text}").items[0].expression


def where(text: str) -> ast.Expr:
    match = clause(f"MATCH (a), (b) WHERE {text} RETURN a")
    assert isinstance(match, ast.Match) and match.where is not None
    return match.where


def pattern(text: str) -> PathPattern:
    match = clause(f"MATCH {text} RETURN 1")
    assert isinstance(match, ast.Match)
    return match.patterns[0]


# ---- literals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("42", 42),
        ("0x1F", 31),
        ("0XfF", 255),
        ("0o17", 15),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("-0x8000000000000000", -(2**63)),
        ("- 9223372036854775808", -(2**63)),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1e9", 1e9),
        ("1E-3", 1e-3),
        ("2.5e+2", 250.0),
        ("-1.5", -1.5),
        ("true", True),
        ("FALSE", False),
        ("null", None),
        ("'single'", "single"),
        ('"double"', "double"),
        (r"'a\tb\nc\rd\fe\bf'", "a\tb\nc\rd\fe\bf"),
        (r"'\'\"\\'", "'\"\\"),
        (r'"it\'s"', "it's"),
        (r"'\u00e9\U0001F600'", "\u00e9\U0001f600"),
        (r"'\uD83D\uDE00'", "\U0001f600"),
        ("'multi\nline'", "multi\nline"),
    ],
)
def test_literal(text: str, value: object) -> None:
    result = expr(text)
    assert result == Literal(value)  # type: ignore[arg-type]
    assert type(result.value) is type(value)  # type: ignore[attr-defined]


def test_literals_of_different_types_are_different_nodes() -> None:
    assert Literal(1) != Literal(True)
    assert Literal(1) != Literal(1.0)
    assert len({Literal(0), Literal(False), Literal(0.0)}) == 3


@pytest.mark.parametrize(
    "text", ["9223372036854775808", "-9223372036854775809", "0x10000000000000000", "1" * 30]
)
def test_integer_overflow(text: str) -> None:
    with pytest.raises(CypherSyntaxError, match="Integer literal exceeds 64 bits"):
        parse(f"RETURN {text}")


def test_min_int_needs_the_minus() -> None:
    with pytest.raises(CypherSyntaxError, match="exceeds 64 bits"):
        parse("RETURN +9223372036854775808")
    with pytest.raises(CypherSyntaxError, match="exceeds 64 bits"):
        parse("RETURN 1 - 9223372036854775808")


@pytest.mark.parametrize("text", [r"'\uH'", r"'\q'", r"'\u12'"])
def test_invalid_escape(text: str) -> None:
    with pytest.raises(CypherSyntaxError, match="escape"):
        parse(f"RETURN {text}")


def test_collections() -> None:
    assert expr("[1, 'a', [], {}]") == ast.ListLiteral(
        (lit(1), lit("a"), ast.ListLiteral(()), MapLiteral(()))
    )
    assert expr("{a: 1, `b c`: 2, return: 3, a: 4}") == MapLiteral(
        (("a", lit(1)), ("b c", lit(2)), ("return", lit(3)), ("a", lit(4)))
    )


def test_parameters() -> None:
    assert expr("$name") == Parameter("name")
    assert expr("$0") == Parameter("0")
    assert expr("$`odd name`") == Parameter("odd name")
    assert expr("$match") == Parameter("match")


# ---- names ----------------------------------------------------------------------------------


def test_backtick_names() -> None:
    assert expr("`a``b`") == Variable("a`b")
    assert expr("n.`the key`") == Property(n, "the key")


def test_keywords_as_keys_labels_and_types() -> None:
    assert expr("n.match") == Property(n, "match")
    assert expr("n.count") == Property(n, "count")
    assert expr("n:Order:Match") == ast.HasLabels(n, ("Order", "Match"))
    assert pattern("(n:Return)-[:WHERE|Set]->()").nodes[0].labels == ("Return",)
    assert pattern("(n)-[:WHERE|Set]->()").relationships[0].types == ("WHERE", "Set")


def test_soft_keywords_as_variables() -> None:
    query = "MATCH (count) WITH count AS index, count.x AS all RETURN index, all, info"
    assert parse(query) is not None
    assert expr("count") == Variable("count")
    assert expr("any") == Variable("any")


def test_case_insensitive_keywords() -> None:
    assert parse("match (n) where n.x = 1 return distinct n order by n.x desc limit 1") == parse(
        "MATCH (n) WHERE n.x = 1 RETURN DISTINCT n ORDER BY n.x DESC LIMIT 1"
    )


def test_comments_are_ignored() -> None:
    text = "MATCH (n) // a comment\n/* a\nblock */ RETURN n /* end */"
    assert parse(text) == parse("MATCH (n) RETURN n")
    assert expr("'// not a comment'") == lit("// not a comment")


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (n) WHERE n.age >\nRETURN n",
        "MATCH (n) RETURN n, return",
        "MATCH (match) RETURN match",
        "WITH 1 AS where RETURN where",
    ],
)
def test_reserved_words_are_not_variables(text: str) -> None:
    with pytest.raises(CypherSyntaxError, match="reserved word"):
        parse(text)


def test_reserved_word_error_points_at_the_word() -> None:
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (b) WHERE b.age >\nRETURN b")
    assert str(info.value).startswith("Error on line 2 position 1. Invalid input 'RETURN'")


# ---- operators and precedence -----------------------------------------------------------------


def test_boolean_precedence() -> None:
    assert expr("a OR b XOR x AND NOT n") == op(
        BinaryOperator.OR,
        a,
        op(BinaryOperator.XOR, b, op(BinaryOperator.AND, x, UnaryOp(UnaryOperator.NOT, n))),
    )


def test_not_binds_looser_than_comparison() -> None:
    assert expr("NOT a = b") == UnaryOp(UnaryOperator.NOT, op(BinaryOperator.EQ, a, b))
    assert expr("NOT NOT a") == UnaryOp(UnaryOperator.NOT, UnaryOp(UnaryOperator.NOT, a))
    with pytest.raises(CypherSyntaxError, match="NOT"):
        parse("RETURN a = NOT b")


def test_comparison_chain() -> None:
    assert expr("1 < x <= 3") == op(
        BinaryOperator.AND, op(BinaryOperator.LT, lit(1), x), op(BinaryOperator.LE, x, lit(3))
    )
    assert expr("a <> b") == expr("a != b") == op(BinaryOperator.NE, a, b)
    assert expr("a >= b") == op(BinaryOperator.GE, a, b)


def test_arithmetic_precedence() -> None:
    assert expr("a + b * x - n / a % b") == op(
        BinaryOperator.SUB,
        op(BinaryOperator.ADD, a, op(BinaryOperator.MUL, b, x)),
        op(BinaryOperator.MOD, op(BinaryOperator.DIV, n, a), b),
    )
    assert expr("a ^ b ^ x") == op(BinaryOperator.POW, op(BinaryOperator.POW, a, b), x)
    assert expr("-a ^ 2") == op(BinaryOperator.POW, UnaryOp(UnaryOperator.NEGATE, a), lit(2))
    assert expr("- -a") == UnaryOp(UnaryOperator.NEGATE, UnaryOp(UnaryOperator.NEGATE, a))
    assert expr("+a") == UnaryOp(UnaryOperator.PLUS, a)
    assert expr("a - -1") == op(BinaryOperator.SUB, a, lit(-1))


def test_string_list_and_null_predicates() -> None:
    assert expr("a STARTS WITH 'x'") == op(BinaryOperator.STARTS_WITH, a, lit("x"))
    assert expr("a ENDS WITH 'x'") == op(BinaryOperator.ENDS_WITH, a, lit("x"))
    assert expr("a CONTAINS 'x'") == op(BinaryOperator.CONTAINS, a, lit("x"))
    assert expr("a =~ 'x.*'") == op(BinaryOperator.REGEX, a, lit("x.*"))
    assert expr("a IN [1]") == op(BinaryOperator.IN, a, ast.ListLiteral((lit(1),)))
    assert expr("a IS NULL") == ast.IsNull(a)
    assert expr("a IS NOT NULL") == ast.IsNull(a, negated=True)
    assert expr("a + 1 IS NULL = b") == op(
        BinaryOperator.EQ, ast.IsNull(op(BinaryOperator.ADD, a, lit(1))), b
    )
    assert expr("NOT a IN b") == UnaryOp(UnaryOperator.NOT, op(BinaryOperator.IN, a, b))


def test_property_subscript_slice_labels() -> None:
    assert expr("a.b.c") == Property(Property(a, "b"), "c")
    assert expr("a[1]") == ast.Subscript(a, lit(1))
    assert expr("a['k'].p") == Property(ast.Subscript(a, lit("k")), "p")
    assert expr("a[1..2]") == ast.Slice(a, lit(1), lit(2))
    assert expr("a[..2]") == ast.Slice(a, None, lit(2))
    assert expr("a[1..]") == ast.Slice(a, lit(1), None)
    assert expr("a[..]") == ast.Slice(a, None, None)
    assert expr("n:A:B") == ast.HasLabels(n, ("A", "B"))
    assert expr("n.x:A") == ast.HasLabels(Property(n, "x"), ("A",))


# ---- functions and special forms --------------------------------------------------------------


def test_function_calls() -> None:
    assert expr("f()") == ast.FunctionCall("f", ())
    assert expr("toUpper(a, 1)") == ast.FunctionCall("toUpper", (a, lit(1)))
    assert expr("apoc.coll.sum(a)") == ast.FunctionCall("apoc.coll.sum", (a,))
    assert expr("count(DISTINCT a)") == ast.FunctionCall("count", (a,), distinct=True)
    assert expr("count(*)") == ast.CountStar()
    assert expr("COUNT ( * )") == ast.CountStar()
    assert expr("exists(n.p)") == ast.FunctionCall("exists", (Property(n, "p"),))
    with pytest.raises(CypherSyntaxError):
        parse("RETURN sum(*)")
    with pytest.raises(CypherSyntaxError):
        parse("RETURN (a + b)(1)")


def test_case() -> None:
    assert expr("CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' ELSE 'z' END") == ast.Case(
        a, ((lit(1), lit("x")), (lit(2), lit("y"))), lit("z")
    )
    assert expr("CASE WHEN a THEN 1 END") == ast.Case(None, ((a, lit(1)),), None)


def test_list_comprehension() -> None:
    assert expr("[x IN a WHERE x > 1 | x * 2]") == ast.ListComprehension(
        "x", a, op(BinaryOperator.GT, x, lit(1)), op(BinaryOperator.MUL, x, lit(2))
    )
    assert expr("[x IN a | x]") == ast.ListComprehension("x", a, None, x)
    assert expr("[x IN a WHERE x]") == ast.ListComprehension("x", a, x, None)
    assert expr("[x IN a]") == ast.ListLiteral((op(BinaryOperator.IN, x, a),))
    with pytest.raises(CypherSyntaxError):
        parse("RETURN [1 + 2 | x]")


def test_quantifiers_and_reduce() -> None:
    assert expr("all(x IN a WHERE x)") == ast.Quantifier(ast.QuantifierKind.ALL, "x", a, x)
    assert expr("ANY(x IN a WHERE x)") == ast.Quantifier(ast.QuantifierKind.ANY, "x", a, x)
    assert expr("none(x IN a WHERE x)").kind is ast.QuantifierKind.NONE  # type: ignore[attr-defined]
    assert expr("single(x IN a)") == ast.Quantifier(ast.QuantifierKind.SINGLE, "x", a, None)
    assert expr("reduce(s = 0, x IN a | s + x)") == ast.Reduce(
        "s", lit(0), "x", a, op(BinaryOperator.ADD, Variable("s"), x)
    )
    assert expr("extract(x IN a | x.p)") == ast.ListComprehension("x", a, None, Property(x, "p"))
    assert expr("filter(x IN a WHERE x)") == ast.ListComprehension("x", a, x, None)
    with pytest.raises(CypherSyntaxError):
        parse("RETURN reduce(0, x IN a | x)")
    with pytest.raises(CypherSyntaxError):
        parse("RETURN size(x IN a WHERE x)")


def test_map_projection() -> None:
    assert expr("n {.a, .*, k: 1, x, .`b c`}") == ast.MapProjection(
        "n",
        (
            ast.MapEntry("a", Property(n, "a")),
            ast.AllProperties(),
            ast.MapEntry("k", lit(1)),
            ast.MapEntry("x", x),
            ast.MapEntry("b c", Property(n, "b c")),
        ),
    )
    assert expr("n {}") == ast.MapProjection("n", ())


def test_pattern_comprehension() -> None:
    result = expr("[p = (a)-[:T]->(b:B) WHERE b.x > 1 | b.name]")
    assert result == ast.PatternComprehension(
        PathPattern(
            (NodePattern("a"), NodePattern("b", ("B",))),
            (RelationshipPattern(types=("T",), direction=Direction.OUTGOING),),
            variable="p",
        ),
        op(BinaryOperator.GT, Property(b, "x"), lit(1)),
        Property(b, "name"),
    )
    assert expr("[(a)--() | 1]") == ast.PatternComprehension(
        PathPattern((NodePattern("a"), NodePattern()), (RelationshipPattern(),)), None, lit(1)
    )
    with pytest.raises(CypherSyntaxError):
        parse("RETURN [(a)-->(b)]")


def test_pattern_predicates() -> None:
    assert where("(a)-->(b)") == ast.PatternExpression(
        PathPattern(
            (NodePattern("a"), NodePattern("b")),
            (RelationshipPattern(direction=Direction.OUTGOING),),
        )
    )
    heads = {
        "(a:L)-->()": NodePattern("a", ("L",)),
        "(a:L {p: 1})-->()": NodePattern("a", ("L",), MapLiteral((("p", lit(1)),))),
        "({p: 1})-->()": NodePattern(None, (), MapLiteral((("p", lit(1)),))),
        "(:L)-->()": NodePattern(None, ("L",)),
        "(:L {p: 1})-->()": NodePattern(None, ("L",), MapLiteral((("p", lit(1)),))),
        "()-->()": NodePattern(),
        "(a {p: 1})-->()": NodePattern("a", (), MapLiteral((("p", lit(1)),))),
    }
    for text, head in heads.items():
        predicate = where(text)
        assert isinstance(predicate, ast.PatternExpression)
        assert predicate.pattern.nodes[0] == head
    combined = where("NOT (a)-->() AND (b)<--() OR a.x = 1")
    assert isinstance(combined, BinaryOp)


def test_patterns_only_as_predicates() -> None:
    for text in (
        "MATCH (n) RETURN (n)-->()",
        "MATCH (n) RETURN size((n)-->())",
        "MATCH (n) WITH (n)-->() AS x RETURN x",
        "MATCH (n) SET n.p = head((n)-->())",
        "MATCH (n) WHERE size((n)-->()) > 1 RETURN n",
    ):
        with pytest.raises(CypherSyntaxError, match="pattern"):
            parse(text)


def test_exists() -> None:
    pat = PathPattern(
        (NodePattern("a"), NodePattern()), (RelationshipPattern(direction=Direction.OUTGOING),)
    )
    assert where("exists((a)-->())") == ast.Exists(patterns=(pat,))
    assert where("EXISTS { (a)-->() }") == ast.Exists(patterns=(pat,))
    assert where("EXISTS { (a)-->() WHERE a.x = 1 }") == ast.Exists(
        patterns=(pat,), where=op(BinaryOperator.EQ, Property(a, "x"), lit(1))
    )
    subquery = where("EXISTS { MATCH (a)-->() RETURN a }")
    assert isinstance(subquery, ast.Exists) and isinstance(subquery.query, ast.Query)


def test_shortest_path_expression() -> None:
    result = expr("shortestPath((a)-[*]-(b))")
    assert isinstance(result, ast.PatternExpression)
    assert result.pattern.kind is ast.PathKind.SHORTEST
    assert result.pattern.relationships[0].length == VarLength()


# ---- patterns -------------------------------------------------------------------------------


def test_node_pattern() -> None:
    assert pattern("(n:A:B {p: 1})").nodes == (
        NodePattern("n", ("A", "B"), MapLiteral((("p", lit(1)),))),
    )
    assert pattern("()").nodes == (NodePattern(),)
    create = clause("CREATE (n:A $props)")
    assert isinstance(create, ast.Create)
    assert create.patterns[0].nodes[0] == NodePattern("n", ("A",), Parameter("props"))


def test_parameter_maps_not_allowed_in_match() -> None:
    with pytest.raises(CypherSyntaxError, match="Parameter maps"):
        parse("MATCH (n $p) RETURN n")
    with pytest.raises(CypherSyntaxError, match="Parameter maps"):
        parse("MATCH ()-[r:T $p]->() RETURN r")


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("(a)-->(b)", Direction.OUTGOING),
        ("(a)<--(b)", Direction.INCOMING),
        ("(a)--(b)", Direction.BOTH),
        ("(a)<-->(b)", Direction.BOTH),
        ("(a)-[]->(b)", Direction.OUTGOING),
        ("(a)<-[]-(b)", Direction.INCOMING),
        ("(a)-[]-(b)", Direction.BOTH),
        ("(a)<-[]->(b)", Direction.BOTH),
        ("(a) - [ ] -> (b)", Direction.OUTGOING),
        ("(a) < - [ ] - (b)", Direction.INCOMING),
    ],
)
def test_relationship_direction(text: str, direction: Direction) -> None:
    assert pattern(text).relationships == (RelationshipPattern(direction=direction),)


def test_relationship_detail() -> None:
    rel = pattern("(a)-[r:A|B|:C *1..3 {w: 2}]->(b)").relationships[0]
    assert rel == RelationshipPattern(
        "r", ("A", "B", "C"), Direction.OUTGOING, MapLiteral((("w", lit(2)),)), VarLength(1, 3)
    )


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("*", VarLength(None, None)),
        ("*2", VarLength(2, 2)),
        ("*1..3", VarLength(1, 3)),
        ("*..3", VarLength(None, 3)),
        ("*2..", VarLength(2, None)),
        ("* 0 .. 5", VarLength(0, 5)),
    ],
)
def test_variable_length(text: str, length: VarLength) -> None:
    assert pattern(f"(a)-[{text}]->(b)").relationships[0].length == length


def test_named_and_shortest_paths() -> None:
    named = pattern("p = (a)-->(b)")
    assert named.variable == "p" and named.kind is ast.PathKind.ALL_PATHS
    shortest = pattern("p = shortestPath((a)-[*]-(b))")
    assert shortest.variable == "p" and shortest.kind is ast.PathKind.SHORTEST
    assert pattern("allShortestPaths((a)-[*]-(b))").kind is ast.PathKind.ALL_SHORTEST
    assert pattern("((a)-->(b))") == pattern("(a)-->(b)")


def test_long_chain_and_multiple_parts() -> None:
    match = clause("MATCH (a)-[:X]->(b)<-[:Y]-(c), (d) RETURN a")
    assert isinstance(match, ast.Match)
    first, second = match.patterns
    assert [node.variable for node in first.nodes] == ["a", "b", "c"]
    assert [rel.direction for rel in first.relationships] == [
        Direction.OUTGOING,
        Direction.INCOMING,
    ]
    assert second.nodes == (NodePattern("d"),)


# ---- clauses --------------------------------------------------------------------------------


def test_match_and_optional_match() -> None:
    match, optional, _ = clauses("MATCH (a) WHERE a.x = 1 OPTIONAL MATCH (a)-->(b) RETURN b")
    assert isinstance(match, ast.Match) and not match.optional
    assert match.where == op(BinaryOperator.EQ, Property(a, "x"), lit(1))
    assert isinstance(optional, ast.Match) and optional.optional and optional.where is None


def test_return_projection() -> None:
    proj = projection(
        "MATCH (n) RETURN DISTINCT n.x AS x, n.y ORDER BY x DESC, n.y SKIP 1 LIMIT $l"
    )
    assert proj.distinct and not proj.star
    assert proj.items == (
        ast.ProjectionItem(Property(n, "x"), "x", aliased=True),
        ast.ProjectionItem(Property(n, "y"), "n.y"),
    )
    assert proj.order_by == (ast.SortItem(x, descending=True), ast.SortItem(Property(n, "y")))
    assert proj.skip == lit(1) and proj.limit == Parameter("l")
    assert projection("MATCH (n) RETURN *").star
    ascending = projection("MATCH (n) RETURN n ORDER BY n ASCENDING, n.x DESCENDING, n.y ASC")
    assert [item.descending for item in ascending.order_by] == [False, True, False]


def test_projection_column_names_are_source_text() -> None:
    names = [
        item.name
        for item in projection(
            "RETURN count(*), n.x+1, [1,2][0], f( ), -a, NOT a, a IS NULL, CASE WHEN a THEN 1 END,"
            " {a: 1}, (a), n {.x}, [x IN a | x], `weird name`, 'str', $p, -1"
        ).items
    ]
    assert names == [
        "count(*)",
        "n.x+1",
        "[1,2][0]",
        "f( )",
        "-a",
        "NOT a",
        "a IS NULL",
        "CASE WHEN a THEN 1 END",
        "{a: 1}",
        "(a)",
        "n {.x}",
        "[x IN a | x]",
        "weird name",
        "'str'",
        "$p",
        "-1",
    ]


def test_with() -> None:
    with_clause = clause("MATCH (n) WITH n, count(*) AS c WHERE c > 1 RETURN n")
    assert isinstance(with_clause, ast.With) is False
    with_clause = clauses("MATCH (n) WITH n, count(*) AS c WHERE c > 1 RETURN n")[1]
    assert isinstance(with_clause, ast.With)
    assert with_clause.where == op(BinaryOperator.GT, Variable("c"), lit(1))
    assert [item.name for item in with_clause.projection.items] == ["n", "c"]
    star = clauses("MATCH (n) WITH *, 1 AS one ORDER BY n LIMIT 2 RETURN one")[1]
    assert isinstance(star, ast.With) and star.projection.star
    assert star.projection.limit == lit(2)


def test_unwind() -> None:
    assert clause("UNWIND [1, 2] AS x RETURN x") == ast.Unwind(
        ast.ListLiteral((lit(1), lit(2))), "x"
    )


def test_create_and_merge() -> None:
    create = clause("CREATE (a:A {x: 1})-[:T {w: 1}]->(b), (c)")
    assert isinstance(create, ast.Create) and len(create.patterns) == 2
    merge = clause("MERGE (a:A {x: 1}) ON CREATE SET a.y = 2 ON MATCH SET a += {z: 3}, a:B")
    assert merge == ast.Merge(
        PathPattern((NodePattern("a", ("A",), MapLiteral((("x", lit(1)),))),)),
        (ast.SetProperty(Property(a, "y"), lit(2)),),
        (ast.MergeProperties("a", MapLiteral((("z", lit(3)),))), ast.SetLabels("a", ("B",))),
    )
    repeated = clause("MERGE (a) ON MATCH SET a.x = 1 ON MATCH SET a.y = 2")
    assert isinstance(repeated, ast.Merge) and len(repeated.on_match) == 2


def test_set_and_remove() -> None:
    _, set_clause, remove = clauses(
        "MATCH (n) SET n.x = 1, n.a.b = 2, n = {a: 1}, n += $p, n:A:B REMOVE n.x, n:A"
    )
    assert set_clause == ast.Set(
        (
            ast.SetProperty(Property(n, "x"), lit(1)),
            ast.SetProperty(Property(Property(n, "a"), "b"), lit(2)),
            ast.SetAllProperties("n", MapLiteral((("a", lit(1)),))),
            ast.MergeProperties("n", Parameter("p")),
            ast.SetLabels("n", ("A", "B")),
        )
    )
    assert remove == ast.Remove(
        (ast.RemoveProperty(Property(n, "x")), ast.RemoveLabels("n", ("A",)))
    )


def test_delete() -> None:
    assert clauses("MATCH (n) DELETE n")[1] == ast.Delete((n,))
    assert clauses("MATCH (n), (m) DETACH DELETE n, m")[1] == ast.Delete(
        (n, Variable("m")), detach=True
    )
    with pytest.raises(CypherSyntaxError, match="DELETE"):
        parse("MATCH ()-[r:T]-() DELETE r:T")


def test_call_procedure() -> None:
    assert clause("CALL db.labels()") == ast.Call("db.labels", ())
    assert clause("CALL db.labels") == ast.Call("db.labels", None)
    assert clause("CALL proc(1, $x) YIELD *") == ast.Call(
        "proc", (lit(1), Parameter("x")), None, yield_all=True
    )
    call = clause("CALL test.my.proc(1) YIELD a, b AS c WHERE c > 1 RETURN a, c")
    assert call == ast.Call(
        "test.my.proc",
        (lit(1),),
        (ast.YieldItem("a", "a"), ast.YieldItem("b", "c")),
        where=op(BinaryOperator.GT, Variable("c"), lit(1)),
    )
    with pytest.raises(CypherSyntaxError, match="implicitly"):
        parse("CALL test.my.proc YIELD out RETURN out")
    with pytest.raises(CypherSyntaxError, match=r"YIELD \*"):
        parse("CALL test.my.proc(1) YIELD * RETURN *")


def test_call_subquery_and_foreach() -> None:
    call, _ = clauses("MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN m } RETURN m")[1:]
    assert isinstance(call, ast.CallSubquery) and isinstance(call.query, ast.Query)
    foreach = clause("FOREACH (x IN [1, 2] | CREATE (:A {x: x}) FOREACH (y IN [x] | SET y.p = 1))")
    assert isinstance(foreach, ast.Foreach)
    assert foreach.variable == "x" and len(foreach.clauses) == 2
    assert isinstance(foreach.clauses[1], ast.Foreach)
    with pytest.raises(CypherSyntaxError, match="FOREACH"):
        parse("FOREACH (x IN [1] | MATCH (n) DELETE n)")


def test_union() -> None:
    union = parse("RETURN 1 AS x UNION RETURN 2 AS x")
    assert isinstance(union, ast.Query) and len(union.parts) == 2 and not union.union_all
    union_all = parse("RETURN 1 AS x UNION ALL RETURN 2 AS x UNION ALL RETURN 3 AS x")
    assert isinstance(union_all, ast.Query) and len(union_all.parts) == 3 and union_all.union_all
    with pytest.raises(CypherSemanticError, match="UNION"):
        parse("RETURN 1 AS x UNION RETURN 2 AS x UNION ALL RETURN 3 AS x")


def test_load_csv() -> None:
    assert clause(
        "load csv from $f no header ignore bad delimiter ';' quote \"'\" nullif 'NA' as row"
        " RETURN row"
    ) == ast.LoadCsv(
        ast.Parameter("f"), False, "row", ignore_bad=True, delimiter=lit(";"),
        quote=lit("'"), nullif=lit("NA"),
    )
    assert clause("LOAD CSV FROM 'a.csv' WITH HEADER AS r CREATE ()") == ast.LoadCsv(
        lit("a.csv"), True, "r"
    )
    with_config = clause("LOAD CSV FROM 'a' WITH CONFIG {x: 'y'} WITH HEADER AS r RETURN r")
    assert isinstance(with_config, ast.LoadCsv) and with_config.config is not None


def test_load_csv_keywords_stay_names() -> None:
    query = parse(
        "WITH 1 AS header, 2 AS load, 3 AS csv, 4 AS nullif, 5 AS quote, 6 AS delimiter,"
        " 7 AS bad, 8 AS ignore, 9 AS no, 10 AS from RETURN header + load + csv"
    )
    assert isinstance(query, ast.Query)
    assert expr("header.load") == Property(Variable("header"), "load")


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (n)",
        "LOAD CSV FROM 'a' WITH HEADER AS row",
        "MATCH (n) RETURN n MATCH (m) RETURN m",
        "MATCH (n) WITH n",
        "UNWIND [1] AS x",
        "RETURN 1 AS x UNION MATCH (n) SET n.x = 1",
        "MATCH (n) CALL proc() YIELD x",
    ],
)
def test_clause_composition(text: str) -> None:
    with pytest.raises(CypherSyntaxError):
        parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "CREATE (n)",
        "MATCH (n) DELETE n",
        "MATCH (n) CALL proc(n)",
        "CALL proc() YIELD x",
        "CALL proc() YIELD x WHERE x > 1",
        "MATCH (n) CALL { WITH n CREATE (m) }",
        "MATCH (n) FOREACH (x IN [1] | SET n.x = x)",
        "RETURN 1;",
    ],
)
def test_valid_query_endings(text: str) -> None:
    assert isinstance(parse(text), ast.Query)


# ---- Memgraph statements -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("CREATE INDEX ON :L", ast.CreateIndex("L")),
        ("CREATE INDEX ON :L(p)", ast.CreateIndex("L", ("p",))),
        ("create index on :`My L`(p, `q.r`)", ast.CreateIndex("My L", ("p", "q.r"))),
        ("DROP INDEX ON :L", ast.DropIndex("L")),
        ("DROP INDEX ON :L(p)", ast.DropIndex("L", ("p",))),
        ("CREATE INDEX FOR (n:L) ON (n.p)", ast.CreateIndex("L", ("p",))),
        (
            "CREATE RANGE INDEX idx IF NOT EXISTS FOR (n:L) ON (n.p, n.q)",
            ast.CreateIndex("L", ("p", "q"), "idx", True),
        ),
        (
            "CREATE CONSTRAINT ON (n:L) ASSERT EXISTS (n.p)",
            ast.CreateConstraint(ast.ConstraintKind.EXISTS, "L", ("p",)),
        ),
        (
            "CREATE CONSTRAINT ON (n:L) ASSERT n.p IS UNIQUE",
            ast.CreateConstraint(ast.ConstraintKind.UNIQUE, "L", ("p",)),
        ),
        (
            "CREATE CONSTRAINT ON (n:L) ASSERT n.p, n.q IS UNIQUE",
            ast.CreateConstraint(ast.ConstraintKind.UNIQUE, "L", ("p", "q")),
        ),
        (
            "CREATE CONSTRAINT ON (n:L) ASSERT n.p IS TYPED integer",
            ast.CreateConstraint(ast.ConstraintKind.TYPED, "L", ("p",), "INTEGER"),
        ),
        (
            "DROP CONSTRAINT ON (n:L) ASSERT EXISTS (n.p)",
            ast.DropConstraint(ast.ConstraintKind.EXISTS, "L", ("p",)),
        ),
        (
            "DROP CONSTRAINT ON (n:L) ASSERT n.p, n.q IS UNIQUE",
            ast.DropConstraint(ast.ConstraintKind.UNIQUE, "L", ("p", "q")),
        ),
        ("SHOW INDEX INFO", ast.ShowIndexes()),
        ("SHOW INDEXES", ast.ShowIndexes()),
        ("SHOW CONSTRAINT INFO", ast.ShowConstraints()),
        ("SHOW CONSTRAINTS", ast.ShowConstraints()),
        ("SHOW STORAGE INFO", ast.ShowStorageInfo()),
        ("STORAGE MODE IN_MEMORY_ANALYTICAL", ast.SetStorageMode("IN_MEMORY_ANALYTICAL")),
        ("storage mode my_engine", ast.SetStorageMode("my_engine")),
        ("CREATE SNAPSHOT", ast.CreateSnapshot()),
        (
            "SET GLOBAL TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION",
            ast.SetIsolationLevel(ast.IsolationScope.GLOBAL, ast.IsolationLevel.SNAPSHOT_ISOLATION),
        ),
        (
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
            ast.SetIsolationLevel(ast.IsolationScope.SESSION, ast.IsolationLevel.READ_COMMITTED),
        ),
        (
            "set next transaction isolation level read uncommitted",
            ast.SetIsolationLevel(ast.IsolationScope.NEXT, ast.IsolationLevel.READ_UNCOMMITTED),
        ),
        ("FREE MEMORY", ast.FreeMemory()),
        ("DROP GRAPH", ast.DropGraph()),
        ("BEGIN", ast.Begin()),
        ("COMMIT", ast.Commit()),
        ("ROLLBACK;", ast.Rollback()),
    ],
)
def test_memgraph_statement(text: str, statement: ast.Statement) -> None:
    assert parse(text) == statement


def test_constraint_variable_must_match() -> None:
    with pytest.raises(CypherSyntaxError):
        parse("CREATE CONSTRAINT ON (n:L) ASSERT m.p IS UNIQUE")


def test_explain_and_profile() -> None:
    query = parse("MATCH (n) RETURN n")
    assert parse("EXPLAIN MATCH (n) RETURN n") == ast.Explain(query)  # type: ignore[arg-type]
    assert parse("PROFILE MATCH (n) RETURN n") == ast.Profile(query)  # type: ignore[arg-type]
    with pytest.raises(CypherSyntaxError):
        parse("EXPLAIN MATCH (n)")


def test_admin_words_stay_usable_as_names() -> None:
    assert parse("MATCH (index:Index {storage: 1}) RETURN index.mode AS mode, index.info")


# ---- syntax errors ----------------------------------------------------------------------------


def test_error_names_position_token_and_expectations() -> None:
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (a RETURN a")
    message = str(info.value)
    assert message.startswith("Error on line 1 position 10. Invalid input 'RETURN': expected")
    assert "')'" in message and "':'" in message
    assert message.splitlines()[1:] == ["  MATCH (a RETURN a", "           ^"]


def test_error_expected_keyword() -> None:
    with pytest.raises(CypherSyntaxError, match="Invalid input 'a': expected BY"):
        parse("MATCH (a) RETURN a ORDER a.name")


def test_error_at_end_of_input() -> None:
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (a) WHERE")
    assert "line 1 position 16. Unexpected end of input: expected an expression" in str(info.value)


def test_error_on_invalid_character() -> None:
    with pytest.raises(CypherSyntaxError, match=r"line 2 position 10\. Invalid input '#'"):
        parse("MATCH (a)\nRETURN a #")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RETURN 'abc", "Unterminated string literal"),
        ('RETURN "abc', "Unterminated string literal"),
        ("RETURN `abc", "Unterminated quoted name"),
        ("RETURN 1 /* x", "Unterminated comment"),
    ],
)
def test_unterminated_tokens(text: str, message: str) -> None:
    with pytest.raises(CypherSyntaxError, match=message):
        parse(text)


def test_error_expectations_are_exact_for_the_context() -> None:
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (n) SET n.x 1")
    assert "expected one of '(', '.', '=', '['." in str(info.value)
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (n) RETRUN n")
    assert "expected one of a clause, a relationship pattern, WHERE" in str(info.value)


def test_error_expected_list_is_trimmed() -> None:
    with pytest.raises(CypherSyntaxError) as info:
        parse("RETURN 1 +")
    first = str(info.value).splitlines()[0]
    assert "an expression" in first and len(first) < 200


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    assert parse("RETURN " + "[" * 200 + "1" + "]" * 200)
    with pytest.raises(CypherSyntaxError, match="nested too deeply"):
        parse("RETURN " + "(" * 5000 + "1" + ")" * 5000)


def test_long_operator_chain() -> None:
    assert parse("RETURN " + " + ".join(["1"] * 2000))


def test_empty_query() -> None:
    with pytest.raises(CypherSyntaxError):
        parse("")
    with pytest.raises(CypherSyntaxError):
        parse("   // only a comment")


# ---- the AST contract ---------------------------------------------------------------------------


def test_nodes_are_frozen_hashable_and_walkable() -> None:
    statement = parse("MATCH (a)-[r]->(b) WHERE a.x > 1 RETURN a.x + b.y AS s")
    assert hash(statement) == hash(parse("MATCH (a)-[r]->(b) WHERE a.x > 1 RETURN a.x + b.y AS s"))
    assert isinstance(statement, ast.Query)
    with pytest.raises(AttributeError):
        statement.parts = ()  # type: ignore[misc]
    kinds = {type(node).__name__ for node in ast.walk(statement)}
    assert {"Match", "PathPattern", "NodePattern", "RelationshipPattern", "Property"} <= kinds
    assert all(isinstance(node, ast.Node) for node in ast.walk(statement))


def test_no_lark_objects_in_the_ast() -> None:
    statement = parse(
        "MATCH p = (a:A {k: 'v'})-[r:T*1..2]->(b) WHERE a.x IN [1, 2] AND exists((a)-->())"
        " WITH a, collect(b) AS bs, [x IN range(1, 3) | x ^ 2] AS sq"
        " UNWIND bs AS b2 RETURN a {.k, bs}, CASE WHEN a.x > 1 THEN 'big' END AS size, $param"
    )
    seen: list[object] = []

    def visit(value: object) -> None:
        seen.append(value)
        if isinstance(value, ast.Node):
            for field in dataclasses.fields(value):  # type: ignore[arg-type]
                visit(getattr(value, field.name))
        elif isinstance(value, tuple):
            for item in value:
                visit(item)

    visit(statement)
    for value in seen:
        assert type(value).__module__ in ("builtins", "mgcore.cypher.ast"), value


# ---- Memgraph expansions ----------------------------------------------------------------------


def length_of(text: str) -> VarLength:
    length = pattern(text).relationships[0].length
    assert length is not None
    return length


def test_memgraph_breadth_first() -> None:
    assert length_of("(a)-[*bfs..3]->(b)") == VarLength(None, 3, ast.ExpansionKind.BREADTH_FIRST)
    assert length_of("(a)-[r * BFS 2..]->(b)") == VarLength(
        2, None, ast.ExpansionKind.BREADTH_FIRST
    )
    filtered = length_of("(a)-[:T *BFS ..10 (e, n | n.x = 1)]->(b)")
    assert filtered.filter == ast.ExpansionLambda(
        ("e", "n"), op(BinaryOperator.EQ, Property(n, "x"), lit(1))
    )


def test_memgraph_depth_first_filter() -> None:
    length = length_of("(a)-[r * (e, n, p | e.w < 10)]-(b)")
    assert length.kind is ast.ExpansionKind.DEPTH_FIRST
    assert length.filter is not None and length.filter.variables == ("e", "n", "p")


def test_memgraph_weighted_shortest() -> None:
    length = length_of("(a)-[r *WSHORTEST 10 (e, n | e.w) total (e, n | n.ok)]->(b)")
    assert length == VarLength(
        None,
        10,
        ast.ExpansionKind.WEIGHTED_SHORTEST,
        filter=ast.ExpansionLambda(("e", "n"), Property(n, "ok")),
        weight=ast.ExpansionLambda(("e", "n"), Property(Variable("e"), "w")),
        total_weight="total",
    )
    assert length_of("(a)-[*allShortest (e, n | 1) w]->(b)").kind is ast.ExpansionKind.ALL_SHORTEST
    with pytest.raises(CypherSyntaxError, match="weight lambda"):
        parse("MATCH (a)-[*WSHORTEST]->(b) RETURN a")
    with pytest.raises(CypherSyntaxError):
        parse("MATCH (a)-[*BFS (e, n | 1) w]->(b) RETURN a")


def test_memgraph_k_shortest() -> None:
    assert length_of("(a)-[*KSHORTEST | 3]->(b)").limit == lit(3)
    assert length_of("(a)-[*KSHORTEST 2..4 | $k]->(b)") == VarLength(
        2, 4, ast.ExpansionKind.K_SHORTEST, limit=Parameter("k")
    )
    with pytest.raises(CypherSyntaxError, match="KSHORTEST"):
        parse("MATCH (a)-[*2 | 3]->(b) RETURN a")


def test_expansion_words_stay_names() -> None:
    assert expr("bfs + wshortest") == op(BinaryOperator.ADD, Variable("bfs"), Variable("wshortest"))


def test_parse_is_thread_safe() -> None:
    from concurrent.futures import ThreadPoolExecutor

    queries = [f"MATCH (n:L{i}) WHERE n.x = {i} RETURN n.x + {i} AS y" for i in range(100)]
    expected = [parse(q) for q in queries]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(parse, queries)) == expected
