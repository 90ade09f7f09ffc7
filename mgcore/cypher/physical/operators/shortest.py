"""Shortest-path expansions: Memgraph's ``*BFS``, ``*WSHORTEST``, ``*ALLSHORTEST``, ``*KSHORTEST``.

Each operator runs one search per input row from the node in ``source`` and appends the list of
relationships (source to target order, reversed when the planner expands against the pattern),
the target node unless it is already bound, and the total weight where one is asked for.

Semantics follow Memgraph: the source itself is never a result (except the zero-length paths of
``shortestPath`` with ``*0..``); the filter lambda ``(edge, node[, path[, weight]] | expr)``
decides per hop whether ``edge`` may be crossed to ``node`` and must give a boolean or null (null
rejects); weights come from the weight lambda, evaluated first for the source with a null edge,
and must be non-negative numbers. Searches read only through the storage ``Transaction``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from mgcore.cypher.physical.expressions import Compiled, mg_type
from mgcore.cypher.physical.operators.base import DEADLINE_EVERY, PhysicalOperator, Unary
from mgcore.cypher.physical.operators.expand import Accept, HopTests
from mgcore.cypher.physical.row import Row
from mgcore.errors import CypherArgumentError, CypherTypeError
from mgcore.storage.records import Direction
from mgcore.values.graph import NodeHandle, Path

if TYPE_CHECKING:
    from mgcore.execution import QueryContext

"""``accept(relationship, node, path, weight)``: may the search cross ``relationship`` to
``node``? ``path`` (the path up to and including them) and ``weight`` are only passed when the
filter lambda names them."""

_NEG_INF = -math.inf


def _node(v: Any) -> Any:
    if v is None or isinstance(v, NodeHandle):
        return v
    raise CypherTypeError(f"Expected a node to expand from, got {mg_type(v)}.")


def _format_number(v: float) -> str:
    """A number as Memgraph's messages print it (``-1`` for ``-1.0``)."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def check_weight(v: Any) -> None:
    """Memgraph's weight validation: null passes, else a non-negative number."""
    if v is None:
        return
    t = type(v)
    if t is not int and t is not float:
        raise CypherTypeError(f"Weight must be numeric or a Duration, got {mg_type(v)}.")
    if v < 0:
        raise CypherArgumentError(f"Weight must be non-negative, got {_format_number(v)}.")


def add_weight(total: Any, weight: Any) -> Any:
    """The path weight after a hop of ``weight``; a null total (the source's) takes the hop's."""
    check_weight(weight)
    if total is None:
        return weight
    if weight is None:
        raise CypherTypeError(
            "All weights should be of the same type, either numeric or a Duration. Please update "
            "the weight expression or the filter expression."
        )
    return total + weight


def _key(weight: Any) -> Any:
    """Priority of a weight: null (only ever the source's) sorts first."""
    return _NEG_INF if weight is None else weight


def same_weight(a: Any, b: Any) -> bool:
    """Weights equal up to floating-point error (sums in different orders differ slightly)."""
    if a is None or b is None:
        return a is b
    if type(a) is int and type(b) is int:
        return bool(a == b)
    diff = abs(a - b)
    return diff < 1e-12 or diff < max(abs(a), abs(b)) * 1e-12


def _chain(parents: dict[Any, Any], end: Any) -> tuple[list[Any], list[Any]]:
    """Nodes and relationships from the search's root to ``end`` through ``parents``
    (node -> (relationship, previous node), the root mapping to None)."""
    rels: list[Any] = []
    nodes = [end]
    step = parents[end]
    while step is not None:
        rel, prev = step
        rels.append(rel)
        nodes.append(prev)
        step = parents[prev]
    rels.reverse()
    nodes.reverse()
    return nodes, rels


