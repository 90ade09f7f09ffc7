"""Hostile and malformed queries fail with a clear error and leave the session and data usable.

Every case runs in a session that has already committed a write; afterwards the same session
must run ``RETURN 1``, the write must still be there and no transaction may be left open.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import mgcore
from mgcore.cypher.limits import MAX_NESTING_DEPTH
from mgcore.cypher.parser import parse
from mgcore.database import Database
from mgcore.errors import (
    ClientError,
    CypherSyntaxError,
    CypherTypeError,
    IntegerOverflow,
    MgError,
    TransactionError,
    UnknownFunction,
)
from mgcore.session import Session
from mgcore.values.types import MAX_PARAMETER_DEPTH


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = mgcore.connect(
        data_directory=str(tmp_path), storage_wal_enabled=False, storage_snapshot_on_exit=False
    )
    with database.session() as s:
        s.run("CREATE (:Keep {name: 'kept'})").consume()
    yield database
    database.close()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s
        assert s.run("RETURN 1 AS one").single()["one"] == 1  # type: ignore[index]
        assert s.run("MATCH (k:Keep) RETURN k.name AS name").data() == [{"name": "kept"}]
        assert db.open_transaction_count == 0


def fails(
    session: Session,
    query: str,
    error: type[MgError],
    match: str,
    parameters: dict[str, Any] | None = None,
) -> MgError:
    """Run ``query`` and return the error it raised, checking its type and message."""
    with pytest.raises(error, match=match) as info:
        session.run(query, parameters).consume()
    assert str(info.value).isprintable() or "\n" in str(info.value)
    str(info.value).encode("utf-8")
    return info.value


# -- deep nesting ---------------------------------------------------------------------------

DEEP_QUERIES: dict[str, Callable[[int], str]] = {
    "lists": lambda n: "RETURN " + "[" * n + "]" * n,
    "parentheses": lambda n: "RETURN " + "(" * n + "1" + ")" * n,
    "maps": lambda n: "RETURN " + "{a: " * n + "1" + "}" * n,
    "additions": lambda n: "RETURN " + "+".join(["1"] * n),
    "conjunctions": lambda n: "RETURN " + " AND ".join(["true"] * n),
    "negations": lambda n: "RETURN " + "-" * n + "1",
    "nots": lambda n: "RETURN " + "NOT " * n + "true",
    "case": lambda n: "RETURN " + "CASE WHEN true THEN " * n + "1" + " END" * n,
    "function calls": lambda n: "RETURN " + "abs(" * n + "1" + ")" * n,
    "subscripts": lambda n: "RETURN [1]" + "[0]" * n,
    "properties": lambda n: "WITH {} AS m RETURN m" + ".a" * n,
    "comprehensions": lambda n: "RETURN " + "[x IN " * n + "[1]" + " | x]" * n,
    "with clauses": lambda n: "WITH 1 AS x " + "WITH x " * n + "RETURN x",
    "pattern hops": lambda n: "MATCH (a)" + "-->()" * n + " RETURN a",
    "subqueries": lambda n: "CALL { " * n + "RETURN 1 AS x" + " }" * n + " RETURN x",
    "exists": lambda n: (
        "MATCH (a) WHERE " + "EXISTS { MATCH (a) WHERE " * n + "true" + " }" * n + " RETURN a"
    ),
}


@pytest.mark.parametrize("shape", sorted(DEEP_QUERIES))
@pytest.mark.parametrize("depth", [10_000, 1_000])
def test_deep_nesting_is_a_syntax_error(session: Session, shape: str, depth: int) -> None:
    fails(session, DEEP_QUERIES[shape](depth), CypherSyntaxError, "nested too deeply")


def test_hundred_thousand_term_sum(session: Session) -> None:
    fails(session, "RETURN " + "+".join(["1"] * 100_000), CypherSyntaxError, "nested too deeply")


@pytest.mark.parametrize("shape", ["lists", "parentheses", "additions", "conjunctions", "nots"])
def test_moderate_nesting_still_runs(session: Session, shape: str) -> None:
    session.run(DEEP_QUERIES[shape](MAX_NESTING_DEPTH // 2 - 5)).consume()


def test_nesting_limit_holds_deep_in_the_call_stack(session: Session) -> None:
    """A caller already deep in recursion still gets an error, never a crash."""

    def at_depth(levels: int) -> MgError | None:
        if levels:
            return at_depth(levels - 1)
        try:
            session.run(DEEP_QUERIES["lists"](MAX_NESTING_DEPTH - 10)).consume()
        except MgError as error:
            return error
        return None

    error = at_depth(sys.getrecursionlimit() - 200)
    assert error is None or isinstance(error, ClientError)
    assert "nested too deeply" in str(error or "nested too deeply")


def test_deeply_nested_runtime_value(session: Session) -> None:
    deep = "reduce(a = [], i IN range(1, 5000) | [a])"
    fails(session, f"RETURN {deep} AS v", ClientError, "nested too deeply")
    fails(session, f"RETURN {deep} = {deep} AS v", ClientError, "nested too deeply")
    fails(session, f"CREATE (:Deep {{p: {deep}}})", ClientError, "nested too deeply")
    assert session.run("MATCH (d:Deep) RETURN count(d) AS c").single()["c"] == 0  # type: ignore[index]


def test_unclosed_brackets(session: Session) -> None:
    fails(session, "RETURN " + "[" * 10_000, CypherSyntaxError, "Unexpected end of input")


def test_parser_alone_reports_nesting() -> None:
    with pytest.raises(CypherSyntaxError, match="nested too deeply"):
        parse("RETURN " + "(" * 10_000 + "1" + ")" * 10_000)


# -- huge literals --------------------------------------------------------------------------


def test_ten_megabyte_string_literal(session: Session) -> None:
    text = "a" * 10_000_000
    record = session.run(f"RETURN '{text}' AS s").single()
    assert record is not None and record["s"] == text


def test_ten_megabyte_unterminated_string(session: Session) -> None:
    error = fails(session, "RETURN '" + "a" * 10_000_000, CypherSyntaxError, "Unterminated string")
    assert len(str(error)) < 500


def test_error_in_a_long_line_quotes_the_part_around_it(session: Session) -> None:
    query = "RETURN " + "1, " * 5000 + "foo bar, " + "2, " * 5000 + "3"
    error = fails(session, query, CypherSyntaxError, "line 1 position 15012. Invalid input 'bar'")
    _, source, caret = str(error).splitlines()
    assert len(source) < 200 and source[len(caret) - 1 : len(caret) + 2] == "bar"


@pytest.mark.parametrize(
    "literal",
    ["9223372036854775808", "99999999999999999999999999999", "0x8000000000000000",
     "-9223372036854775809", "0o1000000000000000000000"],
)
def test_integer_literal_beyond_int64(session: Session, literal: str) -> None:
    error = fails(session, f"RETURN {literal}", IntegerOverflow, "Integer literal exceeds 64")
    assert (error.tck_type, error.tck_detail) == ("SyntaxError", "IntegerOverflow")


def test_int64_bounds_are_accepted(session: Session) -> None:
    record = session.run("RETURN 9223372036854775807 AS a, -9223372036854775808 AS b").single()
    assert record is not None and (record["a"], record["b"]) == (2**63 - 1, -(2**63))


def test_many_columns_and_a_long_flat_list(session: Session) -> None:
    columns = ", ".join(f"{i} AS c{i}" for i in range(2000))
    record = session.run(f"RETURN {columns}").single()
    assert record is not None and len(record) == 2000
    record = session.run("RETURN size([" + ",".join(["1"] * 20_000) + "]) AS n").single()
    assert record is not None and record["n"] == 20_000


# -- invalid unicode and NUL ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["RETURN '\ud800' AS s", "RETURN 1 AS `\udfff`", "MATCH (n:\udbff) RETURN n",
              "RETURN 1 // \ud800"]
)
def test_lone_surrogate_in_query_text(session: Session, query: str) -> None:
    fails(session, query, CypherSyntaxError, "lone surrogate U\\+D[89A-F][0-9A-F]{2}")


def test_surrogate_error_names_the_position(session: Session) -> None:
    error = fails(session, "RETURN 1,\n  '\ud800'", CypherSyntaxError, "line 2 position 4")
    assert "\ud800" not in str(error)


def test_surrogate_escapes_in_literals_are_decoded_or_replaced(session: Session) -> None:
    record = session.run("RETURN '\\uD83D\\uDE00' AS pair, '\\uD800' AS lone").single()
    assert record is not None and record["pair"] == "\U0001f600"
    record["lone"].encode("utf-8")


@pytest.mark.parametrize(
    "value", ["\ud800", ["ok", "\udc00"], {"k": "\ud800"}, {"\ud800": 1}], ids=repr
)
def test_lone_surrogate_in_parameters(session: Session, value: Any) -> None:
    fails(session, "RETURN $p AS p", ClientError, "not valid Unicode", {"p": value})


def test_nul_outside_a_string_is_a_syntax_error(session: Session) -> None:
    fails(session, "RETURN 1\x00", CypherSyntaxError, "Invalid input")
    fails(session, "\x00", CypherSyntaxError, "Invalid input")


def test_nul_inside_strings_is_ordinary_text(session: Session) -> None:
    session.run("CREATE (:Nul {s: 'a\x00b', t: $t})", {"t": "c\x00d"}).consume()
    record = session.run("MATCH (n:Nul) RETURN n.s AS s, n.t AS t").single()
    assert record is not None and (record["s"], record["t"]) == ("a\x00b", "c\x00d")
    session.run("MATCH (n:Nul) DELETE n").consume()


def test_non_ascii_text_is_fine(session: Session) -> None:
    record = session.run("RETURN 'żółw 🐢' AS s, $p AS p", {"p": "ß→∀"}).single()
    assert record is not None and (record["s"], record["p"]) == ("żółw 🐢", "ß→∀")


# -- unknown names --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["foo", "a.b.c", "Foo_Bar"])
def test_unknown_function(session: Session, name: str) -> None:
    message = f"Function '{name}' doesn't exist."
    error = fails(session, f"RETURN {name}(1)", UnknownFunction, message)
    assert (error.tck_type, error.tck_detail) == ("SyntaxError", "UnknownFunction")
    fails(session, f"RETURN {name}(DISTINCT 1)", UnknownFunction, "doesn't exist")


def test_unknown_procedure(session: Session) -> None:
    fails(session, "CALL no.such.proc() YIELD x RETURN x", MgError, "no.such.proc")


# -- parameters -----------------------------------------------------------------------------


class Opaque:
    """A Python object Cypher has no type for."""


@pytest.mark.parametrize(
    "value",
    [Opaque(), object(), b"bytes", bytearray(b"x"), {1, 2}, frozenset(), 1 + 2j, [Opaque()],
     {"a": {"b": Opaque()}}, range(3)],
    ids=lambda v: type(v).__name__,
)
def test_parameter_of_unsupported_type(session: Session, value: Any) -> None:
    fails(session, "RETURN $p AS p", CypherTypeError, "unsupported Python type", {"p": value})


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, [1, 2**64], {"a": 10**30}], ids=repr)
def test_parameter_integer_beyond_int64(session: Session, value: Any) -> None:
    fails(session, "RETURN $p AS p", CypherTypeError, "exceeds 64 bits", {"p": value})


def test_parameter_map_with_non_string_keys(session: Session) -> None:
    fails(session, "RETURN $p AS p", CypherTypeError, "map key", {"p": {1: "x"}})


def test_deeply_nested_parameter(session: Session) -> None:
    value: Any = 1
    for _ in range(10_000):
        value = [value]
    fails(session, "RETURN $p AS p", CypherTypeError, "nested too deeply", {"p": value})
    ok: Any = 1
    for _ in range(MAX_PARAMETER_DEPTH // 2):
        ok = {"k": [ok]}
    session.run("RETURN $p AS p", {"p": ok}).consume()


def test_parameters_become_cypher_values(session: Session) -> None:
    import collections
    import enum

    class Level(enum.IntEnum):
        HIGH = 3

    class Name(str):
        pass

    params = {
        "t": (1, (2, 3)),
        "m": collections.OrderedDict(a=(1,)),
        "e": Level.HIGH,
        "s": Name("x"),
        "f": float("inf"),
        "n": None,
        "b": True,
    }
    record = session.run("RETURN $t AS t, $m AS m, $e AS e, $s AS s, $f AS f, $n AS n, $b AS b",
                         params).single()
    assert record is not None
    assert record["t"] == [1, [2, 3]] and type(record["t"][1]) is list
    assert record["m"] == {"a": [1]} and type(record["m"]) is dict
    assert record["e"] == 3 and type(record["e"]) is int
    assert record["s"] == "x" and type(record["s"]) is str
    assert record["f"] == float("inf") and record["n"] is None and record["b"] is True


def test_parameters_are_not_aliased(session: Session) -> None:
    mine = {"xs": [1, 2]}
    record = session.run("RETURN $m AS m", {"m": mine}).single()
    assert record is not None
    record["m"]["xs"].append(3)
    assert mine == {"xs": [1, 2]}


def test_parameters_must_be_a_mapping(session: Session) -> None:
    with pytest.raises(ClientError, match="mapping"):
        session.run("RETURN 1", [1, 2])  # type: ignore[arg-type]
    with pytest.raises(ClientError, match="names must be strings"):
        session.run("RETURN 1", {1: 2})  # type: ignore[dict-item]


def test_query_must_be_a_string(session: Session) -> None:
    for query in (None, 42, b"RETURN 1", ["RETURN 1"]):
        with pytest.raises(ClientError, match="must be a string"):
            session.run(query)  # type: ignore[arg-type]


def test_missing_parameter(session: Session) -> None:
    fails(session, "RETURN $nope AS p", MgError, "nope")


# -- explicit transactions ------------------------------------------------------------------


def test_hostile_query_in_an_explicit_transaction(db: Database, session: Session) -> None:
    session.run("BEGIN").consume()
    session.run("CREATE (:Pending)").consume()
    fails(session, "RETURN " + "[" * 10_000 + "]" * 10_000, CypherSyntaxError, "nested")
    with pytest.raises(TransactionError):
        session.run("RETURN 1").consume()
    session.run("ROLLBACK").consume()
    assert session.run("MATCH (p:Pending) RETURN count(p) AS c").single()["c"] == 0  # type: ignore[index]

    with session.begin_transaction() as tx:
        tx.run("CREATE (:Committed)").consume()
    with pytest.raises(CypherTypeError):
        session.run("RETURN $p", {"p": Opaque()})
    assert session.run("MATCH (c:Committed) RETURN count(c) AS c").single()["c"] == 1  # type: ignore[index]
