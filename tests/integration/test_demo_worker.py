"""The demo's worker in the stack's lifecycle: it stays, `stack status` lists it,
`stack down` stops it and everything it started.

The workers are recorded in a stack directory of the test's own (Kafka and
Elasticsearch are the shared ones, reached through the run's settings), so that
`stack down` there stops this test's worker and nothing else.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from deploy.local.harness import free_port, http_get
from deploy.local.workers import Workers
from tests.integration.conftest import Run
from tests.processes import descendants, wait_gone


def _cli(run: Run, stack_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**run.env(), "TINSTREAM_STACK_DIR": str(stack_dir)},
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )


def _workers(run: Run, stack_dir: Path) -> list[dict[str, object]]:
    status = _cli(run, stack_dir, "stack", "status", "--json")
    return [s for s in json.loads(status.stdout) if s.get("kind") == "worker"]


def test_the_demo_leaves_its_worker_serving_until_stack_down(run: Run, tmp_path: Path) -> None:
    stack_dir = tmp_path / "stack"
    port = free_port()
    try:
        first = _cli(run, stack_dir, "demo", "--web-port", str(port))
        assert first.returncode == 0, first.stderr[-3000:]
        assert f"http://127.0.0.1:{port}/" in first.stderr
        assert "indexed by the demo's worker" in first.stderr
        assert first.stdout.startswith('$ tinstream search "Hà Nội"')
        [worker] = _workers(run, stack_dir)
        pid = int(str(worker["pid"]))
        assert worker["alive"] is True and worker["port"] == port
        status, body = http_get(port, "/ready")
        assert status == 200 and json.loads(body)["pid"] == pid
        text = _cli(run, stack_dir, "stack", "status")
        assert f"worker-{port}" in text.stdout and f"pid={pid}" in text.stdout
        assert "alive" in text.stdout

        # A second demo: it replaces its own previous worker and checks the new one
        # indexed the samples (not that they were there already).
        second = _cli(run, stack_dir, "demo", "--web-port", str(port))
        assert second.returncode == 0, second.stderr[-3000:]
        assert f"stopping the previous demo worker (pid {pid}" in second.stderr
        assert wait_gone([pid], 10) == set()
        [worker] = _workers(run, stack_dir)
        pid = int(str(worker["pid"]))
        assert f"indexed by the demo's worker (pid {pid})" in second.stderr
        family = {pid, *(p.pid for p in descendants(pid))}

        down = _cli(run, stack_dir, "stack", "down")
        assert down.returncode == 0, down.stderr
        assert f"worker-{port}" in down.stdout
        assert wait_gone(family, 10) == set()
        assert _workers(run, stack_dir) == []
        assert http_get(port, "/health")[0] == 0
    finally:
        Workers(stack_dir).stop_all(timeout_s=10)


def test_the_demo_fails_in_one_line_when_its_port_is_taken(run: Run, tmp_path: Path) -> None:
    stack_dir = tmp_path / "stack"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _cli(run, stack_dir, "demo", "--web-port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"demo: port {port} is taken by another process; stop it or choose another port "
        "with --web-port (TINSTREAM_WORKER_WEB_PORT)"
    )
    assert Workers(stack_dir).records() == []
