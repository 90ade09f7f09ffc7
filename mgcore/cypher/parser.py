"""``parse(text)``: Cypher text to ``ast.Statement``, raising ``CypherSyntaxError`` on bad input.

The LALR parser is built once per process from ``grammar/cypher.lark`` and cached on disk (the
grammar analysis takes about a second; loading the cache a few tens of milliseconds).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
from importlib import resources
from pathlib import Path

import lark
from lark import Lark, Token, Tree
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from mgcore.cypher import ast
from mgcore.cypher.limits import MAX_NESTING_DEPTH, NESTED_TOO_DEEPLY
from mgcore.cypher.transformer import (
    RESERVED_WORDS,
    AstBuilder,
    syntax_error,
)
from mgcore.errors import CypherSyntaxError

_lock = threading.Lock()
_parser: Lark | None = None

_DISPLAY = {
    "$END": "end of input",
    "NAME": "an identifier",
    "ESCAPED_NAME": "an identifier",
    "PARAM": "a parameter",
    "INTEGER": "an integer",
    "FLOAT": "a float",
    "STRING": "a string",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "COMMA": "','",
    "COLON": "':'",
    "SEMICOLON": "';'",
    "DOT": "'.'",
    "DOTDOT": "'..'",
    "EQ": "'='",
    "NE": "'<>'",
    "LT": "'<'",
    "GT": "'>'",
    "LE": "'<='",
    "GE": "'>='",
    "REGEX": "'=~'",
    "PLUS_EQ": "'+='",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "PERCENT": "'%'",
    "CARET": "'^'",
    "PIPE": "'|'",
    "LEFT_OPEN": "'<-['",
    "DASH_OPEN": "'-['",
    "LEFT_DASHES": "'<--'",
    "DASHES": "'--'",
}
_EXPRESSION_START = frozenset(
    {"NAME", "INTEGER", "FLOAT", "STRING", "PARAM", "LPAR", "LSQB", "LBRACE", "CASE", "NOT"}
)
_OPERATORS = frozenset(
    {
        "AND",
        "OR",
        "XOR",
        "PLUS",
        "MINUS",
        "STAR",
        "SLASH",
        "PERCENT",
        "CARET",
        "EQ",
        "NE",
        "LT",
        "GT",
        "LE",
        "GE",
        "REGEX",
        "IN",
        "IS",
        "STARTS",
        "ENDS",
        "CONTAINS",
        "DOT",
        "LSQB",
    }
)
_RELATIONSHIP_START = frozenset({"DASHES", "DASH_OPEN", "LEFT_DASHES", "LEFT_OPEN"})
_CLAUSE_START = frozenset(
    {
        "_MATCH",
        "OPTIONAL",
        "_CREATE",
        "_MERGE",
        "_SET",
        "_REMOVE",
        "_DELETE",
        "DETACH",
        "_WITH",
        "_RETURN",
        "_UNWIND",
        "_CALL",
        "_FOREACH",
        "_LOAD",
        "_UNION",
    }
)
_EXPRESSION_EXTRA = frozenset({"ESCAPED_NAME", "TRUE", "FALSE", "NULL", "EXISTS", "MINUS", "PLUS"})
_UNTERMINATED = {"'": "string literal", '"': "string literal", "`": "quoted name"}
_MAX_EXPECTED = 8


def parse(text: str) -> ast.Statement:
    """Parse one Cypher statement (an optional trailing ``;`` is allowed)."""
    parser = get_parser()
    if not text.isascii():
        _check_unicode(text)
    try:
        tree = parser.parse(text)
    except UnexpectedInput as error:
        raise _translate(error, text) from None
    try:
        return AstBuilder(text).build(tree)
    except RecursionError:
        raise CypherSyntaxError(NESTED_TOO_DEEPLY.format(limit=MAX_NESTING_DEPTH)) from None


def _check_unicode(text: str) -> None:
    """Reject lone surrogates: such text is not Unicode and cannot be stored or sent as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        position = error.start
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        shown = text.encode("utf-8", "replace").decode("utf-8")
        raise syntax_error(
            shown, line, column,
            f"Invalid input: lone surrogate U+{ord(text[position]):04X} is not valid Unicode.",
        ) from None


def get_parser() -> Lark:
    """The process-wide LALR parser, built (or loaded from the disk cache) on first use."""
    global _parser
    if _parser is None:
        with _lock:
            if _parser is None:
                _parser = _build()
    return _parser


