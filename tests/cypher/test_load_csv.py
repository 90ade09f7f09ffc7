"""LOAD CSV end to end: Memgraph's syntax, parsing rules (src/csv/parsing.cpp), sources (files,
gzip/bzip2, HTTP), its place in a query (input pulled once), planning, timeouts and errors."""

from __future__ import annotations

import bz2
import gzip
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mgcore.cypher.parser import parse
from mgcore.errors import ClientError, CypherSemanticError, CypherSyntaxError, QueryTimeout
from mgcore.execution import QueryKind
from mgcore.session import Session


def write(path: Path, text: str) -> str:
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def rows(s: Session, query: str, **params: Any) -> list[Any]:
    """The single column of every row."""
    return [record[0] for record in s.run(query, params)]


def load(s: Session, path: str, options: str = "WITH HEADER") -> list[Any]:
    return rows(s, f"LOAD CSV FROM $path {options} AS row RETURN row", path=path)


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text",
    [
        "LOAD CSV FROM '/a.csv' WITH HEADER AS row RETURN row",
        "load csv from $file no header as row create (:N {id: row[0]})",
        "LOAD CSV FROM 'a' WITH HEADER IGNORE BAD DELIMITER ';' QUOTE \"'\" NULLIF '' AS r"
        " RETURN r",
        "LOAD CSV FROM 'a' WITH CONFIG {aws_region: 'x'} NO HEADER AS r RETURN r",
        "MATCH (n) WITH n LOAD CSV FROM 'a' NO HEADER AS r SET n.x = r[0]",
        "LOAD CSV FROM 'a' WITH HEADER AS r WITH r WHERE r.x = '1' MERGE (:N {x: r.x})",
    ],
)
def test_load_csv_parses(text: str) -> None:
    parse(text)


