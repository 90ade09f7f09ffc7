"""``mgcore serve`` as users run it: a child process that says where it listens, serves the
neo4j driver, and shuts down cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading

import pytest

neo4j = pytest.importorskip("neo4j")


def test_ready_line_names_address_engine_and_data_directory(
    serve_process, tmp_path, storage_mode
) -> None:
    proc = serve_process(f"--data-directory={tmp_path / 'here'}")
    line = next(x for x in proc.log if "listening" in x)
    assert f"127.0.0.1:{proc.port}" in line
    assert f"(engine {storage_mode}," in line
    assert str(tmp_path / "here") in line
    assert proc.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_rolls_back_open_transactions_and_exits_cleanly(serve_process, sig) -> None:
    proc = serve_process()
    driver = neo4j.GraphDatabase.driver(proc.uri, auth=None)
    try:
        driver.execute_query("CREATE (:Committed)")
        session = driver.session()
        tx = session.begin_transaction()
        tx.run("CREATE (:Uncommitted)").consume()
        assert proc.stop(sig) == 0
        with pytest.raises(neo4j.exceptions.ServiceUnavailable):  # the connection is gone
            tx.commit()
        session.close()
    finally:
        driver.close()
    assert any("Bolt server stopped" in line for line in proc.log)
    assert not any("Traceback" in line for line in proc.log), "\n".join(proc.log)


def test_shutdown_aborts_a_running_query_after_the_grace_period(serve_process) -> None:
    proc = serve_process("--bolt-shutdown-grace-sec=0.2", "--query-execution-timeout-sec=0")
    driver = neo4j.GraphDatabase.driver(proc.uri, auth=None)
    errors: list[BaseException] = []
    started = threading.Event()

    def slow() -> None:
        with driver.session() as session:
            started.set()
            try:
                session.run(
                    "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y "
                    "WITH x WHERE x < 0 RETURN count(*)"
                ).consume()
            except BaseException as exc:  # the server goes away: any driver error
                errors.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    started.wait()
    driver.execute_query("RETURN 1")  # the slow query is running on another connection
    assert proc.stop(signal.SIGTERM, timeout=30) == 0
    thread.join(30)
    driver.close()
    assert not thread.is_alive()
    assert errors, "the endless query should not have completed"
    assert any("shutting down" in line for line in proc.log)


def test_port_in_use_is_a_clear_error(tmp_path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "mgcore.cli", "serve", f"--bolt-port={port}",
             f"--data-directory={tmp_path / 'd'}"],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
