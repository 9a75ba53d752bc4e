"""The local stack as users see it: status and idempotent start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from config import Settings
from deploy.local import Stack

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
    assert status["kafka"]["pid"] is not None


def test_up_again_reuses_the_running_stack(stack: Stack, settings: Settings) -> None:
    before = {s.name: s.pid for s in stack.status()}
    messages: list[str] = []
    Stack(settings.stack).up(messages.append)
    assert messages == ["stack already running"]
    assert {s.name: s.pid for s in stack.status()} == before
