"""Graph and temporal values as Bolt structures (design/bolt.md section 5): nodes, relationships
and paths on Bolt 4.4 and 5.x, mgcore's temporal values in both directions with the UTC and
legacy DateTime encodings, and what a client may and may not send as a parameter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rawbolt import FAILURE, SUCCESS, BoltClient

from mgcore.errors import ClientError
from mgcore.server import hydration
from mgcore.server.hydration import dehydrators, hydrate
from mgcore.server.packstream import Structure, pack, unpack
from mgcore.values.graph import Node, Path, Relationship
from mgcore.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time
from mgcore.values.temporal_build import make_date, make_local_datetime

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
DAYS_2020 = 18_262
NOON = 12 * 3600 * 10**9
BERLIN_SUMMER_NOON = EPOCH_2020 + 182 * 86400 + 10 * 3600  # 2020-07-01T12:00+02:00, as UTC


def _datetime(local: str, offset: int, zone: str | None = None) -> DateTime:
    return DateTime.from_local(make_local_datetime(local), zone, offset)


@pytest.mark.parametrize("table", [BOLT4, BOLT4_UTC, BOLT5], ids=["legacy", "utc-patch", "5"])
def test_encodings_shared_by_every_version(table: dict[type, Any]) -> None:
    assert encode(Date(DAYS_2020), table) == Structure(0x44, [DAYS_2020])
    assert encode(Date(-1), table) == Structure(0x44, [-1])
    assert encode(LocalTime(NOON + 1), table) == Structure(0x74, [NOON + 1])
    assert encode(Time(NOON + 7, -3600), table) == Structure(0x54, [NOON + 7, -3600])
    assert encode(LocalDateTime(DAYS_2020, 10**9 + 5), table) == Structure(
        0x64, [EPOCH_2020 + 1, 5]
    )
    # before the epoch the seconds are floored and the nanoseconds positive
    assert encode(LocalDateTime(-1, 86_399 * 10**9 + 500_000_001), table) == Structure(
        0x64, [-1, 500_000_001]
    )
    assert encode(Duration(14, -3, 5, 7), table) == Structure(0x45, [14, -3, 5, 7])
    assert encode(Duration(0, 0, 0, -1), table) == Structure(0x45, [0, 0, -1, 999_999_999])


def test_datetime_with_offset_utc_versus_legacy() -> None:
    value = _datetime("2020-01-01T12:00:00.000000009", 7200)  # 10:00 UTC
    utc = Structure(0x49, [EPOCH_2020 + 10 * 3600, 9, 7200])
    assert encode(value, BOLT5) == utc
    assert encode(value, BOLT4_UTC) == utc
    assert encode(value, BOLT4) == Structure(0x46, [EPOCH_2020 + 12 * 3600, 9, 7200])


def test_datetime_with_zone_id_utc_versus_legacy() -> None:
    value = _datetime("2020-07-01T12:00:00.000000250", 0, "Europe/Berlin")  # CEST
    assert value.offset == 7200
    assert encode(value, BOLT5) == Structure(0x69, [BERLIN_SUMMER_NOON, 250, "Europe/Berlin"])
    assert encode(value, BOLT4_UTC) == encode(value, BOLT5)
    assert encode(value, BOLT4) == Structure(
        0x66, [BERLIN_SUMMER_NOON + 7200, 250, "Europe/Berlin"]
    )


def test_extreme_years_fit_in_64_bits() -> None:
    for local in ("+999999999-12-31T23:59:59.999999999", "-999999999-01-01T00:00"):
        value = _datetime(local, -18 * 3600)
        for utc, table in [(False, BOLT4), (True, BOLT5)]:
            assert hydrate(encode(value, table), utc) == value
        ldt = make_local_datetime(local)
        assert hydrate(encode(ldt, BOLT5), True) == ldt


def test_hello_with_the_utc_patch_switches_4_4_to_utc_datetimes(server: Any) -> None:
    for version, patched in [((4, 4), True), ((4, 3), True), ((4, 2), False), ((5, 0), False)]:
        with BoltClient(server.host, server.port) as client:
            assert client.handshake(bytes((0, 0, version[1], version[0]))) == version
            hello = client.hello(patch_bolt=["utc"], scheme="none")
            assert hello.tag == SUCCESS
            assert ("patch_bolt" in hello.metadata) is patched
            if patched:
                assert hello.metadata["patch_bolt"] == ["utc"]


@pytest.mark.parametrize(
    ("version", "patch", "tags"),
    [((5, 2), False, (0x49, 0x69)), ((4, 4), True, (0x49, 0x69)), ((4, 4), False, (0x46, 0x66))],
)
def test_the_server_sends_and_takes_each_versions_datetimes(
    server: Any, version: tuple[int, int], patch: bool, tags: tuple[int, int]
) -> None:
    offset_value = _datetime("2020-01-01T12:00:00.000000009", 7200)
    zoned_value = _datetime("2020-07-01T12:00:00.000000250", 0, "Europe/Berlin")
    table = BOLT5 if tags[0] == 0x49 else BOLT4
    offset_wire, zoned_wire = encode(offset_value, table), encode(zoned_value, table)
    with BoltClient(server.host, server.port) as client:
        assert client.handshake(bytes((0, 0, version[1], version[0]))) == version
        hello = client.hello(**({"patch_bolt": ["utc"]} if patch else {}), scheme="none")
        assert hello.tag == SUCCESS
        if version >= (5, 1):
            assert client.logon({}).tag == SUCCESS
        rows, summary = client.query(
            "RETURN $a AS a, $b AS b, $d AS d",
            {"a": offset_wire, "b": zoned_wire, "d": Structure(0x44, [DAYS_2020])},
        )
    assert summary.tag == SUCCESS
    assert rows == [[offset_wire, zoned_wire, Structure(0x44, [DAYS_2020])]]
    assert (offset_wire.tag, zoned_wire.tag) == tags


def test_offsets_with_seconds_reach_the_wire_exactly(server: Any) -> None:
    """TCK Temporal1 [13] over raw Bolt 5: the server sends the offset to the second (the neo4j
    Python driver then keeps whole minutes, which is why the scenario fails only through it)."""
    with BoltClient(server.host, server.port) as client:
        assert client.handshake(bytes((0, 0, 2, 5))) == (5, 2)
        assert client.hello(scheme="none").tag == SUCCESS
        assert client.logon({}).tag == SUCCESS
        rows, summary = client.query(
            "RETURN time({hour: 12, minute: 34, second: 56, timezone: '+02:05:59'}) AS t, "
            "time({hour: 12, minute: 34, second: 56, timezone: '-02:05:07'}) AS u, "
            "datetime({year: 1984, month: 10, day: 11, hour: 12, minute: 34, second: 56, "
            "timezone: '+02:05:59'}) AS d",
            {},
        )
    assert summary.tag == SUCCESS
    noon = (12 * 3600 + 34 * 60 + 56) * 10**9
    local = _datetime("1984-10-11T12:34:56", 7559)
    assert rows == [[
        Structure(0x54, [noon, 7559]),
        Structure(0x54, [noon, -7507]),
        Structure(0x49, [local.epoch_seconds, 0, 7559]),
    ]]
    assert local.epoch_seconds == dt.datetime(
        1984, 10, 11, 12, 34, 56, tzinfo=dt.timezone(dt.timedelta(seconds=7559))
    ).timestamp()


# ------------------------------------------------------------------ incoming values


@pytest.mark.parametrize("utc", [False, True])
def test_hydrate_temporal_parameters(utc: bool) -> None:
    cases = [
        (Structure(0x44, [DAYS_2020]), Date(DAYS_2020)),
        (Structure(0x74, [NOON + 1]), LocalTime(NOON + 1)),
        (Structure(0x54, [NOON + 1, 7200]), Time(NOON + 1, 7200)),
        (Structure(0x64, [-1, 500_000_001]), LocalDateTime(-1, 86_399 * 10**9 + 500_000_001)),
        (Structure(0x45, [14, 1, 5, 7]), Duration(14, 1, 5, 7)),
        # the neo4j driver sends a negative fraction with the sign of the seconds
        (Structure(0x45, [0, 0, 0, -500_000_000]), Duration(0, 0, -1, 500_000_000)),
    ]
    for structure, value in cases:
        hydrated = hydrate(structure, utc)
        assert hydrated == value and type(hydrated) is type(value)


def test_hydrate_datetimes_per_encoding() -> None:
    expected = _datetime("2020-01-01T12:00:00.000000009", 7200)
    utc = hydrate(Structure(0x49, [EPOCH_2020 + 10 * 3600, 9, 7200]), True)
    legacy = hydrate(Structure(0x46, [EPOCH_2020 + 12 * 3600, 9, 7200]), False)
    assert utc == legacy == expected
    assert expected.zone is None and str(expected) == "2020-01-01T12:00:00.000000009+02:00"
    berlin = _datetime("2020-07-01T12:00", 0, "Europe/Berlin")
    for value in (
        hydrate(Structure(0x69, [BERLIN_SUMMER_NOON, 0, "Europe/Berlin"]), True),
        hydrate(Structure(0x66, [BERLIN_SUMMER_NOON + 7200, 0, "Europe/Berlin"]), False),
    ):
        assert value == berlin
        assert str(value) == "2020-07-01T12:00+02:00[Europe/Berlin]"


def test_legacy_zone_id_in_an_overlap_takes_the_earlier_offset() -> None:
    # 2020-10-25T02:30 happened twice in Berlin; the local-seconds encoding cannot say which
    local = EPOCH_2020 + 298 * 86400 + 2 * 3600 + 1800
    value = hydrate(Structure(0x66, [local, 0, "Europe/Berlin"]), False)
    assert value.offset == 7200 and value.epoch_seconds == local - 7200


VALUES = [
    Date(0),
    make_date("0001-01-01"),
    make_date("9999-12-31"),
    make_date("-000123-04-05"),
    LocalTime(0),
    LocalTime(86_400 * 10**9 - 1),
    Time(1, -18 * 3600),
    Time(NOON, 18 * 3600),
    Time(NOON, 5 * 3600 + 30 * 60 + 7),
    make_local_datetime("2024-02-29T01:02:03.000000004"),
    make_local_datetime("1900-03-01T04:05"),
    _datetime("1900-03-01T04:05:00.123456789", -(5 * 3600 + 30 * 60)),
    _datetime("2021-03-28T03:30", 0, "Europe/Berlin"),
    _datetime("1818-06-01T00:00:00.000000001", 0, "Europe/Stockholm"),
    _datetime("2020-06-01T00:00", 0, "UTC"),
    Duration(0, 0, 0, 0),
    Duration(-14, 3, -7, 1),
    Duration(0, -3, 7, 999_999_999),
]


@pytest.mark.parametrize("value", VALUES, ids=str)
def test_hydrate_round_trips_what_the_server_encodes(value: Any) -> None:
    for utc, table in [(False, BOLT4), (True, BOLT4_UTC), (True, BOLT5)]:
        back = hydrate(encode(value, table), utc)
        assert back == value and type(back) is type(value) and str(back) == str(value)


def test_hydrate_walks_lists_and_maps() -> None:
    value = {"a": [Structure(0x44, [0]), {"b": Structure(0x44, [1])}], "c": 1}
    assert hydrate(value, True) == {"a": [Date(0), {"b": Date(1)}], "c": 1}


def test_no_python_datetime_is_dehydrated() -> None:
    """The kernel has one temporal representation: Python's types are not Cypher values."""
    for table in (BOLT4, BOLT5):
        assert not {dt.date, dt.time, dt.datetime, dt.timedelta} & set(table)


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
        Structure(0x74, [True]),
        Structure(0x54, [0]),
        Structure(0x54, [0, "+01:00"]),
        Structure(0x54, [0, 18 * 3600 + 1]),
        Structure(0x64, [2**63 - 1, 0]),
        Structure(0x64, [0, 10**9]),  # nanoseconds of the second out of range
        Structure(0x64, [0, -1]),
        Structure(0x64, [0]),
        Structure(0x49, [-(2**63), 0, 0]),
        Structure(0x49, [0, 0, 19 * 3600]),
        Structure(0x49, [0, 10**9, 0]),
        Structure(0x49, [0, 0, 0, 0]),
        Structure(0x49, [0, 0, None]),
        Structure(0x46, [0, 0, -19 * 3600]),
        Structure(0x46, [0, 0]),
        Structure(0x66, [0, 0, "Nowhere/Nothing"]),
        Structure(0x66, [2**63 - 1, 0, "Europe/Berlin"]),
        Structure(0x69, [2**63 - 1, 0, "Europe/Berlin"]),
        Structure(0x69, [0, 0, "Mars/Olympus_Mons"]),
        Structure(0x69, [0, 0, ""]),
        Structure(0x69, [0, 0, "Europe"]),  # a directory of the zone database
        Structure(0x69, [0, 0, "../../../etc/passwd"]),
        Structure(0x69, [0, 0, "x" * 5000]),
        Structure(0x69, [0, 0, "nul\x00"]),
        Structure(0x69, [0, 0, 1]),
        Structure(0x45, [0, 0, 2**63 - 1, 10**9]),  # seconds overflow
        Structure(0x45, [0, 0, 0]),
        Structure(0x45, [0, 0, 0, 0.5]),
    ],
)
def test_malformed_temporal_structures_are_client_errors(structure: Structure) -> None:
    utc = structure.tag != 0x46 and structure.tag != 0x66
    with pytest.raises(ClientError) as caught:
        hydrate(structure, utc)
    assert type(caught.value) is ClientError and len(caught.value.message) < 300


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
        Structure(0x44, [10**18]),
        Structure(0x64, [0, -1]),
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
