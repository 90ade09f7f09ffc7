"""CALL end to end on the in-memory transactional engine: every openCypher TCK call scenario
(clauses/call/Call1-6) with its procedures declared through the TCK table helper, the error
kinds, argument defaults and coercion, record shapes, and the built-in ``db.*``/``mg.*``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mgcore
from mgcore.conformance.tck_procedures import TableProcedures, parse_signature, table_procedure
from mgcore.cypher.procedures import (
    CypherType,
    Procedure,
    ProcedureContext,
    ProcedureRegistry,
    ProcedureSignature,
)
from mgcore.database import Database
from mgcore.errors import (
    CypherSyntaxError,
    CypherTypeError,
    InvalidArgumentType,
    InvalidNumberOfArguments,
    MgError,
    ParameterMissing,
    ProcedureError,
    ProcedureNotFound,
)
from mgcore.plugins import PluginHost

# ------------------------------------------------------------------ TCK procedure tables

CITIES = (
    "test.my.proc(name :: STRING?, id :: INTEGER?) :: "
    "(city :: STRING?, country_code :: INTEGER?):",
    ["name", "id", "city", "country_code"],
    [
        ["Andres", 1, "Malmö", 46],
        ["Tobias", 1, "Malmö", 46],
        ["Mats", 1, "Malmö", 46],
        ["Stefan", 1, "Berlin", 49],
        ["Stefan", 2, "München", 49],
        ["Petra", 1, "London", 44],
    ],
)
NOTHING = ("test.doNothing() :: ():", [], [])
LABELS = ("test.labels() :: (label :: STRING?):", ["label"], [["A"], ["B"], ["C"]])
NAME_IN = ("test.my.proc(name :: STRING?, in :: INTEGER?) :: (out :: INTEGER?):",
           ["name", "in", "out"], [])
IN_OUT = ("test.my.proc(in :: INTEGER?) :: (out :: INTEGER?):", ["in", "out"], [])
LABELS_IN = ("test.labels(in :: INTEGER?) :: (label :: STRING?):", ["in", "label"], [])
NUMBER = ("test.my.proc(in :: NUMBER?) :: (out :: STRING?):", ["in", "out"],
          [[42, "wisdom"], [42.3, "about right"]])
FLOAT = ("test.my.proc(in :: FLOAT?) :: (out :: STRING?):", ["in", "out"],
         [[42.0, "close enough"]])
NIX = ("test.my.proc(in :: INTEGER?) :: (out :: STRING?):", ["in", "out"], [[None, "nix"]])
AB = ("test.my.proc(in :: INTEGER?) :: (a :: INTEGER?, b :: INTEGER?) :", ["in", "a", "b"],
      [[None, 1, 2]])


def open_db(tmp_path: Path, *tables: tuple[str, list[str], list[list[Any]]]) -> Database:
    """A database whose plugin host registers ``tables`` as the TCK runner does."""
    host = PluginHost.create(load_entry_points=False)
    host.register(TableProcedures([table_procedure(*t) for t in tables]))
    return mgcore.connect(
        plugins=host, storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path)
    )


def run(db: Database, query: str, **params: Any) -> tuple[list[str], list[list[Any]]]:
    with db.session() as s:
        result = s.run(query, params)
        return result.keys(), [list(r) for r in result]


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Any]:
    """``scenario(*tables)`` opens a database with those procedures; closed afterwards."""
    opened: list[Database] = []

    def make(*tables: tuple[str, list[str], list[list[Any]]]) -> Database:
        db = open_db(tmp_path / str(len(opened)), *tables)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.close()


# --------------------------------------------------------------------- Call1: basics


def test_call1_standalone_void(scenario: Any) -> None:
    """[1] [2] a void procedure, with and without parentheses: empty result."""
    db = scenario(NOTHING)
    assert run(db, "CALL test.doNothing()") == ([], [])
    assert run(db, "CALL test.doNothing") == ([], [])


def test_call1_in_query_void_keeps_rows(scenario: Any) -> None:
    """[3] [4] an in-query void call neither adds nor removes rows."""
    db = scenario(NOTHING)
    assert run(db, "MATCH (n) CALL test.doNothing() RETURN n") == (["n"], [])
    run(db, "CREATE (:A {name: 'a'}) CREATE (:B {name: 'b'}) CREATE (:C {name: 'c'})")
    keys, rows = run(db, "MATCH (n) CALL test.doNothing() RETURN n.name AS `name`")
    assert keys == ["name"] and sorted(rows) == [["a"], ["b"], ["c"]]


def test_call1_string_procedure(scenario: Any) -> None:
    """[5] [6] standalone and in-query calls keep the procedure's row order."""
    db = scenario(LABELS)
    expected = (["label"], [["A"], ["B"], ["C"]])
    assert run(db, "CALL test.labels()") == expected
    assert run(db, "CALL test.labels() YIELD label RETURN label") == expected


