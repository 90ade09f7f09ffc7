"""Cardinality estimates for choosing how to find a pattern's first node.

The planner compares the ways it could produce the nodes of ``MATCH (n:L ...)`` by the number of
nodes each would yield, computed from the engine's ``GraphStatistics`` (``label_counts`` and
``index_stats``). Like Memgraph's cost estimator (``src/query/plan/cost_estimator.hpp``), which
multiplies a cardinality by a fixed filter factor per predicate it cannot count, the estimates for
ranges and prefixes use fixed factors, because an index's statistics say how many entries and
distinct values it holds, not how they are distributed:

- label scan: the label's node count (the label index's entries when the label is not counted);
- equality ``n.p = v``: ``entries / distinct_values`` (the average number of nodes per value);
- ``n.p IN list``: the equality estimate times the list's length (``IN_LIST_GUESS`` elements when
  the list is not a literal);
- range: ``entries * RANGE_FACTOR`` per bound (``a < n.p < b``: two bounds, ``RANGE_FACTOR**2``);
- prefix ``n.p STARTS WITH s``: ``entries * PREFIX_FACTOR``;
- ``n.p IS NOT NULL``: every entry of the index.

Equal estimates are broken by the kind of lookup, in ``KIND_RANK`` order (an equality seek
before a range, a range before a label scan), then by the order labels and predicates appear in
the query.
"""

from __future__ import annotations

from mgcore.storage.records import GraphStatistics, IndexSpec

RANGE_FACTOR = 0.25
"""Fraction of an index's entries one range bound is assumed to keep (Memgraph's filter factor)."""
PREFIX_FACTOR = 0.1
"""Fraction of an index's entries a ``STARTS WITH`` prefix is assumed to keep."""
IN_LIST_GUESS = 4
"""Assumed number of elements of an ``IN`` list that is not a literal (a parameter, say)."""

KIND_RANK = {"value": 0, "in": 1, "range": 2, "prefix": 3, "property": 4, "label": 5}
"""Tie-break between equal estimates: the more specific lookup first."""


def label_scan(stats: GraphStatistics, label: str) -> float:
    """Estimated nodes of a label scan."""
    count = stats.label_counts.get(label)
    if count is None:
        index = stats.index_stats.get(IndexSpec(label))
        count = index.entries if index is not None else stats.node_count
    return float(count)


def equality(stats: GraphStatistics, spec: IndexSpec) -> float:
    """Estimated nodes of one equality seek through ``spec``."""
    index = stats.index_stats[spec]
    return index.entries / max(index.distinct_values, 1)


def in_list(stats: GraphStatistics, spec: IndexSpec, length: int | None) -> float:
    """Estimated nodes of an ``IN`` seek through ``spec`` with ``length`` values (None: unknown)."""
    return equality(stats, spec) * (IN_LIST_GUESS if length is None else length)


def value_range(stats: GraphStatistics, spec: IndexSpec, bounds: int) -> float:
    """Estimated nodes of a range seek through ``spec`` with one or two bounds."""
    return stats.index_stats[spec].entries * RANGE_FACTOR ** bounds


def prefix(stats: GraphStatistics, spec: IndexSpec) -> float:
    """Estimated nodes of a prefix seek through ``spec``."""
    return stats.index_stats[spec].entries * PREFIX_FACTOR


def has_property(stats: GraphStatistics, spec: IndexSpec) -> float:
    """Estimated nodes having the property (every entry of ``spec``)."""
    return float(stats.index_stats[spec].entries)
