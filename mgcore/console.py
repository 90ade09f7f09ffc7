"""``mgcore console``: an interactive Cypher shell on an embedded database, or a script runner.

On a terminal it is a prompt_toolkit REPL: a query may span lines and runs once it ends with
``;``; results print as tables and errors as ``<code>: <message>`` without leaving the shell.
When stdin is not a terminal it reads ``;``-separated queries from stdin, prints their results
and exits non-zero if any query failed, so it can run scripts and be tested.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

from mgcore.errors import DATABASE_ERROR, MgError
from mgcore.values.graph import Node, Relationship
from mgcore.values.graph import Path as GraphPath

PROMPT = "mgcore> "
CONTINUATION = "     -> "
QUIT_COMMANDS = frozenset({":quit", ":exit", ":q", "quit", "exit"})
HISTORY_FILE = "~/.mgcore_history"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _Session(Protocol):
    def run(self, query: str, parameters: Mapping[str, Any] | None = None) -> Any: ...


# ---------------------------------------------------------------------------------------------
# Splitting input into statements


def split_statements(text: str) -> tuple[list[str], str]:
    """Split ``text`` at ``;`` outside strings, backtick names and comments.

    Returns the complete statements (stripped; those holding only comments dropped) and the
    unfinished rest after the last ``;``.
    """
    statements: list[str] = []
    start = 0
    meaningful = False
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            meaningful = True
            i += 1
            while i < n and text[i] != ch:
                i += 2 if text[i] == "\\" and ch != "`" else 1
            i += 1
            continue
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == ";":
            if meaningful:
                statements.append(text[start:i].strip())
            start = i + 1
            meaningful = False
        elif not ch.isspace():
            meaningful = True
        i += 1
    return statements, text[start:]


def _only_comments(text: str) -> bool:
    statements, _ = split_statements(text + ";")
    return not statements


# ---------------------------------------------------------------------------------------------
# Formatting values and tables


def format_value(value: Any) -> str:
    """A value as Cypher-like text: strings quoted, null, true/false, nodes as ``(:L {k: v})``."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Node):
        labels = "".join(":" + _name(label) for label in value.labels)
        return f"({labels}{_properties(value.properties)})"
    if isinstance(value, Relationship):
        return f"[:{_name(value.type)}{_properties(value.properties)}]"
    if isinstance(value, GraphPath):
        return _path(value)
    if isinstance(value, Mapping):
        return (
            "{" + ", ".join(f"{_name(str(k))}: {format_value(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    return str(value)


def _name(name: str) -> str:
    return name if _IDENTIFIER.match(name) else "`" + name.replace("`", "``") + "`"


def _properties(properties: Mapping[str, Any]) -> str:
    return " " + format_value(properties) if properties else ""


def _path(path: GraphPath) -> str:
    parts = [format_value(path.nodes[0])]
    for rel, previous, node in zip(path.relationships, path.nodes, path.nodes[1:], strict=False):
        if rel.start_id == previous.id:
            parts.append(f"-{format_value(rel)}->{format_value(node)}")
        else:
            parts.append(f"<-{format_value(rel)}-{format_value(node)}")
    return "".join(parts)


def _width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def format_table(keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Rows as a boxed table with a header of ``keys``."""
    cells = [[format_value(v) for v in row] for row in rows]
    header = list(keys)
    widths = [_width(k) for k in header]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(values: Sequence[str]) -> str:
        padded = (v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    out = [rule, line(header), rule]
    out.extend(line(row) for row in cells)
    out.append(rule)
    return "\n".join(out)


def _summary_text(summary: Any) -> str:
    counters = getattr(summary, "counters", None)
    as_dict = getattr(counters, "as_dict", None)
    if not callable(as_dict):
        return ""
    changed = [f"{name.replace('_', ' ')}: {count}" for name, count in as_dict().items() if count]
    return ", ".join(changed)


# ---------------------------------------------------------------------------------------------
# Running queries


def execute(session: _Session, query: str, out: TextIO, err: TextIO, *, timing: bool) -> bool:
    """Run one query and print its result or its error; True when it succeeded."""
    started = time.perf_counter()
    try:
        result = session.run(query, {})
        keys = list(result.keys())
        rows = [tuple(record) for record in result]
        summary = result.consume()
    except MgError as exc:
        err.write(f"{exc.code}: {exc.message}\n")
        err.flush()
        return False
    except Exception as exc:
        err.write(f"{DATABASE_ERROR}: {type(exc).__name__}: {exc}\n")
        err.flush()
        return False
    elapsed = f" ({time.perf_counter() - started:.3f} sec)" if timing else ""
    if keys:
        out.write(format_table(keys, rows) + "\n")
        noun = "row" if len(rows) == 1 else "rows"
        out.write(f"{len(rows)} {noun} in set{elapsed}\n")
    else:
        out.write(f"Empty set{elapsed}\n")
    changes = _summary_text(summary)
    if changes:
        out.write(changes + "\n")
    out.flush()
    return True


def run_script(session: _Session, lines: Iterable[str], out: TextIO, err: TextIO) -> int:
    """Run ``;``-separated queries read from ``lines``; 1 if any failed, else 0. A final query
    without ``;`` runs too."""
    failed = False
    pending = ""
    for chunk in lines:
        pending += chunk
        if ";" not in chunk:
            continue
        statements, pending = split_statements(pending)
        for statement in statements:
            failed |= not execute(session, statement, out, err, timing=False)
    statements, _ = split_statements(pending + ";")
    for statement in statements:
        failed |= not execute(session, statement, out, err, timing=False)
    return 1 if failed else 0


def _history(path: str | None) -> Any:
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    target = Path(os.path.expanduser(path or HISTORY_FILE))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(target))


def repl(session: _Session, out: TextIO, err: TextIO, history_path: str | None = None) -> int:
    """The interactive shell; returns 0 when the user leaves with Ctrl-D or ``:quit``."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        text = buffer.text
        statements, rest = split_statements(text)
        if text.strip().lower() in QUIT_COMMANDS or (statements and _only_comments(rest)):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    prompt: PromptSession[str] = PromptSession(
        history=_history(history_path),
        multiline=True,
        key_bindings=bindings,
        prompt_continuation=CONTINUATION,
    )
    out.write("mgcore console. End queries with ';', leave with Ctrl-D or :quit.\n")
    while True:
        try:
            text = prompt.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if text.strip().lower() in QUIT_COMMANDS:
            break
        statements, _ = split_statements(text)
        for statement in statements:
            try:
                execute(session, statement, out, err, timing=True)
            except KeyboardInterrupt:
                err.write("interrupted\n")
    return 0


def run_console(
    database: Any,
    stdin: TextIO,
    out: TextIO,
    err: TextIO,
    *,
    interactive: bool | None = None,
    history_path: str | None = None,
) -> int:
    """Run the console on an open database: the REPL on a terminal, a script runner otherwise."""
    if interactive is None:
        interactive = stdin.isatty() and out.isatty()
    with database.session() as session:
        if interactive:
            return repl(session, out, err, history_path)
        return run_script(session, stdin, out, err)


__all__ = [
    "execute",
    "format_table",
    "format_value",
    "run_console",
    "run_script",
    "split_statements",
]
