"""TCK result values: parse the literals of expected-result tables, and bring actual results
into the same canonical form so that the two compare with ``==``.

The canonical form is hashable and type-tagged: ``1``, ``1.0`` and ``true`` differ, NaN equals
NaN, nodes and relationships compare by labels/type and properties (the TCK never compares
identities), and paths by their alternating sequence with each relationship's direction.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer, v_args

from mgcore.values.graph import Node, Path, Relationship
from mgcore.values.temporal import Temporal

_GRAMMAR = r"""
?value: NULL -> null
      | TRUE -> true
      | FALSE -> false
      | FLOAT -> float
      | INTEGER -> integer
      | SPECIAL_FLOAT -> special_float
      | STRING -> string
      | "[" [value ("," value)*] "]" -> list
      | "{" [entry ("," entry)*] "}" -> map
      | node
      | relationship
      | "<" node (segment)* ">" -> path

entry: key ":" value
key: NAME | QUOTED_NAME

node: "(" labels? map_value? ")"
relationship: "[" ":" name map_value? "]"
map_value: "{" [entry ("," entry)*] "}"
labels: (":" name)+
segment: LEFT_ARROW relationship DASH node -> incoming
       | DASH relationship RIGHT_ARROW node -> outgoing
       | DASH relationship DASH node -> undirected
name: NAME | QUOTED_NAME

LEFT_ARROW: "<-"
RIGHT_ARROW: "->"
DASH: "-"
NULL.2: "null"
TRUE.2: "true"
FALSE.2: "false"
SPECIAL_FLOAT.2: /-?Infinity|NaN/
FLOAT.1: /-?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?|-?\d+[eE][-+]?\d+/
INTEGER: /-?(0x[0-9a-fA-F]+|0o[0-7]+|\d+)/
STRING: /'(\\.|[^'\\])*'/
NAME: /[A-Za-z_][A-Za-z_0-9]*/
QUOTED_NAME: /`[^`]*`/
%ignore /[ \t\r\n]+/
"""

_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def _unescape(body: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt == "u" and index + 6 <= len(body):
                out.append(chr(int(body[index + 2:index + 6], 16)))
                index += 6
                continue
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _name(token: Token) -> str:
    text = str(token)
    return text[1:-1] if text.startswith("`") else text


def _canon_float(value: float) -> tuple[Any, ...]:
    if math.isnan(value):
        return ("float", "nan")
    return ("float", value)


def _canon_map(items: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted(items.items(), key=lambda kv: kv[0]))


@v_args(inline=True)
class _ToCanonical(Transformer[Token, Any]):
    def null(self, _: Token) -> Any:
        return ("null",)

    def true(self, _: Token) -> Any:
        return ("bool", True)

    def false(self, _: Token) -> Any:
        return ("bool", False)

    def integer(self, token: Token) -> Any:
        return ("int", int(str(token), 0) if not str(token).lstrip("-").isdigit() else int(token))

    def float(self, token: Token) -> Any:
        return _canon_float(float(str(token)))

    def special_float(self, token: Token) -> Any:
        text = str(token)
        if text == "NaN":
            return _canon_float(math.nan)
        return _canon_float(float(text.replace("Infinity", "inf")))

    def string(self, token: Token) -> Any:
        return ("str", _unescape(str(token)[1:-1]))

    def list(self, *items: Any) -> Any:
        return ("list", tuple(i for i in items if i is not None))

    def map(self, *entries: Any) -> Any:
        return ("map", _canon_map(dict(e for e in entries if e is not None)))

    def map_value(self, *entries: Any) -> Any:
        return _canon_map(dict(e for e in entries if e is not None))

    def entry(self, key: str, value: Any) -> Any:
        return (key, value)

    def key(self, token: Token) -> str:
        return _name(token)

    def name(self, token: Token) -> str:
        return _name(token)

    def labels(self, *names: str) -> Any:
        return frozenset(names)

    def node(self, *parts: Any) -> Any:
        labels: frozenset[str] = frozenset()
        props: tuple[Any, ...] = ()
        for part in parts:
            if isinstance(part, frozenset):
                labels = part
            elif part is not None:
                props = part
        return ("node", labels, props)

    def relationship(self, rel_type: str, props: Any = None) -> Any:
        return ("rel", rel_type, props or ())

    def outgoing(self, _a: Token, rel: Any, _b: Token, node: Any) -> Any:
        return ("->", rel, node)

    def incoming(self, _a: Token, rel: Any, _b: Token, node: Any) -> Any:
        return ("<-", rel, node)

    def undirected(self, _a: Token, rel: Any, _b: Token, node: Any) -> Any:
        return ("--", rel, node)

    def path(self, start: Any, *segments: Any) -> Any:
        return ("path", start, tuple(segments))