def test_the_new_keywords_still_name_variables_labels_and_properties(s: Session) -> None:
    names = ["header", "load", "csv", "bad", "delimiter", "quote", "nullif", "no", "from", "ignore"]
    items = ", ".join(f"{i} AS {name}" for i, name in enumerate(names))
    assert list(s.run(f"WITH {items} RETURN {', '.join(names)}").single() or []) == list(
        range(len(names))
    )
    s.run("CREATE (:Header {load: 1, csv: 2, nullif: 3})").consume()
    assert rows(s, "MATCH (n:Header) RETURN n.load + n.csv + n.nullif") == [6]


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("LOAD CSV FROM 1 WITH HEADER AS r RETURN r", CypherSemanticError, "should be a string"),
        ("LOAD CSV FROM 'a' NO HEADER DELIMITER 1 AS r RETURN r", CypherSemanticError,
         "Delimiter should be a string literal"),
        ("LOAD CSV FROM 'a' NO HEADER QUOTE [] AS r RETURN r", CypherSemanticError,
         "Quote should be a string literal"),
        ("LOAD CSV FROM 'a' WITH HEADER AS r", CypherSyntaxError, "conclude with LOAD CSV"),
        ("LOAD CSV FROM 'a' HEADER AS r RETURN r", CypherSyntaxError, "expected one of NO, WITH"),
        ("LOAD CSV FROM r.x WITH HEADER AS r RETURN r", CypherSyntaxError, "Invalid input 'r'"),
        ("LOAD CSV FROM 'a' NO HEADER QUOTE 'x' DELIMITER ';' AS r RETURN r", CypherSyntaxError,
         "Invalid input 'DELIMITER'"),
        ("LOAD CSV FROM 'a' NO HEADER AS a LOAD CSV FROM 'b' NO HEADER AS b RETURN a, b",
         CypherSemanticError, "multiple LOAD CSV"),
        ("UNWIND [1] AS x FOREACH (y IN [1] | LOAD CSV FROM 'a' NO HEADER AS r CREATE ())",
         CypherSyntaxError, "only updating clauses"),
    ],
)
def test_invalid_load_csv_is_a_syntax_or_semantic_error(
    s: Session, text: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        s.run(text).consume()
    assert rows(s, "RETURN 1") == [1]  # the session keeps serving


def test_the_row_variable_cannot_redeclare_one_in_scope(s: Session) -> None:
    with pytest.raises(CypherSyntaxError, match="Redeclaring variable: row"):
        s.run("WITH 1 AS row LOAD CSV FROM 'a' NO HEADER AS row RETURN row").consume()
    with pytest.raises(CypherSyntaxError, match="Unbound variable: x"):
        s.run("LOAD CSV FROM 'a' NO HEADER AS row WITH row RETURN x").consume()


# ------------------------------------------------------------------------------- rows


def test_with_header_rows_are_maps_of_strings(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "id,name,age\n1,Ann,30\n2,Bob,\n")
    assert load(s, path) == [
        {"id": "1", "name": "Ann", "age": "30"},
        {"id": "2", "name": "Bob", "age": ""},
    ]


def test_no_header_rows_are_lists_of_any_length(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "1,Ann\n2\n3,Cid,x,\n")
    assert load(s, path, "NO HEADER") == [["1", "Ann"], ["2"], ["3", "Cid", "x", ""]]


def test_quoted_fields_follow_memgraphs_rules(s: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path / "q.csv",
        'a,"b, with comma","say ""hi""",""\n'  # delimiter and doubled quotes inside quotes
        'x"y,"multi\nline",z\n',  # a quote inside an unquoted field; a field over two lines
    )
    assert load(s, path, "NO HEADER") == [
        ["a", "b, with comma", 'say "hi"', ""],
        ['x"y', "multiline", "z"],  # Memgraph drops the line break inside the quoted field
    ]


def test_crlf_line_endings(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "w.csv", 'id,name\r\n1,"A"\r\n2,B\r\n')
    assert load(s, path) == [{"id": "1", "name": "A"}, {"id": "2", "name": "B"}]


def test_a_blank_line_ends_the_file_as_in_memgraph(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "b.csv", "id\n1\n\n2\n")
    assert load(s, path) == [{"id": "1"}]


@pytest.mark.parametrize(
    ("options", "text", "expected"),
    [
        ("DELIMITER ';'", "1;a,b;c\n", ["1", "a,b", "c"]),
        ("DELIMITER '||'", "1||a|b||c\n", ["1", "a|b", "c"]),
        ("DELIMITER '\\t'", "1\ta b\t\n", ["1", "a b", ""]),
        ("QUOTE \"'\"", "'a,b','it''s',\"c\"\n", ["a,b", "it's", '"c"']),
        ("DELIMITER ';' QUOTE '$$'", "$$a;b$$;$$x$$$$y$$\n", ["a;b", "x$$y"]),
        ("DELIMITER '' QUOTE ''", '"a,b",c\n', ["a,b", "c"]),  # empty: the defaults
    ],
)
def test_delimiter_and_quote(
    s: Session, tmp_path: Path, options: str, text: str, expected: list[str]
) -> None:
    path = write(tmp_path / "d.csv", text)
    assert load(s, path, f"NO HEADER {options}") == [expected]


def test_nullif(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", "id,name,age\n1,,NA\n2,NA,\n")
    assert load(s, path, "WITH HEADER NULLIF ''") == [
        {"id": "1", "name": None, "age": "NA"},
        {"id": "2", "name": "NA", "age": None},
    ]
    assert load(s, path, "WITH HEADER NULLIF 'NA'") == [
        {"id": "1", "name": "", "age": None},
        {"id": "2", "name": None, "age": ""},
    ]
    assert load(s, path, "NO HEADER NULLIF 'NA'")[1:] == [["1", "", None], ["2", None, ""]]
    assert rows(
        s, "LOAD CSV FROM $p WITH HEADER NULLIF '' AS r RETURN r.name IS NULL", p=path
    ) == [True, False]


def test_duplicate_and_empty_header_names(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "a,a,,b\n1,2,3,4\n")
    assert load(s, path) == [{"a": "1", "": "3", "b": "4"}]  # the first 'a' wins


def test_an_empty_file(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "")
    assert load(s, path, "NO HEADER") == []
    with pytest.raises(ClientError, match=r"CSV file .*e\.csv empty!"):
        load(s, path)
    header_only = write(tmp_path / "h.csv", "a,b\n")
    assert load(s, header_only) == []


# -------------------------------------------------------------------------- bad rows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n1,2,3\n4,5\n", "Bad row at line 3: Expected 2 columns in row 3, but got 3"),
        ("a,b\n1,2\n1\n4,5\n", "Bad row at line 3: Expected 2 columns in row 3, but got 1"),
        ('a,b\n1,2\n"1"x,2\n4,5\n', "Bad row at line 3: CSV Reader: Expected ',' after '\"'"),
        ("a,b\n1,2\n\0,2\n4,5\n", "Bad row at line 3: CSV: Line 3 contains NULL byte"),
    ],
)
def test_a_bad_row_is_an_error_or_skipped_with_ignore_bad(
    s: Session, tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(ClientError, match=message):
        load(s, path)
    assert load(s, path, "WITH HEADER IGNORE BAD") == [{"a": "1", "b": "2"}, {"a": "4", "b": "5"}]
    assert rows(s, "RETURN 1") == [1]


def test_an_unclosed_quote_runs_to_the_end_of_the_file(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "u.csv", 'a\n1\n"2\n3\n')
    with pytest.raises(ClientError, match="Did you forget to close the quote"):
        load(s, path)
    assert load(s, path, "WITH HEADER IGNORE BAD") == [{"a": "1"}]


def test_a_bad_header_is_an_error_even_with_ignore_bad(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", '"a"b,c\n1,2\n')
    with pytest.raises(ClientError, match="CSV reading : CSV Reader: Expected ','"):
        load(s, path, "WITH HEADER IGNORE BAD")


# --------------------------------------------------------------------------- sources


def test_gzip_and_bzip2_are_decompressed_by_content(s: Session, tmp_path: Path) -> None:
    text = b"id,name\n1,Ann\n2,Bob\n"
    expected = [{"id": "1", "name": "Ann"}, {"id": "2", "name": "Bob"}]
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(text))
    (tmp_path / "b.csv.bz2").write_bytes(bz2.compress(text))
    (tmp_path / "c.csv").write_bytes(gzip.compress(text))  # the name does not matter
    for name in ("a.csv.gz", "b.csv.bz2", "c.csv"):
        assert load(s, str(tmp_path / name)) == expected


def test_an_unreadable_gzip_file_is_a_client_error(s: Session, tmp_path: Path) -> None:
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)
    with pytest.raises(ClientError, match="couldn't be read"):
        load(s, str(tmp_path / "bad.gz"))
    (tmp_path / "cut.gz").write_bytes(gzip.compress(b"a\n1\n" * 1000)[:40])
    with pytest.raises(ClientError, match="couldn't be read"):
        load(s, str(tmp_path / "cut.gz"))
    assert rows(s, "RETURN 1") == [1]


