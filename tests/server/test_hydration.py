"""Graph and temporal values as Bolt structures (design/bolt.md section 5): nodes, relationships
and paths on Bolt 4.4 and 5.x, the UTC and legacy DateTime encodings, and what a client may and
may not send as a parameter."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rawbolt import FAILURE, SUCCESS, BoltClient

from mgcore.errors import ClientError
from mgcore.server import hydration
from mgcore.server.hydration import dehydrators, hydrate
from mgcore.server.packstream import Structure, pack, unpack
from mgcore.values.graph import Node, Path, Relationship

pytestmark = pytest.mark.usefixtures("no_server_errors")

BOLT4 = dehydrators(element_ids=False, utc_datetimes=False)
BOLT4_UTC = dehydrators(element_ids=False, utc_datetimes=True)
BOLT5 = dehydrators(element_ids=True, utc_datetimes=True)


def encode(value: Any, table: dict[type, Any]) -> Any:
    """``value`` packed with a version's dehydrators and decoded back to plain structures."""
    return unpack(pack(value, table))


# ----------------------------------------------------------------------- graph values

ALICE = Node(7, ("Person", "Admin"), {"name": "Alice"})
BOB = Node(8, ("Person",), {})
KNOWS = Relationship(20, 7, 8, "KNOWS", {"since": 2001})


def test_node_on_bolt4_and_bolt5() -> None:
    assert encode(ALICE, BOLT4) == Structure(0x4E, [7, ["Person", "Admin"], {"name": "Alice"}])
    assert encode(ALICE, BOLT5) == Structure(0x4E, [7, ["Person", "Admin"], {"name": "Alice"}, "7"])


def test_relationship_on_bolt4_and_bolt5() -> None:
    assert encode(KNOWS, BOLT4) == Structure(0x52, [20, 7, 8, "KNOWS", {"since": 2001}])
    assert encode(KNOWS, BOLT5) == Structure(
        0x52, [20, 7, 8, "KNOWS", {"since": 2001}, "20", "7", "8"]
    )


def _unbound(r: Relationship, element_ids: bool) -> Structure:
    fields: list[Any] = [r.id, r.type, dict(r.properties)]
    if element_ids:
        fields.append(str(r.id))
    return Structure(0x72, fields)


def _node(n: Node, element_ids: bool) -> Structure:
    fields: list[Any] = [n.id, list(n.labels), dict(n.properties)]
    if element_ids:
        fields.append(str(n.id))
    return Structure(0x4E, fields)


X, Y, Z = Node(1, ("X",)), Node(2, ("Y",)), Node(3, ("Z",))
R1 = Relationship(10, 1, 2, "R1")  # x -> y
R2 = Relationship(11, 3, 2, "R2")  # z -> y


@pytest.mark.parametrize("element_ids", [False, True])
def test_path_of_bolt_md_example(element_ids: bool) -> None:
    """(x)-[:R1]->(y)<-[:R2]-(z) is nodes [x,y,z], rels [R1,R2], indices [1,1,-2,2]."""
    table = BOLT5 if element_ids else BOLT4
    path = Path((X, Y, Z), (R1, R2))
    assert encode(path, table) == Structure(
        0x50,
        [
            [_node(n, element_ids) for n in (X, Y, Z)],
            [_unbound(r, element_ids) for r in (R1, R2)],
            [1, 1, -2, 2],
        ],
    )


def test_path_nodes_and_relationships_are_listed_once() -> None:
    a, b = Node(1), Node(2)
    there = Relationship(5, 1, 2, "T")
    back = Relationship(6, 2, 1, "T")
    # a -> b -> a: node a is not repeated; the second step goes forward to node index 0
    nodes, rels, indices = encode(Path((a, b, a), (there, back)), BOLT4).fields
    assert [n.fields[0] for n in nodes] == [1, 2]
    assert [r.fields[0] for r in rels] == [5, 6]
    assert indices == [1, 1, 2, 0]
    # a -> b then back over the same relationship against its direction
    nodes, rels, indices = encode(Path((a, b, a), (there, there)), BOLT4).fields
    assert [r.fields[0] for r in rels] == [5]
    assert indices == [1, 1, -1, 0]


def test_zero_length_path_and_self_loop() -> None:
    a = Node(1)
    assert encode(Path((a,), ()), BOLT4) == Structure(0x50, [[_node(a, False)], [], []])
    loop = Relationship(9, 1, 1, "SELF")
    assert encode(Path((a, a), (loop,)), BOLT4).fields[2] == [1, 0]


