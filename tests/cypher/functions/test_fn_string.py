"""String functions (TCK String1, String3, String4) and their edge cases."""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.errors import CypherArgumentError, CypherTypeError


def test_substring(call: Any) -> None:
    assert call("substring", "0123456789", 1) == "123456789"  # TCK String1 [1]
    assert call("substring", "0123456789", 1, 3) == "123"
    assert call("substring", "0123456789", 0, 0) == ""
    assert call("substring", "abc", 5) == ""
    assert call("substring", "abc", 1, 100) == "bc"
    assert call("substring", "héllo", 1, 2) == "él"
    assert call("substring", None, 1) is None
    assert call("substring", "abc", None) is None
    assert call("substring", "abc", 1, None) == "bc"


def test_substring_errors(call: Any) -> None:
    with pytest.raises(CypherArgumentError, match="substring"):
        call("substring", "abc", -1)
    with pytest.raises(CypherArgumentError, match="length"):
        call("substring", "abc", 0, -1)
    with pytest.raises(CypherTypeError):
        call("substring", "abc", 1.0)
    with pytest.raises(CypherTypeError):
        call("substring", 123, 1)
    with pytest.raises(CypherTypeError):
        call("substring", "abc", True)


def test_left_right(call: Any) -> None:
    assert call("left", "hello", 3) == "hel"
    assert call("left", "hello", 0) == ""
    assert call("left", "hello", 10) == "hello"
    assert call("right", "hello", 3) == "llo"
    assert call("right", "hello", 0) == ""
    assert call("right", "hello", 10) == "hello"
    for name in ("left", "right"):
        assert call(name, None, 3) is None
        assert call(name, "hello", None) is None
        with pytest.raises(CypherArgumentError, match=name):
            call(name, "hello", -1)
        with pytest.raises(CypherTypeError, match=name):
            call(name, 1, 1)
        with pytest.raises(CypherTypeError, match=name):
            call(name, "hello", "1")


def test_trim(call: Any) -> None:
    assert call("trim", "  hello \t\n") == "hello"
    assert call("lTrim", "  hello  ") == "hello  "
    assert call("rTrim", "  hello  ") == "  hello"
    assert call("trim", "") == ""
    for name in ("trim", "lTrim", "rTrim"):
        assert call(name, None) is None
        with pytest.raises(CypherTypeError, match=name):
            call(name, 1)


def test_case(call: Any) -> None:
    assert call("toUpper", "hello World") == "HELLO WORLD"
    assert call("upper", "abc") == "ABC"
    assert call("toLower", "HELLO World") == "hello world"
    assert call("lower", "ABC") == "abc"
    # TCK List12 [6]: toLower over labels
    assert [call("toLower", x) for x in ["C", "B"]] == ["c", "b"]
    for name in ("toUpper", "toLower", "upper", "lower"):
        assert call(name, None) is None
        with pytest.raises(CypherTypeError):
            call(name, ["a"])


def test_replace(call: Any) -> None:
    assert call("replace", "hello", "l", "w") == "hewwo"
    assert call("replace", "hello", "", "-") == "-h-e-l-l-o-"
    assert call("replace", "hello", "x", "y") == "hello"
    nulls: list[tuple[Any, ...]] = [(None, "l", "w"), ("hello", None, "w"), ("hello", "l", None)]
    for args in nulls:
        assert call("replace", *args) is None
    bad: list[tuple[int, tuple[Any, ...]]] = [
        (1, (1, "l", "w")),
        (2, ("hello", 1, "w")),
        (3, ("hello", "l", 1)),
    ]
    for pos, wrong in bad:
        with pytest.raises(CypherTypeError, match=f"argument {pos}"):
            call("replace", *wrong)


def test_split(call: Any) -> None:
    assert call("split", "one1two", "1") == ["one", "two"]  # TCK String4 [1]
    assert len(call("split", "one1two", "1")) == 2
    assert call("split", "a,b,,c,", ",") == ["a", "b", "", "c", ""]
    assert call("split", "abc", "") == ["a", "b", "c"]
    assert call("split", "", ",") == [""]
    assert call("split", "", "") == [""]
    assert call("split", None, ",") is None
    assert call("split", "a", None) is None
    with pytest.raises(CypherTypeError, match="argument 1"):
        call("split", 1, ",")
    with pytest.raises(CypherTypeError, match="argument 2"):
        call("split", "a,b", [","])


def test_reverse(call: Any) -> None:
    assert call("reverse", "raksO") == "Oskar"  # TCK String3 [1]
    assert call("reverse", "") == ""
    assert call("reverse", [1, 2, 3]) == [3, 2, 1]
    assert call("reverse", (1, 2)) == [2, 1]
    assert call("reverse", []) == []
    assert call("reverse", None) is None
    original = [1, 2]
    call("reverse", original)
    assert original == [1, 2]
    with pytest.raises(CypherTypeError, match="reverse"):
        call("reverse", 12)
