"""LOAD CSV: one row per row of a CSV file (``mgcore.cypher.physical.csv_reader`` parses it).

As in Memgraph, the file is opened (and its header read) when the operator first runs, and the
input is pulled at most once: the rows extend the input's single row. A second input row is an
error ("LOAD CSV can be executed only once ..."), raised when the second CSV row is asked for;
with no input row the CSV rows still come, with the input's variables null (Memgraph's cursor
reads the file whether or not its input produced a row).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mgcore.cypher.physical.csv_reader import CsvReader
from mgcore.cypher.physical.expressions import Compiled, mg_type
from mgcore.cypher.physical.operators.base import PhysicalOperator, Unary
from mgcore.cypher.physical.row import Row
from mgcore.errors import ClientError

if TYPE_CHECKING:
    from mgcore.execution import QueryContext

ONLY_ONCE = (
    "LOAD CSV can be executed only once, please check if the cardinality of the operator before"
    " LOAD CSV is 1"
)


class LoadCsv(Unary):
    """Streams the rows of a CSV file, appending each (a map or a list) to the input's row."""

    __slots__ = (
        "delimiter", "ignore_bad", "keeps_argument", "location", "nullif", "quote", "width",
        "with_header",
    )

    def __init__(
        self,
        label: str,
        input: PhysicalOperator,
        location: Compiled,
        *,
        with_header: bool,
        ignore_bad: bool,
        delimiter: Compiled | None,
        quote: Compiled | None,
        nullif: Compiled | None,
        width: int,
        keeps_argument: bool = True,
    ) -> None:
        super().__init__(label, input)
        self.location = location
        self.with_header = with_header
        self.ignore_bad = ignore_bad
        self.delimiter = delimiter
        self.quote = quote
        self.nullif = nullif
        self.width = width
        """The width of the input's rows (to pad the argument row when there is none)."""
        self.keeps_argument = keeps_argument
        """Whether the input's rows start with the argument row (not in a CALL subquery that
        imports nothing)."""

    def _option(self, option: Compiled | None, ctx: QueryContext) -> str | None:
        """A string option's value; a value of another type is no option (Memgraph)."""
        if option is None:
            return None
        value = option((), ctx)
        return value if isinstance(value, str) else None

    def open(self, ctx: QueryContext) -> CsvReader:
        """The reader for this execution (the location and options are constants)."""
        location = self.location((), ctx)
        if not isinstance(location, str):
            raise ClientError(
                f"LOAD CSV expects the file location to be a string, got {mg_type(location)}."
            )
        timeout = None if ctx.deadline is None else ctx.deadline - time.monotonic()
        try:
            return CsvReader(
                location,
                with_header=self.with_header,
                ignore_bad=self.ignore_bad,
                delimiter=self._option(self.delimiter, ctx),
                quote=self._option(self.quote, ctx),
                nullif=self._option(self.nullif, ctx),
                tick=ctx.check_deadline,
                timeout=timeout,
            )
        except ClientError:
            ctx.check_deadline()  # a URL that timed out past the query's deadline: a timeout
            raise

    def run(self, ctx: QueryContext, arg: Row) -> Iterator[Row]:
        ctx.check_deadline()
        with self.open(ctx) as reader:
            inputs = self.input.run(ctx, arg)
            first = next(inputs, None)
            if first is None:
                prefix = arg if self.keeps_argument else ()
                base = prefix + (None,) * (self.width - len(prefix))
            else:
                base = first
            check_input = first is not None
            for value in reader:
                yield (*base, value)
                if check_input:
                    check_input = False
                    if next(inputs, None) is not None:
                        raise ClientError(ONLY_ONCE)