class BFSExpand(Unary):
    """``*BFS``: one shortest path (by hops) from the source to every node it reaches, or to the
    bound target; with ``all_paths`` every shortest path (``allShortestPaths``)."""

    __slots__ = (
        "all_paths", "direction", "lambdas", "max_hops", "min_hops", "reverse", "source",
        "target", "types", "zero_length",
    )

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        source: int,
        direction: Direction,
        types: tuple[str, ...] | None,
        min_hops: int,
        max_hops: int | None,
        lambdas: HopTests,
        target: int | None,
        reverse: bool,
        zero_length: bool = False,
        all_paths: bool = False,
    ) -> None:
        super().__init__(label, input)
        self.source = source
        self.direction = direction
        self.types = types
        self.min_hops = min_hops
        self.max_hops = max_hops
        self.lambdas = lambdas
        self.target = target
        """Slot of the bound target (a single-pair search), or None (the target is appended)."""
        self.reverse = reverse
        self.zero_length = zero_length
        """True for ``shortestPath`` with a zero lower bound: the source is its own result."""
        self.all_paths = all_paths

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        t, reverse, low = self.target, self.reverse, self.min_hops
        high = self.max_hops if self.max_hops is not None else math.inf
        if (high < 1 and not self.zero_length) or low > high:
            return
        search = self._all_paths if self.all_paths else self._paths
        for row in self.input.run(ctx, arg):
            start = _node(row[self.source])
            if start is None:
                continue
            want = None
            if t is not None:
                want = _node(row[t])
                if want is None:
                    continue
            if self.zero_length and low == 0 and (want is None or want == start):
                yield (*row, []) if t is not None else (*row, [], start)
                if want is not None:
                    continue
            if start == want or high < 1:
                continue
            accept = self.lambdas.acceptor(ctx, row)
            for rels, end in search(ctx, start, want, accept, max(low, 1), high):
                if reverse:
                    rels.reverse()
                yield (*row, rels) if t is not None else (*row, rels, end)

    def _paths(
        self, ctx: QueryContext, start: Any, want: Any, accept: Accept | None, low: int,
        high: float,
    ) -> Iterator[tuple[list[Any], Any]]:
        """One shortest path per reached node, level by level; stops at ``want`` when bound."""
        expand = ctx.tx.expand  # type: ignore[union-attr]
        d, types = self.direction, self.types
        needs_path = accept is not None and self.lambdas.arity >= 3
        parents: dict[Any, Any] = {start: None}
        frontier = [start]
        depth = 0
        steps = 0
        while frontier and depth < high:
            depth += 1
            found: list[Any] = []
            for node in frontier:
                for rel, other in expand(node, d, types):
                    if other in parents:
                        continue
                    if accept is not None:
                        path = None
                        if needs_path:
                            nodes, rels = _chain(parents, node)
                            nodes.append(other)
                            rels.append(rel)
                            path = Path(tuple(nodes), tuple(rels))
                        if not accept(rel, other, path, None):
                            continue
                    parents[other] = (rel, node)
                    steps += 1
                    if steps % DEADLINE_EVERY == 0:
                        ctx.check_deadline()
                    if want is not None:
                        if other == want:
                            if depth >= low:
                                yield _chain(parents, other)[1], other
                            return
                    elif depth >= low:
                        yield _chain(parents, other)[1], other
                    found.append(other)
            frontier = found

    def _all_paths(
        self, ctx: QueryContext, start: Any, want: Any, accept: Accept | None, low: int,
        high: float,
    ) -> Iterator[tuple[list[Any], Any]]:
        """Every shortest path per reached node: a BFS keeping all same-level predecessors."""
        expand = ctx.tx.expand  # type: ignore[union-attr]
        d, types = self.direction, self.types
        level: dict[Any, int] = {start: 0}
        preds: dict[Any, list[tuple[Any, Any]]] = {start: []}
        frontier = [start]
        depth = 0
        steps = 0
        while frontier and depth < high:
            depth += 1
            found: list[Any] = []
            for node in frontier:
                for rel, other in expand(node, d, types):
                    seen = level.get(other)
                    if seen is not None and seen != depth:
                        continue
                    if accept is not None and not accept(rel, other, None, None):
                        continue
                    steps += 1
                    if steps % DEADLINE_EVERY == 0:
                        ctx.check_deadline()
                    if seen is None:
                        level[other] = depth
                        preds[other] = [(rel, node)]
                        found.append(other)
                    else:
                        preds[other].append((rel, node))
            if want is not None:
                if want in level:
                    if depth >= low:
                        for rels in _enumerate(preds, want):
                            yield rels, want
                    return
            elif depth >= low:
                for node in found:
                    for rels in _enumerate(preds, node):
                        yield rels, node
            frontier = found


