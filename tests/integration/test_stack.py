"""The local stack as users see it: status and idempotent start."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from config import Settings, StackSettings
from deploy.local import Stack, StackError
from deploy.local.harness import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def test_status_reports_both_healthy(stack: Stack) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "stack", "status", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    status = {s["name"]: s for s in json.loads(result.stdout)}
    assert status["kafka"]["healthy"] and status["elasticsearch"]["healthy"]
    assert status["kafka"]["version"].startswith("4.")
    # A reused stack started from another checkout has no pid here; its logs are ours.
    stack_dir = str(stack.settings.dir.resolve())
    assert all(s["log_file"].startswith(stack_dir) for s in status.values())


def test_up_again_reuses_the_running_stack(stack: Stack, settings: Settings) -> None:
    before = {s.name: s.pid for s in stack.status()}
    messages: list[str] = []
    Stack(settings.stack).up(messages.append)
    assert messages == ["stack already running"]
    assert {s.name: s.pid for s in stack.status()} == before


def test_a_failed_start_names_the_component_and_its_log(stack: Stack, tmp_path: Path) -> None:
    # Kafka's port is taken by something that is not Kafka: the broker cannot bind.
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        settings = StackSettings(
            dir=tmp_path / "stack",
            kafka_port=port,
            kafka_controller_port=free_port(),
            es_port=stack.settings.es_port,  # the healthy node is reused
            start_timeout_s=60,
        )
        with pytest.raises(StackError) as info:
            Stack(settings).up()
    error = info.value
    assert error.component == "kafka"
    assert error.log_file is not None and error.log_file.exists()
    assert str(error.log_file) in str(error)
    Stack(settings).down()