def test_graph_values_from_the_server_on_4_4_and_5_4(server: Any) -> None:
    with BoltClient.open(server, (5, 4)) as client:
        rows, summary = client.query(
            "CREATE p = (x:X {k: 1})-[:R1 {w: 2}]->(y:Y)<-[:R2]-(z:Z) "
            "RETURN p, x, relationships(p)[0] AS r"
        )
        assert summary.tag == SUCCESS
        path5, x5, r5 = rows[0]
    with BoltClient.open(server, (4, 4)) as client:
        rows, _ = client.query(
            "MATCH p = (x:X)-[:R1]->(y:Y)<-[:R2]-(z:Z) RETURN p, x, relationships(p)[0] AS r"
        )
        path4, x4, r4 = rows[0]

    assert path5.tag == path4.tag == 0x50
    assert path5.fields[2] == path4.fields[2] == [1, 1, -2, 2]
    xid = x5.fields[0]
    assert x4 == Structure(0x4E, [xid, ["X"], {"k": 1}])
    assert x5 == Structure(0x4E, [xid, ["X"], {"k": 1}, str(xid)])
    assert r4.fields[3:5] == ["R1", {"w": 2}] and len(r4.fields) == 5
    assert r5.fields[:5] == r4.fields
    assert r5.fields[5:] == [str(f) for f in r4.fields[:3]]
    # the path's nodes and unbound relationships carry element ids on 5.x only
    assert [len(n.fields) for n in path4.fields[0]] == [3, 3, 3]
    assert [len(n.fields) for n in path5.fields[0]] == [4, 4, 4]
    assert [r.tag for r in path5.fields[1]] == [0x72, 0x72]
    assert [len(r.fields) for r in path4.fields[1]] == [3, 3]
    assert [r.fields[1] for r in path5.fields[1]] == ["R1", "R2"]
    assert all(r.fields[3] == str(r.fields[0]) for r in path5.fields[1])


# -------------------------------------------------------------------- temporal values

EPOCH_2020 = 1_577_836_800  # 2020-01-01T00:00:00Z
PLUS2 = dt.timezone(dt.timedelta(hours=2))


@pytest.mark.parametrize("table", [BOLT4, BOLT5], ids=["legacy", "utc"])
def test_encodings_shared_by_every_version(table: dict[type, Any]) -> None:
    assert encode(dt.date(2020, 1, 1), table) == Structure(0x44, [18262])
    assert encode(dt.date(1969, 12, 31), table) == Structure(0x44, [-1])
    assert encode(dt.time(12, 0, 0, 1), table) == Structure(0x74, [43_200_000_001_000])
    assert encode(dt.time(12, 0, tzinfo=PLUS2), table) == Structure(
        0x54, [43_200_000_000_000, 7200]
    )
    assert encode(dt.datetime(2020, 1, 1, 0, 0, 1, 5), table) == Structure(
        0x64, [EPOCH_2020 + 1, 5000]
    )
    # before the epoch the seconds are floored and the nanoseconds positive
    assert encode(dt.datetime(1969, 12, 31, 23, 59, 59, 500_000), table) == Structure(
        0x64, [-1, 500_000_000]
    )
    assert encode(dt.timedelta(days=1, seconds=5, microseconds=7), table) == Structure(
        0x45, [0, 1, 5, 7000]
    )


def test_datetime_with_offset_utc_versus_legacy() -> None:
    value = dt.datetime(2020, 1, 1, 12, 0, tzinfo=PLUS2)  # 10:00 UTC
    assert encode(value, BOLT5) == Structure(0x49, [EPOCH_2020 + 10 * 3600, 0, 7200])
    assert encode(value, BOLT4_UTC) == Structure(0x49, [EPOCH_2020 + 10 * 3600, 0, 7200])
    assert encode(value, BOLT4) == Structure(0x46, [EPOCH_2020 + 12 * 3600, 0, 7200])


def test_datetime_with_zone_id_utc_versus_legacy() -> None:
    value = dt.datetime(2020, 7, 1, 12, 0, 0, 250, tzinfo=ZoneInfo("Europe/Berlin"))  # CEST
    local = EPOCH_2020 + 182 * 86400 + 12 * 3600
    assert encode(value, BOLT5) == Structure(0x69, [local - 7200, 250_000, "Europe/Berlin"])
    assert encode(value, BOLT4) == Structure(0x66, [local, 250_000, "Europe/Berlin"])


