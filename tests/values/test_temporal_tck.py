"""Every example of the TCK's temporal features (Temporal1-10) and of the temporal ORDER BY
scenarios (WithOrderBy1), run against the value layer alone.

A small evaluator understands the expressions these scenarios use (temporal function calls,
map and list literals, property access, arithmetic, comparisons) and the few query shapes
around them (``RETURN``, ``WITH ... RETURN``, ``CREATE`` then ``MATCH``, ``UNWIND ... ORDER
BY``). Results are compared with the expected cells as the TCK does: a temporal by its string
form. The scenarios are read from the TCK directory (``$MGCORE_TCK`` or ``../shared/tck``);
without it the module is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from mgcore.values import temporal_arith as ta
from mgcore.values import temporal_build as tb
from mgcore.values.temporal import Duration, Temporal

try:
    from mgcore.conformance.tck import find_tck
    from mgcore.conformance.tck.gherkin import Scenario, parse_feature
except ImportError:  # pragma: no cover - the conformance package is part of the kernel
    pytest.skip("mgcore.conformance.tck is not available", allow_module_level=True)

TCK = find_tck()
if TCK is None:
    pytest.skip("no openCypher TCK found (set MGCORE_TCK)", allow_module_level=True)

NOW = 1_700_000_000_123_456_789
FEATURES = [
    *(f"expressions/temporal/Temporal{n}.feature" for n in (1, 2, 3, 4, 7, 8, 9, 10)),
    "clauses/with-orderBy/WithOrderBy1.feature",
]


# --------------------------------------------------------------------------------- evaluator

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d+|\d+)|(?P<str>'(?:[^'\\]|\\.)*')|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|<>|[-+*/<>=(){}\[\],.:]))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot tokenize {text[pos:]!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _null_safe(f: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        if any(a is None for a in args):
            return None
        return f(*args)

    return call


def _maker(f: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        if not args:
            return f(now=NOW)
        if args[0] is None:
            return None
        return f(args[0], now=NOW)

    return call


def _truncate(kind: str) -> Callable[..., Any]:
    def call(unit: str, value: Any, overrides: Mapping[str, Any] | None = None) -> Any:
        return tb.truncate(kind, unit, value, overrides or {}, now=NOW)

    return call


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "date": _maker(tb.make_date),
    "localtime": _maker(tb.make_local_time),
    "time": _maker(tb.make_time),
    "localdatetime": _maker(tb.make_local_datetime),
    "datetime": _maker(tb.make_datetime),
    "duration": _null_safe(tb.make_duration),
    "datetime.fromepoch": tb.datetime_from_epoch,
    "datetime.fromepochmillis": tb.datetime_from_epoch_millis,
    "duration.between": _null_safe(ta.between),
    "duration.inmonths": _null_safe(ta.in_months),
    "duration.indays": _null_safe(ta.in_days),
    "duration.inseconds": _null_safe(ta.in_seconds),
}


def _clock(kind: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        if args and args[0] is None:
            return None
        return tb.clock(kind, NOW, *args)

    return call


for _kind in ("date", "localtime", "time", "localdatetime", "datetime"):
    FUNCTIONS[f"{_kind}.truncate"] = _truncate(_kind)
    for _which in ("transaction", "statement", "realtime"):
        FUNCTIONS[f"{_kind}.{_which}"] = _clock(_kind)


def _binary(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if op == "+":
        if isinstance(a, Duration) and isinstance(b, Duration):
            return ta.add(a, b)
        if isinstance(b, Duration):
            return ta.plus_duration(a, b)
        return ta.plus_duration(b, a) if isinstance(a, Duration) else a + b
    if op == "-":
        if isinstance(a, Duration) and isinstance(b, Duration):
            return ta.subtract(a, b)
        return ta.minus_duration(a, b) if isinstance(b, Duration) else a - b
    if op == "*":
        if isinstance(a, Duration):
            return ta.multiply(a, b)
        return ta.multiply(b, a) if isinstance(b, Duration) else a * b
    if op == "/":
        return ta.divide(a, b) if isinstance(a, Duration) else a / b
    if op == "=":
        return a == b
    if op == "<>":
        return a != b
    if type(a) is not type(b) or isinstance(a, Duration):
        return None
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]


class _Parser:
    def __init__(self, text: str, env: Mapping[str, Any]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.env = env

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.toks[self.i][1]
        if expected is not None and tok.lower() != expected.lower():
            raise ValueError(f"expected {expected!r}, got {tok!r}")
        self.i += 1
        return tok

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def expr(self) -> Any:
        left = self.additive()
        while self.peek() in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()
            left = _binary(op, left, self.additive())
        return left

    def additive(self) -> Any:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            left = _binary(op, left, self.term())
        return left

    def term(self) -> Any:
        left = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            left = _binary(op, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.peek() == "-":
            self.take()
            v = self.unary()
            return -v
        return self.postfix()

    def postfix(self) -> Any:
        v = self.primary()
        while self.peek() == ".":
            self.take()
            name = self.take()
            if isinstance(v, Mapping):
                v = v.get(name)
            elif v is not None:
                v = ta.temporal_property(v, name)
        return v

    def primary(self) -> Any:
        kind, tok = self.toks[self.i]
        if kind == "num":
            self.i += 1
            return float(tok) if "." in tok else int(tok)
        if kind == "str":
            self.i += 1
            return tok[1:-1].replace("\\'", "'")
        if tok == "(":
            self.take()
            v = self.expr()
            self.take(")")
            return v
        if tok == "{":
            self.take()
            m: dict[str, Any] = {}
            while self.peek() != "}":
                key = self.take()
                self.take(":")
                m[key] = self.expr()
                if self.peek() == ",":
                    self.take()
            self.take("}")
            return m
        if tok == "[":
            self.take()
            items: list[Any] = []
            while self.peek() != "]":
                items.append(self.expr())
                if self.peek() == ",":
                    self.take()
            self.take("]")
            return items
        if kind == "name":
            self.i += 1
            low = tok.lower()
            if low in ("null", "true", "false"):
                return {"null": None, "true": True, "false": False}[low]
            name = low
            j = self.i
            while (
                j + 1 < len(self.toks) and self.toks[j][1] == "." and self.toks[j + 1][0] == "name"
            ):
                candidate = f"{name}.{self.toks[j + 1][1].lower()}"
                if candidate in FUNCTIONS and j + 2 < len(self.toks) and self.toks[j + 2][1] == "(":
                    name, self.i = candidate, j + 2
                    break
                j += 2
            if self.peek() == "(" and name in FUNCTIONS:
                self.take("(")
                args: list[Any] = []
                while self.peek() != ")":
                    args.append(self.expr())
                    if self.peek() == ",":
                        self.take()
                self.take(")")
                return FUNCTIONS[name](*args)
            return self.env[tok]
        raise ValueError(f"unexpected token {tok!r}")


def evaluate(text: str, env: Mapping[str, Any] | None = None) -> Any:
    """The value of one Cypher expression."""
    p = _Parser(text, env or {})
    v = p.expr()
    if not p.done():
        raise ValueError(f"trailing input in {text!r}")
    return v


def _split_top(text: str, sep: str = ",") -> list[str]:
    parts: list[str] = []
    depth, start, quoted = 0, 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "([{":
            depth += 1
        elif not quoted and ch in ")]}":
            depth -= 1
        elif not quoted and depth == 0 and ch == sep:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _items(text: str, env: dict[str, Any]) -> list[tuple[str, Any]]:
    out = []
    for item in _split_top(text):
        m = re.fullmatch(r"(.*?)\s+AS\s+(\w+)", item, re.DOTALL)
        expr, alias = (m.group(1), m.group(2)) if m else (item, item)
        out.append((alias, evaluate(expr, env)))
    return out


_CLAUSE = re.compile(r"\b(WITH|RETURN|MATCH|UNWIND|ORDER BY|LIMIT|CREATE)\b")


def _clauses(query: str) -> list[tuple[str, str]]:
    text = " ".join(query.split())
    marks = [(m.start(), m.group(1)) for m in _CLAUSE.finditer(text) if _outside_quotes(text, m)]
    out = []
    for n, (pos, word) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(text)
        out.append((word, text[pos + len(word) : end].strip()))
    return out


def _outside_quotes(text: str, m: re.Match[str]) -> bool:
    return text[: m.start()].count("'") % 2 == 0


def _create(text: str, store: dict[str, dict[str, Any]]) -> None:
    for pattern in re.findall(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)", text):
        m = re.fullmatch(r"\s*(\w*)\s*(?::\s*(\w+))?\s*(\{.*\})?\s*", pattern, re.DOTALL)
        assert m is not None, pattern
        store[m.group(2) or "_"] = evaluate(m.group(3)) if m.group(3) else {}


def run_query(query: str, store: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of one of the query shapes of the temporal scenarios."""
    rows: list[dict[str, Any]] = [{}]
    for word, body in _clauses(query):
        if word == "CREATE":
            for part in re.split(r"\bCREATE\b", body):
                _create(part, store)
            rows = []
        elif word == "WITH":
            rows = [dict(row, **dict(_items(body, row))) for row in rows]
        elif word == "MATCH":
            for pattern in _split_top(body):
                m = re.fullmatch(r"\(\s*(\w+)\s*(?::\s*(\w+))?\s*\)", pattern)
                assert m is not None, pattern
                label = m.group(2) or next(iter(store))
                rows = [dict(row, **{m.group(1): store[label]}) for row in rows]
        elif word == "UNWIND":
            expr, alias = re.fullmatch(r"(.*)\s+AS\s+(\w+)", body, re.DOTALL).groups()  # type: ignore[union-attr]
            rows = [dict(row, **{alias: v}) for row in rows for v in evaluate(expr, row)]
        elif word == "ORDER BY":
            key, _, direction = body.partition(" ")
            rows.sort(key=lambda r: r[key].order_key(), reverse=direction.upper() == "DESC")
        elif word == "LIMIT":
            rows = rows[: int(body)]
        elif word == "RETURN":
            rows = [dict(_items(body, row)) for row in rows]
    return rows


