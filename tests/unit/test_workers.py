"""The stack's record of the workers it started: start detached, list, stop the group."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

from deploy.local.stack import Stack
from deploy.local.workers import Workers, describe, port_free
from tests.processes import wait_gone

# A stand-in worker: a process that starts a child in its own group and waits.
_SLEEPER = (
    "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
    "'import time; time.sleep(300)']); time.sleep(300)"
)


def test_a_started_worker_is_recorded_listed_and_stopped_with_its_children(
    tmp_path: Path,
) -> None:
    from tests.processes import descendants

    workers = Workers(tmp_path)
    record = workers.start([sys.executable, "-c", _SLEEPER], port=40123, env=dict(os.environ))
    try:
        [listed] = workers.records()
        assert (listed.pid, listed.port, listed.alive) == (record.pid, 40123, True)
        assert listed.url == "http://127.0.0.1:40123/"
        assert "alive" in describe(listed) and "port 40123" in describe(listed)
        for _ in range(100):
            children = descendants(record.pid)
            if children:
                break
            time.sleep(0.05)  # polling interval: the child starts within a second
        family = {record.pid, *(p.pid for p in children)}
        assert len(family) == 2
        assert workers.stop_all(timeout_s=5) == ["worker-40123"]
        assert wait_gone(family, 5) == set()
        assert workers.records() == []
        assert record.log_file.exists()  # the log stays
    finally:
        workers.stop_all(timeout_s=1)


def test_stack_down_stops_the_workers_first(tmp_path: Path) -> None:
    from config import StackSettings

    stack = Stack(StackSettings(dir=tmp_path, kafka_port=1, es_port=1))
    record = stack.workers.start([sys.executable, "-c", _SLEEPER], port=40124, env=dict(os.environ))
    try:
        assert stack.down() == ["worker-40124"]
        assert wait_gone([record.pid], 5) == set()
        assert not record.alive
    finally:
        stack.workers.stop_all(timeout_s=1)


def test_a_listened_port_is_not_free() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert not port_free("127.0.0.1", port)
    assert port_free("127.0.0.1", port)