@pytest.mark.parametrize(
    ("table", "query"),
    [
        (NAME_IN, "CALL test.my.proc('Dobby')"),
        (NAME_IN, "CALL test.my.proc('Dobby') YIELD out RETURN out"),
        (IN_OUT, "CALL test.my.proc(1, 2, 3, 4)"),
        (IN_OUT, "CALL test.my.proc(1, 2, 3, 4) YIELD out RETURN out"),
    ],
)
def test_call1_wrong_number_of_arguments(scenario: Any, table: Any, query: str) -> None:
    """[7]-[10] InvalidNumberOfArguments, a SyntaxError at compile time."""
    db = scenario(table)
    with pytest.raises(InvalidNumberOfArguments) as info:
        db.prepare(query)
    assert info.value.tck_type == "SyntaxError"
    assert isinstance(info.value, CypherSyntaxError)


def test_call1_missing_implicit_argument(scenario: Any) -> None:
    """[11] an implicit argument without its parameter is ParameterMissing."""
    db = scenario(NAME_IN)
    with pytest.raises(ParameterMissing, match=r"\$in"):
        run(db, "CALL test.my.proc", name="Stefan")


def test_call1_outputs_not_yielded_are_undefined(scenario: Any) -> None:
    """[12] an in-query call without YIELD binds nothing: RETURN out is UndefinedVariable."""
    db = scenario(IN_OUT)
    with pytest.raises(CypherSyntaxError, match="out"):
        db.prepare("CALL test.my.proc(1) RETURN out")


@pytest.mark.parametrize(
    "query", ["CALL test.my.proc", "CALL test.my.proc() YIELD out RETURN out"]
)
def test_call1_unknown_procedure(scenario: Any, query: str) -> None:
    """[13] [14] ProcedureNotFound, a ProcedureError at compile time."""
    db = scenario()
    with pytest.raises(ProcedureNotFound) as info:
        db.prepare(query)
    assert info.value.tck_type == "ProcedureError"
    assert info.value.tck_detail == "ProcedureNotFound"
    assert isinstance(info.value, ProcedureError)


def test_call1_yield_shadowing_bound_variable(scenario: Any) -> None:
    """[15] VariableAlreadyBound."""
    db = scenario(LABELS)
    with pytest.raises(CypherSyntaxError, match="label"):
        db.prepare("WITH 'Hi' AS label CALL test.labels() YIELD label RETURN *")


def test_call1_aggregation_in_argument(scenario: Any) -> None:
    """[16] InvalidAggregation."""
    db = scenario(LABELS_IN)
    with pytest.raises(CypherSyntaxError, match="Aggregation"):
        db.prepare("MATCH (n) CALL test.labels(count(n)) YIELD label RETURN label")


# ------------------------------------------------------------------ Call2: arguments


def test_call2_explicit_arguments(scenario: Any) -> None:
    """[1] [2] in-query and standalone calls select the matching table row."""
    db = scenario(CITIES)
    expected = (["city", "country_code"], [["Berlin", 49]])
    assert run(db, "CALL test.my.proc('Stefan', 1) YIELD city, country_code "
                   "RETURN city, country_code") == expected
    assert run(db, "CALL test.my.proc('Stefan', 1)") == expected