def test_a_relative_path_is_relative_to_the_working_directory(
    s: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "rel.csv", "x\n1\n")
    monkeypatch.chdir(tmp_path)
    assert rows(s, "LOAD CSV FROM 'rel.csv' WITH HEADER AS r RETURN r.x") == ["1"]


def test_a_parameter_location(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "x\n7\n")
    assert rows(s, "LOAD CSV FROM $file WITH HEADER AS r RETURN r.x", file=path) == ["7"]


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("/no/such/file.csv", "CSV file not found: /no/such/file.csv"),
        ("", "CSV file not found"),
        ("s3://bucket/x.csv", "only local files and http://, https:// and ftp:// URLs"),
        ("file:///tmp/x.csv", "only local files"),
        (42, "location to be a string, got int"),
        (None, "location to be a string, got null"),
    ],
)
def test_bad_locations_are_client_errors(s: Session, location: Any, message: str) -> None:
    with pytest.raises(ClientError, match=message):
        rows(s, "LOAD CSV FROM $p NO HEADER AS r RETURN r", p=location)
    assert rows(s, "RETURN 1") == [1]


def test_a_directory_is_a_client_error(s: Session, tmp_path: Path) -> None:
    with pytest.raises(ClientError, match="couldn't be opened! It is a directory"):
        load(s, str(tmp_path))


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    gate = threading.Event()

    def do_GET(self) -> None:  # http.server's name
        if self.path == "/slow.csv":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"n\nfirst\n")
            self.wfile.flush()
            self.gate.wait(10)
            self.wfile.write(b"second\n")
            return
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.gate.set()
    httpd.shutdown()
    httpd.server_close()


