"""Shortest-path matching end to end: Memgraph's *BFS, *WSHORTEST, *ALLSHORTEST, *KSHORTEST and
openCypher's shortestPath / allShortestPaths, on line, grid, diamond, cyclic, disconnected and
weighted graphs."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.errors import ClientError, CypherArgumentError, CypherTypeError, MgError
from mgcore.session import Session
from mgcore.values.graph import Path


def rows(s: Session, query: str, **params: Any) -> list[list[Any]]:
    return [list(r) for r in s.run(query, params)]


def ids(s: Session, query: str, **params: Any) -> list[list[int]]:
    """The node ``id`` properties along each returned path (the query returns one path ``p``)."""
    out = []
    for (p,) in rows(s, query, **params):
        assert isinstance(p, Path)
        out.append([n.properties["id"] for n in p.nodes])
    return out


def line(s: Session, n: int = 5) -> None:
    """(1)->(2)->...->(n)."""
    s.run(
        "UNWIND range(1, $n) AS i CREATE (:L {id: i})", {"n": n}
    ).consume()
    s.run(
        "MATCH (a:L), (b:L) WHERE b.id = a.id + 1 CREATE (a)-[:NEXT]->(b)"
    ).consume()


def grid(s: Session, size: int = 3) -> None:
    """A size x size grid, node id = 10 * row + column, edges point right (:R) and down (:D)."""
    s.run(
        "UNWIND range(0, $k) AS r UNWIND range(0, $k) AS c CREATE (:G {id: 10 * r + c})",
        {"k": size - 1},
    ).consume()
    s.run(
        "MATCH (a:G), (b:G) WHERE b.id = a.id + 1 AND b.id % 10 <> 0 CREATE (a)-[:R]->(b)"
    ).consume()
    s.run("MATCH (a:G), (b:G) WHERE b.id = a.id + 10 CREATE (a)-[:D]->(b)").consume()


def diamond(s: Session) -> None:
    """1 -> 2 -> 4 and 1 -> 3 -> 4, plus a longer detour 1 -> 5 -> 6 -> 4."""
    s.run(
        "CREATE (a {id: 1}), (b {id: 2}), (c {id: 3}), (d {id: 4}), (e {id: 5}), (f {id: 6}), "
        "(a)-[:T]->(b), (a)-[:T]->(c), (b)-[:T]->(d), (c)-[:T]->(d), "
        "(a)-[:T]->(e), (e)-[:T]->(f), (f)-[:T]->(d)"
    ).consume()


def weighted(s: Session) -> None:
    """Few hops are heavy: 1 -(10)-> 4 directly, 1 -(1)-> 2 -(1)-> 3 -(1)-> 4, 4 -(2)-> 5."""
    s.run(
        "CREATE (a:W {id: 1, cost: 5}), (b:W {id: 2, cost: 1}), (c:W {id: 3, cost: 1}), "
        "(d:W {id: 4, cost: 1}), (e:W {id: 5, cost: 1}), "
        "(a)-[:E {w: 10}]->(d), (a)-[:E {w: 1}]->(b), (b)-[:E {w: 1}]->(c), "
        "(c)-[:E {w: 1}]->(d), (d)-[:E {w: 2}]->(e)"
    ).consume()


# ------------------------------------------------------------------------------------- BFS


def test_bfs_line_single_source(s: Session) -> None:
    line(s)
    got = ids(s, "MATCH p = (a:L {id: 1})-[*BFS]->(b) RETURN p ORDER BY b.id")
    assert got == [[1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5]]
    assert ids(s, "MATCH p = (a:L {id: 3})-[*BFS]->(b) RETURN p ORDER BY b.id") == [
        [3, 4], [3, 4, 5]
    ]
    assert ids(s, "MATCH p = (a:L {id: 3})<-[*BFS]-(b) RETURN p ORDER BY b.id") == [
        [3, 2, 1], [3, 2]
    ]


def test_bfs_bounds(s: Session) -> None:
    line(s)
    q = "MATCH (a:L {id: 1})-[r *BFS {bounds}]->(b) RETURN b.id, size(r) ORDER BY b.id"
    assert rows(s, q.replace("{bounds}", "..2")) == [[2, 1], [3, 2]]
    assert rows(s, q.replace("{bounds}", "2..3")) == [[3, 2], [4, 3]]
    assert rows(s, q.replace("{bounds}", "3")) == [[4, 3]]
    assert rows(s, q.replace("{bounds}", "0..1")) == [[2, 1]]
    assert rows(s, q.replace("{bounds}", "3..2")) == []


def test_bfs_single_pair(s: Session) -> None:
    line(s)
    q = "MATCH (a:L {id: $x}), (b:L {id: $y}) MATCH p = (a)-[*BFS]->(b) RETURN p"
    assert ids(s, q, x=1, y=4) == [[1, 2, 3, 4]]
    assert ids(s, q, x=4, y=1) == []
    assert ids(s, q, x=2, y=2) == []
    lower = "MATCH (a:L {id: 1}), (b:L {id: 3}) MATCH p = (a)-[*BFS 3..]->(b) RETURN p"
    assert ids(s, lower) == []
    upper = "MATCH (a:L {id: 1}), (b:L {id: 4}) MATCH p = (a)-[*BFS ..2]->(b) RETURN p"
    assert ids(s, upper) == []


def test_bfs_one_path_per_pair_on_diamond(s: Session) -> None:
    diamond(s)
    got = ids(s, "MATCH p = ({id: 1})-[*BFS]->({id: 4}) RETURN p")
    assert got in ([[1, 2, 4]], [[1, 3, 4]])
    assert rows(s, "MATCH ({id: 1})-[r *BFS]->(b) RETURN b.id, size(r) ORDER BY b.id") == [
        [2, 1], [3, 1], [4, 2], [5, 1], [6, 2]
    ]


def test_bfs_grid_undirected_and_types(s: Session) -> None:
    grid(s)
    assert rows(
        s, "MATCH ({id: 0})-[r *BFS]->({id: 22}) RETURN size(r)"
    ) == [[4]]
    assert rows(s, "MATCH ({id: 22})-[r *BFS]-({id: 0}) RETURN size(r)") == [[4]]
    assert rows(s, "MATCH ({id: 22})-[r *BFS]->({id: 0}) RETURN size(r)") == []
    assert rows(
        s, "MATCH ({id: 0})-[r:R *BFS]->(b) RETURN b.id, size(r) ORDER BY b.id"
    ) == [[1, 1], [2, 2]]
    assert rows(
        s, "MATCH ({id: 0})-[r:R|D *BFS]->(b) RETURN count(b), max(size(r))"
    ) == [[8, 4]]
    rels = rows(
        s,
        "MATCH (a {id: 0}), (b {id: 2}) MATCH (a)-[r *BFS]->(b) "
        "RETURN [x IN r | [startNode(x).id, endNode(x).id]]",
    )
    assert rels == [[[[0, 1], [1, 2]]]]


def test_bfs_relationship_order_when_expanding_backwards(s: Session) -> None:
    line(s)
    got = rows(
        s,
        "MATCH (b)<-[r *BFS]-(a:L {id: 1}) WHERE b.id = 3 "
        "RETURN [x IN r | startNode(x).id]",
    )
    assert got == [[[2, 1]]]
    got = ids(s, "MATCH p = (b:L {id: 4})<-[*BFS]-(a) WHERE a.id = 2 RETURN p")
    assert got == [[4, 3, 2]]


def test_bfs_cycle(s: Session) -> None:
    s.run(
        "CREATE (a {id: 1})-[:C]->(b {id: 2})-[:C]->(c {id: 3})-[:C]->(d {id: 4})-[:C]->(a)"
    ).consume()
    assert rows(s, "MATCH ({id: 1})-[r *BFS]->(b) RETURN b.id, size(r) ORDER BY b.id") == [
        [2, 1], [3, 2], [4, 3]
    ]
    assert rows(s, "MATCH ({id: 1})-[r *BFS]-(b) RETURN b.id, size(r) ORDER BY b.id") == [
        [2, 1], [3, 2], [4, 1]
    ]


def test_bfs_disconnected(s: Session) -> None:
    s.run("CREATE ({id: 1})-[:T]->({id: 2}), ({id: 3})-[:T]->({id: 4})").consume()
    assert ids(s, "MATCH p = ({id: 1})-[*BFS]-({id: 4}) RETURN p") == []
    assert rows(
        s,
        "MATCH (a {id: 1}), (b {id: 4}) OPTIONAL MATCH p = (a)-[*BFS]-(b) RETURN p",
    ) == [[None]]


def test_bfs_filter_lambda(s: Session) -> None:
    diamond(s)
    got = ids(s, "MATCH p = ({id: 1})-[*BFS (e, n | n.id <> 2 AND n.id <> 3)]->({id: 4}) RETURN p")
    assert got == [[1, 5, 6, 4]]
    got = ids(s, "MATCH p = ({id: 1})-[*BFS (e, n | n.id > 4)]->(b) RETURN p ORDER BY b.id")
    assert got == [[1, 5], [1, 5, 6]]
    single_pair = (
        "MATCH (a {id: 1}), (b {id: 4}) "
        "MATCH p = (a)-[*BFS (e, n | n.id <> 2 AND n.id <> 3)]->(b) RETURN p"
    )
    assert ids(s, single_pair) == [[1, 5, 6, 4]]
    outer = ids(
        s,
        "WITH 5 AS banned MATCH p = ({id: 1})-[*BFS (e, n | n.id <> banned)]->({id: 6}) RETURN p",
    )
    assert outer == []
    null_rejects = ids(s, "MATCH p = ({id: 1})-[*BFS (e, n | n.missing)]->(b) RETURN p")
    assert null_rejects == []


def test_bfs_filter_lambda_with_path(s: Session) -> None:
    line(s)
    got = rows(
        s,
        "MATCH ({id: 1})-[r *BFS (e, n, p | size(relationships(p)) <= 2 AND last(nodes(p)) = n)]"
        "->(b) RETURN b.id ORDER BY b.id",
    )
    assert got == [[2], [3]]


def test_bfs_relationship_properties(s: Session) -> None:
    s.run(
        "CREATE (a {id: 1})-[:T {ok: true}]->(b {id: 2})-[:T {ok: false}]->(c {id: 3}), "
        "(a)-[:T {ok: true}]->(d {id: 4})-[:T {ok: true}]->(e {id: 5})-[:T {ok: true}]->(c)"
    ).consume()
    assert ids(s, "MATCH p = ({id: 1})-[*BFS {ok: true}]->({id: 3}) RETURN p") == [
        [1, 4, 5, 3]
    ]


def test_bfs_filter_must_be_boolean(s: Session) -> None:
    line(s)
    with pytest.raises(CypherTypeError, match="Expansion condition must evaluate to boolean"):
        rows(s, "MATCH ({id: 1})-[*BFS (e, n | n.id)]->(b) RETURN b")


def test_bfs_explain(s: Session) -> None:
    plan = [r[0] for r in s.run("EXPLAIN MATCH (a)-[r:T|U *BFS]->(b) RETURN b")]
    assert " * BFSExpand (a)-[r:T|:U]->(b)" in plan
    plan = [r[0] for r in s.run("EXPLAIN MATCH (a), (b) WITH a, b MATCH (a)-[r *BFS]-(b) RETURN b")]
    assert " * STShortestPath (a)-[r]-(b)" in plan


# --------------------------------------------------------------------------- shortestPath()


def test_shortest_path_function(s: Session) -> None:
    grid(s)
    got = rows(
        s, "MATCH (a {id: 0}), (b {id: 22}) MATCH p = shortestPath((a)-[*]->(b)) RETURN length(p)"
    )
    assert got == [[4]]
    count = rows(
        s,
        "MATCH (a {id: 0}), (b {id: 22}) MATCH p = allShortestPaths((a)-[*]->(b)) "
        "RETURN count(p), collect(DISTINCT length(p))",
    )
    assert count == [[6, [4]]]
    both = rows(
        s,
        "MATCH p = allShortestPaths((a {id: 0})-[:R|D*]->(b {id: 11})) "
        "RETURN [n IN nodes(p) | n.id] AS ns ORDER BY ns",
    )
    assert both == [[[0, 1, 11]], [[0, 10, 11]]]
    assert rows(
        s, "MATCH (a {id: 0}), (b {id: 22}) MATCH p = shortestPath((a)-[*..3]->(b)) RETURN p"
    ) == []


def test_shortest_path_every_pair(s: Session) -> None:
    line(s, 3)
    got = rows(
        s,
        "MATCH p = shortestPath((a:L)-[*]-(b:L)) RETURN a.id, b.id, length(p) ORDER BY a.id, b.id",
    )
    assert got == [[1, 2, 1], [1, 3, 2], [2, 1, 1], [2, 3, 1], [3, 1, 2], [3, 2, 1]]


def test_shortest_path_zero_length(s: Session) -> None:
    line(s, 2)
    got = rows(s, "MATCH (a:L {id: 1}) MATCH p = shortestPath((a)-[*0..]-(a)) RETURN length(p)")
    assert got == [[0]]
    assert rows(s, "MATCH (a:L {id: 1}) MATCH p = shortestPath((a)-[*]-(a)) RETURN p") == []


def test_shortest_path_expression(s: Session) -> None:
    diamond(s)
    s.run("CREATE ({id: 99})").consume()
    got = rows(
        s, "MATCH (a {id: 1}), (b {id: 4}) RETURN length(shortestPath((a)-[*]->(b))) AS n"
    )
    assert got == [[2]]
    got = rows(
        s,
        "MATCH (a {id: 1}), (b {id: 4}) "
        "RETURN [p IN allShortestPaths((a)-[*]->(b)) | [n IN nodes(p) | n.id]] AS ps",
    )
    assert sorted(got[0][0]) == [[1, 2, 4], [1, 3, 4]]
    got = rows(s, "MATCH (a {id: 1}), (b {id: 99}) RETURN shortestPath((a)-[*]-(b)) AS p")
    assert got == [[None]]


def test_shortest_path_errors(s: Session) -> None:
    with pytest.raises(ClientError, match="single relationship"):
        rows(s, "MATCH p = shortestPath((a)-[*]->(b)-[*]->(c)) RETURN p")
    with pytest.raises(ClientError, match="minimal length different from 0 or 1"):
        rows(s, "MATCH p = shortestPath((a)-[*2..]->(b)) RETURN p")


# ------------------------------------------------------------------------------- WSHORTEST


def test_weighted_shortest_differs_from_bfs(s: Session) -> None:
    weighted(s)
    assert ids(s, "MATCH p = ({id: 1})-[*BFS]->({id: 4}) RETURN p") == [[1, 4]]
    got = rows(
        s,
        "MATCH p = ({id: 1})-[*WSHORTEST (r, n | r.w) total]->({id: 4}) "
        "RETURN [n IN nodes(p) | n.id], total",
    )
    assert got == [[[1, 2, 3, 4], 3]]
    got = rows(
        s,
        "MATCH (a {id: 1}), (b {id: 4}) MATCH p = (a)-[*WSHORTEST (r, n | r.w) total]->(b) "
        "RETURN [n IN nodes(p) | n.id], total",
    )
    assert got == [[[1, 2, 3, 4], 3]]
    every = rows(
        s,
        "MATCH ({id: 1})-[*WSHORTEST (r, n | r.w) total]->(b) RETURN b.id, total ORDER BY b.id",
    )
    assert every == [[2, 1], [3, 2], [4, 3], [5, 5]]


def test_weighted_shortest_upper_bound(s: Session) -> None:
    weighted(s)
    got = rows(
        s,
        "MATCH p = ({id: 1})-[*WSHORTEST 2 (r, n | r.w) total]->({id: 4}) "
        "RETURN [n IN nodes(p) | n.id], total",
    )
    assert got == [[[1, 4], 10]]
    got = rows(
        s,
        "MATCH p = ({id: 1})-[*WSHORTEST ..2 (r, n | r.w) total]->({id: 5}) "
        "RETURN [n IN nodes(p) | n.id], total",
    )
    assert got == [[[1, 4, 5], 12]]


def test_weighted_shortest_node_weights_include_source(s: Session) -> None:
    weighted(s)
    got = rows(
        s,
        "MATCH ({id: 1})-[*WSHORTEST (r, n | n.cost + coalesce(r.w, 0)) total]->({id: 3}) "
        "RETURN total",
    )
    assert got == [[5 + (1 + 1) + (1 + 1)]]


def test_weighted_shortest_filter_lambda(s: Session) -> None:
    weighted(s)
    got = rows(
        s,
        "MATCH p = ({id: 1})-[*WSHORTEST (r, n | r.w) total (r, n | n.id <> 3)]->({id: 4}) "
        "RETURN [n IN nodes(p) | n.id], total",
    )
    assert got == [[[1, 4], 10]]
    got = rows(
        s,
        "MATCH ({id: 1})-[*WSHORTEST (r, n | r.w) total (r, n, p, w | w <= 2)]->(b) "
        "RETURN b.id, total ORDER BY b.id",
    )
    assert got == [[2, 1], [3, 2]]
    got = rows(
        s,
        "MATCH ({id: 1})-[*WSHORTEST (r, n | r.w) total (r, n, p, w | length(p) < 3)]->(b) "
        "RETURN b.id, total ORDER BY b.id",
    )
    assert got == [[2, 1], [3, 2], [4, 10], [5, 12]]


def test_weighted_shortest_undirected_cycle(s: Session) -> None:
    s.run(
        "CREATE (a {id: 1})-[:C {w: 1}]->(b {id: 2})-[:C {w: 1}]->(c {id: 3}), "
        "(c)-[:C {w: 5}]->(a)"
    ).consume()
    got = rows(
        s,
        "MATCH ({id: 3})-[*WSHORTEST (r, n | r.w) total]-(b) RETURN b.id, total ORDER BY b.id",
    )
    assert got == [[1, 2], [2, 1]]


def test_weighted_shortest_weight_errors(s: Session) -> None:
    s.run("CREATE ({id: 1})-[:E {w: -1}]->({id: 2})-[:E {w: 'x'}]->({id: 3})").consume()
    with pytest.raises(CypherArgumentError, match=r"Weight must be non-negative, got -1\."):
        rows(s, "MATCH ({id: 1})-[*WSHORTEST (r, n | r.w) t]->(b) RETURN b")
    with pytest.raises(CypherArgumentError, match=r"got -1\.5\."):
        rows(s, "MATCH ({id: 1})-[*WSHORTEST (r, n | r.w - 0.5) t]->(b) RETURN b")
    with pytest.raises(CypherTypeError, match=r"Weight must be numeric or a Duration, got string"):
        rows(s, "MATCH ({id: 2})-[*WSHORTEST (r, n | r.w) t]->(b) RETURN b")
    with pytest.raises(CypherTypeError, match="All weights should be of the same type"):
        rows(
            s,
            "MATCH ({id: 1})-[*WSHORTEST (r, n | CASE WHEN r IS NULL THEN 0 ELSE r.missing END) "
            "t]-(b) RETURN b",
        )
    with pytest.raises(CypherTypeError, match="got bool"):
        rows(s, "MATCH ({id: 1})-[*ALLSHORTEST (r, n | true) t]->(b) RETURN b")


def test_weighted_syntax_errors(s: Session) -> None:
    with pytest.raises(MgError, match="Lower bound is not allowed"):
        rows(s, "MATCH (a)-[*WSHORTEST 2..3 (r, n | r.w) t]->(b) RETURN b")
    with pytest.raises(MgError, match="Redeclaring variable: a"):
        rows(s, "MATCH (a)-[*WSHORTEST (r, n | r.w) a]->(b) RETURN b")
    with pytest.raises(MgError, match="Accumulated weight in filter lambda"):
        rows(s, "MATCH (a)-[*BFS (r, n, p, w | true)]->(b) RETURN b")
    with pytest.raises(MgError, match=r"needs a weight lambda"):
        rows(s, "MATCH (a)-[*WSHORTEST]->(b) RETURN b")


def test_weighted_explain(s: Session) -> None:
    plan = [r[0] for r in s.run("EXPLAIN MATCH (a)-[r *WSHORTEST (e, n | e.w) t]->(b) RETURN t")]
    assert " * WeightedShortestPath (a)-[r]->(b)" in plan
    plan = [r[0] for r in s.run("EXPLAIN MATCH (a)-[r *ALLSHORTEST (e, n | 1) t]->(b) RETURN t")]
    assert " * AllShortestPaths (a)-[r]->(b)" in plan


# ----------------------------------------------------------------------------- ALLSHORTEST


def test_all_shortest_grid(s: Session) -> None:
    """The weight lambda also weighs the source (with a null edge), so 4 hops of 1 weigh 5."""
    grid(s)
    got = rows(
        s,
        "MATCH p = ({id: 0})-[*ALLSHORTEST (r, n | 1) total]->({id: 22}) "
        "RETURN [n IN nodes(p) | n.id] AS ns, total ORDER BY ns",
    )
    assert got == [
        [[0, 1, 2, 12, 22], 5],
        [[0, 1, 11, 12, 22], 5],
        [[0, 1, 11, 21, 22], 5],
        [[0, 10, 11, 12, 22], 5],
        [[0, 10, 11, 21, 22], 5],
        [[0, 10, 20, 21, 22], 5],
    ]


def test_all_shortest_weights_and_every_target(s: Session) -> None:
    diamond(s)
    got = rows(
        s,
        "MATCH p = ({id: 1})-[*ALLSHORTEST (r, n | CASE n.id WHEN 5 THEN 0 ELSE 1 END) t]"
        "->({id: 4}) RETURN [n IN nodes(p) | n.id] AS ns, t ORDER BY ns",
    )
    assert got == [[[1, 2, 4], 3], [[1, 3, 4], 3], [[1, 5, 6, 4], 3]]
    every = rows(
        s,
        "MATCH ({id: 1})-[*ALLSHORTEST (r, n | 1) t]->(b) RETURN b.id, count(*), min(t) "
        "ORDER BY b.id",
    )
    assert every == [[2, 1, 2], [3, 1, 2], [4, 2, 3], [5, 1, 2], [6, 1, 3]]


def test_all_shortest_float_ties(s: Session) -> None:
    s.run(
        "CREATE (a {id: 1}), (b {id: 2}), (c {id: 3}), (d {id: 4}), "
        "(a)-[:E {w: 0.1}]->(b), (b)-[:E {w: 0.2}]->(d), (a)-[:E {w: 0.3}]->(c), "
        "(c)-[:E {w: 0.0}]->(d)"
    ).consume()
    got = rows(
        s,
        "MATCH (a {id: 1}), (d {id: 4}) MATCH p = (a)-[*ALLSHORTEST (r, n | r.w)]->(d) "
        "RETURN [n IN nodes(p) | n.id] AS ns ORDER BY ns",
    )
    assert got == [[[1, 2, 4]], [[1, 3, 4]]]


def test_all_shortest_upper_bound(s: Session) -> None:
    weighted(s)
    got = rows(
        s,
        "MATCH p = ({id: 1})-[*ALLSHORTEST 2 (r, n | r.w) t]->({id: 4}) "
        "RETURN [n IN nodes(p) | n.id], t",
    )
    assert got == [[[1, 4], 10]]


def test_all_shortest_zero_weight_cycle_terminates(s: Session) -> None:
    s.run(
        "CREATE (a {id: 1})-[:E {w: 0}]->(b {id: 2})-[:E {w: 0}]->(c {id: 3}), "
        "(b)-[:E {w: 0}]->(a)"
    ).consume()
    got = rows(
        s,
        "MATCH p = ({id: 1})-[*ALLSHORTEST (r, n | r.w) t]-({id: 3}) "
        "RETURN [n IN nodes(p) | n.id] AS ns, t ORDER BY ns",
    )
    assert got == [[[1, 2, 3], 0], [[1, 2, 3], 0]]


# ------------------------------------------------------------------------------- KSHORTEST


def test_k_shortest(s: Session) -> None:
    diamond(s)
    q = "MATCH (a {id: 1}), (b {id: 4}) MATCH p = (a)-[*KSHORTEST{tail}]->(b) RETURN p"
    got = ids(s, q.replace("{tail}", ""))
    assert sorted(got[:2]) == [[1, 2, 4], [1, 3, 4]]
    assert got[2:] == [[1, 5, 6, 4]]
    assert [len(p) for p in ids(s, q.replace("{tail}", "|2"))] == [3, 3]
    assert ids(s, q.replace("{tail}", " 3..")) == [[1, 5, 6, 4]]
    assert ids(s, q.replace("{tail}", " ..2 | 5")) != []
    assert len(ids(s, q.replace("{tail}", " ..2 | 5"))) == 2
    assert ids(s, q.replace("{tail}", "|0")) == []
    assert len(ids(s, q.replace("{tail}", "|$k"), k=1)) == 1


def test_k_shortest_loopless_in_cycles(s: Session) -> None:
    s.run(
        "CREATE (a {id: 1})-[:C]->(b {id: 2})-[:C]->(c {id: 3})-[:C]->(a), "
        "(b)-[:C]->(d {id: 4}), (c)-[:C]->(d)"
    ).consume()
    got = ids(
        s,
        "MATCH (a {id: 1}), (d {id: 4}) MATCH p = (a)-[*KSHORTEST]-(d) RETURN p",
    )
    assert got[0] in ([1, 2, 4], [1, 3, 4])
    assert sorted(got) == [[1, 2, 3, 4], [1, 2, 4], [1, 3, 2, 4], [1, 3, 4]]
    assert all(len(set(p)) == len(p) for p in got)


def test_k_shortest_filter_lambda(s: Session) -> None:
    diamond(s)
    got = ids(
        s,
        "MATCH (a {id: 1}), (b {id: 4}) MATCH p = (a)-[*KSHORTEST (e, n | n.id <> 2)]->(b) "
        "RETURN p",
    )
    assert got == [[1, 3, 4], [1, 5, 6, 4]]


def test_k_shortest_errors(s: Session) -> None:
    diamond(s)
    with pytest.raises(MgError, match="KSHORTEST expansion requires matched nodes"):
        rows(s, "MATCH p = ({id: 1})-[*KSHORTEST]->(b) RETURN p")
    with pytest.raises(MgError, match="does not support the accumulated path"):
        rows(s, "MATCH (a), (b) WITH a, b MATCH (a)-[*KSHORTEST (e, n, p | true)]->(b) RETURN a")
    with pytest.raises(CypherArgumentError, match="must not be negative"):
        rows(s, "MATCH (a {id: 1}), (b {id: 4}) MATCH (a)-[*KSHORTEST | $k]->(b) RETURN a", k=-1)
    plan = [
        r[0]
        for r in s.run("EXPLAIN MATCH (a), (b) WITH a, b MATCH (a)-[r *KSHORTEST]->(b) RETURN r")
    ]
    assert " * KShortest (a)-[r]->(b)" in plan