def test_call2_implicit_arguments(scenario: Any) -> None:
    """[3] standalone ``CALL proc`` takes its arguments from parameters of the same names."""
    db = scenario(CITIES)
    assert run(db, "CALL test.my.proc", name="Stefan", id=1) == (
        ["city", "country_code"], [["Berlin", 49]]
    )


def test_call2_implicit_arguments_in_query(scenario: Any) -> None:
    """[4] InvalidArgumentPassingMode: rejected when the query is parsed."""
    db = scenario(IN_OUT)
    with pytest.raises(CypherSyntaxError, match="implicitly"):
        db.prepare("CALL test.my.proc YIELD out RETURN out")


@pytest.mark.parametrize(
    "query", ["CALL test.my.proc(true)", "CALL test.my.proc(true) YIELD out RETURN out"]
)
def test_call2_wrong_argument_type(scenario: Any, query: str) -> None:
    """[5] [6] InvalidArgumentType, a SyntaxError at compile time."""
    db = scenario(IN_OUT)
    with pytest.raises(InvalidArgumentType) as info:
        db.prepare(query)
    assert info.value.tck_type == "SyntaxError"


# ------------------------------------------------------------- Call3: assignable types


@pytest.mark.parametrize(
    ("table", "argument", "out"),
    [(NUMBER, "42", "wisdom"), (NUMBER, "42.3", "about right"), (FLOAT, "42", "close enough")],
)
def test_call3_assignable_types(scenario: Any, table: Any, argument: str, out: str) -> None:
    """[1]-[6] NUMBER takes INTEGER and FLOAT; FLOAT takes INTEGER."""
    db = scenario(table)
    assert run(db, f"CALL test.my.proc({argument})") == (["out"], [[out]])
    assert run(db, f"CALL test.my.proc({argument}) YIELD out RETURN out") == (["out"], [[out]])


# ---------------------------------------------------------- Call4, Call5: null, projection


def test_call4_null_argument(scenario: Any) -> None:
    """Call4 [1] [2], Call5 [1] [2]: null passes to a nullable parameter."""
    db = scenario(NIX)
    assert run(db, "CALL test.my.proc(null)") == (["out"], [["nix"]])
    assert run(db, "CALL test.my.proc(null) YIELD out RETURN out") == (["out"], [["nix"]])
    assert run(db, "CALL test.my.proc(null) YIELD out RETURN *") == (["out"], [["nix"]])


@pytest.mark.parametrize("yielded", ["a, b", "b, a"])
def test_call5_yield_order_is_irrelevant(scenario: Any, yielded: str) -> None:
    """Call5 [3]."""
    db = scenario(AB)
    assert run(db, f"CALL test.my.proc(null) YIELD {yielded} RETURN a, b") == (
        ["a", "b"], [[1, 2]]
    )


@pytest.mark.parametrize(
    ("rename", "a", "b"),
    [
        ("a AS c, b AS d", "c", "d"),
        ("a AS b, b AS d", "b", "d"),
        ("a AS c, b AS a", "c", "a"),
        ("a AS b, b AS a", "b", "a"),
        ("a AS c, b AS b", "c", "b"),
        ("a AS c, b", "c", "b"),
        ("a AS a, b AS d", "a", "d"),
        ("a, b AS d", "a", "d"),
        ("a AS a, b AS b", "a", "b"),
        ("a AS a, b", "a", "b"),
        ("a, b AS b", "a", "b"),
    ],
)
def test_call5_rename_outputs(scenario: Any, rename: str, a: str, b: str) -> None:
    """Call5 [4]."""
    db = scenario(AB)
    assert run(db, f"CALL test.my.proc(null) YIELD {rename} RETURN {a}, {b}") == (
        [a, b], [[1, 2]]
    )