def test_an_http_url(s: Session, server: str) -> None:
    _Handler.files["/people.csv"] = b"id,name\n1,Ann\n2,Bob\n"
    _Handler.files["/people.csv.gz"] = gzip.compress(b"id,name\n3,Cid\n")
    assert load(s, f"{server}/people.csv") == [
        {"id": "1", "name": "Ann"},
        {"id": "2", "name": "Bob"},
    ]
    assert load(s, f"{server}/people.csv.gz") == [{"id": "3", "name": "Cid"}]
    with pytest.raises(ClientError, match=r"CSV was unable to be fetched from .*HTTP 404"):
        load(s, f"{server}/missing.csv")
    assert rows(s, "RETURN 1") == [1]


def test_rows_stream_before_the_source_ends(s: Session, server: str) -> None:
    _Handler.gate.clear()
    started = time.monotonic()
    query = "LOAD CSV FROM $u WITH HEADER AS r RETURN r.n"
    result = iter(s.run(query, {"u": f"{server}/slow.csv"}))
    first = next(result)[0]
    waited = time.monotonic() - started
    _Handler.gate.set()
    assert first == "first"
    assert waited < 5  # the server holds the rest back for 10 s
    assert [r[0] for r in result] == ["second"]


def test_a_stalled_url_is_interrupted_by_the_timeout(s: Session, server: str) -> None:
    _Handler.gate.clear()
    started = time.monotonic()
    try:
        with pytest.raises(QueryTimeout):
            s.execute(
                "LOAD CSV FROM $u WITH HEADER AS r RETURN count(r)", {"u": f"{server}/slow.csv"},
                timeout=0.3,
            ).consume()
    finally:
        _Handler.gate.set()
    assert time.monotonic() - started < 5


# ----------------------------------------------------------------- LOAD CSV in a query


def test_load_csv_drives_create_and_merge(s: Session, tmp_path: Path) -> None:
    people = write(tmp_path / "people.csv", "id,name,age\n100,Ann,30\n101,Bob,40\n102,Cid,\n")
    friends = write(tmp_path / "friends.csv", "100,101\n100,102\n101,102\n100,101\n")
    summary = s.run(
        "LOAD CSV FROM $p WITH HEADER NULLIF '' AS row "
        "CREATE (:Person {id: toInteger(row.id), name: row.name, age: toInteger(row.age)})",
        {"p": people},
    ).consume()
    assert summary.counters.nodes_created == 3
    assert summary.query_type is QueryKind.WRITE
    assert [n.code for n in summary.notifications] == ["LoadCSVTip"]
    s.run(
        "LOAD CSV FROM $f NO HEADER AS row "
        "MATCH (a:Person {id: toInteger(row[0])}), (b:Person {id: toInteger(row[1])}) "
        "MERGE (a)-[:FRIEND]->(b)",
        {"f": friends},
    ).consume()
    s.run(
        "LOAD CSV FROM $p WITH HEADER AS row WITH row WHERE row.age = '' "
        "MERGE (c:City {name: 'Zagreb'}) MERGE (p:Person {id: toInteger(row.id)}) "
        "MERGE (p)-[:LIVES_IN]->(c)",
        {"p": people},
    ).consume()
    assert [list(r) for r in s.run(
        "MATCH (p:Person) RETURN p.id, p.name, p.age ORDER BY p.id"
    )] == [[100, "Ann", 30], [101, "Bob", 40], [102, "Cid", None]]
    assert [list(r) for r in s.run(
        "MATCH (a)-[:FRIEND]->(b) RETURN a.id, b.id ORDER BY a.id, b.id"
    )] == [[100, 101], [100, 102], [101, 102]]
    assert rows(s, "MATCH (p)-[:LIVES_IN]->(:City) RETURN p.id") == [102]


def test_set_properties_from_a_row_map(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "id,name\n1,Ann\n")
    s.run("LOAD CSV FROM $p WITH HEADER AS row CREATE (p:P) SET p += row", {"p": path}).consume()
    assert rows(s, "MATCH (p:P) RETURN properties(p)") == [{"id": "1", "name": "Ann"}]


def test_explain_shows_the_load_csv_operator(s: Session) -> None:
    plan = rows(s, "EXPLAIN LOAD CSV FROM 'x.csv' WITH HEADER AS row CREATE (:N {id: row.id})")
    assert plan == [" * EmptyResult", " * CreateNodesAndRelationships", " * LoadCsv {row}",
                    " * Once"]
    assert rows(s, "RETURN 1") == [1]


