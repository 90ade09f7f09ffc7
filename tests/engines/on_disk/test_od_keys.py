"""The RocksDB key layout of ON_DISK_TRANSACTIONAL (``keys.py``): encoders round-trip, bytewise
key order is the order scans rely on, and committed data is stored under exactly the keys the
layout documents."""

from __future__ import annotations

import struct

import msgpack
from hypothesis import given
from hypothesis import strategies as st
from od_helpers import cf_keys

from mgcore.storage import IndexSpec
from mgcore.storage.kit.codec import index_key
from mgcore.storage.records import ConstraintKind, ConstraintSpec, DataType
from mgcore_engine_on_disk.catalog import Catalog
from mgcore_engine_on_disk.engine import OnDiskEngine
from mgcore_engine_on_disk.keys import (
    edge_locator,
    gid_at_end,
    id_bytes,
    in_key,
    label_key,
    out_key,
    out_prefix,
    split_edge_locator,
    split_in_key,
    split_out_key,
    split_vertex_key,
    successor,
    vertex_key,
    vertex_labels,
)

U64 = st.integers(min_value=0, max_value=(1 << 64) - 1)
U32 = st.integers(min_value=0, max_value=(1 << 32) - 1)
LABELS = st.lists(U32, max_size=6, unique=True).map(tuple)


# ------------------------------------------------------------------------- pure encoders


def test_vertex_key_without_labels_is_gid_then_ts() -> None:
    """A label-less vertex key is exactly 8 bytes of gid and 8 of commit ts and splits back."""
    key = vertex_key(5, (), 9)
    assert key == struct.pack(">QQ", 5, 9)
    assert split_vertex_key(key) == (5, (), 9)
    assert vertex_labels(key) == ()


def test_vertex_key_keeps_label_order() -> None:
    """Labels are stored in the order given (the order they were added), not sorted."""
    key = vertex_key(1, (7, 2, 5), 3)
    assert split_vertex_key(key) == (1, (7, 2, 5), 3)
    assert vertex_labels(key) == (7, 2, 5)
    assert key[8:20] == struct.pack(">3I", 7, 2, 5)


@given(U64, LABELS, U64)
def test_vertex_key_round_trip(gid: int, labels: tuple[int, ...], ts: int) -> None:
    """split_vertex_key inverts vertex_key for any gid, label list and timestamp."""
    key = vertex_key(gid, labels, ts)
    assert split_vertex_key(key) == (gid, labels, ts)
    assert vertex_labels(key) == labels
    assert key[:8] == struct.pack(">Q", gid)


@given(U64, LABELS, U64, U64, LABELS, U64)
def test_vertex_key_order_is_gid_order(g1: int, l1: tuple[int, ...], t1: int,
                                       g2: int, l2: tuple[int, ...], t2: int) -> None:
    """Vertex keys of different gids sort bytewise as their gids do, whatever the labels/ts."""
    k1, k2 = vertex_key(g1, l1, t1), vertex_key(g2, l2, t2)
    if g1 < g2:
        assert k1 < k2
    elif g1 > g2:
        assert k1 > k2


@given(U64, U32, U64, U64, U64)
def test_out_and_in_key_round_trip(src: int, rel_type: int, dst: int, egid: int,
                                   ts: int) -> None:
    """out/in keys and the edge locator split back into their fields; the out key without
    its timestamp is out_prefix."""
    ok = out_key(src, rel_type, dst, egid, ts)
    assert split_out_key(ok) == (src, rel_type, dst, egid)
    assert ok[:28] == out_prefix(src, rel_type, dst, egid)
    assert struct.unpack(">Q", ok[28:])[0] == ts
    ik = in_key(dst, rel_type, src, egid)
    assert split_in_key(ik) == (dst, rel_type, src, egid)
    assert split_edge_locator(edge_locator(src, rel_type, dst)) == (src, rel_type, dst)


EDGE = st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 5), st.integers(0, 50),
                 st.integers(0, 10))