def test_hello_with_the_utc_patch_switches_4_4_to_utc_datetimes(server: Any) -> None:
    for version, patched in [((4, 4), True), ((4, 3), True), ((4, 2), False), ((5, 0), False)]:
        with BoltClient(server.host, server.port) as client:
            assert client.handshake(bytes((0, 0, version[1], version[0]))) == version
            hello = client.hello(patch_bolt=["utc"], scheme="none")
            assert hello.tag == SUCCESS
            assert ("patch_bolt" in hello.metadata) is patched
            if patched:
                assert hello.metadata["patch_bolt"] == ["utc"]


# ------------------------------------------------------------------ incoming values


@pytest.mark.parametrize("utc", [False, True])
def test_hydrate_temporal_parameters(utc: bool) -> None:
    cases = [
        (Structure(0x44, [18262]), dt.date(2020, 1, 1)),
        (Structure(0x74, [43_200_000_001_000]), dt.time(12, 0, 0, 1)),
        (Structure(0x54, [43_200_000_000_000, 7200]), dt.time(12, 0, tzinfo=PLUS2)),
        (Structure(0x64, [-1, 500_000_000]), dt.datetime(1969, 12, 31, 23, 59, 59, 500_000)),
        (Structure(0x45, [0, 1, 5, 7000]), dt.timedelta(days=1, seconds=5, microseconds=7)),
    ]
    for structure, value in cases:
        hydrated = hydrate(structure, utc)
        assert hydrated == value and type(hydrated) is type(value)
        assert hydrated.__class__ is not dt.datetime or hydrated.tzinfo == value.tzinfo


def test_hydrate_datetimes_per_encoding() -> None:
    expected = dt.datetime(2020, 1, 1, 12, 0, tzinfo=PLUS2)
    utc = hydrate(Structure(0x49, [EPOCH_2020 + 10 * 3600, 0, 7200]), True)
    legacy = hydrate(Structure(0x46, [EPOCH_2020 + 12 * 3600, 0, 7200]), False)
    for value in (utc, legacy):
        assert value == expected and value.utcoffset() == dt.timedelta(hours=2)
        assert value.hour == 12
    berlin = dt.datetime(2020, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    local = EPOCH_2020 + 182 * 86400 + 12 * 3600
    for value in (
        hydrate(Structure(0x69, [local - 7200, 0, "Europe/Berlin"]), True),
        hydrate(Structure(0x66, [local, 0, "Europe/Berlin"]), False),
    ):
        assert value == berlin and value.hour == 12
        assert isinstance(value.tzinfo, ZoneInfo) and value.tzinfo.key == "Europe/Berlin"


def test_hydrate_round_trips_what_the_server_encodes() -> None:
    values = [
        dt.date(1, 1, 1),
        dt.date(9999, 12, 31),
        dt.time(23, 59, 59, 999_999),
        dt.datetime(2024, 2, 29, 1, 2, 3, 4),
        dt.datetime(1900, 3, 1, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30))),
        dt.datetime(2021, 3, 28, 3, 30, tzinfo=ZoneInfo("Europe/Berlin")),
        dt.timedelta(days=-3, seconds=7, microseconds=1),
    ]
    for utc, table in [(False, BOLT4), (True, BOLT5)]:
        for value in values:
            back = hydrate(encode(value, table), utc)
            assert back == value and back.__class__ is value.__class__
            if isinstance(value, dt.datetime):
                assert back.utcoffset() == value.utcoffset()


def test_hydrate_walks_lists_and_maps() -> None:
    value = {"a": [Structure(0x44, [0]), {"b": Structure(0x44, [1])}], "c": 1}
    assert hydrate(value, True) == {
        "a": [dt.date(1970, 1, 1), {"b": dt.date(1970, 1, 2)}],
        "c": 1,
    }


@pytest.mark.parametrize(
    ("structure", "utc"),
    [
        (Structure(0x46, [0, 0, 0]), True),  # legacy DateTime on a UTC connection
        (Structure(0x66, [0, 0, "UTC"]), True),
        (Structure(0x49, [0, 0, 0]), False),  # UTC DateTime on a legacy connection
        (Structure(0x69, [0, 0, "UTC"]), False),
    ],
)
def test_the_other_datetime_encoding_is_refused(structure: Structure, utc: bool) -> None:
    with pytest.raises(ClientError):
        hydrate(structure, utc)


