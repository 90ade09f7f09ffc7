"""Index selection: a node scan with filters on that node becomes the cheapest lookup through an
index that exists (Memgraph's ``index_lookup``).

For ``Filter*(ScanAll n)`` every label of ``n`` and every conjunct on a property of ``n`` is a
candidate: a label scan (label index), an equality or ``IN`` seek, a range seek (two bounds on
one property combine into one range), a ``STARTS WITH`` prefix seek, or ``IS NOT NULL`` (a
label+property scan), each through a label+property index on a single property. Only indexes the
engine lists in ``GraphStatistics.index_stats`` are used, and the cheapest by the estimates of
``mgcore.cypher.logical.cost`` wins; without any, the plan stays ``ScanAll`` + ``Filter`` as in
Memgraph. The chosen lookup implies its label and implements its predicates completely (with
Cypher's null and type rules), so they leave the filters; everything else stays.

A composite index (several properties) serves an equality seek when every one of its properties
has an equality conjunct (``ScanAllByLabelProperties (n :L {a, b})``, as Memgraph prints it;
estimate: entries / distinct value tuples); it serves nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mgcore.cypher import ast
from mgcore.cypher.logical import cost
from mgcore.cypher.logical import operators as op
from mgcore.cypher.logical.rules.pushdown_filters import variables
from mgcore.storage.records import GraphStatistics, IndexSpec

Deterministic = Callable[[str], bool]
"""Whether the function of this name always returns the same value for the same arguments."""

_RANGE_OPS = {
    # operator with the property on the left: (is lower bound, inclusive)
    ast.BinaryOperator.GT: (True, False),
    ast.BinaryOperator.GE: (True, True),
    ast.BinaryOperator.LT: (False, False),
    ast.BinaryOperator.LE: (False, True),
}
_FLIPPED = {
    ast.BinaryOperator.GT: ast.BinaryOperator.LT,
    ast.BinaryOperator.GE: ast.BinaryOperator.LE,
    ast.BinaryOperator.LT: ast.BinaryOperator.GT,
    ast.BinaryOperator.LE: ast.BinaryOperator.GE,
}


def _always(name: str) -> bool:
    return name.lower() not in ("rand", "randomuuid", "timestamp")


def _property_of(expr: ast.Expr, variable: str) -> str | None:
    """``key`` when ``expr`` is ``variable.key``."""
    if (
        isinstance(expr, ast.Property)
        and isinstance(expr.subject, ast.Variable)
        and expr.subject.name == variable
    ):
        return expr.key
    return None


def _seekable(value: ast.Expr, variable: str, deterministic: Deterministic) -> bool:
    """True when ``value`` can be computed once per input row, before ``variable`` is bound:
    it does not mention the variable, match patterns, or call non-deterministic functions."""
    if variable in variables(value):
        return False
    for n in ast.walk(value):
        if isinstance(n, ast.PatternExpression | ast.Exists | ast.PatternComprehension):
            return False
        if isinstance(n, ast.FunctionCall) and not deterministic(n.name):
            return False
    return True


@dataclass
class _Uses:
    """What the conjuncts say about the properties of one node variable."""

    equalities: list[tuple[str, ast.Expr, int]] = field(default_factory=list)
    in_lists: list[tuple[str, ast.Expr, int]] = field(default_factory=list)
    lower: dict[str, tuple[ast.Expr, bool, int]] = field(default_factory=dict)
    upper: dict[str, tuple[ast.Expr, bool, int]] = field(default_factory=dict)
    prefixes: list[tuple[str, ast.Expr, int]] = field(default_factory=list)
    present: list[tuple[str, int]] = field(default_factory=list)


def _analyse(
    predicates: list[ast.Expr], variable: str, deterministic: Deterministic
) -> _Uses:
    uses = _Uses()
    for i, p in enumerate(predicates):
        if isinstance(p, ast.IsNull):
            key = _property_of(p.operand, variable)
            if key is not None and p.negated:
                uses.present.append((key, i))
            continue
        if not isinstance(p, ast.BinaryOp):
            continue
        operator, left, right = p.op, p.left, p.right
        if operator is ast.BinaryOperator.EQ:
            for prop, value in ((left, right), (right, left)):
                key = _property_of(prop, variable)
                if key is not None and _seekable(value, variable, deterministic):
                    uses.equalities.append((key, value, i))
                    break
        elif operator is ast.BinaryOperator.IN:
            key = _property_of(left, variable)
            if key is not None and _seekable(right, variable, deterministic):
                uses.in_lists.append((key, right, i))
        elif operator is ast.BinaryOperator.STARTS_WITH:
            key = _property_of(left, variable)
            if key is not None and _seekable(right, variable, deterministic):
                uses.prefixes.append((key, right, i))
        elif operator in _RANGE_OPS:
            key = _property_of(left, variable)
            value = right
            if key is None:
                key = _property_of(right, variable)
                value = left
                operator = _FLIPPED[operator]
            if key is None or not _seekable(value, variable, deterministic):
                continue
            is_lower, inclusive = _RANGE_OPS[operator]
            bounds = uses.lower if is_lower else uses.upper
            bounds.setdefault(key, (value, inclusive, i))
    return uses


@dataclass
class _Candidate:
    estimate: float
    rank: int
    order: int
    label: str
    consumed: tuple[int, ...]
    lookup: op.LogicalOp

    def key(self) -> tuple[float, int, int]:
        return (self.estimate, self.rank, self.order)


def _candidates(
    stats: GraphStatistics,
    source: op.LogicalOp,
    variable: str,
    labels: list[str],
    uses: _Uses,
    predicates: list[ast.Expr],
) -> list[_Candidate]:
    """Every lookup the existing indexes allow, each with its estimate."""
    out: list[_Candidate] = []
    indexes = stats.index_stats
    v = variable

    def add(
        estimate: float, kind: str, label: str, consumed: tuple[int, ...], lookup: op.LogicalOp
    ) -> None:
        out.append(_Candidate(estimate, cost.KIND_RANK[kind], len(out), label, consumed, lookup))

    def served(*at: int) -> tuple[ast.Expr, ...]:
        return tuple(predicates[i] for i in at)

    for label in labels:
        if IndexSpec(label) in indexes:
            add(cost.label_scan(stats, label), "label", label, (),
                op.ScanByLabel(source, v, label))
        # composite equality first: it wins a tie with a single-property one
        first: dict[str, tuple[ast.Expr, int]] = {}
        for key, value, at in uses.equalities:
            first.setdefault(key, (value, at))
        for spec in indexes:
            if (
                spec.label == label
                and len(spec.properties) > 1
                and all(key in first for key in spec.properties)
            ):
                consumed = tuple(first[key][1] for key in spec.properties)
                values = tuple(first[key][0] for key in spec.properties)
                add(cost.equality(stats, spec), "value", label, consumed,
                    op.SeekByProperties(source, v, label, spec.properties, values,
                                        served(*consumed)))
        for key, value, at in uses.equalities:
            spec = IndexSpec(label, (key,))
            if spec in indexes:
                add(cost.equality(stats, spec), "value", label, (at,),
                    op.SeekByProperty(source, v, label, key, value, False, served(at)))
        for key, value, at in uses.in_lists:
            spec = IndexSpec(label, (key,))
            if spec in indexes:
                length = len(value.items) if isinstance(value, ast.ListLiteral) else None
                add(cost.in_list(stats, spec, length), "in", label, (at,),
                    op.SeekByProperty(source, v, label, key, value, True, served(at)))
        for key in dict.fromkeys([*uses.lower, *uses.upper]):
            spec = IndexSpec(label, (key,))
            if spec not in indexes:
                continue
            low = uses.lower.get(key)
            high = uses.upper.get(key)
            consumed = tuple(b[2] for b in (low, high) if b is not None)
            lookup = op.SeekByRange(
                source, v, label, key,
                low[0] if low else None, low[1] if low else True,
                high[0] if high else None, high[1] if high else True,
                served(*consumed),
            )
            add(cost.value_range(stats, spec, len(consumed)), "range", label, consumed, lookup)
        for key, value, at in uses.prefixes:
            spec = IndexSpec(label, (key,))
            if spec in indexes:
                add(cost.prefix(stats, spec), "prefix", label, (at,),
                    op.SeekByPrefix(source, v, label, key, value, served(at)))
        for key, at in uses.present:
            spec = IndexSpec(label, (key,))
            if spec in indexes:
                add(cost.has_property(stats, spec), "property", label, (at,),
                    op.ScanByProperty(source, v, label, key))
    return out


def _node_labels(predicates: list[ast.Expr], variable: str) -> list[str]:
    labels: list[str] = []
    for p in predicates:
        if isinstance(p, ast.HasLabels) and p.subject == ast.Variable(variable):
            labels.extend(label for label in p.labels if label not in labels)
    return labels


def _without_label(predicates: list[ast.Expr], variable: str, label: str) -> list[ast.Expr]:
    """``predicates`` with ``label`` dropped from the node's label tests (it is implied)."""
    out: list[ast.Expr] = []
    for p in predicates:
        if isinstance(p, ast.HasLabels) and p.subject == ast.Variable(variable):
            rest = tuple(x for x in p.labels if x != label)
            if not rest:
                continue
            if rest != p.labels:
                p = ast.HasLabels(p.subject, rest)
        out.append(p)
    return out