@pytest.mark.parametrize("rename", ["a, b AS a", "a AS c, b AS c"])
def test_call5_rename_to_bound_name(scenario: Any, rename: str) -> None:
    """Call5 [5] [6] VariableAlreadyBound."""
    db = scenario(AB)
    with pytest.raises(CypherSyntaxError, match="Redeclaring"):
        db.prepare(f"CALL test.my.proc(null) YIELD {rename} RETURN a")


def test_call5_yield_star(scenario: Any) -> None:
    """Call5 [7] in-query YIELD * is a syntax error; [8] standalone it yields every column."""
    db = scenario(CITIES)
    with pytest.raises(CypherSyntaxError, match=r"YIELD \*"):
        db.prepare("CALL test.my.proc('Stefan', 1) YIELD * RETURN city, country_code")
    assert run(db, "CALL test.my.proc('Stefan', 1) YIELD *") == (
        ["city", "country_code"], [["Berlin", 49]]
    )


# ---------------------------------------------------------------- Call6: interoperation


def test_call6_same_procedure_twice(scenario: Any) -> None:
    """[1] the second call may reuse the output name once WITH dropped it."""
    db = scenario(LABELS)
    query = (
        "CALL test.labels() YIELD label WITH count(*) AS c "
        "CALL test.labels() YIELD label RETURN *"
    )
    assert run(db, query) == (["c", "label"], [[3, "A"], [3, "B"], [3, "C"]])


def test_call6_project_between_scopes(scenario: Any) -> None:
    """[2] [3]."""
    db = scenario(NIX)
    assert run(db, "CALL test.my.proc(null) YIELD out WITH out RETURN out") == (
        ["out"], [["nix"]]
    )
    assert run(db, "CALL test.my.proc(null) YIELD out WITH out AS a RETURN a") == (
        ["a"], [["nix"]]
    )


# ----------------------------------------------------------------- beyond the TCK


def test_unknown_yield_column_is_undefined_variable(scenario: Any) -> None:
    db = scenario(LABELS)
    with pytest.raises(CypherSyntaxError, match="does not yield a field named 'nope'"):
        db.prepare("CALL test.labels() YIELD nope RETURN nope")


def test_in_query_call_without_yield_needs_a_void_procedure(scenario: Any) -> None:
    db = scenario(LABELS)
    with pytest.raises(CypherSyntaxError, match="must YIELD"):
        db.prepare("MATCH (n) CALL test.labels() RETURN n")


def test_yield_where(scenario: Any) -> None:
    db = scenario(LABELS)
    assert run(db, "CALL test.labels() YIELD label WHERE label <> 'B' RETURN label") == (
        ["label"], [["A"], ["C"]]
    )
    assert run(db, "CALL test.labels() YIELD label AS l WHERE l <> 'A'") == (
        ["l"], [["B"], ["C"]]
    )


def test_argument_per_input_row(scenario: Any) -> None:
    db = scenario(CITIES)
    query = (
        "UNWIND [['Stefan', 2], ['Petra', 1], ['Nobody', 1]] AS p "
        "CALL test.my.proc(p[0], p[1]) YIELD city RETURN p[0] AS name, city"
    )
    assert run(db, query) == (["name", "city"], [["Stefan", "München"], ["Petra", "London"]])


def test_runtime_argument_type_is_checked(scenario: Any) -> None:
    db = scenario(IN_OUT)
    with pytest.raises(CypherTypeError, match="expects INTEGER"):
        run(db, "CALL test.my.proc($x)", x="text")


# ------------------------------------------------- registry API: defaults, coercion, records