def _enumerate(preds: dict[Any, list[tuple[Any, Any]]], end: Any) -> Iterator[list[Any]]:
    """Every relationship list from the root (no predecessors) to ``end`` through ``preds``,
    never visiting a node twice (zero-weight cycles would loop otherwise)."""
    stack: list[tuple[Any, int]] = [(end, 0)]
    rels: list[Any] = []
    on_path = {end}
    while stack:
        node, i = stack[-1]
        options = preds[node]
        if not options:
            yield rels[::-1]
        if i >= len(options):
            stack.pop()
            on_path.discard(node)
            if rels:
                rels.pop()
            continue
        stack[-1] = (node, i + 1)
        rel, prev = options[i]
        if prev in on_path:
            continue
        rels.append(rel)
        on_path.add(prev)
        stack.append((prev, 0))


def _state_node(state: Any, layered: bool) -> Any:
    return state[0] if layered else state


class WeightedShortestPath(Unary):
    """``*WSHORTEST`` (one lightest path per reached node, Dijkstra) and ``*ALLSHORTEST``
    (``all_paths``: every path of the least weight). With an upper bound the search runs over
    (node, depth) states, so a heavier path within the bound beats a lighter one beyond it."""

    __slots__ = (
        "all_paths", "direction", "lambdas", "max_hops", "reverse", "source", "target",
        "total_weight", "types", "weight",
    )

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        source: int,
        direction: Direction,
        types: tuple[str, ...] | None,
        max_hops: int | None,
        lambdas: HopTests,
        weight: Compiled,
        target: int | None,
        reverse: bool,
        total_weight: bool,
        all_paths: bool,
    ) -> None:
        super().__init__(label, input)
        self.source = source
        self.direction = direction
        self.types = types
        self.max_hops = max_hops
        self.lambdas = lambdas
        self.weight = weight
        """The weight lambda, evaluated on ``(*row, edge, node)``."""
        self.target = target
        self.reverse = reverse
        self.total_weight = total_weight
        """True when the total weight is appended to the row."""
        self.all_paths = all_paths

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        t, reverse, with_total = self.target, self.reverse, self.total_weight
        what = "all shortest paths" if self.all_paths else "weighted shortest path"
        if self.max_hops is not None and self.max_hops < 1:
            raise CypherArgumentError(f"Maximum depth in {what} expansion must be at least 1.")
        search = self._all_paths if self.all_paths else self._paths
        weight = self.weight
        for row in self.input.run(ctx, arg):
            start = _node(row[self.source])
            if start is None:
                continue
            want = None
            if t is not None:
                want = _node(row[t])
                if want is None:
                    continue
            accept = self.lambdas.acceptor(ctx, row)
            first = add_weight(None, weight((*row, None, start), ctx))
            for rels, end, total in search(ctx, row, start, first, want, accept):
                if reverse:
                    rels.reverse()
                out = (*row, rels) if t is not None else (*row, rels, end)
                yield (*out, total) if with_total else out

    def _relax(
        self, ctx: QueryContext, row: Row, node: Any, total: Any, path: Callable[[], Any],
        accept: Accept | None,
    ) -> Iterator[tuple[Any, Any, Any]]:
        """The hops out of ``node`` the filter allows, with the path weight after each."""
        weight, needs_path = self.weight, accept is not None and self.lambdas.arity >= 3
        for rel, other in ctx.tx.expand(node, self.direction, self.types):  # type: ignore[union-attr]
            w = add_weight(total, weight((*row, rel, other), ctx))
            if accept is not None:
                p = None
                if needs_path:
                    nodes, rels = path()
                    nodes.append(other)
                    rels.append(rel)
                    p = Path(tuple(nodes), tuple(rels))
                if not accept(rel, other, p, w):
                    continue
            yield rel, other, w

    def _paths(
        self, ctx: QueryContext, row: Row, start: Any, first: Any, want: Any,
        accept: Accept | None,
    ) -> Iterator[tuple[list[Any], Any, Any]]:
        """Dijkstra; each node's lightest path once, in order of weight."""
        high = self.max_hops
        layered = high is not None
        root = (start, 0) if layered else start
        settled: dict[Any, Any] = {}
        best: dict[Any, Any] = {root: _key(first)}
        heap: list[tuple[Any, int, Any, int, Any, Any, Any]] = [
            (_key(first), 0, first, 0, root, None, None)
        ]
        yielded = {start}
        counter = 0
        while heap:
            _, _, total, depth, state, rel, prev = heapq.heappop(heap)
            if state in settled:
                continue
            settled[state] = None if rel is None else (rel, prev)
            node = _state_node(state, layered)
            counter += 1
            if counter % DEADLINE_EVERY == 0:
                ctx.check_deadline()
            if high is None or depth < high:

                def path(state: Any = state) -> tuple[list[Any], list[Any]]:
                    return _state_chain(settled, state, layered)

                for r, other, w in self._relax(ctx, row, node, total, path, accept):
                    nxt = (other, depth + 1) if layered else other
                    k = _key(w)
                    if nxt in settled or (nxt in best and best[nxt] <= k):
                        continue
                    best[nxt] = k
                    counter += 1
                    heapq.heappush(heap, (k, counter, w, depth + 1, nxt, r, state))
            if node in yielded:
                continue
            if want is not None:
                if node != want:
                    continue
                yield _state_chain(settled, state, layered)[1], node, total
                return
            yielded.add(node)
            yield _state_chain(settled, state, layered)[1], node, total

    def _all_paths(
        self, ctx: QueryContext, row: Row, start: Any, first: Any, want: Any,
        accept: Accept | None,
    ) -> Iterator[tuple[list[Any], Any, Any]]:
        """Dijkstra keeping every equally light predecessor, then each node's lightest paths."""
        high = self.max_hops
        layered = high is not None
        root = (start, 0) if layered else start
        dist: dict[Any, Any] = {root: first}
        preds: dict[Any, list[tuple[Any, Any]]] = {root: []}
        settled: list[Any] = []
        done: set[Any] = set()
        cheapest: dict[Any, Any] = {}
        heap: list[tuple[Any, int, Any, int]] = [(_key(first), 0, root, 0)]
        counter = 0
        while heap:
            k, _, state, depth = heapq.heappop(heap)
            if state in done:
                continue
            node = _state_node(state, layered)
            if want is not None and want in cheapest and k > _key(cheapest[want]) and not (
                same_weight(dist[state], cheapest[want])
            ):
                break
            done.add(state)
            settled.append(state)
            total = dist[state]
            if node not in cheapest:
                cheapest[node] = total
            counter += 1
            if counter % DEADLINE_EVERY == 0:
                ctx.check_deadline()
            if high is not None and depth >= high:
                continue

            def path(state: Any = state) -> tuple[list[Any], list[Any]]:
                return _first_chain(preds, state, layered)

            for rel, other, w in self._relax(ctx, row, node, total, path, accept):
                nxt = (other, depth + 1) if layered else other
                known = dist.get(nxt, _MISSING)
                if known is _MISSING or (
                    _key(w) < _key(known) and not same_weight(w, known)
                ):
                    dist[nxt] = w
                    preds[nxt] = [(rel, state)]
                    counter += 1
                    heapq.heappush(heap, (_key(w), counter, nxt, depth + 1))
                elif same_weight(w, known):
                    preds[nxt].append((rel, state))
        for state in settled:
            node = _state_node(state, layered)
            if node == start or (want is not None and node != want):
                continue
            total = dist[state]
            if not same_weight(total, cheapest[node]):
                continue
            for rels in _enumerate(preds, state):
                yield rels, node, total


