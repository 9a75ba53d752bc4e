"""Suite-wide guards: no process a test started outlives the run, and a hang can be named.

- At the end of the session every process still running below pytest in pytest's
  own session is killed and the run fails, naming them: a worker or pool process
  left behind is a bug, and at interpreter exit it could hold the run open. (The
  local stack's servers run in sessions of their own and are stopped by whoever
  started them.)
- With ``TINSTREAM_TEST_PROGRESS`` set (``make test`` sets it), the node id of the
  test running now is kept in that file, so that the overall deadline of
  ``tests/deadline.py`` can say what hung.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import processes

_PROGRESS = os.environ.get("TINSTREAM_TEST_PROGRESS")


def _progress(text: str) -> None:
    if _PROGRESS:
        Path(_PROGRESS).write_text(text + "\n", encoding="utf-8")


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _progress(f"test {nodeid}")


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _progress(f"between tests, after {nodeid}")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    me = os.getpid()
    own_session = os.getsid(me)
    left = [p for p in processes.descendants(me) if p.session == own_session]
    if left:
        lines = "\n".join(f"  pid {p.pid}: {p.cmdline}" for p in left)
        processes.kill(p.pid for p in left)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"processes left running by the tests (now killed):\n{lines}"
        if reporter is not None:
            reporter.write_line(message, red=True)
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    _progress("after the last test: pytest is exiting")