@given(st.lists(EDGE, min_size=1, max_size=40), st.integers(0, 5), st.integers(0, 3))
def test_out_keys_of_one_source_are_contiguous(edges: list[tuple[int, int, int, int, int]],
                                               src: int, rel_type: int) -> None:
    """In sorted order, the out keys of one source (and of one source and type) form one
    contiguous run that starts at the prefix and ends before successor(prefix); likewise the
    in keys of one destination."""
    keys = sorted(out_key(*e) for e in edges)
    for prefix in (struct.pack(">Q", src),
                   struct.pack(">QI", src, rel_type)):
        positions = [i for i, k in enumerate(keys) if k.startswith(prefix)]
        if positions:
            assert positions == list(range(positions[0], positions[-1] + 1))
        end = successor(prefix)
        assert end is not None
        in_range = [k for k in keys if prefix <= k < end]
        assert in_range == [k for k in keys if k.startswith(prefix)]
    ins = sorted(in_key(d, t, s, g) for s, t, d, g, _ in edges)
    prefix = struct.pack(">Q", src)
    positions = [i for i, k in enumerate(ins) if k.startswith(prefix)]
    if positions:
        assert positions == list(range(positions[0], positions[-1] + 1))


@given(U32, U64, U32, U64)
def test_label_keys(label: int, gid: int, label2: int, gid2: int) -> None:
    """A label entry is label id then gid; gid_at_end reads the gid; order is (label, gid)."""
    key = label_key(label, gid)
    assert key == struct.pack(">IQ", label, gid)
    assert gid_at_end(key) == gid
    assert (key < label_key(label2, gid2)) == ((label, gid) < (label2, gid2))


def test_successor_examples() -> None:
    """successor increments the last non-0xFF byte, drops trailing 0xFF, None for all-0xFF."""
    assert successor(b"\x00\x01") == b"\x00\x02"
    assert successor(b"\x01\xff") == b"\x02"
    assert successor(b"\xff\xff") is None
    assert successor(b"a\xff\xff") == b"b"


@given(st.binary(min_size=1, max_size=8), st.binary(max_size=8))
def test_successor_bounds_every_extension(prefix: bytes, tail: bytes) -> None:
    """Every key starting with prefix is below successor(prefix), and successor(prefix) does
    not itself start with prefix."""
    end = successor(prefix)
    if end is None:
        assert set(prefix) == {0xFF}
        return
    assert prefix + tail < end
    assert not end.startswith(prefix)
    assert end > prefix


# ------------------------------------------------------------------ the stored layout


def _ids(engine: OnDiskEngine) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    cat = engine._catalog
    return cat.labels.ids, cat.types.ids, cat.properties.ids


def test_committed_node_key_is_gid_labels_commit_ts(engine: OnDiskEngine) -> None:
    """A committed node is one vertex key: its gid, its label ids in the order added, and the
    commit's timestamp; a later change rewrites it under the new timestamp."""
    scratch = engine.begin()
    scratch.create_node(["C", "A", "B"])  # interns C=0, A=1, B=2 (names stay)
    scratch.rollback()
    tx = engine.begin()
    n = tx.create_node(["B", "A"], {"x": 1})
    tx.commit()
    labels, _, _ = _ids(engine)
    ts1 = engine._catalog.ts
    assert (labels["B"], labels["A"]) == (2, 1)  # not sorted: the order added is kept
    assert cf_keys(engine, "vertex") == [vertex_key(n.gid, (labels["B"], labels["A"]), ts1)]
    tx = engine.begin()
    tx.add_label(tx.node(n.gid), "C")
    tx.commit()
    ts2 = engine._catalog.ts
    assert ts2 > ts1
    assert cf_keys(engine, "vertex") == [
        vertex_key(n.gid, (labels["B"], labels["A"], labels["C"]), ts2)
    ]


def test_relationship_has_one_out_one_in_one_edge_entry(engine: OnDiskEngine) -> None:
    """A relationship is stored as exactly one out key (src|type|dst|gid|ts), one in key
    (dst|type|src|gid) and one edge entry (gid -> src|type|dst); deleting it removes all three."""
    tx = engine.begin()
    a = tx.create_node()
    b = tx.create_node()
    r = tx.create_relationship(a, b, "R", {"w": 1})
    tx.commit()
    ts = engine._catalog.ts
    _, types, _ = _ids(engine)
    t = types["R"]
    assert cf_keys(engine, "out") == [out_key(a.gid, t, b.gid, r.gid, ts)]
    assert cf_keys(engine, "in") == [in_key(b.gid, t, a.gid, r.gid)]
    assert cf_keys(engine, "edge") == [struct.pack(">Q", r.gid)]
    assert engine._store.cf["edge"][struct.pack(">Q", r.gid)] == edge_locator(  # type: ignore[union-attr]
        a.gid, t, b.gid)
    tx = engine.begin()
    tx.delete_relationship(tx.relationship(r.gid))
    tx.commit()
    assert cf_keys(engine, "out") == cf_keys(engine, "in") == cf_keys(engine, "edge") == []