def _build() -> Lark:
    grammar = resources.files("mgcore.cypher").joinpath("grammar/cypher.lark").read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        start="start",
        maybe_placeholders=False,
        cache=_cache_path(grammar),
    )


def _cache_path(grammar: str) -> str | bool:
    """A cache file under the user's cache directory, or ``True`` for lark's default."""
    digest = hashlib.sha256(f"{lark.__version__}\0{grammar}".encode()).hexdigest()[:16]
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    directory = base / "mgcore"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return True
    if not os.access(directory, os.W_OK):
        return True
    path = directory / f"cypher-{digest}.lark-cache"
    if not path.exists():
        for stale in directory.glob("cypher-*.lark-cache"):
            with contextlib.suppress(OSError):
                stale.unlink()
    return str(path)


def _translate(error: UnexpectedInput, text: str) -> CypherSyntaxError:
    """Turn a lark error into a CypherSyntaxError naming position, input and expectations."""
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        if char in _UNTERMINATED:
            message = f"Unterminated {_UNTERMINATED[char]}."
        elif text.startswith("/*", position):
            message = "Unterminated comment."
        else:
            message = f"Invalid input '{char}'."
        return syntax_error(text, error.line, error.column, message)
    if isinstance(error, UnexpectedToken):
        reserved = _reserved_name_before(error)
        if reserved is not None:
            return syntax_error(
                text,
                reserved.line or 1,
                reserved.column or 1,
                f"Invalid input '{reserved.value}': a reserved word cannot be used here.",
            )
        token = error.token
        if token.type == "STAR" and text[(token.start_pos or 1) - 1] == "/":
            return syntax_error(
                text, token.line or 1, (token.column or 2) - 1, "Unterminated comment."
            )
        expected = _describe_expected(_acceptable(error))
        if token.type == "$END":
            line, column = _end_position(text)
            message = f"Unexpected end of input: expected {expected}."
            return syntax_error(text, line, column, message)
        message = f"Invalid input '{token.value}': expected {expected}."
        return syntax_error(text, token.line or 1, token.column or 1, message)
    if isinstance(error, UnexpectedEOF):
        line, column = _end_position(text)
        return syntax_error(text, line, column, "Unexpected end of input.")
    return CypherSyntaxError(str(error))


def _reserved_name_before(error: UnexpectedToken) -> Token | None:
    """The reserved word just before the error if the lexer took it for a name (``> RETURN``)."""
    interactive = error.interactive_parser
    if interactive is None:
        return None
    stack = interactive.parser_state.value_stack
    if not stack:
        return None
    last = stack[-1]
    while isinstance(last, Tree) and last.children:
        last = last.children[-1]
    if isinstance(last, Token) and last.type == "NAME" and last.value.upper() in RESERVED_WORDS:
        return last
    return None


def _acceptable(error: UnexpectedToken) -> set[str]:
    """The terminals the parser would really accept where the error occurred.

    ``error.expected`` lists the lookaheads of an LALR state, which may be shared by several
    contexts; feeding each candidate to a copy of the parser keeps only the valid ones.
    """
    if error.interactive_parser is not None:
        try:
            return set(error.interactive_parser.accepts())
        except UnexpectedInput:
            pass
    return set(error.expected)


def _describe_expected(expected: set[str]) -> str:
    """Readable expectations: groups (an expression, a clause, ...) then single tokens."""
    names = set(expected)
    groups: list[str] = []
    if len(names & _EXPRESSION_START) >= 5:
        names -= _EXPRESSION_START | _EXPRESSION_EXTRA
        groups.append("an expression")
    if len(names & _OPERATORS) >= 5:
        names -= _OPERATORS
        groups.append("an operator")
    if len(names & _CLAUSE_START) >= 5:
        names -= _CLAUSE_START
        groups.append("a clause")
    if len(names & _RELATIONSHIP_START) >= 2:
        names -= _RELATIONSHIP_START
        groups.append("a relationship pattern")
    shown = sorted({_display(name) for name in names}, key=lambda word: (word[0] == "'", word))
    words = groups + shown[: max(0, _MAX_EXPECTED - len(groups))]
    if len(groups) + len(shown) > len(words):
        words.append("...")
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return "one of " + ", ".join(words)


def _display(name: str) -> str:
    if name in _DISPLAY:
        return _DISPLAY[name]
    if name.lstrip("_").isupper():
        return name.lstrip("_")
    return name


def _end_position(text: str) -> tuple[int, int]:
    lines = text.splitlines() or [""]
    if text.endswith(("\n", "\r")):
        return len(lines) + 1, 1
    return len(lines), len(lines[-1]) + 1
