"""Graph and temporal values to PackStream structures and back, per negotiated Bolt version.

Outgoing: nodes, relationships and paths (with element ids from Bolt 5), and Python's temporal
types as Bolt's Date, LocalTime, Time, LocalDateTime, DateTime and Duration structures (the UTC
DateTime encoding from 5.0, or on 4.3/4.4 when the client asked for the ``utc`` patch; the legacy
local-seconds encoding otherwise). Incoming: the temporal structures a driver sends as
parameters; graph structures and points are refused with a clear error, as Memgraph has no way
to take them as parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mgcore.errors import ClientError
from mgcore.server.packstream import Dehydrator, Structure
from mgcore.values.graph import Node, Path, Relationship

NODE = 0x4E
RELATIONSHIP = 0x52
UNBOUND_RELATIONSHIP = 0x72
PATH = 0x50
DATE = 0x44
TIME = 0x54
LOCAL_TIME = 0x74
LOCAL_DATE_TIME = 0x64
DATE_TIME = 0x49
DATE_TIME_ZONE_ID = 0x69
LEGACY_DATE_TIME = 0x46
LEGACY_DATE_TIME_ZONE_ID = 0x66
DURATION = 0x45
POINT_2D = 0x58
POINT_3D = 0x59

_EPOCH_DATE = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NANOS_PER_SECOND = 1_000_000_000


def dehydrators(element_ids: bool, utc_datetimes: bool) -> dict[type, Dehydrator]:
    """The packer's table for one connection: ``element_ids`` from Bolt 5, ``utc_datetimes``
    from Bolt 5 or with the 4.x ``utc`` patch."""

    def node(n: Node) -> Structure:
        fields = [n.id, list(n.labels), dict(n.properties)]
        if element_ids:
            fields.append(str(n.id))
        return Structure(NODE, fields)

    def relationship(r: Relationship) -> Structure:
        fields = [r.id, r.start_id, r.end_id, r.type, dict(r.properties)]
        if element_ids:
            fields += [str(r.id), str(r.start_id), str(r.end_id)]
        return Structure(RELATIONSHIP, fields)

    def unbound(r: Relationship) -> Structure:
        fields = [r.id, r.type, dict(r.properties)]
        if element_ids:
            fields.append(str(r.id))
        return Structure(UNBOUND_RELATIONSHIP, fields)

    def path(p: Path) -> Structure:
        node_index: dict[int, int] = {}
        nodes: list[Structure] = []
        for n in p.nodes:
            if n.id not in node_index:
                node_index[n.id] = len(nodes)
                nodes.append(node(n))
        rel_index: dict[int, int] = {}
        rels: list[Structure] = []
        indices: list[int] = []
        previous = p.nodes[0]
        for r, following in zip(p.relationships, p.nodes[1:], strict=True):
            if r.id not in rel_index:
                rel_index[r.id] = len(rels) + 1
                rels.append(unbound(r))
            forward = r.start_id == previous.id and r.end_id == following.id
            indices.append(rel_index[r.id] if forward else -rel_index[r.id])
            indices.append(node_index[following.id])
            previous = following
        return Structure(PATH, [nodes, rels, indices])

    table: dict[type, Dehydrator] = {
        Node: node,
        Relationship: relationship,
        Path: path,
        dt.date: _date,
        dt.time: _time,
        dt.datetime: _datetime_utc if utc_datetimes else _datetime_legacy,
        dt.timedelta: _duration,
    }
    return table


def _date(d: dt.date) -> Structure:
    return Structure(DATE, [(d - _EPOCH_DATE).days])


def _nanos_of_day(t: dt.time) -> int:
    seconds = t.hour * 3600 + t.minute * 60 + t.second
    return seconds * _NANOS_PER_SECOND + t.microsecond * 1000


def _time(t: dt.time) -> Structure:
    offset = t.utcoffset()
    if offset is None:
        return Structure(LOCAL_TIME, [_nanos_of_day(t)])
    return Structure(TIME, [_nanos_of_day(t), int(offset.total_seconds())])


def _split(delta: dt.timedelta) -> tuple[int, int]:
    """Whole seconds (floored) and nanoseconds of a timedelta."""
    seconds = delta.days * 86400 + delta.seconds
    return seconds, delta.microseconds * 1000


def _datetime_utc(value: dt.datetime) -> Structure:
    if value.tzinfo is None:
        seconds, nanos = _split(value - _EPOCH)
        return Structure(LOCAL_DATE_TIME, [seconds, nanos])
    seconds, nanos = _split(value - _EPOCH_UTC)
    zone = _zone_name(value)
    if zone is not None:
        return Structure(DATE_TIME_ZONE_ID, [seconds, nanos, zone])
    offset = value.utcoffset()
    assert offset is not None
    return Structure(DATE_TIME, [seconds, nanos, int(offset.total_seconds())])


def _datetime_legacy(value: dt.datetime) -> Structure:
    if value.tzinfo is None:
        seconds, nanos = _split(value - _EPOCH)
        return Structure(LOCAL_DATE_TIME, [seconds, nanos])
    seconds, nanos = _split(value.replace(tzinfo=None) - _EPOCH)
    zone = _zone_name(value)
    if zone is not None:
        return Structure(LEGACY_DATE_TIME_ZONE_ID, [seconds, nanos, zone])
    offset = value.utcoffset()
    assert offset is not None
    return Structure(LEGACY_DATE_TIME, [seconds, nanos, int(offset.total_seconds())])


def _zone_name(value: dt.datetime) -> str | None:
    tz = value.tzinfo
    return tz.key if isinstance(tz, ZoneInfo) else None


def _duration(delta: dt.timedelta) -> Structure:
    return Structure(DURATION, [0, delta.days, delta.seconds, delta.microseconds * 1000])


# --------------------------------------------------------------------------------- incoming


def _local_time(nanos: int) -> dt.time:
    if not 0 <= nanos < 86400 * _NANOS_PER_SECOND:
        raise ClientError(f"A LocalTime of {nanos} nanoseconds is outside one day.")
    seconds, rest = divmod(nanos, _NANOS_PER_SECOND)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return dt.time(hours, minutes, seconds, rest // 1000)


def _offset(seconds: int) -> dt.timezone:
    try:
        return dt.timezone(dt.timedelta(seconds=seconds))
    except ValueError:
        raise ClientError(f"A time zone offset of {seconds} seconds is out of range.") from None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe", a huge name
        raise ClientError(f"Unknown time zone {name[:100]!r}.") from None


def _seconds(seconds: int, nanos: int) -> dt.timedelta:
    return dt.timedelta(seconds=seconds, microseconds=nanos // 1000)


def _hydrate_date(days: int) -> dt.date:
    return _EPOCH_DATE + dt.timedelta(days=days)


def _hydrate_time(nanos: int, offset: int) -> dt.time:
    return _local_time(nanos).replace(tzinfo=_offset(offset))


def _hydrate_local_date_time(seconds: int, nanos: int) -> dt.datetime:
    return _EPOCH + _seconds(seconds, nanos)


def _hydrate_date_time(seconds: int, nanos: int, offset: int) -> dt.datetime:
    return (_EPOCH_UTC + _seconds(seconds, nanos)).astimezone(_offset(offset))


def _hydrate_date_time_zone(seconds: int, nanos: int, zone: str) -> dt.datetime:
    return (_EPOCH_UTC + _seconds(seconds, nanos)).astimezone(_zone(zone))


def _hydrate_legacy_date_time(seconds: int, nanos: int, offset: int) -> dt.datetime:
    return (_EPOCH + _seconds(seconds, nanos)).replace(tzinfo=_offset(offset))


def _hydrate_legacy_date_time_zone(seconds: int, nanos: int, zone: str) -> dt.datetime:
    return (_EPOCH + _seconds(seconds, nanos)).replace(tzinfo=_zone(zone))


def _hydrate_duration(months: int, days: int, seconds: int, nanos: int) -> dt.timedelta:
    if months:
        raise ClientError(
            "Durations with months are not supported; Memgraph's durations have days, "
            "seconds and nanoseconds only."
        )
    return dt.timedelta(days=days, seconds=seconds, microseconds=nanos // 1000)


_HYDRATORS: dict[int, tuple[str, tuple[type, ...], Callable[..., Any]]] = {
    DATE: ("Date", (int,), _hydrate_date),
    TIME: ("Time", (int, int), _hydrate_time),
    LOCAL_TIME: ("LocalTime", (int,), _local_time),
    LOCAL_DATE_TIME: ("LocalDateTime", (int, int), _hydrate_local_date_time),
    DATE_TIME: ("DateTime", (int, int, int), _hydrate_date_time),
    DATE_TIME_ZONE_ID: ("DateTime", (int, int, str), _hydrate_date_time_zone),
    LEGACY_DATE_TIME: ("DateTime", (int, int, int), _hydrate_legacy_date_time),
    LEGACY_DATE_TIME_ZONE_ID: ("DateTime", (int, int, str), _hydrate_legacy_date_time_zone),
    DURATION: ("Duration", (int, int, int, int), _hydrate_duration),
}
_UNSUPPORTED = {
    NODE: "Node",
    RELATIONSHIP: "Relationship",
    UNBOUND_RELATIONSHIP: "Relationship",
    PATH: "Path",
    POINT_2D: "Point",
    POINT_3D: "Point",
}


def hydrate(value: Any, utc_datetimes: bool) -> Any:
    """``value`` from a client message with its structures turned into Python values.

    With ``utc_datetimes`` (Bolt 5, or the 4.x ``utc`` patch) only the UTC DateTime tags are
    accepted; otherwise only the legacy ones, as the drivers send one kind per version.
    """
    t = type(value)
    if t is Structure:
        return _hydrate_structure(value, utc_datetimes)
    if t is list:
        return [hydrate(item, utc_datetimes) for item in value]
    if t is dict:
        return {key: hydrate(item, utc_datetimes) for key, item in value.items()}
    return value


def _hydrate_structure(value: Structure, utc_datetimes: bool) -> Any:
    tag = value.tag
    legacy = tag in (LEGACY_DATE_TIME, LEGACY_DATE_TIME_ZONE_ID)
    modern = tag in (DATE_TIME, DATE_TIME_ZONE_ID)
    entry = _HYDRATORS.get(tag)
    if entry is None or (legacy and utc_datetimes) or (modern and not utc_datetimes):
        name = _UNSUPPORTED.get(tag)
        if name is not None:
            raise ClientError(f"A {name} cannot be a query parameter.")
        raise ClientError(f"Unknown structure 0x{tag:02X} in a query parameter.")
    name, types, build = entry
    fields = value.fields
    if len(fields) != len(types) or not all(
        type(f) is want for f, want in zip(fields, types, strict=True)
    ):
        raise ClientError(f"A {name} structure has malformed fields: {fields!r}.")
    try:
        return build(*fields)
    except (OverflowError, ValueError) as exc:
        raise ClientError(f"A {name} parameter is out of range: {exc}.") from None
