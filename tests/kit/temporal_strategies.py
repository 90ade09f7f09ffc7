"""Hypothesis strategies for the six temporal value types, shared by the kit's tests: full-range
fields mixed with a few small values, so that equal and near-equal values come up often."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from mgcore.values.compare import order_key
from mgcore.values.temporal import (
    MAX_OFFSET_SECONDS,
    MAX_YEAR,
    MIN_YEAR,
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    SECONDS_PER_DAY,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    Time,
    days_from_civil,
)

MIN_DAYS = days_from_civil(MIN_YEAR, 1, 1)
MAX_DAYS = days_from_civil(MAX_YEAR, 12, 31)
INT64 = 2**63
ZONES = ("Europe/Stockholm", "UTC", "America/New_York", "Asia/Kathmandu")

days = st.integers(MIN_DAYS, MAX_DAYS) | st.integers(-2, 2) | st.sampled_from([MIN_DAYS, MAX_DAYS])
nanos_of_day = st.integers(0, NANOS_PER_DAY - 1) | st.sampled_from(
    [0, 1, NANOS_PER_SECOND, NANOS_PER_DAY - 1]
)
nanos_of_second = st.integers(0, NANOS_PER_SECOND - 1) | st.sampled_from([0, 1, 999_999_999])
offsets = st.integers(-MAX_OFFSET_SECONDS, MAX_OFFSET_SECONDS) | st.sampled_from(
    [0, 3600, -3600, MAX_OFFSET_SECONDS, -MAX_OFFSET_SECONDS]
)
small = st.integers(-3, 3)
duration_fields = st.integers(-(INT64 - 1), INT64 - 1) | small | st.sampled_from(
    [-(INT64 - 1), INT64 - 1]
)

dates = st.builds(Date, days)
local_times = st.builds(LocalTime, nanos_of_day)
times = st.builds(Time, nanos_of_day, offsets)
local_datetimes = st.builds(LocalDateTime, days, nanos_of_day)


@st.composite
def datetimes(draw: Any) -> DateTime:
    """A DateTime whose local date stays within the supported years."""
    offset = draw(offsets)
    lo = MIN_DAYS * SECONDS_PER_DAY - offset
    hi = (MAX_DAYS + 1) * SECONDS_PER_DAY - 1 - offset
    secs = draw(st.integers(lo, hi) | st.integers(-2, 2))
    return DateTime(secs, draw(nanos_of_second), offset, draw(st.none() | st.sampled_from(ZONES)))


durations = st.builds(Duration, duration_fields, duration_fields, duration_fields, nanos_of_second)
temporals = st.one_of(dates, local_times, times, local_datetimes, datetimes(), durations)

def ref_key(v: Any) -> Any:
    """The global sort key the codec must follow: the kernel's ``order_key`` (temporals rank
    between PATH and STRING, then order by their own ``order_key``)."""
    return order_key(v)