def test_index_entries_in_label_and_label_property(engine: OnDiskEngine) -> None:
    """A label index stores label|gid entries; a label+property index stores
    index id|codec(values)|gid; commits keep both current (removing an entry when the label or
    the property goes)."""
    tx = engine.begin()
    n1 = tx.create_node(["P"], {"age": 30})
    n2 = tx.create_node(["P"], {})
    tx.create_node(["Q"], {"age": 1})
    tx.commit()
    assert engine.schema.create_index(IndexSpec("P"))
    assert engine.schema.create_index(IndexSpec("P", ("age",)))
    labels, _, _ = _ids(engine)
    lid = labels["P"]
    iid = engine._catalog.indexes[IndexSpec("P", ("age",))]
    assert cf_keys(engine, "label") == [label_key(lid, n1.gid), label_key(lid, n2.gid)]
    assert cf_keys(engine, "label_property") == [id_bytes(iid) + index_key([30], n1.gid)]
    tx = engine.begin()
    n3 = tx.create_node(["P"], {"age": 5})
    tx.set_node_property(tx.node(n1.gid), "age", None)
    tx.remove_label(tx.node(n2.gid), "P")
    tx.commit()
    assert cf_keys(engine, "label") == [label_key(lid, n1.gid), label_key(lid, n3.gid)]
    assert cf_keys(engine, "label_property") == [id_bytes(iid) + index_key([5], n3.gid)]


def test_unique_constraint_entries(engine: OnDiskEngine) -> None:
    """A uniqueness constraint stores one entry per claimed value under its id, holding the
    owner's gid; changing the value moves the entry."""
    tx = engine.begin()
    a = tx.create_node(["U"], {"k": "a"})
    b = tx.create_node(["U"], {"k": "b"})
    tx.commit()
    spec = ConstraintSpec(ConstraintKind.UNIQUE, "U", ("k",))
    assert engine.schema.create_constraint(spec)
    cid = engine._catalog.constraints[spec]
    stored = dict(engine._store.cf["unique"].items())  # type: ignore[union-attr]
    assert len(stored) == 2
    assert all(k.startswith(id_bytes(cid)) for k in stored)
    assert sorted(struct.unpack(">Q", v)[0] for v in stored.values()) == [a.gid, b.gid]
    tx = engine.begin()
    tx.set_node_property(tx.node(a.gid), "k", "c")
    tx.commit()
    after = dict(engine._store.cf["unique"].items())  # type: ignore[union-attr]
    assert len(after) == 2
    assert set(after) != set(stored)
    assert sorted(struct.unpack(">Q", v)[0] for v in after.values()) == [a.gid, b.gid]


def test_constraint_definitions_keep_the_old_form_and_add_the_data_type(
    engine: OnDiskEngine,
) -> None:
    """Existence and uniqueness definitions are ``[kind, label, [properties], ready]`` as
    before; a data type constraint's adds its type; both load at open."""
    exists = ConstraintSpec(ConstraintKind.EXISTS, "L", ("p",))
    typed = ConstraintSpec(ConstraintKind.TYPE, "L", ("q",), DataType.MAP)
    _, old = Catalog.definition(exists, 3, True)
    assert msgpack.unpackb(old) == ["exists", "L", ["p"], True]
    _, new = Catalog.definition(typed, 4, True)
    assert msgpack.unpackb(new) == ["data_type", "L", ["q"], True, "MAP"]
    assert engine.schema.create_constraint(exists)
    assert engine.schema.create_constraint(typed)
    assert Catalog(engine._store).constraints == engine._catalog.constraints  # type: ignore[arg-type]
    assert set(engine._catalog.constraints) == {exists, typed}
