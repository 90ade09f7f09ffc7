"""Graph and temporal values to PackStream structures and back, per negotiated Bolt version.

Outgoing: nodes, relationships and paths (with element ids from Bolt 5), and mgcore's temporal
values (``mgcore.values.temporal``) as Bolt's Date, LocalTime, Time, LocalDateTime, DateTime and
Duration structures, nanosecond-exact (the UTC DateTime encoding from 5.0, or on 4.3/4.4 when the
client asked for the ``utc`` patch; the legacy local-seconds encoding otherwise). Incoming: the
temporal structures a driver sends as parameters, as the same mgcore values; graph structures
and points are refused with a clear error, as Memgraph has no way to take them as parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mgcore.errors import ClientError, MgError
from mgcore.server.packstream import INT64_MAX, INT64_MIN, Dehydrator, Structure
from mgcore.values.graph import Node, Path, Relationship
from mgcore.values.temporal import (
    NANOS_PER_SECOND,
    SECONDS_PER_DAY,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
    days_from_civil,
    zone_from_name,
    zone_offset_at_instant,
)

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


def dehydrators(
    element_ids: bool, utc_datetimes: bool, mgclient: bool = False
) -> dict[type, Dehydrator]:
    """The packer's table for one connection: ``element_ids`` from Bolt 5, ``utc_datetimes``
    from Bolt 5 or with the 4.x ``utc`` patch.

    ``mgclient``: a libmgclient client (pymgclient, gqlalchemy), which aborts its whole process
    on what it cannot convert, so such values fail the query instead: a time with an offset
    (it has no Bolt Time), a date or date-time outside Python's years 1-9999, a duration
    beyond Python's timedelta; and a duration with months, which pymgclient would silently
    drop (Memgraph's durations have none). Durations go as Memgraph sends them, whole days
    plus fewer than 86,400 seconds (pymgclient reads the seconds into a C ``int``:
    ``duration({hours: 600000})`` would otherwise arrive wrapped and negative).
    """

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
        Date: _date,
        LocalTime: _local_time,
        Time: _time,
        LocalDateTime: _local_date_time,
        DateTime: _date_time_utc if utc_datetimes else _date_time_legacy,
        Duration: _duration,
    }
    if mgclient:
        table.update(_mgclient_dehydrators(table))
    return table


_PYTHON_DAYS = (days_from_civil(1, 1, 1), days_from_civil(9999, 12, 31))
"""Day counts of Python's first and last date: pymgclient aborts on a date beyond them."""
_TIMEDELTA_DAYS = 999_999_999


def _python_day(days: int, value: Any) -> None:
    if not _PYTHON_DAYS[0] <= days <= _PYTHON_DAYS[1]:
        raise ClientError(
            f"{value} cannot be sent to this client: pymgclient (mgclient) takes years 1 to "
            "9999 only and would abort. Return toString() of it instead."
        )


def _mgclient_dehydrators(table: dict[type, Dehydrator]) -> dict[type, Dehydrator]:
    """The temporal entries for libmgclient's clients (see ``dehydrators``)."""
    date_time = table[DateTime]

    def date(value: Date) -> Structure:
        _python_day(value.days, value)
        return _date(value)

    def local_date_time(value: LocalDateTime) -> Structure:
        _python_day(value.days, value)
        return _local_date_time(value)

    def zoned_date_time(value: DateTime) -> Structure:
        _python_day((value.epoch_seconds + value.offset) // SECONDS_PER_DAY, value)
        _python_day(value.epoch_seconds // SECONDS_PER_DAY, value)
        return date_time(value)

    def duration(value: Duration) -> Structure:
        if value.months:
            raise ClientError(
                f"The duration {value} cannot be sent to this client: pymgclient (mgclient) "
                "turns durations into timedelta, which has no months, and would drop them. "
                "Return duration.inDays(...) or toString(...) of it instead."
            )
        structure = _duration_day_split(value)
        if abs(structure.fields[1]) > _TIMEDELTA_DAYS:
            raise ClientError(
                f"The duration {value} cannot be sent to this client: pymgclient (mgclient) "
                "takes up to 999,999,999 days and would abort."
            )
        return structure

    return {
        Date: date, Time: _time_refused, LocalDateTime: local_date_time,
        DateTime: zoned_date_time, Duration: duration,
    }


def _date(value: Date) -> Structure:
    return Structure(DATE, [value.days])


def _local_time(value: LocalTime) -> Structure:
    return Structure(LOCAL_TIME, [value.nanos])


def _time(value: Time) -> Structure:
    return Structure(TIME, [value.nanos, value.offset])


def _time_refused(value: Time) -> Structure:
    raise ClientError(
        f"The time with an offset {value} cannot be sent to this client: mgclient (pymgclient, "
        "gqlalchemy) has no Bolt Time structure and would abort. Return toString(t) or "
        "localtime(t) instead."
    )


def _local_date_time(value: LocalDateTime) -> Structure:
    seconds, nanos = divmod(value.nanos, NANOS_PER_SECOND)
    return Structure(LOCAL_DATE_TIME, [value.days * SECONDS_PER_DAY + seconds, nanos])


def _date_time_utc(value: DateTime) -> Structure:
    """Bolt 5 (and 4.x with the ``utc`` patch): the instant's UTC epoch seconds."""
    if value.zone is None:
        return Structure(DATE_TIME, [value.epoch_seconds, value.nanos, value.offset])
    return Structure(DATE_TIME_ZONE_ID, [value.epoch_seconds, value.nanos, value.zone])


def _date_time_legacy(value: DateTime) -> Structure:
    """Bolt 4.x: the local wall-clock time counted as if it were UTC (epoch seconds + offset)."""
    local_seconds = value.epoch_seconds + value.offset
    if value.zone is None:
        return Structure(LEGACY_DATE_TIME, [local_seconds, value.nanos, value.offset])
    return Structure(LEGACY_DATE_TIME_ZONE_ID, [local_seconds, value.nanos, value.zone])


def _duration(value: Duration) -> Structure:
    return Structure(DURATION, [value.months, value.days, value.seconds, value.nanos])


def _duration_day_split(value: Duration) -> Structure:
    """The same length with the seconds beyond a day moved into the days."""
    days, seconds = divmod(value.days * SECONDS_PER_DAY + value.seconds, SECONDS_PER_DAY)
    return Structure(DURATION, [value.months, days, seconds, value.nanos])


# --------------------------------------------------------------------------------- incoming


def _nanos_of_second(nanos: int) -> int:
    if not 0 <= nanos < NANOS_PER_SECOND:
        raise ClientError(f"{nanos} nanoseconds are outside one second.")
    return nanos


def _hydrate_local_date_time(seconds: int, nanos: int) -> LocalDateTime:
    days, second_of_day = divmod(seconds, SECONDS_PER_DAY)
    return LocalDateTime(days, second_of_day * NANOS_PER_SECOND + _nanos_of_second(nanos))


def _hydrate_date_time(seconds: int, nanos: int, offset: int) -> DateTime:
    return DateTime(seconds, _nanos_of_second(nanos), offset, None)


def _hydrate_date_time_zone(seconds: int, nanos: int, zone: str) -> DateTime:
    offset = zone_offset_at_instant(zone_from_name(zone), seconds)
    return DateTime(seconds, _nanos_of_second(nanos), offset, zone)


def _hydrate_legacy_date_time(seconds: int, nanos: int, offset: int) -> DateTime:
    return DateTime(seconds - offset, _nanos_of_second(nanos), offset, None)


def _hydrate_legacy_date_time_zone(seconds: int, nanos: int, zone: str) -> DateTime:
    """The local time placed in the zone as Java does (the earlier offset of an overlap): the
    legacy encoding cannot tell the two instants of an overlap apart."""
    return DateTime.from_local(_hydrate_local_date_time(seconds, nanos), zone_from_name(zone))


def _hydrate_duration(months: int, days: int, seconds: int, nanos: int) -> Duration:
    value = Duration(months, days, seconds, nanos)
    if not INT64_MIN <= value.seconds <= INT64_MAX:
        raise ClientError("The Duration's seconds do not fit in 64 bits.")
    return value


_HYDRATORS: dict[int, tuple[str, tuple[type, ...], Callable[..., Any]]] = {
    DATE: ("Date", (int,), Date),
    TIME: ("Time", (int, int), Time),
    LOCAL_TIME: ("LocalTime", (int,), LocalTime),
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
    """``value`` from a client message with its temporal structures turned into mgcore values.

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
    except (ClientError, OverflowError, ValueError) as exc:
        reason = exc.message if isinstance(exc, MgError) else str(exc)
        raise ClientError(f"A {name} parameter is invalid: {reason[:200]}") from None