def test_a_read_only_load_csv_is_a_read(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "1\n2\n")
    result = s.run("LOAD CSV FROM $p NO HEADER AS r RETURN count(r)", {"p": path})
    assert [r[0] for r in result] == [2]
    assert result.consume().query_type is QueryKind.READ


def test_after_a_single_row_the_rows_extend_it(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "1\n2\n")
    s.run("CREATE (:Country {name: 'HR'})").consume()
    assert [list(r) for r in s.run(
        "MATCH (c:Country) LOAD CSV FROM $p NO HEADER AS r RETURN c.name, r[0]", {"p": path}
    )] == [["HR", "1"], ["HR", "2"]]


def test_more_than_one_input_row_is_an_error(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "1\n2\n")
    with pytest.raises(ClientError, match="LOAD CSV can be executed only once"):
        rows(s, "UNWIND [1, 2] AS x LOAD CSV FROM $p NO HEADER AS r RETURN x, r", p=path)
    empty = write(tmp_path / "e.csv", "")
    assert rows(s, "UNWIND [1, 2] AS x LOAD CSV FROM $p NO HEADER AS r RETURN r", p=empty) == []


def test_no_input_row_still_reads_the_file_with_nulls(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "1\n")
    assert [list(r) for r in s.run(
        "MATCH (c:Nothing) LOAD CSV FROM $p NO HEADER AS r RETURN c, r", {"p": path}
    )] == [[None, ["1"]]]


def test_no_input_row_in_subqueries(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "1\n")
    assert [list(r) for r in s.run(
        "UNWIND [7] AS x CALL { MATCH (c:Nothing) LOAD CSV FROM $p NO HEADER AS r"
        " RETURN c, r } RETURN x, c, r", {"p": path}
    )] == [[7, None, ["1"]]]
    assert [list(r) for r in s.run(
        "UNWIND [7] AS x CALL { WITH x MATCH (c:Nothing) LOAD CSV FROM $p NO HEADER AS r"
        " RETURN c, r } RETURN x, c, r", {"p": path}
    )] == [[7, None, ["1"]]]


def test_limit_stops_reading(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "x\n1\n2\n\"3\n")  # row 3 never ends: never read
    assert rows(s, "LOAD CSV FROM $p WITH HEADER AS r RETURN r.x LIMIT 2", p=path) == ["1", "2"]


def test_load_csv_inside_a_call_subquery(s: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "1\n2\n")
    assert [list(r) for r in s.run(
        "UNWIND ['a', 'b'] AS x CALL { LOAD CSV FROM $p NO HEADER AS r RETURN r[0] AS v } "
        "RETURN x, v", {"p": path}
    )] == [["a", "1"], ["a", "2"], ["b", "1"], ["b", "2"]]


# --------------------------------------------------------------------------- timeouts


@pytest.fixture(scope="module")
def long_csv(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("long") / "long.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 3_000_000)
    return str(path)


def test_a_long_file_is_interrupted_by_the_timeout(s: Session, long_csv: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        s.execute(
            "LOAD CSV FROM $p WITH HEADER AS r RETURN count(r)", {"p": long_csv}, timeout=0.2
        ).consume()
    assert time.monotonic() - started < 2
    assert rows(s, "RETURN 1") == [1]


def test_skipping_bad_rows_is_interrupted_by_the_timeout(s: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2\n" * 3_000_000)  # every row is bad: none is yielded
    with pytest.raises(QueryTimeout):
        s.execute(
            "LOAD CSV FROM $p WITH HEADER IGNORE BAD AS r RETURN r", {"p": str(path)},
            timeout=0.2,
        ).consume()


def test_allow_load_csv_off_refuses_it(tmp_path: Path) -> None:
    import mgcore

    path = write(tmp_path / "a.csv", "1\n")
    database = mgcore.connect(data_directory=str(tmp_path / "db"), allow_load_csv=False)
    try:
        with database.session() as session:
            with pytest.raises(ClientError, match="Load CSV not allowed on this instance"):
                rows(session, "LOAD CSV FROM $p NO HEADER AS r RETURN r", p=path)
            assert rows(session, "RETURN 1") == [1]
    finally:
        database.close()
