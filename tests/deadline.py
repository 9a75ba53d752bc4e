"""Run a command under an overall deadline, and say what hung when it runs out.

``python -m tests.deadline --seconds 1500 --name pytest -- pytest tests``

The command runs in a process group of its own; at the deadline the whole group
gets SIGTERM, then SIGKILL ten seconds later, and this exits 124 with one line
naming the command and, from the progress file the suite's conftest keeps
(``TINSTREAM_TEST_PROGRESS``), the test that was running (or "pytest is exiting"
when every test had finished). Otherwise it exits with the command's own code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

TIMED_OUT = 124


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.deadline", description=__doc__)
    parser.add_argument("--seconds", type=float, required=True, help="the overall deadline")
    parser.add_argument("--name", required=True, help="what to call the command when it hangs")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    progress = os.environ.get("TINSTREAM_TEST_PROGRESS")
    if progress:
        Path(progress).unlink(missing_ok=True)
    process = subprocess.Popen(command, start_new_session=True)
    try:
        return process.wait(args.seconds)
    except subprocess.TimeoutExpired:
        where = ""
        if progress and Path(progress).exists():
            where = f"; it was at: {Path(progress).read_text(encoding='utf-8').strip()}"
        sys.stderr.write(
            f"DEADLINE: {args.name} did not finish within {args.seconds:.0f} s{where}; "
            "stopping it\n"
        )
        sys.stderr.flush()
        _stop_group(process)
        return TIMED_OUT
    except KeyboardInterrupt:
        _stop_group(process)
        return 130
    finally:
        if process.poll() is None:
            _stop_group(process)


if __name__ == "__main__":
    sys.exit(main())