_MISSING = object()


def _state_chain(
    settled: dict[Any, Any], state: Any, layered: bool
) -> tuple[list[Any], list[Any]]:
    """Nodes and relationships of the settled path to ``state``."""
    nodes, rels = _chain(settled, state)
    if layered:
        nodes = [s[0] for s in nodes]
    return nodes, rels


def _first_chain(
    preds: dict[Any, list[tuple[Any, Any]]], state: Any, layered: bool
) -> tuple[list[Any], list[Any]]:
    """Nodes and relationships of the first recorded path to ``state``."""
    nodes = [state]
    rels: list[Any] = []
    while preds[state]:
        rel, state = preds[state][0]
        rels.append(rel)
        nodes.append(state)
    rels.reverse()
    nodes.reverse()
    if layered:
        nodes = [s[0] for s in nodes]
    return nodes, rels


class KShortest(Unary):
    """``*KSHORTEST [min..max] [| k]``: loopless paths between two bound nodes in order of hop
    count (Yen's algorithm over breadth-first searches), at most ``k`` of them per row."""

    __slots__ = (
        "direction", "lambdas", "limit", "max_hops", "min_hops", "reverse", "source", "target",
        "types",
    )

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        source: int,
        direction: Direction,
        types: tuple[str, ...] | None,
        min_hops: int,
        max_hops: int | None,
        lambdas: HopTests,
        limit: Compiled | None,
        target: int,
        reverse: bool,
    ) -> None:
        super().__init__(label, input)
        self.source = source
        self.direction = direction
        self.types = types
        self.min_hops = min_hops
        self.max_hops = max_hops
        self.lambdas = lambdas
        self.limit = limit
        self.target = target
        self.reverse = reverse

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        low = self.min_hops
        high = self.max_hops if self.max_hops is not None else math.inf
        if high < 1:
            raise CypherArgumentError(
                "Maximum depth in KSHORTEST path expansion must be at least 1."
            )
        if low < 0:
            raise CypherArgumentError(
                "Minimum depth in KSHORTEST path expansion must not be negative."
            )
        if low > high:
            return
        for row in self.input.run(ctx, arg):
            start = _node(row[self.source])
            end = _node(row[self.target])
            if start is None or end is None or start == end:
                continue
            k: Any = math.inf
            if self.limit is not None:
                k = self.limit(row, ctx)
                if type(k) is not int:
                    raise CypherTypeError(
                        f"Limit in KSHORTEST path expansion must be an integer, got {mg_type(k)}."
                    )
                if k < 0:
                    raise CypherArgumentError(
                        "Limit in KSHORTEST path expansion must not be negative."
                    )
                if k == 0:
                    continue
            accept = self.lambdas.acceptor(ctx, row)
            served = 0
            for rels in self._yen(ctx, start, end, accept, high):
                if len(rels) < low:
                    continue
                if self.reverse:
                    rels.reverse()
                yield (*row, rels)
                served += 1
                if served >= k:
                    break

    def _bfs(
        self, ctx: QueryContext, start: Any, end: Any, accept: Accept | None, high: float,
        blocked_nodes: set[Any], blocked_rels: set[Any],
    ) -> tuple[list[Any], list[Any]] | None:
        """A fewest-hops path avoiding the blocked nodes and relationships, or None."""
        expand = ctx.tx.expand  # type: ignore[union-attr]
        d, types = self.direction, self.types
        parents: dict[Any, Any] = {start: None}
        frontier = [start]
        depth = 0
        while frontier and depth < high:
            depth += 1
            found: list[Any] = []
            for node in frontier:
                for rel, other in expand(node, d, types):
                    if other in parents or other in blocked_nodes or rel in blocked_rels:
                        continue
                    if accept is not None and not accept(rel, other, None, None):
                        continue
                    parents[other] = (rel, node)
                    if other == end:
                        return _chain(parents, other)
                    found.append(other)
            frontier = found
        return None

    def _yen(
        self, ctx: QueryContext, start: Any, end: Any, accept: Accept | None, high: float
    ) -> Iterator[list[Any]]:
        """Loopless paths from ``start`` to ``end`` by increasing length, computed lazily."""
        first = self._bfs(ctx, start, end, accept, high, set(), set())
        if first is None:
            return
        found: list[tuple[list[Any], list[Any]]] = [first]
        seen = {tuple(first[1])}
        candidates: list[tuple[int, int, list[Any], list[Any]]] = []
        counter = 0
        while True:
            nodes, rels = found[-1]
            yield list(rels)
            for i in range(len(rels)):
                root = rels[:i]
                blocked_rels = {r[i] for n, r in found if len(r) > i and r[:i] == root}
                blocked_nodes = set(nodes[:i])
                spur = self._bfs(
                    ctx, nodes[i], end, accept, high - i, blocked_nodes, blocked_rels
                )
                if spur is None:
                    continue
                path_rels = root + spur[1]
                key = tuple(path_rels)
                if key in seen:
                    continue
                seen.add(key)
                counter += 1
                heapq.heappush(
                    candidates, (len(path_rels), counter, nodes[:i] + spur[0], path_rels)
                )
                if counter % 256 == 0:
                    ctx.check_deadline()
            if not candidates:
                return
            _, _, cand_nodes, cand_rels = heapq.heappop(candidates)
            found.append((cand_nodes, cand_rels))


__all__ = [
    "BFSExpand",
    "KShortest",
    "WeightedShortestPath",
    "add_weight",
    "check_weight",
    "same_weight",
]