class Probe:
    """A plugin with procedures exercising defaults, coercion, record shapes and nullability."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    @mgcore.hookimpl
    def mg_register_procedures(self, registry: ProcedureRegistry) -> None:
        seen = self.seen

        @registry.procedure(
            "probe.args(x :: FLOAT, ys = [1, 2] :: LIST OF FLOAT, tag = null :: STRING?) "
            ":: (x :: FLOAT, ys :: LIST OF FLOAT, tag :: STRING?)"
        )
        def args(ctx: ProcedureContext, x: float, ys: list[float], tag: str | None) -> Any:
            seen.append((x, ys, tag))
            yield {"x": x, "ys": ys, "tag": tag}

        @registry.procedure("probe.touch(x :: ANY?) :: ()")
        def touch(ctx: ProcedureContext, x: Any) -> None:
            seen.append((x,))

        @registry.procedure("probe.strict(s :: STRING) :: (s :: STRING)")
        def strict(ctx: ProcedureContext, s: str) -> Any:
            return [(s,)]

        @registry.procedure("probe.context() :: (tx :: BOOLEAN, mode :: STRING, n :: INTEGER)")
        def context(ctx: ProcedureContext) -> Any:
            yield (ctx.tx is not None, ctx.database.storage_mode, ctx.parameters.get("n"))


@pytest.fixture
def probe(tmp_path: Path) -> Iterator[tuple[Database, Probe]]:
    plugin = Probe()
    host = PluginHost.create(load_entry_points=False)
    host.register(plugin, "probe")
    db = mgcore.connect(
        plugins=host, storage_mode="IN_MEMORY_TRANSACTIONAL", data_directory=str(tmp_path)
    )
    yield db, plugin
    db.close()


def test_defaults_and_coercion(probe: tuple[Database, Probe]) -> None:
    db, plugin = probe
    assert run(db, "CALL probe.args(1)") == (["x", "ys", "tag"], [[1.0, [1.0, 2.0], None]])
    value = run(db, "CALL probe.args(2, [3], 'a') YIELD x, ys, tag RETURN x, ys, tag")[1]
    assert value == [[2.0, [3.0], "a"]]
    assert all(isinstance(v, float) for v in plugin.seen[0][1])
    assert run(db, "CALL probe.args", x=5)[1] == [[5.0, [1.0, 2.0], None]]
    with pytest.raises(InvalidNumberOfArguments, match="between 1 and 3"):
        db.prepare("CALL probe.args()")
    with pytest.raises(InvalidArgumentType):
        db.prepare("CALL probe.args('one')")
    with pytest.raises(CypherTypeError, match="LIST OF FLOAT"):
        run(db, "CALL probe.args(1, ['a'])")


def test_non_nullable_parameter_rejects_null(probe: tuple[Database, Probe]) -> None:
    db, _ = probe
    with pytest.raises(InvalidArgumentType):
        db.prepare("CALL probe.strict(null)")
    with pytest.raises(CypherTypeError):
        run(db, "CALL probe.strict($s)", s=None)
    assert run(db, "CALL probe.strict('x')") == (["s"], [["x"]])


def test_void_procedure_runs_once_per_row(probe: tuple[Database, Probe]) -> None:
    db, plugin = probe
    keys, rows = run(db, "UNWIND [1, 2, 3] AS i CALL probe.touch(i) RETURN i")
    assert keys == ["i"] and rows == [[1], [2], [3]]
    assert plugin.seen == [(1,), (2,), (3,)]
    assert run(db, "CALL probe.touch(7)") == ([], [])
    assert plugin.seen[-1] == (7,)


def test_procedure_context(probe: tuple[Database, Probe]) -> None:
    db, _ = probe
    assert run(db, "CALL probe.context()", n=3)[1] == [[True, "IN_MEMORY_TRANSACTIONAL", 3]]


# ------------------------------------------------------------------------ built-ins


def test_builtin_procedures(scenario: Any) -> None:
    db = scenario()
    run(db, "CREATE (:A {name: 'x'})-[:T {w: 1}]->(:B)")
    assert run(db, "CALL db.labels()") == (["label"], [["A"], ["B"]])
    assert run(db, "CALL db.relationshipTypes()") == (["relationshipType"], [["T"]])
    assert run(db, "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey ORDER BY "
                   "propertyKey") == (["propertyKey"], [["name"], ["w"]])


def test_mg_procedures_columns(scenario: Any) -> None:
    db = scenario(CITIES)
    keys, rows = run(db, "CALL mg.procedures() YIELD *")
    assert keys == ["name", "signature", "is_write", "path", "is_editable"]
    by_name = {r[0]: r for r in rows}
    assert by_name["mg.procedures"][1] == (
        "mg.procedures() :: (name :: STRING, signature :: STRING, is_write :: BOOLEAN, "
        "path :: STRING, is_editable :: BOOLEAN)"
    )
    assert by_name["test.my.proc"][1:] == [
        "test.my.proc(name :: STRING?, id :: INTEGER?) :: "
        "(city :: STRING?, country_code :: INTEGER?)",
        False,
        "tck",
        False,
    ]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)


def test_mg_functions_columns(scenario: Any) -> None:
    db = scenario()
    keys, rows = run(db, "CALL mg.functions()")
    assert keys == ["name", "signature", "path", "is_editable"]
    names = [r[0] for r in rows]
    assert "toUpper" in names and "count" in names


# ------------------------------------------------------------------ signatures


def test_parse_signature() -> None:
    sig = parse_signature(
        "test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, code :: INTEGER?):"
    )
    assert sig.name == "test.my.proc"
    assert [(p.name, str(p.type)) for p in sig.parameters] == [
        ("name", "STRING?"), ("id", "INTEGER?")
    ]
    assert [c.name for c in sig.columns] == ["city", "code"]
    assert parse_signature("test.doNothing() :: ():").is_void
    assert parse_signature("a.b() :: VOID").is_void
    sig = parse_signature(
        "m.p(a :: INTEGER, b = 'x, y' :: STRING, c :: MAP = {k: [1]}) :: (r :: LIST<NODE?>)"
    )
    assert [p.default for p in sig.parameters[1:]] == ["x, y", {"k": [1]}]
    assert (sig.min_args, sig.max_args) == (1, 3)
    assert str(sig) == (
        "m.p(a :: INTEGER, b = 'x, y' :: STRING, c = {k: [1]} :: MAP) :: (r :: LIST OF NODE?)"
    )
    assert ProcedureSignature.parse(str(sig)) == sig


@pytest.mark.parametrize(
    "text", ["noparens", "m.p(a) :: ()", "m.p(a :: WHAT) :: ()", "m.p() :: r :: INTEGER",
             "m.p(a = 1 :: INTEGER, b :: INTEGER) :: ()"],
)
def test_bad_signatures(text: str) -> None:
    with pytest.raises(ValueError):
        parse_signature(text)


def test_cypher_types() -> None:
    assert CypherType.parse("list of integer?").element == CypherType("INTEGER", True)
    assert str(CypherType.parse("LIST<INTEGER>?")) == "LIST? OF INTEGER"
    assert CypherType.parse("LIST? OF INTEGER") == CypherType(
        "LIST", True, CypherType("INTEGER")
    )
    assert CypherType.parse("FLOAT").coerce(3) == 3.0
    assert CypherType.parse("NUMBER").coerce(3) == 3
    with pytest.raises(Exception):  # noqa: B017 - the internal mismatch marker
        CypherType.parse("INTEGER").coerce(True)


def test_table_procedure_header_checks() -> None:
    with pytest.raises(ValueError, match="header"):
        table_procedure("t.p(a :: INTEGER?) :: (b :: INTEGER?)", ["a", "c"], [])
    proc = table_procedure("t.p(a :: INTEGER?) :: (b :: INTEGER?)", ["b", "a"], [[2, 1]])
    assert isinstance(proc, Procedure)
    assert list(proc.impl(None, 1)) == [(2,)]
    assert list(proc.impl(None, 1.0)) == [(2,)]
    assert list(proc.impl(None, None)) == []


def test_registry_rejects_duplicates() -> None:
    registry = ProcedureRegistry()
    registry.add("a.b() :: ()", lambda ctx: None)
    with pytest.raises(ValueError, match="already registered"):
        registry.add("a.b() :: ()", lambda ctx: None)
    registry.add("a.b() :: (x :: INTEGER)", lambda ctx: [(1,)], replace=True)
    assert not registry.lookup("a.b").signature.is_void
    with pytest.raises(MgError):
        registry.lookup("a.c")