def _rewrite_scan(
    predicates: list[ast.Expr], scan: op.ScanAll, stats: GraphStatistics,
    deterministic: Deterministic,
) -> op.LogicalOp:
    """``predicates`` are the filters over ``scan``, top first."""
    v = scan.variable
    bottom_up = list(reversed(predicates))
    labels = _node_labels(bottom_up, v)
    new: op.LogicalOp = scan
    if labels:
        uses = _analyse(bottom_up, v, deterministic)
        found = _candidates(stats, scan.input, v, labels, uses, bottom_up)
        if found:
            best = min(found, key=_Candidate.key)
            new = best.lookup
            bottom_up = [p for i, p in enumerate(bottom_up) if i not in best.consumed]
            bottom_up = _without_label(bottom_up, v, best.label)
    for p in bottom_up:
        new = op.Filter(new, p)
    return new


def select_indexes(
    plan: op.LogicalOp,
    statistics: GraphStatistics | None = None,
    deterministic: Deterministic = _always,
) -> op.LogicalOp:
    """Turn ``Filter*(ScanAll)`` chains into the cheapest index lookup ``statistics`` allows."""
    if statistics is None or not statistics.index_stats:
        return plan

    def rewrite(node: op.LogicalOp) -> op.LogicalOp:
        if isinstance(node, op.Filter):
            predicates: list[ast.Expr] = []
            below: op.LogicalOp = node
            while isinstance(below, op.Filter):
                predicates.append(below.predicate)
                below = below.input
            if isinstance(below, op.ScanAll):
                scan = op.ScanAll(rewrite(below.input), below.variable)
                return _rewrite_scan(predicates, scan, statistics, deterministic)
        return op.map_children(node, rewrite)

    return rewrite(plan)
