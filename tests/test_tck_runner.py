"""Unit tests of the openCypher TCK runner (``mgcore.conformance.tck``): the Gherkin reader, the
TCK value literals and canonical forms, the scenario runner on the real embedded engine, and
``find_tck``."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tck_support as shared
from tck_support import check, database_factory, inline_scenario, q

from mgcore.conformance.tck import ENV_TCK, find_tck
from mgcore.conformance.tck.gherkin import (
    GherkinError,
    Scenario,
    Step,
    load_features,
    parse_feature,
    table_row,
)
from mgcore.conformance.tck.runner import (
    GraphState,
    RunnerError,
    ScenarioFailure,
    ScenarioRunner,
)
from mgcore.conformance.tck.values import (
    ValueSyntaxError,
    canonical,
    ignoring_list_order,
    parse_value,
    render,
    to_python,
)
from mgcore.values.graph import Node, Relationship
from mgcore.values.graph import Path as GraphPath


def write_feature(tmp_path: Path, text: str, name: str = "Sample.feature") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# ================================================================================== gherkin

FEATURE = '''
# a comment before the feature
@tagged
Feature: Sample

  Background:
    Given an empty graph

  # a comment between scenarios
  @slow @other
  Scenario: [3] Plain scenario
    And having executed:
      """
      CREATE (:A)
        -[:T]->(:B)
      """
    When executing query:
      """
      MATCH (n)
      RETURN n
      """
    Then the result should be, in any order:
      | a        | b    | c         |
      # a comment inside a table
      | 'x\\|y'  | 'p\\\\q' | 'l1\\nl2' |
    And no side effects

  Scenario Outline: [4] Outline <what> #Example: <ex>
    When executing query:
      """
      RETURN <value> AS <what>
      """
    Then the result should be, in order:
      | <what>  |
      | <value> |

    Examples:
      | what | value | ex  |
      | one  | 1     | int |
      | two  | 'two' | str |

  Scenario: Unnumbered
    Given any graph
    When executing query:
      """
      RETURN 1
      """
    Then the result should be empty
'''


@pytest.fixture
def sample(tmp_path: Path) -> list[Scenario]:
    return parse_feature(write_feature(tmp_path, FEATURE), "clauses/sample/Sample")


def test_gherkin_scenarios_are_expanded_in_file_order(sample: list[Scenario]) -> None:
    assert [s.id for s in sample] == [
        "clauses/sample/Sample [3] Plain scenario",
        "clauses/sample/Sample [4] Outline one #Example: int #1",
        "clauses/sample/Sample [4] Outline two #Example: str #2",
        "clauses/sample/Sample Unnumbered",
    ]
    plain, one, two, unnumbered = sample
    assert (plain.number, plain.example, plain.name) == (3, None, "Plain scenario")
    assert (one.number, one.example) == (4, 1)
    assert (two.number, two.example) == (4, 2)
    assert (unnumbered.number, unnumbered.example) == (None, None)
    assert plain.feature == "clauses/sample/Sample"


def test_gherkin_feature_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    scenarios = parse_feature(write_feature(tmp_path, FEATURE, "Other1.feature"))
    assert scenarios[0].id == "Other1 [3] Plain scenario"
    assert scenarios[0].path == tmp_path / "Other1.feature"


def test_gherkin_background_is_prepended_to_every_scenario(sample: list[Scenario]) -> None:
    for scenario in sample:
        assert scenario.steps[0].text == "an empty graph"
        assert scenario.steps[0].docstring is None
        assert scenario.steps[0].table == ()
    assert [s.text for s in sample[0].steps] == [
        "an empty graph",
        "having executed:",
        "executing query:",
        "the result should be, in any order:",
        "no side effects",
    ]
    assert [s.text for s in sample[3].steps] == [
        "an empty graph", "any graph", "executing query:", "the result should be empty",
    ]


def test_gherkin_docstrings_are_dedented_keeping_relative_indentation(
    sample: list[Scenario],
) -> None:
    assert sample[0].steps[1].docstring == "CREATE (:A)\n  -[:T]->(:B)"
    assert sample[0].steps[2].docstring == "MATCH (n)\nRETURN n"


def test_gherkin_table_cell_escapes_and_comments(sample: list[Scenario]) -> None:
    table = sample[0].steps[3].table
    assert table == (("a", "b", "c"), ("'x|y'", "'p\\q'", "'l1\nl2'"))


def test_gherkin_outline_placeholders_are_substituted_everywhere(
    sample: list[Scenario],
) -> None:
    one, two = sample[1], sample[2]
    assert one.name == "Outline one #Example: int"
    assert one.steps[1].docstring == "RETURN 1 AS one"
    assert one.steps[2].table == (("one",), ("1",))
    assert two.name == "Outline two #Example: str"
    assert two.steps[1].docstring == "RETURN 'two' AS two"
    assert two.steps[2].table == (("two",), ("'two'",))
    assert one.line == two.line


def test_gherkin_step_lines_are_one_based(sample: list[Scenario], tmp_path: Path) -> None:
    lines = (tmp_path / "Sample.feature").read_text().splitlines()
    for step in sample[0].steps:
        assert lines[step.line - 1].strip().endswith(step.text)
    assert lines[sample[0].line - 1].strip().startswith("Scenario: [3]")


def test_table_row_escapes() -> None:
    assert table_row("| a | b |") == ("a", "b")
    assert table_row(r"  | a\|b | c\\ | d\ne |  ") == ("a|b", "c\\", "d\ne")
    assert table_row(r"| \\| x |") == ("\\", "x")
    assert table_row("|  |") == ("",)
    with pytest.raises(ValueError):
        table_row("| a | b")


def test_gherkin_unterminated_docstring(tmp_path: Path) -> None:
    path = write_feature(tmp_path, '''
        Feature: Broken
          Scenario: s
            When executing query:
              """
              RETURN 1
        ''')
    with pytest.raises(GherkinError, match=r"Sample\.feature:4: unterminated docstring"):
        parse_feature(path)


def test_gherkin_step_outside_a_scenario(tmp_path: Path) -> None:
    path = write_feature(tmp_path, """
        Feature: Broken
          Given an empty graph
        """)
    with pytest.raises(GherkinError, match=r":2: a step outside a scenario"):
        parse_feature(path)


def test_gherkin_unexpected_line_and_examples_outside_a_scenario(tmp_path: Path) -> None:
    path = write_feature(tmp_path, """
        Feature: Broken
          Scenario: s
            Whence executing query:
        """)
    with pytest.raises(GherkinError, match=r":3: unexpected line"):
        parse_feature(path)
    path = write_feature(tmp_path, """
        Feature: Broken
          Examples:
            | a |
            | 1 |
        """)
    with pytest.raises(GherkinError, match="Examples outside a scenario"):
        parse_feature(path)


def test_gherkin_comments_between_a_step_and_its_table(tmp_path: Path) -> None:
    path = write_feature(tmp_path, """
        Feature: Comments
          Scenario: s
            Given parameters are:
              # the parameter
              | p | 1 |
            When executing query:
              # the query
              \"\"\"
              RETURN $p AS p
              \"\"\"
        """)
    (scenario,) = parse_feature(path)
    assert scenario.steps[0].table == (("p", "1"),)
    assert scenario.steps[1].docstring == "RETURN $p AS p"


def test_load_features_names_features_by_relative_path(tmp_path: Path) -> None:
    write_feature(tmp_path, FEATURE, "clauses/b/B1.feature")
    write_feature(tmp_path, FEATURE, "clauses/a/A1.feature")
    write_feature(tmp_path, "Feature: ignored\n", "clauses/a/notes.txt")
    scenarios = load_features(tmp_path)
    assert len(scenarios) == 8
    assert [s.feature for s in scenarios] == ["clauses/a/A1"] * 4 + ["clauses/b/B1"] * 4
    assert scenarios[0].id == "clauses/a/A1 [3] Plain scenario"


# =================================================================================== values

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("null", ("null",)),
        ("true", ("bool", True)),
        ("false", ("bool", False)),
        ("0", ("int", 0)),
        ("42", ("int", 42)),
        ("-7", ("int", -7)),
        ("0x1F", ("int", 31)),
        ("-0x1f", ("int", -31)),
        ("0o17", ("int", 15)),
        ("9223372036854775807", ("int", 2**63 - 1)),
        ("1.5", ("float", 1.5)),
        ("-2.25", ("float", -2.25)),
        ("1.0", ("float", 1.0)),
        ("1e3", ("float", 1000.0)),
        ("1.5E-2", ("float", 0.015)),
        ("-2e+2", ("float", -200.0)),
        (".5", ("float", 0.5)),
        ("-.5", ("float", -0.5)),
        ("Infinity", ("float", math.inf)),
        ("-Infinity", ("float", -math.inf)),
        ("NaN", ("float", "nan")),
        ("''", ("str", "")),
        ("'abc'", ("str", "abc")),
        (r"'it\'s'", ("str", "it's")),
        (r"'a\\b'", ("str", "a\\b")),
        (r"'tab\there\nnew'", ("str", "tab\there\nnew")),
        (r"'\u00e9'", ("str", "é")),
        ("'\"quoted\"'", ("str", '"quoted"')),
        ("[]", ("list", ())),
        ("[1, 'a', null]", ("list", (("int", 1), ("str", "a"), ("null",)))),
        ("[[1], []]", ("list", (("list", (("int", 1),)), ("list", ())))),
        ("{}", ("map", ())),
        ("{b: 2, a: 1}", ("map", (("a", ("int", 1)), ("b", ("int", 2))))),
        ("{`a b`: true, `c`: null}", ("map", (("a b", ("bool", True)), ("c", ("null",))))),
        ("{null: 1}", ("map", (("null", ("int", 1)),))),
        ("()", ("node", frozenset(), ())),
        ("(:A)", ("node", frozenset({"A"}), ())),
        ("(:A:B {name: 'x'})", ("node", frozenset({"A", "B"}), (("name", ("str", "x")),))),
        ("({n: 1})", ("node", frozenset(), (("n", ("int", 1)),))),
        ("(:`My Label`)", ("node", frozenset({"My Label"}), ())),
        ("[:T]", ("rel", "T", ())),
        ("[:T {w: 1.5}]", ("rel", "T", (("w", ("float", 1.5)),))),
        ("<()>", ("path", ("node", frozenset(), ()), ())),
        (
            "<(:A)-[:T]->(:B)<-[:U {k: 1}]-()>",
            (
                "path",
                ("node", frozenset({"A"}), ()),
                (
                    ("->", ("rel", "T", ()), ("node", frozenset({"B"}), ())),
                    ("<-", ("rel", "U", (("k", ("int", 1)),)), ("node", frozenset(), ())),
                ),
            ),
        ),
    ],
)
def test_parse_value_literals(text: str, expected: Any) -> None:
    assert parse_value(text) == expected
    assert parse_value(f"  {text}  ") == expected


def test_parse_value_nested_structures() -> None:
    value = parse_value("[{a: [(:N {x: [1, 2]}), [:R]]}, <(:A)-[:R]->(:B)>]")
    assert value[0] == "list"
    inner_map = value[1][0]
    assert inner_map[0] == "map"
    assert inner_map[1][0][0] == "a"
    assert inner_map[1][0][1][1][0] == (
        "node", frozenset({"N"}), (("x", ("list", (("int", 1), ("int", 2)))),)
    )
    assert value[1][1][0] == "path"


def test_integer_float_and_boolean_differ() -> None:
    one, one_float, true = parse_value("1"), parse_value("1.0"), parse_value("true")
    assert one != one_float
    assert one != true
    assert one_float != true
    assert parse_value("0") != parse_value("false")
    assert parse_value("[1]") != parse_value("[1.0]")
    assert canonical(1) != canonical(1.0)
    assert canonical(1) != canonical(True)
    assert canonical(0) != canonical(False)
    assert canonical(1) == parse_value("1")
    assert canonical(1.0) == parse_value("1.0")
    assert canonical(True) == parse_value("true")
    assert canonical("1") != parse_value("1")


def test_nan_equals_nan() -> None:
    assert parse_value("NaN") == parse_value("NaN")
    assert canonical(math.nan) == parse_value("NaN")
    assert canonical([math.nan]) == parse_value("[NaN]")
    assert hash(canonical(float("nan"))) == hash(parse_value("NaN"))
    assert canonical(math.nan) != canonical(math.inf)
    assert canonical(math.inf) == parse_value("Infinity")
    assert canonical(-math.inf) == parse_value("-Infinity")


def test_canonical_of_plain_values() -> None:
    assert canonical(None) == parse_value("null")
    assert canonical(-3) == parse_value("-3")
    assert canonical(0.5) == parse_value(".5")
    assert canonical("it's") == parse_value(r"'it\'s'")
    assert canonical([1, "a", None]) == parse_value("[1, 'a', null]")
    assert canonical((1, 2)) == parse_value("[1, 2]")
    assert canonical({"b": [True], "a": {"c": 1.5}}) == parse_value(
        "{a: {c: 1.5}, b: [true]}"
    )
    assert canonical({"x": 1}) != parse_value("{x: 2}")
    assert canonical({"x": 1}) != parse_value("{y: 1}")
    assert canonical([1, 2]) != parse_value("[2, 1]")
    other = canonical(object())
    assert other[:2] == ("other", "object")


def test_canonical_of_node_relationship_and_path() -> None:
    a = Node(1, ("B", "A"), {"name": "a", "n": 1})
    b = Node(2, ("C",), {})
    c = Node(3, (), {"xs": [1, 2.0]})
    knows = Relationship(10, 1, 2, "KNOWS", {"since": 2020})
    likes = Relationship(11, 3, 2, "LIKES", {})
    assert canonical(a) == parse_value("(:A:B {n: 1, name: 'a'})")
    assert canonical(a) == parse_value("(:B:A {name: 'a', n: 1})")
    assert canonical(Node(1, ("A", "B"), {"name": "a", "n": 1})) == canonical(a)
    assert canonical(a) != parse_value("(:A {n: 1, name: 'a'})")
    assert canonical(a) != parse_value("(:A:B {n: 1})")
    assert canonical(a) != parse_value("(:A:B {n: 1.0, name: 'a'})")
    assert canonical(b) == parse_value("(:C)")
    assert canonical(c) == parse_value("({xs: [1, 2.0]})")
    assert canonical(knows) == parse_value("[:KNOWS {since: 2020}]")
    assert canonical(knows) != parse_value("[:LIKES {since: 2020}]")
    assert canonical(likes) == parse_value("[:LIKES]")
    path = GraphPath((a, b, c), (knows, likes))
    assert canonical(path) == parse_value(
        "<(:A:B {name: 'a', n: 1})-[:KNOWS {since: 2020}]->(:C)<-[:LIKES]-({xs: [1, 2.0]})>"
    )
    assert canonical(path) != parse_value(
        "<(:A:B {name: 'a', n: 1})-[:KNOWS {since: 2020}]->(:C)-[:LIKES]->({xs: [1, 2.0]})>"
    )
    reverse = GraphPath((c, b, a), (likes, knows))
    assert canonical(reverse) == parse_value(
        "<({xs: [1, 2.0]})-[:LIKES]->(:C)<-[:KNOWS {since: 2020}]-(:A:B {name: 'a', n: 1})>"
    )
    assert canonical(GraphPath((b,))) == parse_value("<(:C)>")
    loop = Relationship(12, 2, 2, "SELF", {})
    assert canonical(GraphPath((b, b), (loop,))) == parse_value("<(:C)-[:SELF]->(:C)>")
    assert canonical([a, {"r": knows}]) == parse_value(
        "[(:A:B {name: 'a', n: 1}), {r: [:KNOWS {since: 2020}]}]"
    )


def test_canonical_ignores_identities() -> None:
    assert canonical(Node(1, ("A",), {})) == canonical(Node(99, ("A",), {}))
    assert canonical(Relationship(1, 1, 2, "T", {})) == canonical(Relationship(7, 5, 6, "T", {}))


def test_ignoring_list_order_at_depth() -> None:
    left = parse_value("[[3, 1, 2], {k: [2, 1]}, 'a']")
    right = parse_value("['a', {k: [1, 2]}, [2, 3, 1]]")
    assert left != right
    assert ignoring_list_order(left) == ignoring_list_order(right)
    assert ignoring_list_order(parse_value("[1, 2]")) != ignoring_list_order(
        parse_value("[1, 2, 2]")
    )
    assert ignoring_list_order(parse_value("[1, 2]")) != ignoring_list_order(
        parse_value("[1.0, 2]")
    )
    assert ignoring_list_order(canonical([[2, 1], [1]])) == ignoring_list_order(
        parse_value("[[1], [1, 2]]")
    )
    assert ignoring_list_order(parse_value("{a: [2, 1], b: 1}")) == parse_value(
        "{a: [1, 2], b: 1}"
    )
    scalar = parse_value("1")
    assert ignoring_list_order(scalar) == scalar
    node = parse_value("(:A {x: 1})")
    assert ignoring_list_order(node) == node


@pytest.mark.parametrize(
    ("text", "python"),
    [
        ("null", None),
        ("true", True),
        ("-12", -12),
        ("0x10", 16),
        ("2.5", 2.5),
        ("'s\\'q'", "s'q"),
        ("[1, [2, 'x'], null]", [1, [2, "x"], None]),
        ("{a: 1, `b c`: [true]}", {"a": 1, "b c": [True]}),
        ("Infinity", math.inf),
    ],
)
def test_to_python(text: str, python: Any) -> None:
    value = to_python(parse_value(text))
    assert value == python
    assert type(value) is type(python)
    assert canonical(value) == parse_value(text)


def test_to_python_nan_and_graph_values() -> None:
    assert math.isnan(to_python(parse_value("NaN")))
    for text in ("(:A)", "[:T]", "<()>", "[(:A)]"):
        with pytest.raises(ValueSyntaxError):
            to_python(parse_value(text))


@pytest.mark.parametrize(
    "text",
    [
        "null", "true", "false", "0", "-5", "1.5", "1.0", "-0.25", "1e+20", "1e-05",
        "NaN", "Infinity", "-Infinity",
        "''", "'abc'", r"'it\'s'", r"'back\\slash'", r"'line\nbreak'",
        "[]", "[1, 'a', [null, 2.0]]", "{}", "{a: 1, b: 'x'}", "{`a b`: 1, `1x`: 2}",
        "()", "(:A)", "(:A:B {x: 1, y: [1, 2]})", "(:`My Label` {`a-b`: 1})",
        "[:T]", "[:T {w: 0.5}]", "[:`MY TYPE`]",
        "<()>", "<(:A)-[:T]->(:B)<-[:U {k: 'v'}]-({n: 1})>",
        "[<(:A)-[:T]->()>, {p: (:X)}]",
    ],
)
def test_render_round_trips(text: str) -> None:
    value = parse_value(text)
    assert parse_value(render(value)) == value


def test_render_output() -> None:
    assert render(parse_value("1")) == "1"
    assert render(parse_value("1.0")) == "1.0"
    assert render(parse_value("true")) == "true"
    assert render(parse_value("null")) == "null"
    assert render(parse_value("NaN")) == "NaN"
    assert render(parse_value("-Infinity")) == "-Infinity"
    assert render(parse_value(r"'it\'s'")) == r"'it\'s'"
    assert render(parse_value("{b: 1, a: [2]}")) == "{a: [2], b: 1}"
    assert render(parse_value("(:B:A {x: 1})")) == "(:A:B {x: 1})"
    assert render(parse_value("<(:A)-[:T]->(:B)<-[:U]-(:C)>")) == "<(:A)-[:T]->(:B)<-[:U]-(:C)>"
    assert render(canonical(object())).startswith("object(")


def test_render_of_mgcore_values_round_trips() -> None:
    a = Node(1, ("A",), {"xs": [1, 2.5], "s": "q'uote"})
    b = Node(2, (), {})
    rel = Relationship(3, 2, 1, "R", {"w": math.inf})
    value = canonical([GraphPath((a, b), (rel,)), {"n": a, "r": rel}])
    assert parse_value(render(value)) == value


@pytest.mark.parametrize(
    "text",
    [
        "", "garbage", "1 2", "[1,", "{a 1}", "'unterminated", "(:A", "[:T",
        "<(:A)-[:T]-", "{a: }", "1..2", "nan", "TRUE", "[:]", "(A)", "0x",
    ],
)
def test_value_syntax_errors(text: str) -> None:
    with pytest.raises(ValueSyntaxError, match="cannot read TCK value"):
        parse_value(text)


def test_value_syntax_error_is_a_value_error() -> None:
    assert issubclass(ValueSyntaxError, ValueError)
    assert issubclass(GherkinError, ValueError)


# =================================================================================== runner


@pytest.fixture
def open_database(tmp_path: Path) -> Callable[[list[Any]], Any]:
    return database_factory(tmp_path)


@pytest.fixture
def graphs(tmp_path: Path) -> Path:
    root = tmp_path / "graphs"
    tree = root / "binary-tree-1"
    tree.mkdir(parents=True)
    (tree / "binary-tree-1.cypher").write_text(
        "CREATE (root:A {name: 'root'}),\n"
        "  (root)-[:LINK]->(:B {name: 'left'}),\n"
        "  (root)-[:LINK]->(:B {name: 'right'})\n",
        encoding="utf-8",
    )
    return root


RunScenario = Callable[[str], None]


@pytest.fixture
def run_scenario(
    tmp_path: Path, open_database: Callable[[list[Any]], Any], graphs: Path
) -> RunScenario:
    """Parses the body of one scenario (steps only) and runs it."""
    def run(steps: str) -> None:
        ScenarioRunner(inline_scenario(tmp_path, steps), open_database, graphs).run()

    return run


def test_runner_passes_a_simple_result(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        When executing query:
        {q("RETURN 1 AS one, 1.0 AS f, true AS b, 'x' AS s, null AS n, [1, 2] AS l")}
        Then the result should be, in any order:
          | one | f   | b    | s   | n    | l      |
          | 1   | 1.0 | true | 'x' | null | [1, 2] |
        And no side effects
        """)


def test_runner_built_from_step_objects(
    tmp_path: Path, open_database: Callable[[list[Any]], Any], graphs: Path
) -> None:
    steps = (
        Step("an empty graph", None, (), 1),
        Step("having executed:", "CREATE (:A {x: 1}), (:A {x: 2})", (), 2),
        Step("executing query:", "MATCH (a:A) RETURN a.x AS x ORDER BY x", (), 3),
        Step("the result should be, in order:", None, (("x",), ("1",), ("2",)), 4),
        Step("no side effects", None, (), 5),
    )
    scenario = Scenario(tmp_path / "x.feature", "x", 1, "objects", None, steps, 1)
    ScenarioRunner(scenario, open_database, graphs).run()
    assert len(open_database.opened) == 1  # type: ignore[attr-defined]

    wrong = Scenario(
        tmp_path / "x.feature", "x", 2, "objects", None,
        (*steps[:3], Step("the result should be, in order:", None, (("x",), ("2",), ("1",)), 4)),
        1,
    )
    with pytest.raises(ScenarioFailure, match=r"result differs \(order matters\)"):
        ScenarioRunner(wrong, open_database, graphs).run()


def test_runner_wrong_rows_fail(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match="result differs") as info:
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("UNWIND [1, 2] AS x RETURN x")}
            Then the result should be, in any order:
              | x |
              | 1 |
              | 3 |
            """)
    message = str(info.value)
    assert "expected:" in message and "actual:" in message
    assert "| 3 |" in message and "| 2 |" in message


def test_runner_row_multiplicity_matters(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("UNWIND [1, 1, 2] AS x RETURN x")}
            Then the result should be, in any order:
              | x |
              | 1 |
              | 2 |
              | 2 |
            """)


def test_runner_value_types_matter(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("RETURN 1 AS x")}
            Then the result should be, in any order:
              | x   |
              | 1.0 |
            """)


def test_runner_wrong_column_names_fail(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match=r"columns differ: expected \['y'\], got \['x'\]"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("RETURN 1 AS x")}
            Then the result should be, in any order:
              | y |
              | 1 |
            """)
    with pytest.raises(ScenarioFailure, match="columns differ"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("RETURN 1 AS a, 2 AS b")}
            Then the result should be, in any order:
              | b | a |
              | 2 | 1 |
            """)


def test_runner_order_matters_only_in_order(run_scenario: RunScenario) -> None:
    query = q("UNWIND [3, 1, 2] AS x RETURN x ORDER BY x DESC")
    run_scenario(f"""
        Given an empty graph
        When executing query:
        {query}
        Then the result should be, in order:
          | x |
          | 3 |
          | 2 |
          | 1 |
        """)
    run_scenario(f"""
        Given an empty graph
        When executing query:
        {query}
        Then the result should be, in any order:
          | x |
          | 1 |
          | 2 |
          | 3 |
        """)
    with pytest.raises(ScenarioFailure, match="order matters"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {query}
            Then the result should be, in order:
              | x |
              | 1 |
              | 2 |
              | 3 |
            """)


def test_runner_result_should_be_empty(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        When executing query:
        {q("MATCH (n) RETURN n")}
        Then the result should be empty
        And no side effects
        """)
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("RETURN 1 AS x")}
            Then the result should be empty
            """)


def test_runner_ignoring_element_order_for_lists(run_scenario: RunScenario) -> None:
    query = q("RETURN [3, 1, 2] AS l, {k: [2, 1]} AS m")
    for heading in (
        "the result should be (ignoring element order for lists):",
        "the result should be, in order (ignoring element order for lists):",
        "the result should be, in any order (ignoring element order for lists):",
    ):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {query}
            Then {heading}
              | l         | m         |
              | [1, 2, 3] | {{k: [1, 2]}} |
            """)
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {query}
            Then the result should be, in any order:
              | l         | m         |
              | [1, 2, 3] | {{k: [1, 2]}} |
            """)
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {query}
            Then the result should be (ignoring element order for lists):
              | l         | m         |
              | [1, 2, 2] | {{k: [1, 2]}} |
            """)


def test_runner_graph_values_in_results(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        And having executed:
        {q("CREATE (:A:B {x: 1})-[:T {w: 2}]->(:C)")}
        When executing query:
        {q("MATCH p = (c:C)<-[r]-(a) RETURN a, r, c, p")}
        Then the result should be, in any order:
          | a                | r             | c    | p                                    |
          | (:B:A {{x: 1}}) | [:T {{w: 2}}] | (:C) | <(:C)<-[:T {{w: 2}}]-(:A:B {{x: 1}})> |
        And no side effects
        """)
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            And having executed:
            {q("CREATE (:A:B {x: 1})-[:T {w: 2}]->(:C)")}
            When executing query:
            {q("MATCH p = (c:C)<-[r]-(a) RETURN p")}
            Then the result should be, in any order:
              | p                                    |
              | <(:C)-[:T {{w: 2}}]->(:A:B {{x: 1}})> |
            """)


SIDE_EFFECT_CASES = [
    ("CREATE ()", {}, "+nodes"),
    ("CREATE (:A), (:A)", {"+nodes": 2, "+labels": 1}, None),
    ("CREATE (:A {x: 1, y: 2})", {"+nodes": 1, "+labels": 1, "+properties": 2}, None),
    ("CREATE ()-[:T {w: 1}]->()", {"+nodes": 2, "+relationships": 1, "+properties": 1}, None),
    ("MATCH (n:Existing) SET n.p = 2", {"+properties": 1, "-properties": 1}, None),
    ("MATCH (n:Existing) SET n.p = 1", {}, None),
    ("MATCH (n:Existing) SET n.q = 1", {"+properties": 1}, None),
    ("MATCH (n:Existing) REMOVE n.p", {"-properties": 1}, None),
    ("MATCH (n:Existing) SET n:New", {"+labels": 1}, None),
    ("MATCH (n:Existing) REMOVE n:Existing", {"-labels": 1}, None),
    ("MATCH (n:Existing) DETACH DELETE n",
     {"-nodes": 1, "-labels": 1, "-relationships": 1, "-properties": 2}, None),
    ("MATCH ()-[r:R]->() DELETE r", {"-relationships": 1, "-properties": 1}, None),
    ("MATCH ()-[r:R]->() SET r.k = 'new'", {"+properties": 1, "-properties": 1}, None),
]


@pytest.mark.parametrize(("query", "effects", "unused"), SIDE_EFFECT_CASES)
def test_runner_side_effects_by_graph_diff(
    run_scenario: RunScenario, query: str, effects: dict[str, int], unused: str | None
) -> None:
    setup = q("CREATE (:Existing {p: 1})-[:R {k: 'old'}]->(:Other)")
    if effects:
        rows = "\n".join(f"  | {key} | {value} |" for key, value in effects.items())
        expectation = f"And the side effects should be:\n{rows}"
    elif unused:
        expectation = f"And the side effects should be:\n  | {unused} | 1 |"
        effects = {unused: 1}
    else:
        expectation = "And no side effects"
    scenario = f"""
        Given an empty graph
        And having executed:
        {setup}
        When executing query:
        {q(query)}
        Then the result should be empty
        """
    run_scenario(scenario + textwrap.indent(expectation, "        ") + "\n")
    # One more or one less of any counter must fail.
    key, value = next(iter(effects.items()), ("+properties", 0))
    wrong = {**effects, key: value + 1}
    rows = "\n".join(f"  | {k} | {v} |" for k, v in wrong.items())
    with pytest.raises(ScenarioFailure, match="side effects differ"):
        run_scenario(
            scenario
            + textwrap.indent(f"And the side effects should be:\n{rows}", "        ")
            + "\n"
        )


def test_runner_no_side_effects_fails_on_a_write(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match=r"side effects differ: expected none, got "
                                              r"\{'\+nodes': 1\}"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("CREATE ()")}
            Then the result should be empty
            And no side effects
            """)


def test_runner_side_effect_zero_rows_and_unknown_keys(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        When executing query:
        {q("CREATE (:L)")}
        Then the result should be empty
        And the side effects should be:
          | +nodes     | 1 |
          | +labels    | 1 |
          | -nodes     | 0 |
        """)
    with pytest.raises(RunnerError, match="unknown side effects"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("CREATE ()")}
            Then the result should be empty
            And the side effects should be:
              | +nodes  | 1 |
              | +things | 1 |
            """)


def test_graph_state_diff(open_database: Callable[[list[Any]], Any]) -> None:
    database = open_database([])
    try:
        session = database.session()
        session.run("CREATE (:A {x: 1, y: 2})-[:T {w: 1}]->(:B)").consume()
        before = GraphState.read(database)
        assert len(before.nodes) == 2
        assert len(before.relationships) == 1
        assert before.labels == frozenset({"A", "B"})
        assert sum(before.properties.values()) == 3
        assert before.diff(before) == dict.fromkeys(before.diff(before), 0)
        session.run("MATCH (a:A) SET a.x = 5, a:C REMOVE a.y").consume()
        after = GraphState.read(database)
        assert before.diff(after) == {
            "+nodes": 0, "-nodes": 0, "+relationships": 0, "-relationships": 0,
            "+labels": 1, "-labels": 0, "+properties": 1, "-properties": 2,
        }
        assert after.diff(before)["-labels"] == 1
        session.close()
    finally:
        database.close()


def test_runner_expected_error_passes(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given any graph
        When executing query:
        {q("RETURN 1 / 0 AS x")}
        Then a ArithmeticError should be raised at runtime: DivisionByZero
        """)
    check(run_scenario, shared.SYNTAX_ERROR_AT_COMPILE_TIME)
    run_scenario(f"""
        Given any graph
        When executing query:
        {q("RETURN toInteger([1]) AS x")}
        Then a TypeError should be raised at any time: *
        And no side effects
        """)
    run_scenario(f"""
        Given any graph
        When executing query:
        {q("RETURN 1 +")}
        Then a SyntaxError should be raised at any time: UnexpectedSyntax
        """)


def test_runner_error_with_a_named_detail(run_scenario: RunScenario) -> None:
    check(run_scenario, shared.PROCEDURE_NOT_FOUND)
    run_scenario(f"""
        Given any graph
        When executing query:
        {q("CALL no.such.procedure()")}
        Then a ProcedureError should be raised at compile time: *
        """)
    check(run_scenario, shared.PROCEDURE_ERROR_OF_THE_WRONG_DETAIL)


def test_runner_expected_error_that_does_not_occur(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match=r"expected ArithmeticError \(DivisionByZero\) at "
                                              r"runtime, but the query succeeded with 1 rows"):
        run_scenario(f"""
            Given any graph
            When executing query:
            {q("RETURN 1 / 1 AS x")}
            Then a ArithmeticError should be raised at runtime: DivisionByZero
            """)


def test_runner_error_of_the_wrong_kind(run_scenario: RunScenario) -> None:
    check(run_scenario, shared.ERROR_OF_THE_WRONG_KIND)


def test_runner_error_in_the_wrong_phase(run_scenario: RunScenario) -> None:
    check(
        run_scenario,
        shared.RUNTIME_ERROR_EXPECTED_AT_COMPILE_TIME,
        shared.SYNTAX_ERROR_EXPECTED_AT_RUNTIME,
    )


def test_runner_unexpected_error(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match=r"a result was expected; got ArithmeticError at "
                                              r"runtime"):
        run_scenario(f"""
            Given any graph
            When executing query:
            {q("RETURN 1 / 0 AS x")}
            Then the result should be, in any order:
              | x |
              | 1 |
            """)
    with pytest.raises(ScenarioFailure, match="a result was expected; got SyntaxError at compile"):
        run_scenario(f"""
            Given any graph
            When executing query:
            {q("RETURN 1 +")}
            Then the result should be empty
            """)
    # An error that no step looks at fails the scenario when it ends.
    check(run_scenario, shared.UNCHECKED_ERROR)


def test_runner_runtime_error_rolls_back(run_scenario: RunScenario) -> None:
    check(run_scenario, shared.RUNTIME_ERROR_ROLLS_BACK)


def test_runner_failing_setup(run_scenario: RunScenario) -> None:
    with pytest.raises(ScenarioFailure, match="set-up query failed with CypherSyntaxError"):
        run_scenario(shared.FAILING_SETUP_STEPS)


def test_runner_unknown_step(run_scenario: RunScenario) -> None:
    with pytest.raises(RunnerError, match=r"unknown step 'the moon is full' \(line 5\)"):
        run_scenario("""
            Given an empty graph
            And the moon is full
            """)


def test_runner_expectation_before_a_query(run_scenario: RunScenario) -> None:
    with pytest.raises(RunnerError, match="before any query"):
        run_scenario("""
            Given an empty graph
            Then the result should be empty
            """)


def test_runner_named_graph(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given the binary-tree-1 graph
        When executing query:
        {q("MATCH (:A {name: 'root'})-[:LINK]->(b:B) RETURN b.name AS name")}
        Then the result should be, in any order:
          | name    |
          | 'left'  |
          | 'right' |
        And no side effects
        """)
    with pytest.raises(RunnerError, match=r"named graph 'binary-tree-9' not found"):
        run_scenario("""
            Given the binary-tree-9 graph
            """)


def test_runner_named_graph_then_more_setup(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given the binary-tree-1 graph
        And having executed:
        {q("MATCH (b:B {name: 'left'}) SET b.extra = true")}
        When executing query:
        {q("MATCH (b:B) WHERE b.extra RETURN count(*) AS c")}
        Then the result should be, in any order:
          | c |
          | 1 |
        """)


def test_runner_parameters(run_scenario: RunScenario) -> None:
    run_scenario(rf"""
        Given an empty graph
        And parameters are:
          | int  | -3                       |
          | list | [1, 'a', null, 2.5]      |
          | map  | {{k: 'v', `x y`: true}} |
          | str  | 'it\'s'                  |
        When executing query:
        {q("RETURN $int AS i, $list AS l, $map.k AS k, $map['x y'] AS xy, $str AS s")}
        Then the result should be, in any order:
          | i  | l                   | k   | xy   | s       |
          | -3 | [1, 'a', null, 2.5] | 'v' | true | 'it\'s' |
        """)
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            And parameters are:
              | p | 1 |
            When executing query:
            {q("RETURN $p AS p")}
            Then the result should be, in any order:
              | p   |
              | '1' |
            """)


def test_runner_control_query_is_not_measured(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        When executing query:
        {q("CREATE (:A {x: 1}), (:A {x: 2})")}
        Then the result should be empty
        And the side effects should be:
          | +nodes      | 2 |
          | +labels     | 1 |
          | +properties | 2 |
        When executing control query:
        {q("MATCH (a:A) RETURN a.x AS x ORDER BY x")}
        Then the result should be, in order:
          | x |
          | 1 |
          | 2 |
        """)
    with pytest.raises(ScenarioFailure, match="result differs"):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("CREATE (:A {x: 1})")}
            Then the result should be empty
            When executing control query:
            {q("MATCH (a:A) RETURN a.x AS x")}
            Then the result should be empty
            """)


def test_runner_opens_one_fresh_database_per_scenario(
    run_scenario: RunScenario, open_database: Callable[[list[Any]], Any]
) -> None:
    for _ in range(2):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("CREATE (:Once)")}
            Then the result should be empty
            When executing control query:
            {q("MATCH (n) RETURN count(n) AS c")}
            Then the result should be, in any order:
              | c |
              | 1 |
            """)
    opened = open_database.opened  # type: ignore[attr-defined]
    assert len(opened) == 2
    assert opened[0] is not opened[1]


def test_runner_closes_the_database_on_failure(
    run_scenario: RunScenario, open_database: Callable[[list[Any]], Any]
) -> None:
    with pytest.raises(ScenarioFailure):
        run_scenario(f"""
            Given an empty graph
            When executing query:
            {q("RETURN 2 AS x")}
            Then the result should be, in any order:
              | x |
              | 1 |
            """)
    (database,) = open_database.opened  # type: ignore[attr-defined]
    assert database.open_transaction_count == 0
    with pytest.raises(Exception):  # noqa: B017 - any error: the database is closed
        database.session().run("RETURN 1").consume()


def test_runner_a_scenario_without_a_query_opens_no_database(
    tmp_path: Path, open_database: Callable[[list[Any]], Any], graphs: Path
) -> None:
    scenario = Scenario(tmp_path / "x.feature", "x", None, "empty", None,
                        (Step("any graph", None, (), 1),), 1)
    ScenarioRunner(scenario, open_database, graphs).run()
    assert open_database.opened == []  # type: ignore[attr-defined]


# ================================================================================= find_tck


def make_tck(root: Path) -> Path:
    (root / "features").mkdir(parents=True)
    (root / "graphs").mkdir()
    return root


def test_find_tck_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TCK, str(make_tck(tmp_path / "from-env")))
    option = make_tck(tmp_path / "from-option")
    assert find_tck(str(option)) == option


def test_find_tck_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tck(tmp_path / "tck")
    monkeypatch.setenv(ENV_TCK, str(root))
    assert find_tck() == root
    assert find_tck(None) == root


def test_find_tck_named_directory_must_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(FileNotFoundError, match="no TCK at"):
        find_tck(str(tmp_path / "missing"))
    no_features = tmp_path / "empty"
    no_features.mkdir()
    with pytest.raises(FileNotFoundError, match="'features' directory"):
        find_tck(str(no_features))
    monkeypatch.setenv(ENV_TCK, str(tmp_path / "missing-too"))
    with pytest.raises(FileNotFoundError):
        find_tck()


def test_find_tck_default_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mgcore.conformance import tck

    monkeypatch.delenv(ENV_TCK, raising=False)
    first, second = tmp_path / "a" / "tck", make_tck(tmp_path / "b" / "tck")
    monkeypatch.setattr(tck, "default_locations", lambda: [first, second])
    assert find_tck() == second
    make_tck(first)
    assert find_tck() == first
    monkeypatch.setattr(tck, "default_locations", lambda: [tmp_path / "none"])
    assert find_tck() is None
    assert find_tck("") is None


def test_default_locations_include_the_shared_tck_next_to_the_project() -> None:
    from mgcore.conformance import tck

    locations = tck.default_locations()
    project_root = Path(tck.__file__).resolve().parents[3]
    assert project_root / "mgcore" / "conformance" / "tck" / "__init__.py" == Path(
        tck.__file__
    ).resolve()
    assert locations[0] == project_root.parent / "shared" / "tck"
    assert locations[1] == Path.cwd().resolve().parent / "shared" / "tck"


def test_runner_an_error_kind_with_parameters(run_scenario: RunScenario) -> None:
    run_scenario(f"""
        Given an empty graph
        And parameters are:
          | re | '[' |
        When executing query:
        {q("RETURN 'a' =~ $re AS matches")}
        Then an ArgumentError should be raised at runtime: *
        """)


def test_runner_an_unchecked_error_is_not_lost_by_a_later_query(
    run_scenario: RunScenario,
) -> None:
    with pytest.raises(ScenarioFailure, match="no error was expected; got ArithmeticError"):
        run_scenario(f"""
            Given any graph
            When executing query:
            {q("RETURN 1 / 0 AS x")}
            When executing query:
            {q("RETURN 1 AS x")}
            Then the result should be, in any order:
              | x |
              | 1 |
            """)