@pytest.mark.parametrize(
    "structure",
    [
        Structure(0x4E, [1, [], {}]),
        Structure(0x4E, [1, [], {}, "1"]),
        Structure(0x52, [1, 2, 3, "T", {}]),
        Structure(0x72, [1, "T", {}]),
        Structure(0x50, [[], [], []]),
        Structure(0x58, [7203, 1.0, 2.0]),
        Structure(0x59, [9157, 1.0, 2.0, 3.0]),
        Structure(0x01, []),
        Structure(0x70, [{}]),
    ],
)
def test_graph_structures_points_and_unknown_tags_are_refused(structure: Structure) -> None:
    for utc in (False, True):
        with pytest.raises(ClientError):
            hydrate(structure, utc)
        with pytest.raises(ClientError):
            hydrate({"nested": [structure]}, utc)


@pytest.mark.parametrize(
    "structure",
    [
        Structure(0x44, []),
        Structure(0x44, [1, 2]),
        Structure(0x44, ["1"]),
        Structure(0x44, [True]),
        Structure(0x44, [1.0]),
        Structure(0x44, [10**18]),  # out of range
        Structure(0x74, [-1]),
        Structure(0x74, [86_400 * 10**9]),
        Structure(0x54, [0, 86_400]),  # offset of a whole day
        Structure(0x64, [2**63 - 1, 0]),
        Structure(0x49, [-(2**63), 0, 0]),
        Structure(0x69, [0, 0, "Mars/Olympus_Mons"]),
        Structure(0x69, [0, 0, ""]),
        Structure(0x69, [0, 0, "Europe"]),  # a directory of the zone database
        Structure(0x69, [0, 0, "../../../etc/passwd"]),
        Structure(0x69, [0, 0, "x" * 5000]),
        Structure(0x69, [0, 0, "nul\x00"]),
        Structure(0x69, [0, 0, 1]),
        Structure(0x45, [1, 0, 0, 0]),  # months: Memgraph's durations have none
        Structure(0x45, [0, 10**12, 0, 0]),
        Structure(0x45, [0, 0, 0]),
    ],
)
def test_malformed_temporal_structures_are_client_errors(structure: Structure) -> None:
    utc = structure.tag != 0x46 and structure.tag != 0x66
    with pytest.raises(ClientError):
        hydrate(structure, utc)


def test_structure_tags_match_bolt_md() -> None:
    assert (hydration.NODE, hydration.RELATIONSHIP, hydration.UNBOUND_RELATIONSHIP) == (
        0x4E,
        0x52,
        0x72,
    )
    assert (hydration.PATH, hydration.DATE, hydration.TIME, hydration.LOCAL_TIME) == (
        0x50,
        0x44,
        0x54,
        0x74,
    )
    assert (hydration.DATE_TIME, hydration.DATE_TIME_ZONE_ID) == (0x49, 0x69)
    assert (hydration.LEGACY_DATE_TIME, hydration.LEGACY_DATE_TIME_ZONE_ID) == (0x46, 0x66)
    assert (hydration.LOCAL_DATE_TIME, hydration.DURATION) == (0x64, 0x45)
    assert (hydration.POINT_2D, hydration.POINT_3D) == (0x58, 0x59)


@pytest.mark.parametrize("version", [(4, 4), (5, 4)])
@pytest.mark.parametrize(
    "parameter",
    [
        Structure(0x4E, [1, [], {}, "1"]),
        Structure(0x52, [1, 2, 3, "T", {}, "1", "2", "3"]),
        Structure(0x50, [[], [], []]),
        Structure(0x58, [7203, 1.0, 2.0]),
        Structure(0x59, [9157, 1.0, 2.0, 3.0]),
        Structure(0x69, [0, 0, "Europe"]),
    ],
)
def test_the_server_refuses_such_parameters_with_a_client_error(
    server: Any, version: tuple[int, int], parameter: Structure
) -> None:
    with BoltClient.open(server, version) as client:
        failure = client.run("RETURN $p AS p", {"p": [parameter]})
        assert failure.tag == FAILURE
        assert failure.metadata["code"].split(".")[1] == "ClientError"
        assert client.reset().tag == SUCCESS
        rows, _ = client.query("RETURN 1 AS one")
        assert rows == [[1]]