@cache
def _parser() -> Lark:
    return Lark(_GRAMMAR, start="value", parser="lalr")


class ValueSyntaxError(ValueError):
    """An expected-result cell that is not a TCK value literal."""


def parse_value(text: str) -> Any:
    """The canonical form of one TCK value literal (a table cell or a parameter)."""
    try:
        tree = _parser().parse(text)
    except Exception as exc:
        raise ValueSyntaxError(f"cannot read TCK value {text!r}: {exc}") from None
    return _ToCanonical().transform(tree)


def canonical(value: Any) -> Any:
    """The canonical form of a value returned by mgcore, comparable with ``parse_value``."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return _canon_float(value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, Temporal):
        return ("str", str(value))  # the TCK writes temporal results as their string forms
    if isinstance(value, list | tuple):
        return ("list", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("map", _canon_map({k: canonical(v) for k, v in value.items()}))
    if isinstance(value, Node):
        return _canon_node(value)
    if isinstance(value, Relationship):
        return _canon_rel(value)
    if isinstance(value, Path):
        segments = []
        for index, rel in enumerate(value.relationships):
            before, after = value.nodes[index], value.nodes[index + 1]
            arrow = "->" if rel.start_id == before.id and rel.end_id == after.id else "<-"
            segments.append((arrow, _canon_rel(rel), _canon_node(after)))
        return ("path", _canon_node(value.nodes[0]), tuple(segments))
    return ("other", type(value).__name__, str(value))


def _canon_node(node: Node) -> Any:
    props = {k: canonical(v) for k, v in node.properties.items()}
    return ("node", frozenset(node.labels), _canon_map(props))


def _canon_rel(rel: Relationship) -> Any:
    props = {k: canonical(v) for k, v in rel.properties.items()}
    return ("rel", rel.type, _canon_map(props))


def ignoring_list_order(value: Any) -> Any:
    """``value`` with every list (at any depth) replaced by its sorted elements."""
    tag = value[0]
    if tag == "list":
        return ("list", tuple(sorted((ignoring_list_order(v) for v in value[1]), key=repr)))
    if tag == "map":
        return ("map", tuple((k, ignoring_list_order(v)) for k, v in value[1]))
    return value


def to_python(value: Any) -> Any:
    """A canonical literal as a plain Python value, for parameters and procedure tables."""
    tag = value[0]
    if tag == "null":
        return None
    if tag in ("bool", "int", "str"):
        return value[1]
    if tag == "float":
        return math.nan if value[1] == "nan" else value[1]
    if tag == "list":
        return [to_python(v) for v in value[1]]
    if tag == "map":
        return {k: to_python(v) for k, v in value[1]}
    raise ValueSyntaxError(f"a {tag} cannot be a parameter value")


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def _render_name(name: str) -> str:
    """A key, label or type as the grammar reads it: backticked unless a plain name."""
    return name if _PLAIN_NAME.fullmatch(name) else f"`{name}`"


def render(value: Any) -> str:
    """A canonical value written back in TCK syntax, for readable failure messages."""
    tag = value[0]
    if tag == "null":
        return "null"
    if tag == "bool":
        return "true" if value[1] else "false"
    if tag == "int":
        return str(value[1])
    if tag == "float":
        if value[1] == "nan":
            return "NaN"
        if math.isinf(value[1]):
            return "Infinity" if value[1] > 0 else "-Infinity"
        return repr(value[1])
    if tag == "str":
        return "'" + value[1].replace("\\", "\\\\").replace("'", "\\'") + "'"
    if tag == "list":
        return "[" + ", ".join(render(v) for v in value[1]) + "]"
    if tag == "map":
        return "{" + ", ".join(f"{_render_name(k)}: {render(v)}" for k, v in value[1]) + "}"
    if tag == "node":
        labels = "".join(f":{_render_name(label)}" for label in sorted(value[1]))
        props = " " + render(("map", value[2])) if value[2] else ""
        return f"({labels}{props})"
    if tag == "rel":
        props = " " + render(("map", value[2])) if value[2] else ""
        return f"[:{_render_name(value[1])}{props}]"
    if tag == "path":
        out = render(value[1])
        for arrow, rel, node in value[2]:
            left, right = ("<-", "-") if arrow == "<-" else ("-", "->" if arrow == "->" else "-")
            out += f"{left}{render(rel)}{right}{render(node)}"
        return f"<{out}>"
    return f"{value[1]}({value[2]})"
