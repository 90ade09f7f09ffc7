"""Index seeks through Cypher: once an index exists, the planner seeks through it (EXPLAIN shows
Memgraph's operator), and a query returns the same rows as the same predicate written so that no
index can serve it. Without an index the plan is ScanAll and Filter."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.values.compare import order_key

VALUES = [0, 1, 2, -1, 2.5, 1.0, float("nan"), "a", "ab", "b", "", True, False, [1], None]
ARGS = [1, 2.5, "a", "", True, None, [1, 2], float("nan")]
PREDICATES = [
    ("n.p = $a", "ScanAllByLabelPropertyValue (n :L {p})"),
    ("n.p IN [$a, 1]", "ScanAllByLabelPropertyValue (n :L {p})"),
    ("n.p > $a", "ScanAllByLabelPropertyRange (n :L {p})"),
    ("n.p >= $a AND n.p < 3", "ScanAllByLabelPropertyRange (n :L {p})"),
    ("n.p <= $a", "ScanAllByLabelPropertyRange (n :L {p})"),
    ("n.p STARTS WITH $a", "ScanAllByLabelPropertyRange (n :L {p})"),
    ("n.p IS NOT NULL", "ScanAllByLabelProperty (n :L {p})"),
]


def _plan(session: Any, query: str) -> list[str]:
    return [row[0] for row in session.run("EXPLAIN " + query, a=1)]


def _rows(session: Any, query: str, a: Any) -> list[Any]:
    ids = [row[0] for row in session.run(query, a=a)]
    return sorted(ids, key=order_key)


def test_without_index_scan_all_and_filter(session: Any) -> None:
    lines = _plan(session, "MATCH (n:NoIndexHere {p: 1}) RETURN n")
    assert " * ScanAll (n)" in lines
    assert not any("ScanAllBy" in line for line in lines)


@pytest.mark.requires("label_property_index")
def test_seeks_return_the_rows_of_a_scan(session: Any) -> None:
    session.run("CREATE INDEX ON :L(p)").consume()
    for i, value in enumerate(VALUES):
        session.run("CREATE (n:L {id: $i}) SET n.p = $v", i=i, v=value).consume()
        session.run("CREATE (n:Other {id: $i}) SET n.p = $v", i=i, v=value).consume()
    for predicate, operator in PREDICATES:
        query = f"MATCH (n:L) WHERE {predicate} RETURN n.id"
        assert f" * {operator}" in _plan(session, query), predicate
        reference = f"MATCH (n:L) WHERE ({predicate}) = true RETURN n.id"
        assert not any("ScanAllByLabelProperty" in line for line in _plan(session, reference))
        for a in ARGS:
            assert _rows(session, query, a) == _rows(session, reference, a), (predicate, a)


@pytest.mark.requires("label_index")
def test_label_index_scan(session: Any) -> None:
    session.run("CREATE INDEX ON :L").consume()
    session.run("CREATE (:L {id: 1}), (:L:M {id: 2}), (:M {id: 3})").consume()
    lines = _plan(session, "MATCH (n:L) RETURN n.id")
    assert " * ScanAllByLabel (n :L)" in lines
    assert _rows(session, "MATCH (n:L) RETURN n.id", None) == [1, 2]
    info = [list(row) for row in session.run("SHOW INDEX INFO")]
    assert ["label", "L", None, 2] in info