# ------------------------------------------------------------------------------------ checks


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, Temporal):
        return isinstance(expected, str) and str(actual) == expected
    if isinstance(actual, list):
        return (
            isinstance(expected, list)
            and len(actual) == len(expected)
            and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)


def _scenarios() -> list[Any]:
    assert TCK is not None
    out = []
    for rel in FEATURES:
        for sc in parse_feature(Path(TCK) / "features" / rel):
            text = " ".join(s.docstring or "" for s in sc.steps)
            if "ORDER BY" in text and not re.match(r"\s*UNWIND \[(local)?(date)?(time)?\(", text):
                continue
            out.append(pytest.param(sc, id=sc.id))
    return out


@pytest.mark.parametrize("scenario", _scenarios())
def test_tck_scenario(scenario: Scenario) -> None:
    store: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    checked = 0
    for step in scenario.steps:
        if step.docstring is not None:
            rows = run_query(step.docstring, store)
        elif step.text.startswith("the result should be") and step.table:
            header, *expected = step.table
            assert len(rows) == len(expected), (rows, expected)
            ordered = "in order" in step.text
            pending = list(rows)
            for cells in expected:
                want = {h: evaluate(c) for h, c in zip(header, cells, strict=True)}
                candidates = pending[:1] if ordered else pending
                match = next(
                    (r for r in candidates if all(_same(r.get(h), want[h]) for h in header)), None
                )
                shown = [{k: str(v) for k, v in r.items()} for r in pending]
                assert match is not None, f"no row {want} in {shown}"
                pending.remove(match)
                checked += 1
        elif step.text.startswith("the result should be empty"):
            assert rows == []
    assert checked or any(s.text.startswith("the result should be empty") for s in scenario.steps)


def test_the_scenarios_are_found() -> None:
    assert len(_scenarios()) > 700
